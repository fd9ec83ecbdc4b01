// node --test: the pure modules of the page (markdown, formatting, the step graph's layout and
// retry count); no browser needed.
import assert from 'node:assert/strict';
import test from 'node:test';

import {clock, passages, speakerName, stepDuration, wordAt, baseName} from '../src/format.js';
import {escapeHtml, renderMarkdown} from '../src/markdown.js';
import {forkLabel, levels, pipelineSummary, RetryCounter} from '../src/pipeline_view.js';

test('markdown escapes every tag and attribute in the input', () => {
  const html = renderMarkdown('# <img src=x onerror=alert(1)>\n\n<script>alert("x")</script> & *hi*');
  assert.equal(html.includes('<img'), false);
  assert.equal(html.includes('<script'), false);
  assert.match(html, /<h1>&lt;img src=x onerror=alert\(1\)&gt;<\/h1>/);
  assert.match(html, /<p>&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt; &amp; <em>hi<\/em><\/p>/);
});

test('markdown renders headings, lists, emphasis and paragraphs', () => {
  const html = renderMarkdown('## Decisions\n- **hire** two engineers\n- keep _budget_\n\n1. first\n2. `second`\n\nplain\ntext');
  assert.equal(
    html,
    '<h2>Decisions</h2>\n<ul><li><strong>hire</strong> two engineers</li><li>keep <em>budget</em></li></ul>\n' +
      '<ol><li>first</li><li><code>second</code></li></ol>\n<p>plain text</p>',
  );
});

test('markdown heading offset shifts levels and stops at h6', () => {
  assert.equal(renderMarkdown('# A', 2), '<h3>A</h3>');
  assert.equal(renderMarkdown('###### A', 2), '<h6>A</h6>');
});

test('markdown leaves snake_case words and lone asterisks alone', () => {
  assert.equal(renderMarkdown('pad_track and 2 * 3 * 4'), '<p>pad_track and 2 * 3 * 4</p>');
});

test('escapeHtml escapes quotes too', () => {
  assert.equal(escapeHtml(`"'<>&`), '&quot;&#39;&lt;&gt;&amp;');
});

test('clock and step durations', () => {
  assert.equal(clock(75.4), '1:15');
  assert.equal(clock(3725), '1:02:05');
  assert.equal(stepDuration(0.42), '0.4 s');
  assert.equal(stepDuration(null), '');
  assert.equal(baseName('dir/alice.webm'), 'alice');
});

test('passages group consecutive words of a speaker; names fall back to Speaker N', () => {
  const words = [
    {text: ' a', start: 0, end: 1, speaker: 0},
    {text: ' b', start: 1, end: 2, speaker: 0},
    {text: ' c', start: 2, end: 3, speaker: 1},
  ];
  const grouped = passages(words);
  assert.equal(grouped.length, 2);
  assert.deepEqual([grouped[0].start, grouped[0].end, grouped[0].words.length], [0, 2, 2]);
  assert.equal(speakerName(1, [{speaker: 1, name: 'Bob'}]), 'Bob');
  assert.equal(speakerName(2, [{speaker: 1, name: 'Bob'}]), 'Speaker 2');
});

test('wordAt finds the word under the playhead', () => {
  const words = [
    {start: 0, end: 0.5},
    {start: 1, end: 1.5},
    {start: 3, end: 3.5},
  ];
  assert.equal(wordAt(words, 1.2), 1);
  assert.equal(wordAt(words, 2.5), -1);
  assert.equal(wordAt(words, -1), -1);
  assert.equal(wordAt(words, 3.6), 2);
});

test('the step graph is laid out in levels below each step\'s deepest parent', () => {
  const tasks = [
    {name: 'a', parents: []},
    {name: 'b', parents: ['a']},
    {name: 'c', parents: ['a']},
    {name: 'd', parents: ['b', 'c']},
  ];
  assert.deepEqual(levels(tasks).map((row) => row.map((t) => t.name)), [['a'], ['b', 'c'], ['d']]);
});

test('parallel branches of a fork share a level and their join waits for both', () => {
  // The shape DAG_STATUS gives the pipeline: mixdown ‖ transcription after the padding fork.
  const tasks = [
    {name: 'pad_track', parents: []},
    {name: 'mixdown_tracks', parents: ['pad_track']},
    {name: 'generate_waveform', parents: ['mixdown_tracks']},
    {name: 'generate_transcription_tasks', parents: ['pad_track']},
    {name: 'transcribe_track', parents: ['generate_transcription_tasks']},
    {name: 'merge_transcripts', parents: ['generate_waveform', 'transcribe_track']},
  ];
  assert.deepEqual(levels(tasks).map((row) => row.map((t) => t.name)), [
    ['pad_track'],
    ['mixdown_tracks', 'generate_transcription_tasks'],
    ['generate_waveform', 'transcribe_track'],
    ['merge_transcripts'],
  ]);
});

test('a per-track fork says how many tracks are done and how many run', () => {
  const fork = (status, completed, running) => ({status, children_total: 3, children_completed: completed, children_running: running});
  assert.equal(forkLabel(fork('running', 2, 1)), '2 of 3 tracks done, 1 running');
  assert.equal(forkLabel(fork('running', 0, 3)), '0 of 3 tracks done, 3 running');
  assert.equal(forkLabel(fork('queued', 0, 0)), '0 of 3 tracks done');
  assert.equal(forkLabel(fork('completed', 3, 0)), '3 of 3 tracks done');
  assert.equal(forkLabel(fork('failed', 1, 1)), '1 of 3 tracks done', 'a failed fork runs nothing any more');
  assert.equal(forkLabel({status: 'completed', children_total: 1, children_completed: 1}), '1 of 1 track done');
});

test('the summary line names the running or failed step', () => {
  const dag = {tasks: [{name: 'pad_track', status: 'completed'}, {name: 'mixdown_tracks', status: 'running'}]};
  assert.equal(pipelineSummary(dag), '1 of 2 steps done; now: Mixdown tracks.');
  assert.equal(pipelineSummary({tasks: [{name: 'pad_track', status: 'failed'}]}), 'Failed at Pad track.');
  assert.equal(pipelineSummary(null), 'Waiting for the workflow to start.');
});

test('a step that failed and runs again counts as retried, per workflow run', () => {
  const retries = new RetryCounter();
  const dag = (run, status) => ({workflow_run_id: run, tasks: [{name: 'transcribe_track', status}]});
  retries.observe(dag('w1', 'running'));
  retries.observe(dag('w1', 'failed'));
  retries.observe(dag('w1', 'running'));
  retries.observe(dag('w1', 'completed'));
  assert.equal(retries.of('transcribe_track'), 1);
  retries.observe(dag('w2', 'running'));
  assert.equal(retries.of('transcribe_track'), 0);
});
