// A meeting (#/meetings/ID): while processing, the step graph updated live from the events
// socket (WS /v1/transcripts/{id}/events; DAG_STATUS, STATUS, FINAL_TITLE, DURATION); a
// failure shows the failed step, its reason and a retry; when done, the title (editable),
// summaries, waveform and player, topics, the transcript by speaker and downloads.

import {get, openEvents, patch, transcriptPath} from './api.js';
import {announce, h, notice, replace} from './dom.js';
import {clock, dateTime} from './format.js';
import {renderMarkdown} from './markdown.js';
import {pipelineSummary, renderPipeline, RetryCounter} from './pipeline_view.js';
import {downloadButtons} from './downloads.js';
import {createPlayer} from './player_view.js';
import {failedStep, failureText, retryButton, statusBadge} from './status.js';
import {renderTranscript} from './transcript_view.js';

const kPollSeconds = 5;

export async function showMeeting(main, [id]) {
  const page = new MeetingPage(main, id);
  return (await page.open()) ? () => page.close() : undefined;
}

class MeetingPage {
  constructor(main, id) {
    this.main = main;
    this.id = id;
    this.state = {transcript: null, dag: null, player: null, shownEnded: null, retries: new RetryCounter()};
    this.titleSlot = h('div', {class: 'title-slot'});
    this.meta = h('p', {class: 'meeting-meta'});
    this.failureSlot = h('div');
    this.live = h('p', {class: 'live-state', role: 'status'});
    this.summaryLine = h('p', {class: 'pipeline-summary'});
    this.pipelineSlot = h('div', {class: 'pipeline-slot'});
    // Open while the meeting is processing or failed; folded away (still there) once it is done.
    this.processing = h('details', {class: 'card processing', open: true},
      h('summary', {}, h('h2', {id: 'steps-heading'}, 'Processing steps')), this.summaryLine, this.live, this.pipelineSlot);
    this.content = h('div', {class: 'meeting-content'});
    this.poll = null;
    this.events = null;
  }

  // Renders the meeting and starts following it; false when it cannot be read.
  async open() {
    replace(this.main, h('p', {class: 'back'}, h('a', {href: '#/'}, '← All meetings')),
      this.titleSlot, this.meta, this.failureSlot, this.processing, this.content);
    try {
      this.state.transcript = await get(transcriptPath(this.id));
    } catch (error) {
      replace(this.main, h('h1', {}, 'Meeting not available'), notice('error', error.message),
        h('p', {}, h('a', {href: '#/'}, 'Back to the meetings')));
      return false;
    }
    this.state.dag = this.state.transcript.dag_status ?? null;
    this.events = openEvents(transcriptPath(this.id, '/events'), {
      onMessage: (message) => this.onEvent(message),
      onState: (socketState) => this.onSocketState(socketState),
    });
    this.drawHeader();
    this.drawPipeline();
    await this.loadContent();
    return true;
  }

  close() {
    this.events?.close();
    clearInterval(this.poll);
    this.state.player?.close();
  }

  drawHeader() {
    const t = this.state.transcript;
    if (!this.titleSlot.querySelector('form')) replace(this.titleSlot, titleView(t, this.state));
    const people = (t.participants ?? []).map((p) => p.name).filter(Boolean);
    replace(this.meta, statusBadge(t.status), ` ${dateTime(t.created_at)}`,
      t.duration ? ` · ${clock(t.duration / 1000)}` : '', people.length ? ` · ${people.join(', ')}` : '');
  }

  drawPipeline() {
    const {state} = this;
    state.retries.observe(state.dag);
    replace(this.pipelineSlot, renderPipeline(state.dag, state.retries));
    this.summaryLine.textContent = pipelineSummary(state.dag);
    const failed = state.transcript.status === 'error';
    replace(this.failureSlot, failed
      ? notice('error', h('p', {class: 'failure-text'}, failureText(failedStep(state.dag))), retryButton(this.id, () => this.setStatus('processing')))
      : null);
    const ended = state.transcript.status === 'ended';
    if (ended !== state.shownEnded) this.processing.open = !ended;
    state.shownEnded = ended;
  }

  async loadContent() {
    this.state.player?.close();
    this.state.player = null;
    if (this.state.transcript.status !== 'ended') {
      replace(this.content);
      return;
    }
    replace(this.content, await finishedView(this.id, this.state, (people) => {
      this.state.transcript.participants = people;
      this.drawHeader();
    }));
  }

  async setStatus(value) {
    const {state} = this;
    const before = state.transcript.status;
    state.transcript.status = value;
    if (value !== before) announce(`Status: ${value}`);
    if (value === 'ended' || (value === 'error' && before !== 'error')) {
      try {
        state.transcript = await get(transcriptPath(this.id));
        state.dag = state.transcript.dag_status ?? state.dag;
      } catch { /* keep what is shown */ }
    }
    this.drawHeader();
    this.drawPipeline();
    if (value !== before && (value === 'ended' || before === 'ended')) await this.loadContent();
  }

  // Reads the meeting again (polling, and when the socket opens).
  async refresh() {
    try {
      const t = await get(transcriptPath(this.id));
      this.state.dag = t.dag_status ?? this.state.dag;
      if (t.title) this.state.transcript.title = t.title;
      await this.setStatus(t.status);
    } catch { /* the next poll tries again */ }
  }

  onEvent({event, data}) {
    const {state} = this;
    if (event === 'DAG_STATUS') {
      state.dag = data;
      this.drawPipeline();
      // STATUS is not replayed on connect: a run that ended or failed before the socket opened
      // shows here first.
      const tasks = data.tasks ?? [];
      const over = tasks.some((t) => t.status === 'failed') || (tasks.length && tasks.every((t) => t.status === 'completed'));
      if (over && !['ended', 'error'].includes(state.transcript.status)) this.refresh();
    } else if (event === 'STATUS') {
      this.setStatus(data.value);
    } else if (event === 'FINAL_TITLE') {
      state.transcript.title = data.title;
      this.drawHeader();
    } else if (event === 'DURATION') {
      state.transcript.duration = data.duration;
      this.drawHeader();
    }
  }

