// The Cluster section of the Status Overview: every gateway instance that
// shares the storage (GET /api/v1/cluster), which one runs the offload,
// janitor and trend, how many unfinished requests each owns, how each sees
// USMS. On a SQLite file it shows the one instance.

import { api } from './api.js';
import { esc, localTime, poller, setHtml } from './util.js';

const REFRESH_MS = 5000;

function rowHtml(i, self) {
  return `<tr><td class="mono">${esc(i.id)}${i.id === self ? ' <span class="sub">(this one)</span>' : ''}</td>
<td>${i.leads ? 'leads' : ''}</td><td class="num">${esc(i.owned)}</td><td>${esc(i.usms)}</td>
<td><time datetime="${esc(i.started_at)}">${esc(localTime(i.started_at))}</time></td>
<td><time datetime="${esc(i.heartbeat_at)}">${esc(localTime(i.heartbeat_at))}</time></td></tr>`;
}

/// Renders the section into `box` and keeps it fresh; returns its poller.
export function mountCluster(box) {
  box.innerHTML = `
  <h2 id="cluster-title">Cluster</h2>
  <div class="table-wrap">
    <table class="grid" aria-labelledby="cluster-title">
      <thead><tr><th scope="col">Instance</th><th scope="col">Role</th><th scope="col" class="num">Owned</th><th scope="col">USMS</th><th scope="col">Started</th><th scope="col">Last heartbeat</th></tr></thead>
      <tbody></tbody>
    </table>
  </div>`;
  const tbody = box.querySelector('tbody');
  return poller(async () => {
    const data = await api('GET', '/api/v1/cluster');
    setHtml(tbody, data.instances.map((i) => rowHtml(i, data.self)).join(''));
  }, REFRESH_MS);
}
