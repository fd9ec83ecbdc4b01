// The finished meeting page in the browser test: title, speakers, topics and summaries against
// the API; the player (waveform, topic and keyboard seeks, the audio's 206 answers, the word
// under the playhead moving while it plays); the downloads; editing the title, renaming a
// speaker and giving a passage to another; no horizontal scrolling on a phone.

import assert from 'node:assert/strict';
import fs from 'node:fs';

import {waitFor} from './support.mjs';

export const kDesktop = {width: 1280, height: 860};
export const kPhone = {width: 390, height: 844};

// Whether the page scrolls sideways at its current size.
export const scrollsSideways = (page) =>
  page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

export async function checkFinishedPage(page, api, id, shots, log) {
  // The player's Range requests: the server (a fresh one, whose only audio client is this page
  // until the MP3 download below) counts its 206 answers in /metrics.
  const partial = async () => {
    const text = await (await page.request.get(new URL('/metrics', page.url()).toString())).text();
    return text.split('\n').filter((line) => line.startsWith('reflector_http_requests_total{') &&
      line.includes('audio/mp3') && line.includes('code="206"')).reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
  };
  const transcript = await api(`/v1/transcripts/${id}`);
  const topics = await api(`/v1/transcripts/${id}/topics`);
  assert.ok(transcript.title, 'the API has a title');
  await page.getByRole('heading', {level: 1, name: transcript.title}).waitFor();
  const speakers = await page.locator('.passage-speaker').allTextContents();
  assert.deepEqual([...new Set(speakers)].sort(), ['Alice', 'Bob', 'Carol']);
  const topicTitles = await page.locator('.topic-title').allTextContents();
  assert.deepEqual(topicTitles, topics.map((t) => t.title));
  assert.ok(topicTitles.length >= 1, 'the meeting has topics');
  assert.ok((await page.locator('.long-summary').textContent()).length > 20, 'the long summary is shown');
  await checkShortSummary(page, transcript);

  await checkPlayer(page, transcript, topics, log);
  const partialAnswers = await waitFor('the audio to be answered with 206', partial, 10000);
  log(`audio: ${partialAnswers} partial (206) answers`);
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({path: shots('meeting.png'), fullPage: true});

  await checkDownloads(page, id);
  await checkEdits(page, api, id, log);
  await page.setViewportSize(kPhone);
  await page.evaluate(() => window.scrollTo(0, 0));
  assert.equal(await scrollsSideways(page), false, 'the meeting page scrolls sideways at 390 px');
  await page.screenshot({path: shots('meeting-phone.png'), fullPage: false});
  await page.setViewportSize(kDesktop);
}

// The short summary goes through the markdown renderer, as the long one does: blocks of
// markup (a plain-text summary would be a bare text node), and no markdown syntax left over.
async function checkShortSummary(page, transcript) {
  assert.ok(transcript.short_summary, 'the API has a short summary');
  const shown = page.locator('.short-summary');
  const blocks = await shown.evaluate((element) => [...element.children].map((child) => child.tagName));
  assert.ok(blocks.length > 0 && blocks.every((tag) => /^(P|UL|OL|H[3-6])$/.test(tag)), `the short summary shows ${blocks}`);
  if (/\*\*\S/.test(transcript.short_summary)) assert.ok((await shown.locator('strong').count()) > 0, 'bold is rendered');
  assert.ok(!/\*\*/.test(await shown.textContent()), 'no markdown syntax is shown');
}

