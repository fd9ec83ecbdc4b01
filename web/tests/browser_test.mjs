// The web page in a real browser (Debian's Chromium via playwright-core) against a real
// `reflector serve`: a three-speaker meeting uploaded through the page, its step graph followed
// live to the end, the finished page (title, speakers, topics, player, renaming and assigning
// speakers), then a failed run (a silent track) with its step shown, and its retry.
// Screenshots of the list, the live graph and the finished page go to --screenshots.
//
// node web/tests/browser_test.mjs --reflector BUILD/src/app/reflector --samples samples
//   --screenshots DIR     (exit 0 when every check passed, 1 with the reason otherwise)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {Failure, launchBrowser, loadPlaywright, options, startServer, tempDir, waitFor, writeSilentWav} from './support.mjs';

const kDeadlineMs = 240000;
const kDesktop = {width: 1280, height: 860};
const kPhone = {width: 390, height: 844};

const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);

async function main() {
  const args = options(process.argv.slice(2), ['reflector', 'samples', 'screenshots']);
  for (const name of ['samples', 'screenshots']) args[name] = path.resolve(args[name]);
  const playwright = await loadPlaywright();
  fs.mkdirSync(args.screenshots, {recursive: true});
  const work = tempDir('reflector-browser-');
  const server = await startServer(args.reflector, work);
  log(`reflector serve at ${server.url}`);
  const browser = await launchBrowser(playwright, path.join(work, 'profile'), kDesktop);
  const deadline = setTimeout(() => {
    console.error(`FAIL: the browser test took longer than ${kDeadlineMs / 1000} s`);
    process.exit(1);
  }, kDeadlineMs);
  try {
    const shots = (name) => path.join(args.screenshots, name);
    const api = async (p) => (await browser.page.request.get(`${server.url}${p}`)).json();
    const id = await uploadMeeting(browser.page, server.url, args.samples);
    await watchGraph(browser.page, shots('live-graph.png'));
    await checkFinishedPage(browser.page, api, id, shots);
    await checkFailureAndRetry(browser.page, api, server, args.samples, work, shots);
    await checkSearch(browser.page, server.url);
    await checkRooms(browser.page, api, server.url);
    assert.deepEqual(browser.problems, [], 'the page logged errors');
  } finally {
    clearTimeout(deadline);
    await browser.context.close().catch(() => {});
    await server.stop();
    fs.rmSync(work, {recursive: true, force: true});
  }
}

