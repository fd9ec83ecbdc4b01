// Helpers of the browser test: prerequisites that fail with what to install, `reflector serve`
// on a free port with a database and files of its own, and Debian's Chromium through
// playwright-core (never a downloaded browser).

import {spawn, spawnSync} from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const kChromium = '/usr/bin/chromium';
const kWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export class Failure extends Error {}

// playwright-core from web/node_modules, or a Failure that says how to install it.
export async function loadPlaywright() {
  if (!fs.existsSync(kChromium)) {
    throw new Failure(`${kChromium} is missing: install Debian's browser with 'apt-get install chromium' (scripts/setup does)`);
  }
  const entry = path.join(kWebDir, 'node_modules', 'playwright-core', 'index.mjs');
  if (!fs.existsSync(entry)) {
    throw new Failure(`web/node_modules has no playwright-core: run 'npm ci' in web/ (scripts/setup does)`);
  }
  return import(entry);
}

// Command-line options: --name value.
export function options(argv, required) {
  const parsed = {};
  for (let i = 0; i < argv.length; i += 2) parsed[argv[i].replace(/^--/, '')] = argv[i + 1];
  for (const name of required) {
    if (!parsed[name]) throw new Failure(`missing --${name}`);
  }
  return parsed;
}

export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// `reflector serve --port 0` in `dir` (SQLite and local files there; no .env, no variable of
// the caller's shell but PATH; `extraEnv` on top), resolved once it prints where it listens.
export function startServer(binary, dir, extraEnv = {}) {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    DATA_DIR: path.join(dir, 'data'),
    DATABASE_URL: `sqlite://${path.join(dir, 'reflector.sqlite3')}`,
    LOG_LEVEL: 'warn',
    ...extraEnv,
  };
  fs.mkdirSync(dir, {recursive: true});
  const child = spawn(path.resolve(binary), ['serve', '--host', '127.0.0.1', '--port', '0'], {cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe']});
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`reflector serve did not start in 30 s:\n${output}`)), 30000);
    const read = (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({url: match[1].replace(/\/$/, ''), dataDir: env.DATA_DIR, env, output: () => output, stop: () => stop(child)});
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Failure(`reflector serve could not be started (${binary}): ${error.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Failure(`reflector serve exited with ${code}:\n${output}`));
    });
  });
}

// The settings of a server with AUTH_BACKEND=jwt: a fresh RSA key pair (the public half in
// `dir` for AUTH_JWT_PUBLIC_KEY) and a SECRET_KEY for API keys. Returns {env, signToken(sub)}.
export function jwtSettings(dir) {
  const {publicKey, privateKey} = crypto.generateKeyPairSync('rsa', {modulusLength: 2048});
  const keyFile = path.join(dir, 'idp-public.pem');
  fs.mkdirSync(dir, {recursive: true});
  fs.writeFileSync(keyFile, publicKey.export({type: 'spki', format: 'pem'}));
  const audience = 'reflector-browser-test';
  const env = {
    AUTH_BACKEND: 'jwt',
    AUTH_JWT_PUBLIC_KEY: keyFile,
    AUTH_JWT_AUDIENCE: audience,
    SECRET_KEY: crypto.randomBytes(24).toString('hex'),
  };
  const base64url = (value) => Buffer.from(value).toString('base64url');
  const signToken = (sub) => {
    const head = base64url(JSON.stringify({alg: 'RS256', typ: 'JWT'}));
    const body = base64url(JSON.stringify({sub, email: `${sub}@example.com`, aud: audience, exp: Math.floor(Date.now() / 1000) + 3600}));
    const signature = crypto.sign('sha256', Buffer.from(`${head}.${body}`), privateKey).toString('base64url');
    return `${head}.${body}.${signature}`;
  };
  return {env, signToken};
}

// `reflector apikeys create --user USER` with a server's settings; returns the printed key.
export function createApiKey(binary, env, user) {
  const run = spawnSync(path.resolve(binary), ['apikeys', 'create', '--user', user, '--name', 'browser test'], {env, encoding: 'utf8'});
  const key = /^key: (\S+)$/m.exec(run.stdout ?? '')?.[1];
  if (run.status !== 0 || !key) throw new Failure(`reflector apikeys create failed (${run.status}):\n${run.stdout}${run.stderr}`);
  return key;
}

function stop(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Headless Chromium with a fresh profile; the page's errors are collected in `problems`.
export async function launchBrowser(playwright, profileDir, viewport) {
  const context = await playwright.chromium.launchPersistentContext(profileDir, {
    executablePath: kChromium,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  return {context, page, problems};
}

// A WAV file of `seconds` of digital silence: readable audio that the pipeline refuses at
// pad_track ("the track is silent").
export function writeSilentWav(file, seconds) {
  const rate = 16000;
  const data = Buffer.alloc(rate * 2 * seconds);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  fs.writeFileSync(file, Buffer.concat([header, data]));
}

// Polls `check` (async, returns a value or null) every `everyMs` until it returns a value.
export async function waitFor(what, check, timeoutMs, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Failure(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
