#!/usr/bin/env python3
"""Synthesises a long meeting for `scripts/bench long`: one WebM/Opus track per speaker.

Usage: make_long_meeting.py MINUTES SPEAKERS OUT_DIR

The lines of the scripted meetings in bench/summaries/corpus (all of them, in file order, again
from the start when they run out) are spoken with flite in turn by SPEAKERS participants (line
j by participant j % SPEAKERS, voices kal16, awb, slt, rms), GAP_SECONDS apart, until MINUTES
minutes are filled; so each participant speaks about 1/SPEAKERS of the time and its track holds
silence while the others speak. Track i joins the meeting at min(i, its first line) seconds
(the container's start time, as Daily's raw tracks), so every track but the first needs padding.
Writes OUT_DIR/track_<i>.webm (mono 48 kHz libopus 32 kb/s, like Daily's raw tracks) and
OUT_DIR/script.json: {"minutes", "speakers", "joins": [seconds], "lines": [{"speaker", "start",
"end", "text"}]} with times on the meeting timeline. Memory does not grow with MINUTES (tracks
are written as they are spoken). Standard library, flite and ffmpeg only.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "summaries"))
from make_meeting import DEFAULT_VOICES, GAP_SECONDS, RATE, parse, speak  # noqa: E402

CORPUS = os.path.join(HERE, "..", "summaries", "corpus")


def corpus_lines():
    lines = []
    for path in sorted(glob.glob(os.path.join(CORPUS, "*.txt"))):
        lines.extend(text for _, text in parse(path)[1])
    if not lines:
        sys.exit(f"no lines in {CORPUS}")
    return lines


def synthesise(minutes, speakers, work):
    """Writes one 16 kHz WAV per speaker; returns the script (lines on the meeting timeline)."""
    total = minutes * 60 * RATE
    texts = corpus_lines()
    gap = b"\0\0" * int(GAP_SECONDS * RATE)
    wavs = []
    for i in range(speakers):
        w = wave.open(os.path.join(work, f"track_{i}.wav"), "wb")
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        wavs.append(w)
    joins = [None] * speakers  # the sample a track joins at, decided at its first line
    script, position, j = [], 0, 0

    def write(i, data):
        # Samples before the track joins are not in its file.
        if joins[i] is None:
            return
        skip = max(0, joins[i] - position) * 2
        wavs[i].writeframes(data[skip:])

    while True:
        speaker, text = j % speakers, texts[j % len(texts)]
        speech = speak(DEFAULT_VOICES[speaker % len(DEFAULT_VOICES)], text, work, j)
        os.remove(os.path.join(work, f"line{j}.wav"))
        length = len(speech) // 2
        if position + length > total:
            break
        if joins[speaker] is None:
            joins[speaker] = min(speaker * RATE, position)
            # Silence from the join to this line.
            wavs[speaker].writeframes(b"\0\0" * (position - joins[speaker]))
        for i in range(speakers):
            write(i, speech if i == speaker else b"\0" * len(speech))
        script.append({"speaker": speaker, "start": position / RATE, "end": (position + length) / RATE,
                       "text": text})
        position += length
        step = min(len(gap) // 2, total - position)
        for i in range(speakers):
            write(i, gap[: step * 2])
        position += step
        j += 1
    for i in range(speakers):
        if joins[i] is None:  # never spoke: silent from its join
            joins[i] = min(i * RATE, position)
            wavs[i].writeframes(b"\0\0" * (position - joins[i]))
        wavs[i].writeframes(b"\0\0" * (total - position))
        wavs[i].close()
    return {"minutes": minutes, "speakers": speakers, "joins": [n / RATE for n in joins], "lines": script}


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    minutes, speakers, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    if minutes <= 0 or speakers <= 0:
        sys.exit("MINUTES and SPEAKERS must be positive")
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        script = synthesise(minutes, speakers, work)
        for i, join in enumerate(script["joins"]):
            print(f"encoding track {i} (joins at {join:.2f} s)", file=sys.stderr)
            subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-i", os.path.join(work, f"track_{i}.wav"),
                            "-af", "aresample=48000", "-ac", "1", "-c:a", "libopus", "-b:a", "32k",
                            "-output_ts_offset", f"{join:.6f}", os.path.join(out, f"track_{i}.webm")],
                           check=True)
    with open(os.path.join(out, "script.json"), "w", encoding="utf-8") as f:
        json.dump(script, f)


if __name__ == "__main__":
    main()
