// Downloads of a meeting: WebVTT, plain text and JSON (GET /v1/transcripts/{id} in that
// transcript_format) and the MP3.

import {audioNeedsFetch, audioUrl, blob, get, transcriptPath} from './api.js';
import {h} from './dom.js';

function save(data, fileName) {
  const url = URL.createObjectURL(data);
  const link = h('a', {href: url, download: fileName, hidden: true});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function slug(t) {
  const base = (t.title || t.name || 'meeting').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return base || 'meeting';
}

export function downloadButtons(id, t, withAudio) {
  const formats = [
    ['WebVTT', 'webvtt-named', 'vtt', 'text/vtt'],
    ['Text', 'text', 'txt', 'text/plain'],
    ['JSON', 'json', 'json', 'application/json'],
  ];
  const buttons = formats.map(([label, format, extension, type]) => h('button', {
    type: 'button', class: 'button button-quiet button-small',
    onclick: async () => {
      const answer = await get(transcriptPath(id, `?transcript_format=${format}`));
      delete answer.dag_status;
      const text = format === 'json' ? JSON.stringify(answer, null, 2) : answer.transcript;
      save(new Blob([text], {type}), `${slug(t)}.${extension}`);
    },
  }, label));
  if (withAudio) {
    const mp3 = audioNeedsFetch()
      ? h('button', {type: 'button', class: 'button button-quiet button-small',
        onclick: async () => save(await blob(transcriptPath(id, '/audio/mp3')), `${slug(t)}.mp3`)}, 'MP3')
      : h('a', {class: 'button button-quiet button-small', href: audioUrl(id), download: `${slug(t)}.mp3`}, 'MP3');
    buttons.push(mp3);
  }
  return h('div', {class: 'downloads', role: 'group', 'aria-label': 'Downloads'}, h('span', {class: 'downloads-label'}, 'Download:'), buttons);
}
