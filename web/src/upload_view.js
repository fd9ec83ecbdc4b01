// New meeting (#/new): one audio file per participant, each named (the file name by default),
// uploaded with a progress bar (POST /v1/transcripts, then POST …/tracks with one file part per
// participant named after them); then the meeting's page.

import {post, transcriptPath, upload} from './api.js';
import {announce, h, notice, replace} from './dom.js';
import {baseName} from './format.js';

export function showUpload(main) {
  const tracks = []; // {file, name}
  const rows = h('ol', {class: 'tracks', 'aria-label': 'Tracks'});
  const message = h('div', {class: 'upload-message'});
  const progress = h('progress', {max: 100, value: 0, id: 'upload-progress', hidden: true});
  const progressLabel = h('label', {for: 'upload-progress', hidden: true}, 'Upload progress');
  const meetingName = h('input', {id: 'meeting-name', name: 'name', required: true, autocomplete: 'off', value: defaultName()});
  const fileInput = h('input', {type: 'file', id: 'track-files', multiple: true, accept: 'audio/*,video/webm,.webm,.ogg,.opus,.wav,.mp3,.m4a,.flac'});
  const submit = h('button', {type: 'submit', class: 'button'}, 'Upload and process');

  const addFiles = (files) => {
    for (const file of files) tracks.push({file, name: baseName(file.name)});
    drawRows();
    announce(`${tracks.length} track${tracks.length === 1 ? '' : 's'} chosen`);
  };
  const drawRows = () => {
    replace(rows, tracks.map((track, index) => {
      const id = `track-name-${index}`;
      const input = h('input', {id, value: track.name, required: true, autocomplete: 'off'});
      input.addEventListener('input', () => { track.name = input.value; });
      const remove = h('button', {type: 'button', class: 'button button-quiet', 'aria-label': `Remove ${track.file.name}`}, 'Remove');
      remove.addEventListener('click', () => {
        tracks.splice(index, 1);
        drawRows();
        fileInput.focus();
      });
      return h('li', {class: 'track'},
        h('label', {for: id}, 'Participant'), input,
        h('span', {class: 'track-file'}, `${track.file.name} (${megabytes(track.file.size)})`), remove);
    }));
  };

  const drop = h('div', {class: 'drop-zone'},
    h('p', {}, 'Drop one audio file per participant here, or'),
    h('label', {for: 'track-files', class: 'button button-quiet'}, 'Choose files'), fileInput);
  fileInput.addEventListener('change', () => {
    addFiles([...fileInput.files]);
    fileInput.value = '';
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('drop-active');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('drop-active'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('drop-active');
    addFiles([...event.dataTransfer.files]);
  });

  const form = h('form', {class: 'upload', novalidate: true},
    h('div', {class: 'field'}, h('label', {for: 'meeting-name'}, 'Meeting name'), meetingName),
    drop, rows, message, progressLabel, progress, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const problem = checkTracks(meetingName.value, tracks);
    if (problem) {
      replace(message, notice('error', problem));
      return;
    }
    submit.disabled = true;
    progress.hidden = progressLabel.hidden = false;
    replace(message, notice('info', 'Uploading…'));
    try {
      const created = await post('/v1/transcripts', {name: meetingName.value.trim(), source_kind: 'file'});
      const body = new FormData();
      for (const track of tracks) body.append(track.name.trim(), track.file, track.file.name);
      await upload(transcriptPath(created.id, '/tracks'), body, (sent, total) => {
        progress.value = Math.round((100 * sent) / total);
      });
      progress.value = 100;
      location.hash = `#/meetings/${encodeURIComponent(created.id)}`;
    } catch (error) {
      replace(message, notice('error', `The upload failed: ${error.message}`));
      submit.disabled = false;
    }
  });

  replace(main, h('h1', {}, 'New meeting'),
    h('p', {class: 'lead'}, 'Each participant’s own recording, one file each (WebM, Ogg, WAV, MP3, M4A…).'), form);
}

function checkTracks(name, tracks) {
  if (!name.trim()) return 'Give the meeting a name.';
  if (tracks.length === 0) return 'Choose at least one audio file.';
  const names = tracks.map((t) => t.name.trim());
  if (names.some((n) => !n)) return 'Name every participant.';
  const twice = names.find((n, i) => names.indexOf(n) !== i);
  if (twice) return `Two tracks are named “${twice}”: each participant needs a name of their own.`;
  return null;
}

function defaultName() {
  return `Meeting ${new Date().toLocaleDateString(undefined, {dateStyle: 'medium'})}`;
}

function megabytes(bytes) {
  return `${(bytes / 1048576).toFixed(bytes < 1048576 ? 2 : 1)} MB`;
}
