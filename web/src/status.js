// Status badges and failure details shared by the list and the meeting page.

import {get, post, transcriptPath} from './api.js';
import {h} from './dom.js';
import {stepName} from './format.js';

const kStatusLabels = {
  idle: 'Waiting for audio',
  uploaded: 'Uploaded',
  recording: 'Recording',
  processing: 'Processing',
  error: 'Failed',
  ended: 'Done',
};

export function statusBadge(status) {
  return h('span', {class: `badge badge-${status}`}, kStatusLabels[status] ?? status);
}

// The failed step of a DAG_STATUS payload: {step, reason} or null.
export function failedStep(dagStatus) {
  const failed = (dagStatus?.tasks ?? []).find((task) => task.status === 'failed');
  return failed ? {step: failed.name, reason: failed.error ?? ''} : null;
}

// The failed step of a transcript, read from GET /v1/transcripts/{id} (its dag_status).
export async function loadFailure(id) {
  const transcript = await get(transcriptPath(id));
  return failedStep(transcript.dag_status);
}

export function failureText(failure) {
  if (!failure) return 'Processing failed.';
  return `Failed at step “${stepName(failure.step)}”${failure.reason ? `: ${failure.reason}` : '.'}`;
}

// A "Process again" button: POST …/process, then onStarted(); a refusal is shown beside it.
export function retryButton(id, onStarted) {
  const message = h('span', {class: 'retry-message', role: 'status'});
  const button = h('button', {type: 'button', class: 'button'}, 'Process again');
  button.addEventListener('click', async () => {
    button.disabled = true;
    message.textContent = 'Starting…';
    try {
      await post(transcriptPath(id, '/process'));
      message.textContent = 'Processing again.';
      onStarted?.();
    } catch (error) {
      message.textContent = `Could not start: ${error.message}`;
      button.disabled = false;
    }
  });
  return h('span', {class: 'retry'}, button, ' ', message);
}
