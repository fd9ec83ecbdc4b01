// The rooms page and signing in, in the browser test: a room's webhook, Zulip and consent
// settings saved through the page; a second `reflector serve` with AUTH_BACKEND=jwt where a
// refused credential (401) leads to sign-in, and an API key made by `reflector apikeys create`
// and a bearer token each sign in and list the user's meetings.

import assert from 'node:assert/strict';
import path from 'node:path';

import {createApiKey, jwtSettings, startServer} from './support.mjs';

// One room created; its webhook, Zulip and consent settings saved and read back through the API.
export async function checkRooms(page, api, url, log) {
  await page.goto(`${url}/#/rooms`);
  await page.getByLabel('New room name').fill('standup');
  await page.getByRole('button', {name: 'Create room'}).click();
  const room = page.getByRole('region', {name: 'Room standup'});
  await room.getByLabel('Webhook URL').fill('http://127.0.0.1:9/hook');
  await room.getByLabel('Zulip stream').fill('engineering');
  await room.getByLabel('Zulip topic').fill('standup notes');
  await room.getByLabel('Post summaries to Zulip automatically').check();
  await room.getByLabel('Process without asking participants for consent').check();
  await room.getByRole('button', {name: 'Save'}).click();
  await room.getByText('Saved.').waitFor({timeout: 10000});
  const saved = (await api('/v1/rooms')).items.find((r) => r.name === 'standup');
  assert.equal(saved.webhook_url, 'http://127.0.0.1:9/hook');
  assert.equal(saved.zulip_stream, 'engineering');
  assert.equal(saved.zulip_topic, 'standup notes');
  assert.equal(saved.zulip_auto_post, true);
  assert.equal(saved.skip_consent, true);
  // The page shows what was stored when it is opened again.
  await page.reload();
  const again = page.getByRole('region', {name: 'Room standup'});
  assert.equal(await again.getByLabel('Zulip stream').inputValue(), 'engineering');
  assert.equal(await again.getByLabel('Zulip topic').inputValue(), 'standup notes');
  log('room created; webhook, Zulip and consent settings saved');
}

// A server with AUTH_BACKEND=jwt: the page signs in with an API key (after a credential the
// server refuses sent it to #/login) and then with a bearer token; each lists Alice's meeting,
// which an anonymous visitor does not see.
export async function checkSignIn(context, reflector, work, log) {
  const dir = path.join(work, 'jwt');
  const jwt = jwtSettings(dir);
  const server = await startServer(reflector, dir, jwt.env);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    const key = createApiKey(reflector, server.env, 'alice');
    const created = await page.request.post(`${server.url}/v1/transcripts`,
      {headers: {'X-API-Key': key}, data: {name: 'Alice’s planning call'}});
    assert.ok(created.ok(), `creating a meeting with the key: ${created.status()}`);
    const meeting = page.locator('.meeting-title', {hasText: 'Alice’s planning call'});

    await page.goto(`${server.url}/`);
    await page.getByText('No meetings yet.').waitFor({timeout: 10000});
    assert.equal(await meeting.count(), 0, 'an anonymous visitor sees Alice’s private meeting');

    // A stored credential the server refuses: the page asks for a sign-in, then comes back.
    await page.evaluate(() => localStorage.setItem('reflector.credential', JSON.stringify({kind: 'apikey', value: 'rfk_not-a-key'})));
    await page.goto(`${server.url}/#/rooms`);
    await page.reload();
    await page.waitForURL(/#\/login$/, {timeout: 10000});
    await page.getByText('The server needs you to sign in').waitFor();
    await page.getByLabel('Sign in with').selectOption('apikey');
    await page.getByLabel('Key or token').fill(key);
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.waitForURL(/#\/rooms$/, {timeout: 10000});
    await page.getByRole('link', {name: /Signed in: alice/}).waitFor({timeout: 10000});
    await page.goto(`${server.url}/#/`);
    await meeting.waitFor({timeout: 10000});

    // Signed out, then in with a bearer token of the identity provider.
    await page.goto(`${server.url}/#/login`);
    await page.getByRole('button', {name: 'Sign out'}).click();
    await page.getByText('Signed out.').waitFor();
    await page.getByLabel('Sign in with').selectOption('token');
    await page.getByLabel('Key or token').fill(jwt.signToken('alice'));
    await page.getByRole('button', {name: 'Sign in'}).click();
    await page.waitForURL(/#\/$/, {timeout: 10000});
    await meeting.waitFor({timeout: 10000});
    assert.deepEqual(problems, [], 'the page logged errors');
    log('signed in on an AUTH_BACKEND=jwt server with an API key and with a bearer token');
  } finally {
    await page.close().catch(() => {});
    await server.stop();
  }
}
