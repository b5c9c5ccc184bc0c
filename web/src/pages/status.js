// Status Overview: the status table (newest first, paged, filtered on the
// server), the Number of Incidents and its trend chart, refreshed live.

import { api, query } from '../api.js';
import { mountCluster } from '../cluster_section.js';
import { showRequest } from '../details.js';
import {
  debounce,
  esc,
  localTime,
  options,
  poller,
  replaceHashParams,
  setHtml,
  stateBadge,
  zoneLabel,
} from '../util.js';

const PERIODS = [
  ['1h', 'Last hour', 3600e3],
  ['6h', '6 hours', 6 * 3600e3],
  ['24h', '24 hours', 24 * 3600e3],
  ['7d', '7 days', 7 * 86400e3],
  ['30d', '30 days', 30 * 86400e3],
];
const SIZES = [25, 50, 100, 200];
// Why a request was made: a command, or a step of an alarm's lifecycle.
const CAUSES = [
  ['', 'All'],
  ['command', 'Command'],
  ['alarm_firing', 'Alarm fired'],
  ['alarm_repeat', 'Alarm repeats'],
  ['alarm_cleared', 'Alarm cleared'],
  ['alarm_reopened', 'Alarm reopened'],
  ['alarm_flapping', 'Alarm flapping'],
];
const causeLabel = (c) => (CAUSES.find(([k]) => k === c) || [c, c])[1];
const REFRESH_MS = 2000;

// The chart library loads after the table: the rows come first.
let uPlotModule = null;
const loadUplot = () => (uPlotModule ||= import('uplot').then((m) => m.default));
const TREND_MS = 15000;

function readState(params) {
  const size = Number(params.get('size'));
  return {
    status: params.get('status') || '',
    type: params.get('type') || '',
    action: params.get('action') || '',
    q: params.get('q') || '',
    source: params.get('source') || '',
    cause: CAUSES.some(([c]) => c === params.get('cause')) ? params.get('cause') : '',
    page: Math.max(0, Number(params.get('page') || 1) - 1) || 0,
    size: SIZES.includes(size) ? size : 50,
    period: PERIODS.some(([p]) => p === params.get('period')) ? params.get('period') : '24h',
  };
}

function rowHtml(r, fresh) {
  return `<tr data-request-id="${esc(r.request_id)}" data-row-id="${esc(r.row_id)}"${fresh ? ' class="new"' : ''}>
<td><time datetime="${esc(r.finished_at || r.accepted_at)}">${esc(localTime(r.finished_at || r.accepted_at))}</time></td>
<td>${esc(r.action)}</td><td>${esc(r.type)}</td><td class="mono">${esc(r.ticket_id)}</td>
<td>${stateBadge(r.status)}</td><td class="reason">${esc(r.reason)}</td><td>${esc(r.source)}</td>
<td class="cause" data-cause="${esc(r.cause || 'command')}"${r.alarm_key ? ` title="alarm ${esc(r.alarm_key)}"` : ''}>${esc(causeLabel(r.cause || 'command'))}${r.alarm_key ? `<br><span class="mono muted">${esc(r.alarm_key)}</span>` : ''}</td>
<td class="num">${esc(r.attempts)}</td>
<td><button type="button" class="link" data-open="${esc(r.request_id)}" data-focus-key="open:${esc(r.row_id)}" aria-label="Details of request ${esc(r.request_id)}">Details</button></td></tr>`;
}

