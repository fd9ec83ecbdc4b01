// Rooms (#/rooms): each room's webhook (URL, secret, a test delivery), Zulip stream and topic,
// automatic posting and consent setting; rooms are created here too (GET/POST/PATCH /v1/rooms,
// POST /v1/rooms/{id}/webhook/test).

import {get, patch, post} from './api.js';
import {announce, h, notice, replace} from './dom.js';

export async function showRooms(main) {
  const list = h('div', {class: 'rooms'});
  const load = async () => {
    try {
      const page = await get('/v1/rooms?page=1&size=100');
      replace(list, page.items.length ? page.items.map(roomCard) : h('p', {}, 'No rooms yet.'));
    } catch (error) {
      replace(list, notice('error', `The rooms could not be loaded: ${error.message}`));
    }
  };
  const name = h('input', {id: 'new-room-name', required: true, autocomplete: 'off'});
  const message = h('div');
  const create = h('form', {class: 'inline-form card'},
    h('label', {for: 'new-room-name'}, 'New room name'), name,
    h('button', {type: 'submit', class: 'button'}, 'Create room'), message);
  create.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await post('/v1/rooms', {name: name.value.trim()});
      name.value = '';
      replace(message);
      announce('Room created');
      await load();
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  });
  replace(main, h('h1', {}, 'Rooms'),
    h('p', {class: 'lead'}, 'Meetings processed for a room post their summary to its Zulip stream and notify its webhook.'),
    create, list);
  await load();
}

function field(id, label, input) {
  input.id = id;
  return h('div', {class: input.type === 'checkbox' ? 'field field-check' : 'field'}, h('label', {for: id}, label), input);
}

function roomCard(room) {
  const key = room.id.replace(/[^a-zA-Z0-9_-]/g, '');
  const inputs = {
    webhook_url: h('input', {type: 'url', value: room.webhook_url ?? '', placeholder: 'https://…'}),
    webhook_secret: h('input', {type: 'password', value: room.webhook_secret ?? '', autocomplete: 'off'}),
    zulip_stream: h('input', {value: room.zulip_stream ?? ''}),
    zulip_topic: h('input', {value: room.zulip_topic ?? ''}),
    zulip_auto_post: h('input', {type: 'checkbox', checked: !!room.zulip_auto_post}),
    skip_consent: h('input', {type: 'checkbox', checked: !!room.skip_consent}),
  };
  const message = h('div', {role: 'status'});
  const form = h('form', {class: 'room-form'},
    field(`${key}-webhook`, 'Webhook URL', inputs.webhook_url),
    field(`${key}-secret`, 'Webhook secret', inputs.webhook_secret),
    field(`${key}-stream`, 'Zulip stream', inputs.zulip_stream),
    field(`${key}-topic`, 'Zulip topic', inputs.zulip_topic),
    field(`${key}-autopost`, 'Post summaries to Zulip automatically', inputs.zulip_auto_post),
    field(`${key}-consent`, 'Process without asking participants for consent', inputs.skip_consent),
    h('div', {class: 'actions'},
      h('button', {type: 'submit', class: 'button'}, 'Save'),
      h('button', {type: 'button', class: 'button button-quiet', onclick: testWebhook}, 'Send a test webhook')),
    message);
  async function testWebhook() {
    replace(message, 'Sending…');
    try {
      const answer = await post(`/v1/rooms/${encodeURIComponent(room.id)}/webhook/test`);
      replace(message, notice(answer.success ? 'ok' : 'error', `${answer.message ?? ''}${answer.error ? `: ${answer.error}` : ''}`));
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {};
    for (const [name, input] of Object.entries(inputs)) body[name] = input.type === 'checkbox' ? input.checked : input.value.trim();
    try {
      await patch(`/v1/rooms/${encodeURIComponent(room.id)}`, body);
      replace(message, notice('ok', 'Saved.'));
    } catch (error) {
      replace(message, notice('error', error.message));
    }
  });
  return h('section', {class: 'card room', 'aria-label': `Room ${room.name}`}, h('h2', {}, room.name), form);
}