  onSocketState(socketState) {
    this.live.textContent = {open: 'Updates live.', closed: 'Reconnecting…', unavailable: `Updated every ${kPollSeconds} s.`}[socketState];
    clearInterval(this.poll);
    this.poll = null;
    if (socketState === 'open') this.refresh(); // what changed before the socket opened
    else this.poll = setInterval(() => this.refresh(), kPollSeconds * 1000);
  }
}

// The title with an Edit button that turns into a form (PATCH {title}).
function titleView(t, state) {
  const title = t.title || t.name || 'Untitled meeting';
  const edit = h('button', {type: 'button', class: 'button button-quiet button-small'}, 'Edit title');
  const heading = h('div', {class: 'title-row'}, h('h1', {}, title), edit);
  edit.addEventListener('click', () => {
    const input = h('input', {id: 'title-input', value: title, required: true, autocomplete: 'off'});
    const message = h('div');
    const cancel = () => {
      const slot = form.parentElement;
      replace(slot, titleView(state.transcript, state));
      slot.querySelector('button')?.focus();
    };
    const form = h('form', {class: 'inline-form title-form'},
      h('label', {for: 'title-input'}, 'Title'), input,
      h('button', {type: 'submit', class: 'button button-small'}, 'Save'),
      h('button', {type: 'button', class: 'button button-quiet button-small', onclick: cancel}, 'Cancel'), message);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        const saved = await patch(transcriptPath(t.id), {title: input.value.trim()});
        state.transcript.title = saved.title;
        const slot = form.parentElement;
        replace(slot, titleView(state.transcript, state));
        slot.querySelector('button')?.focus();
        announce('Title saved');
      } catch (error) {
        replace(message, notice('error', error.message));
      }
    });
    heading.replaceWith(form);
    input.focus();
  });
  return heading;
}

// Everything a finished meeting shows.
// onParticipants(participants) is told after a speaker is renamed or assigned.
async function finishedView(id, state, onParticipants) {
  const t = state.transcript;
  const [topics, participants, waveform] = await Promise.all([
    get(transcriptPath(id, '/topics/with-words')),
    get(transcriptPath(id, '/participants')),
    get(transcriptPath(id, '/audio/waveform')).catch(() => ({data: []})),
  ]);
  const wordsOf = (list) => list.flatMap((topic) => topic.words ?? []).sort((a, b) => a.start - b.start);
  const audioMissing = t.audio_deleted === true;
  const player = audioMissing ? null : createPlayer(id, {waveform: waveform.data, duration: t.duration / 1000});
  state.player = player;

  const transcriptSlot = h('div');
  let stopFollowing = null;
  const follow = (listener) => { stopFollowing = player?.onTime(listener); };
  const drawTranscript = (withTopics, people) => {
    stopFollowing?.();
    const hadFocus = transcriptSlot.contains(document.activeElement);
    replace(transcriptSlot, renderTranscript({id, words: wordsOf(withTopics), participants: people, follow, seek: player?.seek,
      onChanged: async () => {
        const [fresh, freshPeople] = await Promise.all([get(transcriptPath(id, '/topics/with-words')), get(transcriptPath(id, '/participants'))]);
        drawTranscript(fresh, freshPeople);
        onParticipants(freshPeople);
      }}));
    if (hadFocus) transcriptSlot.querySelector('button')?.focus();
  };
  drawTranscript(topics, participants);

  const summary = h('section', {class: 'card summary', 'aria-labelledby': 'summary-heading'},
    h('h2', {id: 'summary-heading'}, 'Summary'));
  if (t.short_summary) {
    const short = h('div', {class: 'short-summary'});
    short.innerHTML = renderMarkdown(t.short_summary, 2); // escaped by renderMarkdown
    summary.append(short);
  }
  if (t.long_summary) {
    const long = h('div', {class: 'long-summary'});
    long.innerHTML = renderMarkdown(t.long_summary, 2); // escaped by renderMarkdown
    summary.append(h('details', {class: 'long-details', open: true}, h('summary', {}, 'Full summary'), long));
  }

  const topicList = h('ol', {class: 'topics'}, topics.map((topic) => h('li', {class: 'topic'},
    h('button', {type: 'button', class: 'topic-button', onclick: () => player?.seek(topic.timestamp)},
      h('span', {class: 'topic-time'}, clock(topic.timestamp)), ' ', h('span', {class: 'topic-title'}, topic.title)),
    topic.summary ? h('p', {class: 'topic-summary'}, topic.summary) : null)));

  return h('div', {class: 'finished'},
    h('section', {class: 'card player-card', 'aria-labelledby': 'player-heading'},
      h('h2', {id: 'player-heading', class: 'visually-hidden'}, 'Recording'),
      player ? player.element : h('p', {}, 'The audio of this meeting was deleted.'),
      downloadButtons(id, t, !audioMissing)),
    h('div', {class: 'columns'},
      h('div', {class: 'column-side'},
        summary,
        h('section', {class: 'card', 'aria-labelledby': 'topics-heading'},
          h('h2', {id: 'topics-heading'}, 'Topics'),
          topics.length ? topicList : h('p', {}, 'No topics.'))),
      h('section', {class: 'card column-main', 'aria-labelledby': 'transcript-heading'},
        h('h2', {id: 'transcript-heading'}, 'Transcript'), transcriptSlot)));
}
