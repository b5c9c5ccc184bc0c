// Small helpers shared by the pages: escaping, time formatting, polling,
// focus-preserving table updates, toasts.

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/// Text for innerHTML.
export function esc(v) {
  if (v === undefined || v === null) return '';
  return String(v).replace(/[&<>"']/g, (c) => ESC[c]);
}

const pad = (n, w = 2) => String(n).padStart(w, '0');

/// `2026-11-27 07:48:31` in the browser's zone.
export function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(
    d.getMinutes(),
  )}:${pad(d.getSeconds())}`;
}

/// `in 12 s`, `3 min ago`.
export function relative(iso, now = Date.now()) {
  if (!iso) return '';
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((t - now) / 1000);
  const a = Math.abs(s);
  const text = a < 60 ? `${a} s` : a < 3600 ? `${Math.round(a / 60)} min` : `${Math.round(a / 3600)} h`;
  if (a < 1) return 'now';
  return s > 0 ? `in ${text}` : `${text} ago`;
}

export function zoneLabel() {
  const m = -new Date().getTimezoneOffset();
  return `UTC${m >= 0 ? '+' : '-'}${pad(Math.floor(Math.abs(m) / 60))}:${pad(Math.abs(m) % 60)}`;
}

/// Runs `fn` now and every `ms` while the page is visible; `now()` runs it
/// at once (or right after a run in progress); `stop()` ends it.
export function poller(fn, ms) {
  let timer = null;
  let running = false;
  let again = false;
  let stopped = false;
  const schedule = () => {
    clearTimeout(timer);
    timer = null;
    if (!stopped && !document.hidden) timer = setTimeout(tick, ms);
  };
  async function tick() {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    clearTimeout(timer);
    try {
      await fn();
    } catch (e) {
      console.warn(e);
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      tick();
      return;
    }
    schedule();
  }
  const onVisible = () => {
    if (!document.hidden) tick();
    else schedule();
  };
  document.addEventListener('visibilitychange', onVisible);
  tick();
  return {
    now: tick,
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

/// Replaces `el`'s content when `html` differs from the last one, keeping
/// keyboard focus on the element with the same data-focus-key.
export function setHtml(el, html) {
  if (el._html === html) return false;
  const active = document.activeElement;
  const key = active && el.contains(active) ? active.dataset.focusKey : undefined;
  el.innerHTML = html;
  el._html = html;
  if (key) {
    const again = el.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
  return true;
}

/// A short message in the live region at the bottom of the screen.
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const div = document.createElement('div');
  div.className = `toast ${kind}`;
  div.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  div.textContent = message;
  box.append(div);
  setTimeout(() => div.remove(), kind === 'error' ? 8000 : 4000);
}

/// `<select>` options; `selected` compared as strings.
export function options(list, selected) {
  return list
    .map(([value, label]) => {
      const sel = String(value) === String(selected) ? ' selected' : '';
      return `<option value="${esc(value)}"${sel}>${esc(label)}</option>`;
    })
    .join('');
}

export function debounce(fn, ms) {
  let t = null;
  return (...args) => {
    clearTimeout(t);
    t = setTimeout(() => fn(...args), ms);
  };
}

/// Reads the hash query (`#/status?page=2`) of the current page.
export function hashParams() {
  const h = location.hash.slice(1);
  const i = h.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : h.slice(i + 1));
}

/// Rewrites the hash query without a navigation (no hashchange event).
export function replaceHashParams(page, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== '' && v !== undefined && v !== null) q.set(k, v);
  const s = q.toString();
  history.replaceState(null, '', `#/${page}${s ? `?${s}` : ''}`);
}

export function stateBadge(state) {
  const labels = {
    queued: 'Queued',
    in_flight: 'In flight',
    waiting_retry: 'Waiting retry',
    succeeded: 'Succeeded',
    failed: 'Failed',
    cancelled: 'Cancelled',
    Succeeded: 'Succeeded',
    Failed: 'Failed',
    open: 'Open',
    resolved: 'Resolved',
    closed: 'Closed',
    flapping: 'Flapping',
  };
  const cls = String(state).toLowerCase();
  return `<span class="badge ${esc(cls)}">${esc(labels[state] || state)}</span>`;
}
