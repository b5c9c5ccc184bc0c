// Alarms: one ticket per alarm. Every alarm the gateway remembers with its
// state (open, resolved, closed by people in USMS, flapping), its ticket,
// its generation and occurrences and when it was last seen; filtered by
// state, paged, refreshed live. An admin may forget an alarm.

import { api, query } from '../api.js';
import { esc, localTime, options, poller, relative, replaceHashParams, setHtml, stateBadge, toast } from '../util.js';

const STATES = [
  ['', 'All'],
  ['open', 'Open'],
  ['flapping', 'Flapping'],
  ['resolved', 'Resolved'],
  ['closed', 'Closed'],
];
const LIMIT = 100;

function timeCell(iso, now) {
  if (!iso) return '<td></td>';
  return `<td><time datetime="${esc(iso)}" title="${esc(localTime(iso))}">${esc(relative(iso, now))}</time></td>`;
}

function rowHtml(a, now) {
  const key = esc(a.key);
  const ticket = a.ticket_id ? esc(a.ticket_id) : '<span class="muted">creating…</span>';
  return `<tr data-key="${key}" data-state="${esc(a.state)}">
<td class="mono key">${key}</td><td>${stateBadge(a.state)}</td><td>${esc(a.type)}</td>
<td class="mono">${ticket}</td><td class="num">${esc(a.generation)}</td><td class="num">${esc(a.occurrences)}</td>
${timeCell(a.first_at, now)}${timeCell(a.last_at, now)}${timeCell(a.resolved_at, now)}
<td class="row-actions"><button type="button" data-forget="${key}" data-focus-key="forget:${key}" class="danger">Forget</button></td></tr>`;
}

export function mount(root, params) {
  const st = {
    state: STATES.some(([k]) => k === params.get('state')) ? params.get('state') : '',
    page: Math.max(0, Number(params.get('page') || 1) - 1) || 0,
  };
  let total = 0;

  root.innerHTML = `
  <div class="page-head">
    <h1>Alarms</h1>
    <p class="sub">One ticket per alarm: repeats are counted, a clear resolves the ticket, a firing reopens it or starts a new generation. Times relative to now (hover for local time).</p>
  </div>
  <form class="filters" aria-label="Filter the alarms">
    <div class="f"><label for="a-state">State</label><select id="a-state" name="state">${options(STATES, st.state)}</select></div>
  </form>
  <div class="table-wrap">
    <table class="grid" id="alarms-table">
      <caption class="sr-only">Alarms, last seen first</caption>
      <thead><tr><th scope="col">Key</th><th scope="col">State</th><th scope="col">Type</th><th scope="col">Ticket</th><th scope="col" class="num">Generation</th><th scope="col" class="num">Occurrences</th><th scope="col">First fired</th><th scope="col">Last seen</th><th scope="col">Resolved</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="alarms-empty" hidden>No alarms.</p>
  </div>
  <nav class="pager" aria-label="Pages of alarms">
    <button type="button" data-go="prev" aria-label="Previous page">‹</button>
    <span id="alarms-count" aria-live="polite"></span>
    <button type="button" data-go="next" aria-label="Next page">›</button>
  </nav>`;

  const form = root.querySelector('form');
  const tbody = root.querySelector('tbody');
  const empty = root.querySelector('#alarms-empty');
  const count = root.querySelector('#alarms-count');
  const pages = () => Math.max(1, Math.ceil(total / LIMIT));

  async function load() {
    const data = await api('GET', `/api/v1/alarms${query({ state: st.state, limit: LIMIT, offset: st.page * LIMIT })}`);
    total = data.total ?? 0;
    const rows = data.alarms || [];
    if (st.page > 0 && rows.length === 0 && total > 0) {
      st.page = pages() - 1;
      return load();
    }
    const now = Date.now();
    setHtml(tbody, rows.map((a) => rowHtml(a, now)).join(''));
    empty.hidden = rows.length > 0;
    count.textContent = `Page ${st.page + 1} of ${pages()} · ${total.toLocaleString('en')} alarm${total === 1 ? '' : 's'}`;
    root.querySelector('[data-go="prev"]').disabled = st.page === 0;
    root.querySelector('[data-go="next"]').disabled = st.page >= pages() - 1;
  }

  const poll = poller(load, 2000);
  const saveHash = () => replaceHashParams('alarms', { state: st.state, page: st.page > 0 ? st.page + 1 : '' });

  form.addEventListener('change', () => {
    st.state = new FormData(form).get('state');
    st.page = 0;
    saveHash();
    poll.now();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  root.querySelector('.pager').addEventListener('click', (e) => {
    const b = e.target.closest('[data-go]');
    if (!b) return;
    st.page = Math.min(pages() - 1, Math.max(0, st.page + (b.dataset.go === 'next' ? 1 : -1)));
    saveHash();
    poll.now();
  });
  tbody.addEventListener('click', async (e) => {
    const b = e.target.closest('[data-forget]');
    if (!b) return;
    const key = b.dataset.forget;
    b.disabled = true;
    try {
      await api('DELETE', `/api/v1/alarms/${encodeURIComponent(key)}`);
      toast(`Alarm ${key} forgotten`);
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
