# The meetings scripts/bench synthesises and how `reflector` runs on them. Sourced by scripts/bench
# (uses its usage() and common.sh's say, die and install_packages); do not run it.

# The speech each synthetic participant repeats (flite voices differ per track).
SENTENCES=(
  "Good morning everyone. Let us review the budget for the new project and the schedule for the next quarter."
  "Thanks. The budget looks fine, but the schedule is very tight and we need two more engineers."
  "I agree. We should hire before the release, otherwise testing will slip by at least a month."
  "Let me summarise the decisions. We keep the budget, we hire two engineers, and we meet again next week."
)
VOICES=(kal16 awb slt rms)

# make_meeting DIR MINUTES TRACKS: track_<i>.webm, mono 48 kHz libopus 32 kb/s like Daily raw
# tracks. Participants take turns (one sentence each, then silence while the others speak) and
# track i joins at 1 + 3i seconds (-output_ts_offset), so every track needs padding.
make_meeting() {
  local dir=$1 minutes=$2 tracks=$3 i
  local work
  work=$(mktemp -d)
  mkdir -p "$dir"
  for ((i = 0; i < tracks; i++)); do
    local n=$((i % ${#SENTENCES[@]}))
    flite -voice "${VOICES[$n]}" -t "${SENTENCES[$n]}" -o "$work/s$i.wav"
  done
  # One turn lasts as long as the longest sentence plus a pause.
  local turn
  turn=$(for ((i = 0; i < tracks; i++)); do
    ffprobe -v error -show_entries format=duration -of csv=p=0 "$work/s$i.wav"
  done | sort -g | tail -n 1 | awk '{printf "%.3f", $1 + 0.5}')
  for ((i = 0; i < tracks; i++)); do
    # One cycle: silence until this participant's turn, the sentence, silence to the cycle end.
    local lead cycle offset
    lead=$(awk -v t="$turn" -v i="$i" 'BEGIN {printf "%d", t * i * 1000}')
    cycle=$(awk -v t="$turn" -v n="$tracks" 'BEGIN {printf "%.3f", t * n}')
    offset=$((1 + 3 * i))
    ffmpeg -nostdin -v error -y -i "$work/s$i.wav" \
      -af "aresample=48000,adelay=delays=${lead}:all=1,apad=whole_dur=${cycle}" -ac 1 "$work/c$i.wav"
    say "encoding track $i (${minutes} min, joins at ${offset} s)"
    ffmpeg -nostdin -v error -y -stream_loop -1 -i "$work/c$i.wav" -t $((minutes * 60)) \
      -c:a libopus -b:a 32k -output_ts_offset "$offset" "$work/track_$i.webm"
    mv "$work/track_$i.webm" "$dir/track_$i.webm"
  done
  rm -rf "$work"
  touch "$dir/.complete"
}

# in_process_env DIR: sets IN_PROCESS_ENV, the settings of `reflector` on the embedded default
# with a throwaway database and files in DIR: PocketSphinx, the in-process engine, SQLite, local
# files, the offline summariser. Run it from DIR so that nothing is read from ./.env.
in_process_env() {
  IN_PROCESS_ENV=(DATA_DIR="$1/data" DATABASE_URL="sqlite://$1/data/reflector.sqlite3"
    TRANSCRIPT_BACKEND=pocketsphinx TRANSCRIPT_STORAGE_BACKEND=local CONDUCTOR_ENABLED=false LLM_URL=)
}

# parse_meeting_size ARGS...: --minutes and --speakers (defaults: MINUTES and SPEAKERS as set by
# the caller) into MINUTES and SPEAKERS.
parse_meeting_size() {
  while [ $# -gt 0 ]; do
    case $1 in
      --minutes) [ $# -ge 2 ] || usage; MINUTES=$2; shift 2 ;;
      --speakers) [ $# -ge 2 ] || usage; SPEAKERS=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  [[ $MINUTES =~ ^[0-9]+$ && $MINUTES -gt 0 ]] || die "--minutes needs a positive whole number"
  [[ $SPEAKERS =~ ^[0-9]+$ && $SPEAKERS -gt 0 ]] || die "--speakers needs a positive whole number"
}

# ensure_long_meeting MINUTES SPEAKERS: sets LONG_MEETING to the folder of a meeting of MINUTES
# minutes with SPEAKERS participants taking turns, each track silent except its own turns
# (bench/long/make_long_meeting.py speaks the lines of bench/summaries/corpus with flite), made
# once: ${REFLECTOR_CACHE_DIR:-~/.cache/reflector}/bench/long-<minutes>m-<speakers>s-<hash>.
ensure_long_meeting() {
  local minutes=$1 speakers=$2 key
  install_packages ffmpeg flite python3
  key=$(cat bench/summaries/corpus/*.txt bench/summaries/make_meeting.py bench/long/make_long_meeting.py |
    sha256sum | cut -c1-16)
  LONG_MEETING="$REFLECTOR_CACHE_DIR/bench/long-${minutes}m-${speakers}s-$key"
  if [ ! -f "$LONG_MEETING/.complete" ]; then
    say "synthesising a ${minutes}-minute meeting of ${speakers} speakers in $LONG_MEETING"
    rm -rf "$LONG_MEETING" "$LONG_MEETING.tmp"
    python3 bench/long/make_long_meeting.py "$minutes" "$speakers" "$LONG_MEETING.tmp"
    mv "$LONG_MEETING.tmp" "$LONG_MEETING"
    touch "$LONG_MEETING/.complete"
  fi
}
