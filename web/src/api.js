// The page's only way to the server: Reflector's API of `reflector serve` (src/api/README.md).
// Credentials (an API key or a bearer token) are kept in this browser's localStorage.

const kCredentialKey = 'reflector.credential';

export class ApiError extends Error {
  constructor(status, detail) {
    super(detail || `HTTP ${status}`);
    this.status = status;
  }
}

// {kind: 'apikey' | 'token', value} or null.
export function credential() {
  try {
    const stored = JSON.parse(localStorage.getItem(kCredentialKey) ?? 'null');
    return stored && stored.value ? stored : null;
  } catch {
    return null;
  }
}

export function setCredential(kind, value) {
  if (value) localStorage.setItem(kCredentialKey, JSON.stringify({kind, value}));
  else localStorage.removeItem(kCredentialKey);
}

function authHeaders() {
  const held = credential();
  if (!held) return {};
  return held.kind === 'apikey' ? {'X-API-Key': held.value} : {Authorization: `Bearer ${held.value}`};
}

let unauthorized = null;

// `handler()` is told whenever the server answers 401 (no credential, or a wrong or expired
// one): main.js sends the page to sign-in.
export function onUnauthorized(handler) {
  unauthorized = handler;
}

function refused(status, detail) {
  if (status === 401) unauthorized?.();
  return new ApiError(status, detail);
}

function detailOf(body, status) {
  if (body && typeof body.detail === 'string') return body.detail;
  if (body && Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join('; ');
  return `HTTP ${status}`;
}

// JSON in, JSON out; an answer other than 2xx throws ApiError with the server's detail.
export async function request(method, path, body) {
  const init = {method, headers: {...authHeaders()}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(0, `the server cannot be reached (${error.message})`);
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) throw refused(response.status, detailOf(parsed, response.status));
  return parsed;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body ?? {});
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

export const transcriptPath = (id, rest = '') => `/v1/transcripts/${encodeURIComponent(id)}${rest}`;

// A file of the server as a Blob (downloads, and audio when an API key is the credential).
export async function blob(path) {
  const response = await fetch(path, {headers: authHeaders()});
  if (!response.ok) throw refused(response.status, `HTTP ${response.status}`);
  return response.blob();
}

// The audio URL an <audio> element can stream with Range requests. A bearer token rides along
// as ?token=; an API key cannot (audioNeedsFetch() tells when the page must fetch a Blob).
export function audioUrl(id) {
  const held = credential();
  const path = transcriptPath(id, '/audio/mp3');
  return held && held.kind === 'token' ? `${path}?token=${encodeURIComponent(held.value)}` : path;
}

export const audioNeedsFetch = () => credential()?.kind === 'apikey';

// multipart/form-data with upload progress: onProgress(sentBytes, totalBytes).
export function upload(path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded, event.total);
    });
    xhr.addEventListener('load', () => {
      let parsed = null;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(parsed);
      else reject(refused(xhr.status, detailOf(parsed, xhr.status)));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'the upload was interrupted')));
    xhr.send(formData);
  });
}

// A WebSocket of the API that reconnects with backoff (1 s doubling, at most 30 s) until
// close() is called. onMessage gets {event, data}; onState gets 'open' | 'closed' | 'unavailable'.
// The API takes only bearer tokens on sockets: with an API key as the credential no socket is
// opened and onState('unavailable') tells the caller to poll.
export function openEvents(path, {onMessage, onState}) {
  const held = credential();
  if (held && held.kind === 'apikey') {
    setTimeout(() => onState?.('unavailable'), 0);
    return {close() {}};
  }
  const protocols = held && held.kind === 'token' ? ['bearer', held.value] : undefined;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
  let socket = null;
  let closed = false;
  let delay = 1000;
  let timer = null;
  const connect = () => {
    socket = new WebSocket(url, protocols);
    socket.addEventListener('open', () => {
      delay = 1000;
      onState?.('open');
    });
    socket.addEventListener('message', (message) => {
      try {
        onMessage(JSON.parse(message.data));
      } catch (error) {
        console.warn('unreadable event', error);
      }
    });
    socket.addEventListener('close', () => {
      onState?.('closed');
      if (closed) return;
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    });
  };
  connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close();
    },
  };
}
