// Test Ticket: sends one create through the whole path (API → queue →
// SOAP → USMS) and shows what came back, so an operator can check the
// connection to USMS end to end.

import { api } from '../api.js';
import { esc, localTime, options, stateBadge } from '../util.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export function mount(root) {
  let stopped = false;
  root.innerHTML = `
  <div class="page-head">
    <h1>Send a test ticket</h1>
    <p class="sub">Creates a real ticket in USMS through the gateway and waits up to 30 s for the answer. Use a summary your USMS team will recognise.</p>
  </div>
  <form class="card settings" id="test-form" novalidate aria-label="Test ticket">
    <div class="form-error" role="alert" hidden></div>
    <div class="fields">
      <div class="field"><label for="tt-type">Ticket type</label><select id="tt-type" name="type">${options(
        [
          ['incident', 'Incident'],
          ['change', 'Change'],
          ['problem', 'Problem'],
        ],
        'incident',
      )}</select></div>
      <div class="field"><label for="tt-priority">Priority</label><select id="tt-priority" name="priority">${options(
        [1, 2, 3, 4, 5].map((p) => [p, p]),
        4,
      )}</select></div>
      <div class="field wide"><label for="tt-summary">Summary</label><input id="tt-summary" name="summary" required value="Gateway test ticket (operator page)" aria-describedby="tt-summary-err"><span class="field-error" id="tt-summary-err" role="alert"></span></div>
      <div class="field"><label for="tt-ci">Configuration item</label><input id="tt-ci" name="configuration_item" autocomplete="off"></div>
      <div class="field"><label for="tt-source">Source</label><input id="tt-source" name="source" value="operator-page" autocomplete="off"></div>
      <div class="field wide"><label for="tt-description">Description</label><textarea id="tt-description" name="description" rows="3">Sent from the gateway's Test Ticket page to check the path to USMS.</textarea></div>
    </div>
    <div class="actions"><button type="submit" class="primary" id="tt-send">Send test ticket</button></div>
  </form>
  <section class="card result" id="tt-result" aria-live="polite" hidden></section>`;

  const form = root.querySelector('#test-form');
  const result = root.querySelector('#tt-result');
  const send = root.querySelector('#tt-send');
  const formError = form.querySelector('.form-error');

  function show(rec, elapsed) {
    const done = FINISHED.has(rec.state);
    result.hidden = false;
    result.dataset.state = rec.state;
    result.innerHTML = `<h2>Result ${stateBadge(rec.state)}</h2>
      <dl class="kv">
        ${rec.ticket_id ? `<dt>Ticket ID</dt><dd class="mono" id="tt-ticket-id">${esc(rec.ticket_id)}</dd>` : ''}
        <dt>Request ID</dt><dd class="mono">${esc(rec.request_id)}</dd>
        <dt>Attempts</dt><dd>${esc(rec.attempts)}</dd>
        ${rec.reason ? `<dt>Reason</dt><dd class="reason">${esc(rec.reason)}</dd>` : ''}
        ${rec.last_error && !done ? `<dt>Last error</dt><dd class="reason">${esc(rec.last_error)}</dd>` : ''}
        ${rec.next_attempt_at ? `<dt>Next attempt</dt><dd>${esc(localTime(rec.next_attempt_at))}</dd>` : ''}
        <dt>Elapsed</dt><dd>${(elapsed / 1000).toFixed(2)} s${done ? '' : ' (still working: see External Requests)'}</dd>
      </dl>`;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    formError.hidden = true;
    form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
    const f = new FormData(form);
    const fields = { summary: f.get('summary').trim(), priority: Number(f.get('priority')) };
    if (f.get('description').trim()) fields.description = f.get('description').trim();
    if (f.get('configuration_item').trim()) fields.configuration_item = f.get('configuration_item').trim();
    const body = { fields, correlation_id: `gw-test-${Date.now()}` };
    if (f.get('source').trim()) body.source = f.get('source').trim();
    send.disabled = true;
    send.textContent = 'Sending…';
    const started = performance.now();
    try {
      let rec = await api('POST', `/api/v1/tickets/${encodeURIComponent(f.get('type'))}?wait=30`, body);
      show(rec, performance.now() - started);
      // The wait ran out (USMS slow or retrying): keep watching.
      while (!stopped && !FINISHED.has(rec.state)) {
        await new Promise((r) => setTimeout(r, 2000));
        rec = await api('GET', `/api/v1/requests/${encodeURIComponent(rec.request_id)}`);
        show(rec, performance.now() - started);
      }
    } catch (err) {
      const input = err.field ? form.querySelector(`[name="${CSS.escape(err.field.replace(/^fields\./, ''))}"]`) : null;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        const slot = form.querySelector(`#${input.id}-err`);
        if (slot) slot.textContent = err.message;
        else {
          formError.textContent = err.message;
          formError.hidden = false;
        }
        input.focus();
      } else {
        formError.textContent = err.message;
        formError.hidden = false;
      }
    } finally {
      send.disabled = false;
      send.textContent = 'Send test ticket';
    }
  });

  return {
    destroy() {
      stopped = true;
    },
  };
}
