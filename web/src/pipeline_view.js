// The workflow as a graph of its steps, from a DAG_STATUS payload ({workflow_run_id,
// tasks:[{name, status, started_at, finished_at, duration_seconds, parents, error, retries,
// children_total, children_completed, children_running, progress_pct}]}). Steps are laid out in
// levels (a step sits one level below its deepest parent, so the branches of a fork sit side by
// side); a per-track fork shows how many of its tracks are done and running, and a retried step
// says how often (the payload's `retries`, or the failures seen here). Status is given in words
// and symbols, never by colour alone.

import {h} from './dom.js';
import {stepDuration, stepName} from './format.js';

const kSymbols = {queued: '○', running: '◐', completed: '✓', failed: '✕', cancelled: '–'};
const kWords = {queued: 'queued', running: 'running', completed: 'done', failed: 'failed', cancelled: 'cancelled'};

// Levels of the DAG: [[task, ...], ...] in order.
export function levels(tasks) {
  const depth = new Map();
  const byName = new Map(tasks.map((task) => [task.name, task]));
  const depthOf = (task, seen = new Set()) => {
    if (depth.has(task.name)) return depth.get(task.name);
    if (seen.has(task.name)) return 0;
    seen.add(task.name);
    const parents = (task.parents ?? []).map((name) => byName.get(name)).filter(Boolean);
    const value = parents.length ? 1 + Math.max(...parents.map((p) => depthOf(p, seen))) : 0;
    depth.set(task.name, value);
    return value;
  };
  const rows = [];
  for (const task of tasks) {
    const level = depthOf(task);
    (rows[level] ??= []).push(task);
  }
  return rows.filter(Boolean);
}

// One-line summary: "Step 7 of 16: transcribe track (running)".
export function pipelineSummary(dag) {
  const tasks = dag?.tasks ?? [];
  if (!tasks.length) return 'Waiting for the workflow to start.';
  const done = tasks.filter((t) => t.status === 'completed').length;
  const failed = tasks.find((t) => t.status === 'failed');
  if (failed) return `Failed at ${stepName(failed.name)}.`;
  const running = tasks.find((t) => t.status === 'running');
  if (done === tasks.length) return `All ${tasks.length} steps done.`;
  return running ? `${done} of ${tasks.length} steps done; now: ${stepName(running.name)}.` : `${done} of ${tasks.length} steps done.`;
}

// "2 of 3 tracks done, 1 running": tracks run side by side, so no single track is "the" one.
export function forkLabel(task) {
  const total = task.children_total;
  const completed = task.children_completed ?? 0;
  const running = task.status === 'running' ? task.children_running ?? 0 : 0;
  const done = `${completed} of ${total} track${total === 1 ? '' : 's'} done`;
  return running > 0 ? `${done}, ${running} running` : done;
}

function forkLine(task) {
  const total = task.children_total;
  const completed = task.children_completed ?? 0;
  const running = task.status === 'running' ? task.children_running ?? 0 : 0;
  const trackClass = (i) => (i < completed ? 'fork-track fork-done' : i < completed + running ? 'fork-track fork-running' : 'fork-track');
  return h('div', {class: 'fork'},
    h('span', {class: 'fork-label'}, forkLabel(task)),
    h('span', {class: 'fork-tracks', 'aria-hidden': 'true'}, Array.from({length: total}, (_, i) => h('span', {class: trackClass(i)}))));
}

function stepNode(task, retried) {
  const fork = Number.isInteger(task.children_total) && task.children_total > 0;
  return h('li', {class: `step step-${task.status}`, dataset: {step: task.name, status: task.status}},
    h('span', {class: 'step-symbol', 'aria-hidden': 'true'}, kSymbols[task.status] ?? '?'),
    h('span', {class: 'step-body'},
      h('span', {class: 'step-name'}, stepName(task.name)),
      h('span', {class: 'step-state'}, kWords[task.status] ?? task.status,
        task.duration_seconds !== null && task.duration_seconds !== undefined ? ` · ${stepDuration(task.duration_seconds)}` : '',
        retried ? ` · retried ${retried === 1 ? 'once' : `${retried} times`}` : ''),
      fork ? forkLine(task) : null,
      task.error ? h('span', {class: 'step-error'}, task.error) : null));
}

// Retries seen while watching: DAG_STATUS carries each step's latest attempt only, so a step
// that failed and then runs again is counted here (per workflow run; a reload starts over).
export class RetryCounter {
  constructor() {
    this.run = null;
    this.last = new Map();
    this.counts = new Map();
  }

  observe(dag) {
    if (dag?.workflow_run_id !== this.run) {
      this.run = dag?.workflow_run_id ?? null;
      this.last.clear();
      this.counts.clear();
    }
    for (const task of dag?.tasks ?? []) {
      const before = this.last.get(task.name);
      if (before === 'failed' && (task.status === 'running' || task.status === 'queued')) {
        this.counts.set(task.name, (this.counts.get(task.name) ?? 0) + 1);
      }
      this.last.set(task.name, task.status);
    }
  }

  of(name) {
    return this.counts.get(name) ?? 0;
  }
}

// The graph as an element: levels as rows joined by connectors.
export function renderPipeline(dag, retries = null) {
  const tasks = dag?.tasks ?? [];
  return h('ol', {class: 'pipeline', 'aria-label': 'Processing steps'},
    levels(tasks).map((row) => h('li', {class: 'level'},
      h('ol', {class: 'level-steps'}, row.map((task) => stepNode(task, Math.max(task.retries ?? 0, retries?.of(task.name) ?? 0)))))));
}
