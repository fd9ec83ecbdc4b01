// The audio player: the meeting's MP3 (streamed with Range requests by the browser) under its
// waveform. The waveform is a slider: click or tap to seek; arrow keys move 5 s, Page Up/Down
// 30 s, Home/End to the ends, Space plays or pauses.

import {audioNeedsFetch, audioUrl, blob, transcriptPath} from './api.js';
import {h} from './dom.js';
import {clock} from './format.js';

export function createPlayer(id, {waveform, duration}) {
  const audio = h('audio', {controls: true, preload: 'auto', class: 'audio'});
  const canvas = h('canvas', {class: 'waveform-canvas', 'aria-hidden': 'true'});
  const slider = h('div', {class: 'waveform', role: 'slider', tabindex: 0, 'aria-label': 'Seek in the recording',
    'aria-valuemin': 0, 'aria-valuemax': Math.round(duration), 'aria-valuenow': 0}, canvas);
  const listeners = new Set();
  let objectUrl = null;

  if (audioNeedsFetch()) {
    blob(transcriptPath(id, '/audio/mp3'))
      .then((data) => { objectUrl = URL.createObjectURL(data); audio.src = objectUrl; })
      .catch(() => {});
  } else {
    audio.src = audioUrl(id);
  }
  const total = () => (Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : duration);
  const seek = (seconds) => {
    audio.currentTime = Math.max(0, Math.min(seconds, total() || seconds));
    draw();
  };
  const draw = () => drawWaveform(canvas, waveform ?? [], total() ? audio.currentTime / total() : 0);
  const update = () => {
    draw();
    slider.setAttribute('aria-valuenow', String(Math.round(audio.currentTime)));
    slider.setAttribute('aria-valuemax', String(Math.round(total())));
    slider.setAttribute('aria-valuetext', `${clock(audio.currentTime)} of ${clock(total())}`);
    for (const listener of listeners) listener(audio.currentTime);
  };
  let frame = 0;
  const tick = () => {
    update();
    frame = audio.paused ? 0 : requestAnimationFrame(tick);
  };
  audio.addEventListener('play', () => { if (!frame) frame = requestAnimationFrame(tick); });
  for (const name of ['timeupdate', 'seeked', 'loadedmetadata']) audio.addEventListener(name, update);

  slider.addEventListener('click', (event) => {
    const box = slider.getBoundingClientRect();
    seek(((event.clientX - box.left) / box.width) * total());
  });
  slider.addEventListener('keydown', (event) => {
    const steps = {ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30};
    if (event.key in steps) seek(audio.currentTime + steps[event.key]);
    else if (event.key === 'Home') seek(0);
    else if (event.key === 'End') seek(total());
    else if (event.key === ' ') {
      if (audio.paused) audio.play().catch(() => {});
      else audio.pause();
    } else return;
    event.preventDefault();
  });
  const resize = new ResizeObserver(draw);
  resize.observe(slider);

  const element = h('div', {class: 'player'}, slider, audio);
  return {
    element,
    audio,
    seek,
    // listener(currentTime), called while playing and after every seek; returns the way to stop.
    onTime(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      cancelAnimationFrame(frame);
      resize.disconnect();
      audio.pause();
      audio.removeAttribute('src');
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    },
  };
}

function drawWaveform(canvas, data, played) {
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  if (!width || !height) return;
  const scale = window.devicePixelRatio || 1;
  if (canvas.width !== Math.round(width * scale)) canvas.width = Math.round(width * scale);
  if (canvas.height !== Math.round(height * scale)) canvas.height = Math.round(height * scale);
  const context = canvas.getContext('2d');
  context.setTransform(scale, 0, 0, scale, 0, 0);
  context.clearRect(0, 0, width, height);
  const styles = getComputedStyle(canvas);
  const playedColor = styles.getPropertyValue('--wave-played').trim() || '#1b4f8c';
  const restColor = styles.getPropertyValue('--wave-rest').trim() || '#8a9bb0';
  const bars = data.length || 1;
  const barWidth = width / bars;
  for (let i = 0; i < data.length; i++) {
    const value = Math.max(0.02, Math.min(1, Number(data[i]) || 0));
    const barHeight = value * (height - 4);
    context.fillStyle = (i + 0.5) / bars <= played ? playedColor : restColor;
    context.fillRect(i * barWidth, (height - barHeight) / 2, Math.max(1, barWidth - 1), barHeight);
  }
  context.fillStyle = '#111';
  context.fillRect(Math.min(width - 2, played * width), 0, 2, height);
}
