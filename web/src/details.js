// A dialog with one request's whole record, opened from the status table
// and the queue; offers retry (failed/cancelled) and cancel (waiting).

import { api } from './api.js';
import { esc, localTime, stateBadge, toast } from './util.js';

const FIELDS = [
  ['request_id', 'Request ID'],
  ['state', 'State'],
  ['action', 'Action'],
  ['type', 'Type'],
  ['ticket_id', 'Ticket ID'],
  ['source', 'Source'],
  ['correlation_id', 'Correlation ID'],
  ['reply_to', 'Reply to'],
  ['attempts', 'Attempts'],
  ['accepted_at', 'Accepted'],
  ['next_attempt_at', 'Next attempt'],
  ['finished_at', 'Finished'],
  ['last_error', 'Last error'],
  ['reason', 'Reason'],
];

let dialog = null;

function ensureDialog() {
  if (dialog) return dialog;
  dialog = document.createElement('dialog');
  dialog.id = 'details-dialog';
  dialog.className = 'details';
  dialog.setAttribute('aria-labelledby', 'details-title');
  document.body.append(dialog);
  dialog.addEventListener('click', (e) => {
    if (e.target === dialog) dialog.close();
  });
  return dialog;
}

function render(rec, onChange) {
  const d = ensureDialog();
  const rows = FIELDS.filter(([k]) => rec[k] !== undefined && rec[k] !== '')
    .map(([k, label]) => {
      let v = rec[k];
      if (k === 'state') v = stateBadge(v);
      else if (k.endsWith('_at')) v = `<time datetime="${esc(v)}">${esc(localTime(v))}</time>`;
      else v = esc(v);
      return `<dt>${esc(label)}</dt><dd>${v}</dd>`;
    })
    .join('');
  const extra = {};
  for (const k of ['fields', 'filter', 'work_note', 'ticket', 'tickets', 'total_count', 'reply']) {
    if (rec[k] !== undefined) extra[k] = rec[k];
  }
  const canRetry = rec.state === 'failed' || rec.state === 'cancelled';
  const canCancel = rec.state === 'queued' || rec.state === 'waiting_retry';
  d.innerHTML = `
    <form method="dialog" class="details-body">
      <h2 id="details-title">Request ${esc(rec.request_id)}</h2>
      <dl class="kv">${rows}</dl>
      ${Object.keys(extra).length ? `<h3>Content</h3><pre class="json">${esc(JSON.stringify(extra, null, 2))}</pre>` : ''}
      <div class="actions">
        ${canRetry ? '<button type="button" data-act="retry" class="primary">Retry</button>' : ''}
        ${canCancel ? '<button type="button" data-act="cancel" class="danger">Cancel request</button>' : ''}
        <button value="close">Close</button>
      </div>
    </form>`;
  d.querySelectorAll('[data-act]').forEach((b) =>
    b.addEventListener('click', async () => {
      try {
        const id = encodeURIComponent(rec.request_id);
        const next =
          b.dataset.act === 'retry'
            ? await api('POST', `/api/v1/requests/${id}/retry`)
            : await api('DELETE', `/api/v1/requests/${id}`);
        toast(b.dataset.act === 'retry' ? `Request ${rec.request_id} is queued again` : `Request ${rec.request_id} cancelled`);
        render(next, onChange);
        onChange?.();
      } catch (e) {
        toast(e.message, 'error');
      }
    }),
  );
}

/// Opens the dialog for `requestId`; `onChange` runs after a retry/cancel.
export async function showRequest(requestId, onChange) {
  try {
    const rec = await api('GET', `/api/v1/requests/${encodeURIComponent(requestId)}`);
    render(rec, onChange);
    if (!dialog.open) dialog.showModal();
  } catch (e) {
    toast(e.message, 'error');
  }
}
