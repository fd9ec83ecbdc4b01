// The meetings list (#/): newest first, or the API's search; status kept live by the user
// events socket (WS /v1/events); a failed meeting shows its failed step and a retry button.

import {get, openEvents, transcriptPath} from './api.js';
import {h, notice, replace} from './dom.js';
import {clock, dateTime} from './format.js';
import {failureText, loadFailure, retryButton, statusBadge} from './status.js';

const kPageSize = 20;
const kPollSeconds = 10;

export function showList(main) {
  const page = new ListPage(main);
  page.open();
  return () => page.close();
}

class ListPage {
  constructor(main) {
    this.main = main;
    this.query = '';
    this.items = new Map();
    this.next = null;
    this.list = h('ul', {class: 'meetings', 'aria-label': 'Meetings'});
    this.status = h('div', {role: 'status', class: 'list-status'});
    this.more = h('button', {type: 'button', class: 'button button-quiet', hidden: true, onclick: () => this.load(true)}, 'Show more');
    this.reloadTimer = null;
    this.poll = null;
    this.events = null;
  }

  open() {
    const search = h('input', {type: 'search', id: 'search', name: 'q', autocomplete: 'off', placeholder: 'Words in titles, summaries or transcripts'});
    const form = h('form', {role: 'search', class: 'search'},
      h('label', {for: 'search'}, 'Search meetings'),
      h('div', {class: 'search-row'}, search, h('button', {type: 'submit', class: 'button'}, 'Search')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.query = search.value.trim();
      this.load(false);
    });
    replace(this.main,
      h('div', {class: 'page-head'}, h('h1', {}, 'Meetings'), h('a', {class: 'button', href: '#/new'}, 'New meeting')),
      form, this.status, this.list, this.more);
    this.events = openEvents('/v1/events', {
      // User events are not replayed: what changed before the socket opened is read again.
      onState: (socketState) => {
        if (socketState === 'open') this.load(false);
        if (socketState === 'unavailable') this.poll = setInterval(() => this.load(false), kPollSeconds * 1000);
      },
      onMessage: (message) => this.onEvent(message),
    });
    this.load(false);
  }

  close() {
    this.events?.close();
    clearTimeout(this.reloadTimer);
    clearInterval(this.poll);
  }

  // The first page again, or (append) the next one.
  async load(append) {
    if (!append) this.items.clear();
    try {
      const page = await fetchPage(this.query, append ? this.next : null);
      this.next = page.next;
      if (!append) replace(this.list);
      for (const item of page.items) {
        this.items.set(item.id, item);
        this.list.append(renderItem(item, () => this.refreshItem(item.id)));
      }
      this.more.hidden = !this.next;
      const {query} = this;
      this.status.textContent = this.items.size === 0
        ? (query ? `No meeting matches “${query}”.` : 'No meetings yet.')
        : (query ? `${page.total} meeting${page.total === 1 ? '' : 's'} match “${query}”.` : '');
      page.items.forEach((item) => this.decorate(item.id));
    } catch (error) {
      replace(this.status, notice('error', `The meetings could not be loaded: ${error.message}`));
    }
  }

  // Participants, and the failed step of a failed meeting, come from per-meeting endpoints.
  async decorate(id) {
    const item = this.items.get(id);
    if (!item) return;
    try {
      item.participants = await get(transcriptPath(id, '/participants'));
      item.failure = item.status === 'error' ? await loadFailure(id) : null;
    } catch {
      return;
    }
    this.redraw(id);
  }

  redraw(id) {
    const item = this.items.get(id);
    const old = this.list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
    if (!item || !old) return;
    const hadFocus = old.contains(document.activeElement);
    const fresh = renderItem(item, () => this.refreshItem(id));
    old.replaceWith(fresh);
    if (hadFocus) fresh.querySelector('a')?.focus();
  }

  async refreshItem(id) {
    try {
      const t = await get(transcriptPath(id));
      Object.assign(this.items.get(id) ?? {}, summaryOf(t));
      this.decorate(id);
    } catch {
      this.load(false);
    }
  }

  onEvent({event, data}) {
    const item = data && this.items.get(data.id);
    if (event === 'TRANSCRIPT_STATUS' && item) {
      item.status = data.value;
      item.failure = null;
      this.redraw(data.id);
      if (data.value === 'error' || data.value === 'ended') this.decorate(data.id);
    } else if (event === 'TRANSCRIPT_FINAL_TITLE' && item) {
      item.title = data.title;
      this.redraw(data.id);
    } else if (event === 'TRANSCRIPT_DURATION' && item) {
      item.duration = data.duration;
      this.redraw(data.id);
    } else if (['TRANSCRIPT_CREATED', 'TRANSCRIPT_DELETED', 'TRANSCRIPT_RESTORED'].includes(event)) {
      clearTimeout(this.reloadTimer);
      this.reloadTimer = setTimeout(() => this.load(false), 300);
    }
  }
}

function summaryOf(t) {
  return {id: t.id, title: t.title, name: t.name, created_at: t.created_at, status: t.status, duration: t.duration};
}

// Without a query: GET /v1/transcripts (newest first). With one: GET /v1/transcripts/search.
async function fetchPage(query, next) {
  if (!query) {
    const page = next ?? 1;
    const answer = await get(`/v1/transcripts?page=${page}&size=${kPageSize}`);
    return {items: answer.items.map(summaryOf), total: answer.total, next: page < answer.pages ? page + 1 : null};
  }
  const offset = next ?? 0;
  const answer = await get(`/v1/transcripts/search?q=${encodeURIComponent(query)}&limit=${kPageSize}&offset=${offset}`);
  const items = answer.results.map((r) => ({...summaryOf(r), snippets: r.search_snippets}));
  return {items, total: answer.total, next: offset + items.length < answer.total ? offset + items.length : null};
}

function renderItem(item, onRetried) {
  const title = item.title || item.name || 'Untitled meeting';
  const names = (item.participants ?? []).map((p) => p.name).filter(Boolean);
  const details = [dateTime(item.created_at)];
  if (item.duration) details.push(clock(item.duration / 1000));
  return h('li', {class: 'meeting', dataset: {id: item.id, status: item.status}},
    h('div', {class: 'meeting-line'},
      h('a', {class: 'meeting-title', href: `#/meetings/${encodeURIComponent(item.id)}`}, title),
      statusBadge(item.status)),
    h('p', {class: 'meeting-meta'}, details.filter(Boolean).join(' · ')),
    names.length ? h('p', {class: 'meeting-people'}, h('span', {class: 'visually-hidden'}, 'Participants: '), names.join(', ')) : null,
    (item.snippets ?? []).slice(0, 2).map((s) => h('p', {class: 'snippet'}, `…${s}…`)),
    item.status === 'error'
      ? h('div', {class: 'meeting-failure'}, h('p', {}, failureText(item.failure)), retryButton(item.id, onRetried))
      : null);
}
