// The transcript: passages coloured by speaker with the participants' names, the word under the
// playhead highlighted, each passage's time a button that seeks there; the speakers' names can
// be changed (participants CRUD) and a passage, or the words selected in it, given to another
// speaker (PATCH …/speaker/assign).

import {patch, post, transcriptPath} from './api.js';
import {announce, h, notice, replace} from './dom.js';
import {clock, passages, speakerName, wordAt} from './format.js';

const kSpeakerColours = 6;

// words: [{text, start, end, speaker}] sorted by start; follow(listener) registers for the
// player's time; seek(seconds) moves the player; onChanged(): reload after an edit.
export function renderTranscript({id, words, participants, follow, seek, onChanged}) {
  const speakers = [...new Set([...words.map((w) => w.speaker), ...participants.map((p) => p.speaker).filter(Number.isInteger)])]
    .sort((a, b) => a - b);
  const context = {id, participants, speakers, seek, onChanged, wordSpans: []};
  const body = h('div', {class: 'passages'}, passages(words).map((passage) => renderPassage(context, passage)));
  const legend = h('ul', {class: 'speakers', 'aria-label': 'Speakers'}, speakers.map((s) => renderSpeaker(context, s)));

  let current = -1;
  follow?.((time) => {
    const index = wordAt(words, time);
    if (index === current) return;
    context.wordSpans[current]?.classList.remove('word-current');
    context.wordSpans[index]?.classList.add('word-current');
    current = index;
  });
  return h('div', {class: 'transcript'}, legend,
    words.length ? body : h('p', {}, 'No words were recognised in this recording.'));
}

function renderPassage(context, passage) {
  const name = speakerName(passage.speaker, context.participants);
  const text = h('p', {class: 'passage-text'});
  for (const word of passage.words) {
    const span = h('span', {class: 'word', dataset: {start: word.start}, onclick: () => context.seek?.(word.start)}, word.text.trim());
    context.wordSpans.push(span);
    text.append(span, ' ');
  }
  const slot = h('div', {class: 'assign-slot'});
  const change = h('button', {type: 'button', class: 'button button-quiet button-small'}, 'Change speaker');
  change.addEventListener('click', () => replace(slot, assignForm(context, passage, selectedRange(text, passage), slot, change)));
  return h('section', {class: `passage speaker-${passage.speaker % kSpeakerColours}`, 'aria-label': `${name} at ${clock(passage.start)}`},
    h('div', {class: 'passage-head'},
      h('span', {class: 'passage-speaker'}, name),
      h('button', {type: 'button', class: 'time-button', 'aria-label': `Play from ${clock(passage.start)}`,
        onclick: () => context.seek?.(passage.start)}, clock(passage.start)),
      change),
    text, slot);
}

// "Words 0:05–0:09 were said by [speaker]": PATCH …/speaker/assign.
function assignForm(context, passage, range, slot, opener) {
  const selectId = `assign-${Math.round(range.from * 100)}`;
  const select = h('select', {id: selectId},
    context.speakers.map((s) => h('option', {value: s, selected: s === passage.speaker}, speakerName(s, context.participants))));
  const message = h('div');
  const close = () => {
    replace(slot);
    opener.focus();
  };
  const form = h('form', {class: 'inline-form'},
    h('label', {for: selectId}, `Words ${clock(range.from)}–${clock(range.to)} were said by`), select,
    h('button', {type: 'submit', class: 'button button-small'}, 'Assign'),
    h('button', {type: 'button', class: 'button button-quiet button-small', onclick: close}, 'Cancel'), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await patch(transcriptPath(context.id, '/speaker/assign'),
        {speaker: Number(select.value), timestamp_from: range.from, timestamp_to: range.to});
      announce('Speaker changed');
      context.onChanged();
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  });
  queueMicrotask(() => select.focus());
  return form;
}

// A speaker in the legend with a Rename button that turns into a form: PATCH the participant,
// or POST one for a speaker that has none.
function renderSpeaker(context, speaker) {
  const participant = context.participants.find((p) => p.speaker === speaker);
  const name = speakerName(speaker, context.participants);
  const item = h('li', {class: `speaker speaker-${speaker % kSpeakerColours}`});
  const show = () => {
    const rename = h('button', {type: 'button', class: 'button button-quiet button-small', 'aria-label': `Rename ${name}`, onclick: edit}, 'Rename');
    replace(item, h('span', {class: 'speaker-chip', 'aria-hidden': 'true'}), h('span', {class: 'speaker-name'}, name), rename);
    return rename;
  };
  const edit = () => {
    const inputId = `speaker-name-${speaker}`;
    const input = h('input', {id: inputId, value: participant?.name ?? '', required: true, autocomplete: 'off'});
    const message = h('div');
    const form = h('form', {class: 'inline-form'},
      h('label', {for: inputId}, `New name for ${name}`), input,
      h('button', {type: 'submit', class: 'button button-small'}, 'Save'),
      h('button', {type: 'button', class: 'button button-quiet button-small', onclick: () => show().focus()}, 'Cancel'), message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const newName = input.value.trim();
      if (!newName) return;
      try {
        if (participant) await patch(transcriptPath(context.id, `/participants/${encodeURIComponent(participant.id)}`), {name: newName});
        else await post(transcriptPath(context.id, '/participants'), {speaker, name: newName});
        announce(`${name} renamed to ${newName}`);
        context.onChanged();
      } catch (error) {
        replace(message, notice('error', error.message));
      }
    });
    replace(item, form);
    input.focus();
    input.select();
  };
  show();
  return item;
}

// The time span of the words selected inside `text`, else the whole passage.
function selectedRange(text, passage) {
  const selection = window.getSelection();
  if (selection && !selection.isCollapsed && text.contains(selection.anchorNode) && text.contains(selection.focusNode)) {
    const starts = [...text.querySelectorAll('.word')]
      .filter((span) => selection.containsNode(span, true))
      .map((span) => Number(span.dataset.start));
    if (starts.length) {
      const first = Math.min(...starts);
      const last = Math.max(...starts);
      const lastWord = passage.words.find((w) => w.start === last);
      return {from: first, to: lastWord ? lastWord.end : last};
    }
  }
  return {from: passage.start, to: passage.end};
}
