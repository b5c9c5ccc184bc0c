// External Requests: the queue of accepted requests waiting for execution
// or retry (and, on demand, the failed and cancelled ones), with retry and
// cancel.

import { api, query } from '../api.js';
import { showRequest } from '../details.js';
import { esc, localTime, options, poller, relative, replaceHashParams, setHtml, stateBadge, toast } from '../util.js';

const STATES = [
  ['queued', 'Queued'],
  ['in_flight', 'In flight'],
  ['waiting_retry', 'Waiting retry'],
  ['failed', 'Failed'],
  ['cancelled', 'Cancelled'],
  ['succeeded', 'Succeeded'],
];
const DEFAULT_STATES = ['queued', 'in_flight', 'waiting_retry'];
const LIMIT = 200;

function rowHtml(r, now) {
  const id = esc(r.request_id);
  const canRetry = r.state === 'failed' || r.state === 'cancelled';
  const canCancel = r.state === 'queued' || r.state === 'waiting_retry';
  const next = r.next_attempt_at
    ? `<time datetime="${esc(r.next_attempt_at)}" title="${esc(localTime(r.next_attempt_at))}">${esc(relative(r.next_attempt_at, now))}</time>`
    : '';
  return `<tr data-request-id="${id}" data-state="${esc(r.state)}">
<td class="mono"><button type="button" class="link" data-open="${id}" data-focus-key="open:${id}" title="${id}">${esc(String(r.request_id).slice(0, 8))}</button></td>
<td><time datetime="${esc(r.accepted_at)}">${esc(localTime(r.accepted_at))}</time></td>
<td>${esc(r.action)}</td><td>${esc(r.type)}</td><td>${esc(r.source)}</td>
<td>${stateBadge(r.state)}</td><td class="num">${esc(r.attempts)}</td><td>${next}</td>
<td class="reason">${esc(r.last_error || r.reason)}</td>
<td class="row-actions">${canRetry ? `<button type="button" data-act="retry" data-id="${id}" data-focus-key="retry:${id}">Retry</button>` : ''}${
    canCancel ? `<button type="button" data-act="cancel" data-id="${id}" data-focus-key="cancel:${id}" class="danger">Cancel</button>` : ''
  }</td></tr>`;
}

export function mount(root, params) {
  const fromHash = (params.get('state') || '').split(',').filter((s) => STATES.some(([k]) => k === s));
  const st = {
    states: fromHash.length ? fromHash : [...DEFAULT_STATES],
    type: params.get('type') || '',
    source: params.get('source') || '',
  };

  root.innerHTML = `
  <div class="page-head">
    <h1>External Requests</h1>
    <p class="sub">Accepted requests waiting for execution or retry. A failed or cancelled request can be sent again under the same id.</p>
  </div>
  <form class="filters" aria-label="Filter the queue">
    <fieldset class="chips"><legend>State</legend>
      ${STATES.map(([k, label]) => `<label class="chip"><input type="checkbox" name="state" value="${k}"${st.states.includes(k) ? ' checked' : ''}> ${esc(label)}</label>`).join('')}
    </fieldset>
    <div class="f"><label for="r-type">Type</label><select id="r-type" name="type">${options([['', 'All'], ['incident', 'Incident'], ['change', 'Change'], ['problem', 'Problem']], st.type)}</select></div>
    <div class="f grow"><label for="r-source">Source</label><input id="r-source" type="search" name="source" value="${esc(st.source)}" placeholder="exact source" autocomplete="off" spellcheck="false"></div>
  </form>
  <div class="table-wrap">
    <table class="grid" id="requests-table">
      <caption class="sr-only">Request queue</caption>
      <thead><tr><th scope="col">Request</th><th scope="col">Accepted</th><th scope="col">Action</th><th scope="col">Type</th><th scope="col">Source</th><th scope="col">State</th><th scope="col" class="num">Attempts</th><th scope="col">Next attempt</th><th scope="col">Last error</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="requests-empty" hidden>Nothing is waiting.</p>
  </div>
  <p class="count" id="requests-count" aria-live="polite"></p>`;

  const form = root.querySelector('form');
  const tbody = root.querySelector('tbody');
  const empty = root.querySelector('#requests-empty');
  const count = root.querySelector('#requests-count');

  async function load() {
    if (!st.states.length) {
      setHtml(tbody, '');
      empty.hidden = false;
      count.textContent = '';
      return;
    }
    const data = await api('GET', `/api/v1/requests${query({ state: st.states.join(','), type: st.type, source: st.source, limit: LIMIT })}`);
    const rows = data.requests || [];
    const now = Date.now();
    setHtml(tbody, rows.map((r) => rowHtml(r, now)).join(''));
    empty.hidden = rows.length > 0;
    const total = data.total ?? rows.length;
    count.textContent = total > rows.length ? `Showing ${rows.length} of ${total} requests` : `${total} request${total === 1 ? '' : 's'}`;
  }

  const poll = poller(load, 2000);

  form.addEventListener('change', () => {
    const f = new FormData(form);
    st.states = f.getAll('state');
    st.type = f.get('type');
    st.source = f.get('source').trim();
    const isDefault = st.states.join(',') === DEFAULT_STATES.join(',');
    replaceHashParams('requests', { state: isDefault ? '' : st.states.join(','), type: st.type, source: st.source });
    poll.now();
  });
  form.addEventListener('submit', (e) => e.preventDefault());

  tbody.addEventListener('click', async (e) => {
    const open = e.target.closest('[data-open]');
    if (open) {
      showRequest(open.dataset.open, () => poll.now());
      return;
    }
    const b = e.target.closest('[data-act]');
    if (!b) return;
    const id = b.dataset.id;
    b.disabled = true;
    try {
      if (b.dataset.act === 'retry') {
        await api('POST', `/api/v1/requests/${encodeURIComponent(id)}/retry`);
        toast(`Request ${id.slice(0, 8)} is queued again`);
      } else {
        await api('DELETE', `/api/v1/requests/${encodeURIComponent(id)}`);
        toast(`Request ${id.slice(0, 8)} cancelled`);
      }
    } catch (err) {
      toast(err.message, 'error');
      b.disabled = false;
    }
    poll.now();
  });

  return {
    destroy() {
      poll.stop();
    },
  };
}