export function mount(root, params) {
  let st = readState(params);
  let maxRowId = null; // highest row seen: newer rows flash once
  let chart = null;
  let lastEntries = null;
  let trendSamples = [];
  let destroyed = false;

  root.innerHTML = `
  <div class="page-head">
    <h1>Status Overview</h1>
    <p class="sub">Every finished request: what was sent to USMS and how it ended. Times in ${esc(zoneLabel())}.</p>
  </div>
  <section class="cards" aria-label="Number of Incidents">
    <div class="card kpi">
      <div class="kpi-label" id="noi-label">Number of Incidents</div>
      <div class="kpi-value" id="noi" aria-labelledby="noi-label">–</div>
      <div class="kpi-note">rows in the status table</div>
    </div>
    <div class="card chart-card">
      <div class="chart-head">
        <h2 id="trend-title">Trend</h2>
        <div class="seg" role="group" aria-label="Trend period">
          ${PERIODS.map(([p, label]) => `<button type="button" data-period="${p}" aria-pressed="false">${esc(label)}</button>`).join('')}
        </div>
      </div>
      <div id="chart" class="chart" role="img" aria-labelledby="trend-title"></div>
      <p class="chart-empty" id="chart-empty" hidden>No samples in this period yet.</p>
    </div>
  </section>
  <form class="filters" role="search" aria-label="Filter the status table">
    <div class="f"><label for="f-status">Status</label><select id="f-status" name="status">${options([['', 'All'], ['Succeeded', 'Succeeded'], ['Failed', 'Failed']], st.status)}</select></div>
    <div class="f"><label for="f-type">Type</label><select id="f-type" name="type">${options([['', 'All'], ['incident', 'Incident'], ['change', 'Change'], ['problem', 'Problem']], st.type)}</select></div>
    <div class="f"><label for="f-action">Action</label><select id="f-action" name="action">${options([['', 'All'], ['create', 'Create'], ['update', 'Update'], ['query', 'Query']], st.action)}</select></div>
    <div class="f"><label for="f-cause">Cause</label><select id="f-cause" name="cause">${options(CAUSES, st.cause)}</select></div>
    <div class="f"><label for="f-source">Source</label><input id="f-source" type="search" name="source" value="${esc(st.source)}" placeholder="exact source" autocomplete="off" spellcheck="false"></div>
    <div class="f grow"><label for="f-q">Search</label><input id="f-q" type="search" name="q" value="${esc(st.q)}" placeholder="reason, ticket, correlation or request id" autocomplete="off"></div>
    <div class="f"><label for="f-size">Rows</label><select id="f-size" name="size">${options(SIZES.map((s) => [s, s]), st.size)}</select></div>
  </form>
  <div class="table-wrap">
    <table class="grid" id="status-table">
      <caption class="sr-only">Status table, newest first</caption>
      <thead><tr><th scope="col">Time</th><th scope="col">Action</th><th scope="col">Type</th><th scope="col">Ticket ID</th><th scope="col">Status</th><th scope="col">Reason of failure</th><th scope="col">Source</th><th scope="col">Cause</th><th scope="col" class="num">Attempts</th><th scope="col"><span class="sr-only">Details</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="status-empty" hidden>No rows match.</p>
  </div>
  <nav class="pager" aria-label="Pages of the status table">
    <button type="button" data-go="first" aria-label="First page">«</button>
    <button type="button" data-go="prev" aria-label="Previous page">‹</button>
    <span id="page-info" aria-live="polite"></span>
    <button type="button" data-go="next" aria-label="Next page">›</button>
    <button type="button" data-go="last" aria-label="Last page">»</button>
  </nav>
  <section class="cluster" id="cluster" aria-label="Cluster"></section>`;

  const tbody = root.querySelector('tbody');
  const form = root.querySelector('form.filters');
  const noi = root.querySelector('#noi');
  const pageInfo = root.querySelector('#page-info');
  const empty = root.querySelector('#status-empty');
  const chartBox = root.querySelector('#chart');
  const chartEmpty = root.querySelector('#chart-empty');
  let total = 0;

  const pages = () => Math.max(1, Math.ceil(total / st.size));
  const saveHash = () =>
    replaceHashParams('status', {
      status: st.status,
      type: st.type,
      action: st.action,
      q: st.q,
      source: st.source,
      cause: st.cause,
      page: st.page > 0 ? st.page + 1 : '',
      size: st.size !== 50 ? st.size : '',
      period: st.period !== '24h' ? st.period : '',
    });

  async function loadTable() {
    const data = await api(
      'GET',
      `/api/v1/status${query({
        status: st.status,
        type: st.type,
        action: st.action,
        q: st.q,
        source: st.source,
        cause: st.cause,
        limit: st.size,
        offset: st.page * st.size,
      })}`,
    );
    total = data.total ?? 0;
    const rows = data.rows || [];
    if (st.page > 0 && rows.length === 0 && total > 0) {
      st.page = pages() - 1; // the page emptied (filter or offload): go to the last one
      saveHash();
      return loadTable();
    }
    const seen = maxRowId;
    let html = '';
    for (const r of rows) {
      html += rowHtml(r, seen !== null && r.row_id > seen);
      if (maxRowId === null || r.row_id > maxRowId) maxRowId = r.row_id;
    }
    if (maxRowId === null) maxRowId = 0;
    setHtml(tbody, html);
    empty.hidden = rows.length > 0;
    // For measuring: navigation start → first table on screen.
    if (!performance.getEntriesByName('usms:status-table').length) performance.mark('usms:status-table');
    const first = total === 0 ? 0 : st.page * st.size + 1;
    const last = st.page * st.size + rows.length;
    pageInfo.textContent = `Page ${st.page + 1} of ${pages()} · rows ${first}–${last} of ${total.toLocaleString('en')}`;
    root.querySelector('[data-go="first"]').disabled = st.page === 0;
    root.querySelector('[data-go="prev"]').disabled = st.page === 0;
    root.querySelector('[data-go="next"]').disabled = st.page >= pages() - 1;
    root.querySelector('[data-go="last"]').disabled = st.page >= pages() - 1;
    if (typeof data.entries === 'number') {
      noi.textContent = data.entries.toLocaleString('en');
      if (lastEntries !== data.entries) {
        lastEntries = data.entries;
        drawChart();
      }
    }
  }

  function periodMs() {
    return PERIODS.find(([p]) => p === st.period)[2];
  }

  async function loadTrend() {
    const until = new Date();
    const since = new Date(until.getTime() - periodMs());
    const data = await api('GET', `/api/v1/status/trend${query({ since: since.toISOString(), until: until.toISOString() })}`);
    trendSamples = data.samples || [];
    drawChart();
  }

  function chartData() {
    const xs = [];
    const ys = [];
    for (const s of trendSamples) {
      const t = Date.parse(s.at) / 1000;
      if (!Number.isNaN(t)) {
        xs.push(t);
        ys.push(s.count);
      }
    }
    // The live count as the newest point, so the chart moves with the table.
    if (lastEntries !== null) {
      const now = Date.now() / 1000;
      if (!xs.length || now > xs[xs.length - 1]) {
        xs.push(now);
        ys.push(lastEntries);
      }
    }
    return [xs, ys];
  }

  async function drawChart() {
    const uPlot = await loadUplot();
    if (destroyed) return;
    const data = chartData();
    chartEmpty.hidden = data[0].length > 1;
    const width = Math.max(240, chartBox.clientWidth);
    const now = Date.now() / 1000;
    const scaleX = { time: true, range: () => [now - periodMs() / 1000, now] };
    if (!chart) {
      chart = new uPlot(
        {
          width,
          height: 150,
          legend: { show: false },
          cursor: { drag: { x: false, y: false } },
          scales: { x: scaleX, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
          axes: [
            { stroke: '#5b6470', grid: { stroke: '#eceff3' }, ticks: { stroke: '#d7dbe1' } },
            { stroke: '#5b6470', grid: { stroke: '#eceff3' }, ticks: { stroke: '#d7dbe1' }, size: 60 },
          ],
          series: [{}, { label: 'Number of Incidents', stroke: '#2563eb', width: 2, fill: 'rgba(37,99,235,0.10)', points: { show: false } }],
        },
        data,
        chartBox,
      );
    } else {
      chart.setScale('x', { min: now - periodMs() / 1000, max: now });
      chart.setData(data, false);
      chart.setScale('x', { min: now - periodMs() / 1000, max: now });
    }
  }

  const markPeriod = () =>
    root.querySelectorAll('[data-period]').forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.period === st.period)));
  markPeriod();

  const table = poller(loadTable, REFRESH_MS);
  const trend = poller(loadTrend, TREND_MS);
  const cluster = mountCluster(root.querySelector('#cluster'));

  const refilter = () => {
    const f = new FormData(form);
    st.status = f.get('status');
    st.type = f.get('type');
    st.action = f.get('action');
    st.q = f.get('q').trim();
    st.source = f.get('source').trim();
    st.cause = f.get('cause');
    st.size = Number(f.get('size'));
    st.page = 0;
    saveHash();
    table.now();
  };
  form.addEventListener('change', (e) => {
    if (e.target.name !== 'q' && e.target.name !== 'source') refilter();
  });
  const typed = new Set(['q', 'source']);
  form.addEventListener('input', debounce((e) => typed.has(e.target.name) && refilter(), 250));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    refilter();
  });
  root.querySelector('.pager').addEventListener('click', (e) => {
    const go = e.target.closest('[data-go]')?.dataset.go;
    if (!go) return;
    const last = pages() - 1;
    st.page = { first: 0, prev: Math.max(0, st.page - 1), next: Math.min(last, st.page + 1), last }[go];
    saveHash();
    table.now();
  });
  root.querySelector('.seg').addEventListener('click', (e) => {
    const p = e.target.closest('[data-period]')?.dataset.period;
    if (!p) return;
    st.period = p;
    markPeriod();
    saveHash();
    trend.now();
  });
  tbody.addEventListener('click', (e) => {
    const id = e.target.closest('[data-open]')?.dataset.open;
    if (id) showRequest(id, () => table.now());
  });
  const resize = new ResizeObserver(() => {
    if (chart) chart.setSize({ width: Math.max(240, chartBox.clientWidth), height: 150 });
  });
  resize.observe(chartBox);

  return {
    destroy() {
      destroyed = true;
      table.stop();
      trend.stop();
      cluster.stop();
      resize.disconnect();
      chart?.destroy();
    },
  };
}