// Seek by clicking the waveform, a word and a topic, and with the keyboard; play (muted) and
// see the highlighted word move on.
async function checkPlayer(page, transcript, topics, log) {
  const audio = page.locator('audio');
  await waitFor('the audio to load', () => audio.evaluate((a) => a.readyState >= 1 && a.duration > 0), 20000);
  const wave = await page.locator('.waveform').boundingBox();
  await page.mouse.click(wave.x + wave.width * 0.7, wave.y + wave.height / 2);
  const afterWave = await audio.evaluate((a) => a.currentTime);
  assert.ok(afterWave > transcript.duration / 1000 * 0.5, `clicking the waveform at 70 % seeked to ${afterWave} s`);
  // A word: clicking it seeks to it, and it is the word highlighted under the playhead.
  const word = page.locator('.word').nth(12);
  await word.click();
  const wordStart = Number(await word.getAttribute('data-start'));
  assert.ok(Math.abs((await audio.evaluate((a) => a.currentTime)) - wordStart) < 0.05, 'a word seeks to its start');
  await waitFor('the word under the playhead to be highlighted', () => word.evaluate((w) => w.classList.contains('word-current')), 5000);
  // Playing moves the highlight on to a later word.
  await audio.evaluate((a) => {
    a.muted = true;
    return a.play();
  });
  const later = await waitFor('the highlight to move on while playing', async () => {
    const start = await page.locator('.word-current').first().getAttribute('data-start').catch(() => null);
    return start !== null && Number(start) > wordStart ? Number(start) : null;
  }, 15000);
  await audio.evaluate((a) => a.pause());
  const last = topics[topics.length - 1];
  await page.locator('.topic-button').last().click();
  const afterTopic = await audio.evaluate((a) => a.currentTime);
  assert.ok(Math.abs(afterTopic - last.timestamp) < 0.3, `the topic at ${last.timestamp} s moved the player to ${afterTopic} s`);
  await page.locator('.waveform').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const afterKey = await audio.evaluate((a) => a.currentTime);
  assert.ok(Math.abs(afterKey - 5) < 0.3, `Home then → on the waveform moved the player to ${afterKey} s`);
  log(`player: waveform click → ${afterWave.toFixed(2)} s, playing moved the word from ${wordStart} s to ${later} s, ` +
    `topic → ${afterTopic.toFixed(2)} s, keys → ${afterKey.toFixed(2)} s`);
}

async function downloaded(page, label) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', {name: label}).click()]);
  return {name: download.suggestedFilename(), text: fs.readFileSync(await download.path(), 'utf8')};
}

// WebVTT, text and JSON: files naming the speakers; the MP3 link: audio the server sends as MP3.
async function checkDownloads(page, id) {
  const vtt = await downloaded(page, 'WebVTT');
  assert.match(vtt.name, /\.vtt$/);
  assert.match(vtt.text, /^WEBVTT/);
  assert.match(vtt.text, /<v Alice>/);
  const text = await downloaded(page, 'Text');
  assert.match(text.name, /\.txt$/);
  for (const name of ['Alice', 'Bob', 'Carol']) assert.ok(text.text.includes(name), `the text download names ${name}`);
  const json = await downloaded(page, 'JSON');
  assert.match(json.name, /\.json$/);
  const parsed = JSON.parse(json.text);
  assert.equal(parsed.id, id);
  assert.equal(parsed.transcript_format, 'json');
  assert.ok(Array.isArray(parsed.transcript) && parsed.transcript.length > 0, 'the JSON download holds the transcript');
  const href = await page.getByRole('link', {name: 'MP3'}).getAttribute('href');
  const mp3 = await page.request.get(new URL(href, page.url()).toString());
  assert.equal(mp3.status(), 200);
  assert.match(mp3.headers()['content-type'], /^audio\/mpeg/);
  const bytes = await mp3.body();
  const id3 = bytes.subarray(0, 3).toString('latin1') === 'ID3';
  const frameSync = bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0;
  assert.ok(id3 || frameSync, `the MP3 starts with ${bytes.subarray(0, 4).toString('hex')}`);
}

// Edit the title, rename a speaker, give a passage to another speaker.
async function checkEdits(page, api, id, log) {
  await page.getByRole('button', {name: 'Edit title'}).click();
  await page.getByLabel('Title', {exact: true}).fill('Budget review (edited)');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {level: 1, name: 'Budget review (edited)'}).waitFor();
  assert.equal((await api(`/v1/transcripts/${id}`)).title, 'Budget review (edited)');

  await page.getByRole('button', {name: 'Rename Bob'}).click();
  await page.getByLabel('New name for Bob').fill('Roberto');
  await page.getByRole('button', {name: 'Save'}).click();
  await waitFor('the transcript to show the new name', async () =>
    (await page.locator('.passage-speaker').allTextContents()).includes('Roberto'), 10000);
  assert.ok(!(await page.locator('.passage-speaker').allTextContents()).includes('Bob'), 'no passage is still Bob’s');
  assert.ok((await api(`/v1/transcripts/${id}/participants`)).some((p) => p.name === 'Roberto'));

  const carol = page.locator('.passage', {has: page.locator('.passage-speaker', {hasText: 'Carol'})});
  await carol.getByRole('button', {name: 'Change speaker'}).click();
  await page.locator('.passage .inline-form select').selectOption({label: 'Alice'});
  await page.getByRole('button', {name: 'Assign'}).click();
  await waitFor('Carol’s passage to become Alice’s', async () =>
    !(await page.locator('.passage-speaker').allTextContents()).includes('Carol'), 10000);
  log('renamed Bob to Roberto and gave Carol’s passage to Alice');
}
