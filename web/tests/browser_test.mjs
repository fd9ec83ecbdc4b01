// The web page in a real browser (Debian's Chromium via playwright-core) against a real
// `reflector serve`: a three-speaker meeting uploaded through the page, its step graph followed
// live to the end (parallel branches side by side), the finished page (browser_meeting.mjs),
// then a failed run (a silent track) with its step shown, retried from the meeting page and
// from the list, the search, the rooms page and signing in on a second server with
// AUTH_BACKEND=jwt (browser_account.mjs). Screenshots of the list, the live graph and the
// finished page go to --screenshots.
//
// node web/tests/browser_test.mjs --reflector BUILD/src/app/reflector --samples samples
//   --screenshots DIR     (exit 0 when every check passed, 1 with the reason otherwise)

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {checkRooms, checkSignIn} from './browser_account.mjs';
import {checkFinishedPage, kDesktop, kPhone, scrollsSideways} from './browser_meeting.mjs';
import {Failure, launchBrowser, loadPlaywright, options, startServer, tempDir, waitFor, writeSilentWav} from './support.mjs';

const kDeadlineMs = 270000;

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
    await checkFinishedPage(browser.page, api, id, shots, log);
    await checkFailureAndRetry(browser.page, api, server, args.samples, work, shots);
    await checkSearch(browser.page, server.url);
    await checkRooms(browser.page, api, server.url, log);
    assert.deepEqual(browser.problems, [], 'the page logged errors');
    await checkSignIn(browser.context, args.reflector, work, log);
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
  await page.evaluate(() => {
    window.__sameDocument = true;
    // Every value the progress bar is given, and whether it was visible then.
    window.__progress = [];
    const value = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value');
    Object.defineProperty(HTMLProgressElement.prototype, 'value', {
      configurable: true,
      get() { return value.get.call(this); },
      set(v) {
        if (this.id === 'upload-progress') window.__progress.push({value: Number(v), shown: !this.hidden});
        value.set.call(this, v);
      },
    });
  });
  await page.getByRole('button', {name: 'Upload and process'}).click();
  await page.waitForURL(/#\/meetings\/[0-9a-f-]+$/, {timeout: 30000});
  const id = decodeURIComponent(page.url().split('/').pop());
  const progress = await page.evaluate(() => window.__progress);
  const values = progress.map((p) => p.value);
  assert.ok(progress.length > 0 && progress.every((p) => p.shown), `the progress bar was shown: ${JSON.stringify(progress)}`);
  assert.equal(values[values.length - 1], 100, `the progress bar reached 100: ${values}`);
  assert.ok(values.every((v, i) => i === 0 || v >= values[i - 1]), `the progress bar went back: ${values}`);
  log(`uploaded meeting ${id} (progress ${values.join(' → ')})`);
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
      levels: [...document.querySelectorAll('.pipeline .level')].map((level) =>
        [...level.querySelectorAll('.step')].map((s) => ({name: s.dataset.step, shown: s.getClientRects().length > 0,
          top: Math.round(s.getBoundingClientRect().top)}))),
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
  // The pipeline's parallel branches (mixdown ‖ transcription, title ‖ summary) sit side by
  // side: one level, one row on a wide screen (seen while the graph is open, before the end).
  const running = snapshots.filter((s) => s.status !== 'Done').pop();
  assert.ok(running, 'the graph was seen while processing');
  for (const pair of [['mixdown_tracks', 'generate_transcription_tasks'], ['generate_title', 'generate_summary']]) {
    const level = running.levels.find((row) => pair.every((name) => row.some((step) => step.name === name)));
    assert.ok(level, `${pair.join(' and ')} share a level: ${JSON.stringify(running.levels.map((row) => row.map((step) => step.name)))}`);
    const [one, two] = pair.map((name) => level.find((step) => step.name === name));
    assert.ok(one.shown && two.shown, `${pair.join(' and ')} are shown`);
    assert.equal(one.top, two.top, `${pair.join(' and ')} are side by side`);
  }
  assert.ok(running.steps.length > 10, `every step of the workflow is shown: ${running.steps.length}`);
}

// A meeting with a silent track fails at pad_track: the meeting page and the list show the step
// and the reason. "Process again" on the meeting page runs it again (and it fails again: the
// track is still silent). The stored copy of the track is then replaced by real audio (as
// restoring a damaged file would) and "Process again" on the list runs it to the end.
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
  await page.setViewportSize(kPhone);
  assert.equal(await scrollsSideways(page), false, 'the page of a failed meeting scrolls sideways at 390 px');
  await page.setViewportSize(kDesktop);
  await retryOnMeetingPage(page, api, id);

  await page.goto(`${server.url}/#/`);
  const item = page.locator(`li.meeting[data-id="${id}"]`);
  await item.locator('.meeting-failure', {hasText: 'Pad track'}).waitFor({timeout: 10000});
  await page.screenshot({path: shots('meetings.png'), fullPage: true});
  await page.setViewportSize(kPhone);
  assert.equal(await scrollsSideways(page), false, 'the list scrolls sideways at 390 px');
  await page.setViewportSize(kDesktop);

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

// "Process again" on the meeting page: the server is asked, pad_track runs again (a later
// finish) and fails again, and the page shows the failure again.
async function retryOnMeetingPage(page, api, id) {
  const padding = (t) => (t.dag_status?.tasks ?? []).find((task) => task.name === 'pad_track');
  const before = padding(await api(`/v1/transcripts/${id}`));
  assert.ok(before?.finished_at, 'pad_track has finished');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/process') && r.request().method() === 'POST'),
    page.getByRole('button', {name: 'Process again'}).click(),
  ]);
  assert.ok(answer.ok(), `POST …/process answered ${answer.status()}`);
  const again = await waitFor('the second run to fail at pad_track', async () => {
    const t = await api(`/v1/transcripts/${id}`);
    const pad = padding(t);
    const later = Date.parse(pad?.finished_at ?? '') > Date.parse(before.finished_at);
    return t.status === 'error' && pad?.status === 'failed' && later ? pad : null;
  }, 60000);
  await page.locator('.failure-text', {hasText: 'silent'}).waitFor({timeout: 20000});
  log(`"Process again" on the meeting page ran pad_track again (finished ${before.finished_at} → ${again.finished_at})`);
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
