// The page's entry point: a hash router (#/, #/new, #/meetings/ID, #/rooms, #/login) that
// mounts one view at a time into <main>. A view is a function (main, params) that renders
// and may return a cleanup function (closing its sockets and timers). Any 401 of the API sends
// the page to #/login, and back to where it was once signed in.

import {refreshAccount} from './account.js';
import {onUnauthorized} from './api.js';
import {h, replace} from './dom.js';
import {showList} from './list_view.js';
import {askToSignIn, showLogin} from './login_view.js';
import {showMeeting} from './meeting_view.js';
import {showRooms} from './rooms_view.js';
import {showUpload} from './upload_view.js';

const kRoutes = [
  [/^\/?$/, showList, 'Meetings'],
  [/^\/new$/, showUpload, 'New meeting'],
  [/^\/meetings\/([^/]+)$/, showMeeting, 'Meeting'],
  [/^\/rooms$/, showRooms, 'Rooms'],
  [/^\/login$/, showLogin, 'Sign in'],
];

let cleanup = null;

async function route() {
  const path = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  const main = document.getElementById('view');
  if (typeof cleanup === 'function') cleanup();
  cleanup = null;
  const match = kRoutes.find(([pattern]) => pattern.test(path));
  markCurrentLink(path);
  if (!match) {
    replace(main, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the meetings')));
    return;
  }
  const [pattern, show, title] = match;
  document.title = `${title} · Reflector`;
  replace(main);
  cleanup = await show(main, pattern.exec(path).slice(1));
  if (document.activeElement === document.body || !main.contains(document.activeElement)) {
    main.focus({preventScroll: true});
  }
}

function markCurrentLink(path) {
  for (const link of document.querySelectorAll('header nav a')) {
    const target = link.getAttribute('href').replace(/^#/, '');
    if (target === path || (target === '/' && path.startsWith('/meetings/'))) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', route);
onUnauthorized(askToSignIn);
refreshAccount();
route();