// #/new: three tracks named after their speakers, uploaded with the progress bar, then the
// meeting's page. Returns the meeting's id.
async function uploadMeeting(page, url, samples) {
  await page.goto(`${url}/`);
  await page.getByRole('heading', {name: 'Meetings'}).waitFor();
  await page.getByRole('link', {name: 'New meeting'}).first().click();
  await page.getByLabel('Meeting name').fill('Weekly budget review');
  await page.locator('#track-files').setInputFiles(['alice.webm', 'bob.webm', 'carol.webm'].map((f) => path.join(samples, f)));
  assert.equal(await page.locator('#track-name-0').inputValue(), 'alice', 'a track is named after its file by default');
  for (const [index, name] of ['Alice', 'Bob', 'Carol'].entries()) await page.locator(`#track-name-${index}`).fill(name);
  await page.evaluate(() => { window.__sameDocument = true; });
  await page.getByRole('button', {name: 'Upload and process'}).click();
  await page.waitForURL(/#\/meetings\/[0-9a-f-]+$/, {timeout: 30000});
  const id = decodeURIComponent(page.url().split('/').pop());
  log(`uploaded meeting ${id}`);
  return id;
}

// The step graph while it runs: snapshots of every step's status, read from the page every
// 100 ms, must show steps running and finishing one after another without a reload.
async function watchGraph(page, screenshot) {
  const snapshots = [];
  let shot = false;
  await waitFor('the meeting to finish processing', async () => {
    const state = await page.evaluate(() => ({
      steps: [...document.querySelectorAll('.pipeline .step')].map((s) => `${s.dataset.step}:${s.dataset.status}`),
      fork: [...document.querySelectorAll('.fork-label')].map((f) => f.textContent),
      status: document.querySelector('.meeting-meta .badge')?.textContent,
      failure: document.querySelector('.failure-text')?.textContent,
      same: window.__sameDocument === true,
    }));
    if (state.failure) throw new Failure(`the meeting failed: ${state.failure}`);
    const key = state.steps.join(' ');
    if (state.steps.length && key !== snapshots[snapshots.length - 1]?.key) snapshots.push({key, ...state});
    if (!shot && state.steps.some((s) => s.startsWith('transcribe_track:running'))) {
      shot = true;
      await page.screenshot({path: screenshot, fullPage: true});
    }
    return state.status === 'Done' ? state : null;
  }, 180000);
  const completed = snapshots.map((s) => s.steps.filter((step) => step.endsWith(':completed')).length);
  log(`graph: ${snapshots.length} distinct states, completed steps ${completed.join(' → ')}`);
  assert.ok(snapshots.length >= 4, `the graph changed only ${snapshots.length} times`);
  assert.ok(snapshots.some((s) => s.steps.some((step) => step.endsWith(':running'))), 'a step was shown running');
  assert.ok(completed.every((n, i) => i === 0 || n >= completed[i - 1] - 1), `completed steps went back: ${completed}`);
  assert.ok(completed[completed.length - 1] > completed[0], 'steps were completed while watching');
  assert.ok(snapshots.some((s) => s.fork.some((f) => /of 3/.test(f))), 'the per-track fork showed its three tracks');
  assert.ok(snapshots.every((s) => s.same), 'the page reloaded while processing');
  assert.ok(shot, 'transcription was never seen running');
}

async function checkFinishedPage(page, api, id, shots) {
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

  // The player: seek by clicking the waveform, then a topic jumps back to its start.
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
  const last = topics[topics.length - 1];
  await page.locator('.topic-button').last().click();
  const afterTopic = await audio.evaluate((a) => a.currentTime);
  assert.ok(Math.abs(afterTopic - last.timestamp) < 0.3, `the topic at ${last.timestamp} s moved the player to ${afterTopic} s`);
  await page.locator('.waveform').focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  const afterKey = await audio.evaluate((a) => a.currentTime);
  assert.ok(Math.abs(afterKey - 5) < 0.3, `Home then → on the waveform moved the player to ${afterKey} s`);
  await page.evaluate(() => {
    document.activeElement?.blur();
    window.scrollTo(0, 0);
  });
  await page.screenshot({path: shots('meeting.png'), fullPage: true});
  log(`player: waveform click → ${afterWave.toFixed(2)} s, topic → ${afterTopic.toFixed(2)} s, keys → ${afterKey.toFixed(2)} s`);

  // A download: the WebVTT names the speakers.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', {name: 'WebVTT'}).click()]);
  const vtt = fs.readFileSync(await download.path(), 'utf8');
  assert.match(download.suggestedFilename(), /\.vtt$/);
  assert.match(vtt, /^WEBVTT/);
  assert.match(vtt, /<v Alice>/);

  // Edit the title.
  await page.getByRole('button', {name: 'Edit title'}).click();
  await page.getByLabel('Title', {exact: true}).fill('Budget review (edited)');
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('heading', {level: 1, name: 'Budget review (edited)'}).waitFor();
  assert.equal((await api(`/v1/transcripts/${id}`)).title, 'Budget review (edited)');

  // Rename a speaker: the transcript and the API follow.
  await page.getByRole('button', {name: 'Rename Bob'}).click();
  await page.getByLabel('New name for Bob').fill('Roberto');
  await page.getByRole('button', {name: 'Save'}).click();
  await waitFor('the transcript to show the new name', async () =>
    (await page.locator('.passage-speaker').allTextContents()).includes('Roberto'), 10000);
  assert.ok(!(await page.locator('.passage-speaker').allTextContents()).includes('Bob'), 'no passage is still Bob’s');
  assert.ok((await api(`/v1/transcripts/${id}/participants`)).some((p) => p.name === 'Roberto'));

  // Give Carol's passage to Alice.
  const carol = page.locator('.passage', {has: page.locator('.passage-speaker', {hasText: 'Carol'})});
  await carol.getByRole('button', {name: 'Change speaker'}).click();
  await page.locator('.passage .inline-form select').selectOption({label: 'Alice'});
  await page.getByRole('button', {name: 'Assign'}).click();
  await waitFor('Carol’s passage to become Alice’s', async () =>
    !(await page.locator('.passage-speaker').allTextContents()).includes('Carol'), 10000);
  log('renamed Bob to Roberto and gave Carol’s passage to Alice');
  await page.setViewportSize(kPhone);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({path: shots('meeting-phone.png'), fullPage: false});
  await page.setViewportSize(kDesktop);
}

// A meeting with a silent track fails at pad_track: the meeting page and the list show the step
// and the reason. The stored copy of the track is then replaced by real audio (as restoring a
// damaged file would) and "Process again" on the list runs it to the end, followed live.
async function checkFailureAndRetry(page, api, server, samples, work, shots) {
  const silent = path.join(work, 'notes.wav');
  writeSilentWav(silent, 3);
  await page.goto(`${server.url}/#/new`);
  await page.getByLabel('Meeting name').fill('Planning with a broken track');
  await page.locator('#track-files').setInputFiles([path.join(samples, 'alice.webm'), silent]);
  await page.locator('#track-name-0').fill('Alice');
  await page.locator('#track-name-1').fill('Notes');
  await page.getByRole('button', {name: 'Upload and process'}).click();
  await page.waitForURL(/#\/meetings\/[0-9a-f-]+$/, {timeout: 30000});
  const id = decodeURIComponent(page.url().split('/').pop());
  const failure = page.locator('.failure-text');
  await failure.waitFor({timeout: 60000});
  const text = await failure.textContent();
  assert.match(text, /Pad track/);
  assert.match(text, /silent/);
  assert.equal(await page.locator('.step[data-step="pad_track"]').getAttribute('data-status'), 'failed');
  log(`failed as expected: ${text}`);

  await page.goto(`${server.url}/#/`);
  const item = page.locator(`li.meeting[data-id="${id}"]`);
  await item.locator('.meeting-failure', {hasText: 'Pad track'}).waitFor({timeout: 10000});
  await page.screenshot({path: shots('meetings.png'), fullPage: true});

  const key = /\((uploads\/[^)]+)\)/.exec(text)?.[1];
  assert.ok(key, `the reason names the stored track: ${text}`);
  fs.copyFileSync(path.join(samples, 'bob.webm'), path.join(server.dataDir, 'storage', 'reflector-bucket', key));
  await item.getByRole('button', {name: 'Process again'}).click();
  await waitFor('the retried meeting to be done in the list', async () =>
    (await page.locator(`li.meeting[data-id="${id}"]`).getAttribute('data-status')) === 'ended', 90000);
  const retried = await api(`/v1/transcripts/${id}`);
  assert.equal(retried.status, 'ended');
  await page.locator(`li.meeting[data-id="${id}"] .meeting-title`).click();
  await page.getByRole('heading', {level: 1, name: retried.title}).waitFor();
  log('the retry ran to the end');
}

// The list's search box uses the API's search.
async function checkSearch(page, url) {
  await page.goto(`${url}/#/`);
  await page.getByLabel('Search meetings').fill('budget');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByText('2 meetings match “budget”.').waitFor({timeout: 10000});
  assert.ok((await page.locator('.snippet').count()) >= 1, 'search results show where the words were found');
  await page.getByLabel('Search meetings').fill('xylophone');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByText('No meeting matches “xylophone”.').waitFor({timeout: 10000});
  log('search finds both meetings and nothing for an absent word');
}

// Rooms: one created, its webhook and consent settings saved and read back through the API.
async function checkRooms(page, api, url) {
  await page.goto(`${url}/#/rooms`);
  await page.getByLabel('New room name').fill('standup');
  await page.getByRole('button', {name: 'Create room'}).click();
  const room = page.getByRole('region', {name: 'Room standup'});
  await room.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
  await room.getByLabel('Process without asking participants for consent').check();
  await room.getByRole('button', {name: 'Save'}).click();
  await room.getByText('Saved.').waitFor({timeout: 10000});
  const saved = (await api('/v1/rooms')).items.find((r) => r.name === 'standup');
  assert.equal(saved.webhook_url, 'http://127.0.0.1:9/hook');
  assert.equal(saved.skip_consent, true);
  log('room created and saved');
}

main().then(
  () => {
    log('PASS');
    console.log('1 passed, 0 failed');
  },
  (error) => {
    console.error(`FAIL: ${error instanceof Failure ? error.message : error.stack ?? error}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
