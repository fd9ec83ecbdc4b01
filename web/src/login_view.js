// Sign in (#/login), for servers whose AUTH_BACKEND is not none: an API key (X-API-Key; made
// with `reflector apikeys create` or POST /v1/user/api-keys) or a bearer token (JWT). The
// credential is checked with GET /v1/me and kept in this browser only. A page the server
// refused (401) comes here through askToSignIn and is shown again once signed in.

import {refreshAccount} from './account.js';
import {credential, get, setCredential} from './api.js';
import {h, notice, replace} from './dom.js';

const kReturnKey = 'reflector.after-sign-in';

// Sends the page to #/login, remembering where it was (the API answered 401).
export function askToSignIn() {
  const here = location.hash || '#/';
  if (here.startsWith('#/login')) return;
  sessionStorage.setItem(kReturnKey, here);
  location.hash = '#/login';
}

export async function showLogin(main) {
  const returnTo = sessionStorage.getItem(kReturnKey);
  const message = h('div', {}, returnTo
    ? notice('info', 'The server needs you to sign in: your key or token is missing, wrong or has expired.')
    : null);
  const held = credential();
  const kind = h('select', {id: 'credential-kind'},
    h('option', {value: 'apikey', selected: held?.kind !== 'token'}, 'API key'),
    h('option', {value: 'token', selected: held?.kind === 'token'}, 'Bearer token (JWT)'));
  const value = h('input', {id: 'credential-value', type: 'password', autocomplete: 'off', required: true});
  const form = h('form', {class: 'login'},
    h('div', {class: 'field'}, h('label', {for: 'credential-kind'}, 'Sign in with'), kind),
    h('div', {class: 'field'}, h('label', {for: 'credential-value'}, 'Key or token'), value),
    message,
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'button'}, 'Sign in'),
      held ? h('button', {type: 'button', class: 'button button-quiet', onclick: signOut}, 'Sign out') : null));
  async function signOut() {
    setCredential(null, null);
    await refreshAccount();
    replace(message, notice('ok', 'Signed out.'));
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setCredential(kind.value, value.value.trim());
    try {
      const me = await get('/v1/me');
      if (!me) throw new Error('the server does not know this credential');
      await refreshAccount();
      sessionStorage.removeItem(kReturnKey);
      location.hash = returnTo ?? '#/';
    } catch (error) {
      setCredential(null, null);
      replace(message, notice('error', `Not signed in: ${error.message}`));
    }
  });
  let who = 'Not signed in.';
  try {
    const me = await get('/v1/me');
    if (me) who = `Signed in as ${me.email ?? me.sub}.`;
  } catch { /* shown as not signed in */ }
  replace(main, h('h1', {}, 'Sign in'), h('p', {}, who), form);
}
