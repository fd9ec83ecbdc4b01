// The header's account link: who is signed in, from the API's /v1/me (null when anonymous).

import {credential, get} from './api.js';

// With AUTH_BACKEND=none every request is the local owner: the link is hidden.
export async function refreshAccount() {
  const link = document.getElementById('account-link');
  try {
    const me = await get('/v1/me');
    if (me && me.sub === 'local' && !credential()) link.parentElement.hidden = true;
    else {
      link.parentElement.hidden = false;
      link.textContent = me ? `Signed in: ${me.email ?? me.sub}` : 'Sign in';
    }
  } catch {
    link.textContent = 'Sign in';
  }
}
