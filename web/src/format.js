// Formatting shared by the views; pure functions (tested with node --test).

// 75.4 -> "1:15", 3725 -> "1:02:05".
export function clock(seconds) {
  const total = Math.max(0, Math.floor(Number(seconds) || 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

// A step's duration: 0.42 -> "0.4 s", 75 -> "1:15".
export function stepDuration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  return seconds < 60 ? `${seconds.toFixed(1)} s` : clock(seconds);
}

// An ISO time as the reader's local date and time.
export function dateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
}

// "pad_track" -> "Pad track".
export function stepName(name) {
  const words = String(name).replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// "alice-meeting.webm" -> "alice-meeting".
export function baseName(fileName) {
  const name = String(fileName).replace(/^.*[\\/]/, '');
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

// A speaker's display name: the participant's name, else "Speaker N".
export function speakerName(speaker, participants) {
  const participant = (participants ?? []).find((p) => p.speaker === speaker);
  return participant && participant.name ? participant.name : `Speaker ${speaker}`;
}

// Consecutive words of one speaker as one passage: [{speaker, start, end, words}].
export function passages(words) {
  const result = [];
  for (const word of words) {
    const last = result[result.length - 1];
    if (last && last.speaker === word.speaker) {
      last.words.push(word);
      last.end = word.end;
    } else {
      result.push({speaker: word.speaker, start: word.start, end: word.end, words: [word]});
    }
  }
  return result;
}

// The index of the word being spoken at `time` (the last word that started at or before it,
// while it lasts), or -1.
export function wordAt(words, time) {
  let low = 0;
  let high = words.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (words[middle].start <= time) {
      found = middle;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  if (found >= 0 && time > words[found].end + 0.25) return -1;
  return found;
}
