// The USMS banner above every page: while USMS is not `up` it says what the
// gateway sees (unreachable, probing, ramping up, paused, credentials
// refused), since when in the browser's local time, how many requests it
// holds and when it probes next, refreshed live. Admins also get Pause,
// Resume and Probe now; the gateway tells each caller its token's scope in
// the X-Token-Scope header of GET /api/v1/usms, and a 403 all the same
// hides the buttons.

import { api, ApiError } from './api.js';
import { esc, localTime, poller, setHtml, toast } from './util.js';

const REFRESH_MS = 2000;

const COMMANDS = {
  pause: { label: 'Pause', done: 'Dispatch to USMS paused' },
  resume: { label: 'Resume', done: 'Dispatch to USMS resumed' },
  probe: { label: 'Probe now', done: 'Probe sent to USMS' },
};

/// Which buttons make sense in each state.
const BUTTONS = {
  down: ['pause', 'probe'],
  probing: ['pause'],
  ramping: ['pause'],
  paused: ['resume', 'probe'],
  auth_failed: ['resume', 'probe'],
};

/// `14:02` today, `2026-11-26 14:02` on another day (browser's zone).
function clock(iso) {
  const text = localTime(iso);
  if (!text) return '';
  const today = localTime(new Date().toISOString()).slice(0, 10);
  return text.slice(0, 10) === today ? text.slice(11, 16) : text.slice(0, 16);
}

function heldText(n) {
  const count = Number(n) || 0;
  return `${count.toLocaleString()} ${count === 1 ? 'request' : 'requests'} held`;
}

/// `next probe in 4 s` (`now` once due).
function probeText(iso) {
  if (!iso) return '';
  const s = Math.ceil((new Date(iso).getTime() - Date.now()) / 1000);
  if (Number.isNaN(s)) return '';
  if (s <= 0) return 'probe due now';
  return s < 120 ? `next probe in ${s} s` : `next probe in ${Math.round(s / 60)} min`;
}

/// The banner's sentence, as parts joined with dashes (while down, the
/// probe countdown follows apart).
function sentence(u) {
  const since = clock(u.since);
  const held = heldText(u.held);
  switch (u.state) {
    case 'down':
      return [`USMS unreachable since ${since}`, held]; // + the countdown
    case 'probing':
      return [`USMS unreachable since ${since}`, held, 'probing now'];
    case 'ramping':
      return [`USMS back since ${since}, ramping up to full speed`, held];
    case 'paused':
      return [`Dispatch to USMS paused since ${since}`, held, 'they are sent when it resumes'];
    case 'auth_failed':
      return [`USMS refuses the gateway's credentials since ${since}`, held, 'fix the SOAP user name or password under Configuration'];
    default:
      return [`USMS ${u.state} since ${since}`, held];
  }
}

/// Mounts the banner in `el` (an element above the pages' content) and
/// keeps it current; returns {refresh, stop}.
export function mountUsmsBanner(el) {
  let status = null; // the last GET /api/v1/usms object
  let admin = false;
  let busy = false;
  let generation = 0; // a command makes answers asked for before it stale

  // Built once: screen readers hear the sentence when it changes (the
  // live region stays in place), not the probe countdown every second.
  el.innerHTML = `
    <div class="usms-text">
      <strong><span id="usms-banner-text" aria-live="polite" aria-atomic="true"></span><span id="usms-banner-probe"></span></strong>
      <span id="usms-banner-error" class="usms-error"></span>
    </div>
    <div id="usms-banner-actions" class="usms-actions"></div>`;
  const text = el.querySelector('#usms-banner-text');
  const probe = el.querySelector('#usms-banner-probe');
  const error = el.querySelector('#usms-banner-error');
  const actions = el.querySelector('#usms-banner-actions');
  const setText = (node, value) => {
    if (node.textContent !== value) node.textContent = value;
  };

  function render() {
    if (!status || status.state === 'up') {
      el.hidden = true;
      delete el.dataset.state;
      return;
    }
    const parts = sentence(status);
    const countdown = status.state === 'down' ? probeText(status.next_probe_at) : '';
    el.dataset.state = status.state;
    el.hidden = false;
    setText(text, parts.join(' — '));
    setText(probe, countdown ? ` — ${countdown}` : '');
    setText(error, status.last_error ? `Last error: ${status.last_error}` : '');
    const buttons = admin ? BUTTONS[status.state] || [] : [];
    setHtml(
      actions,
      buttons
        .map(
          (c) =>
            `<button type="button" data-usms="${c}" data-focus-key="usms:${c}"${busy ? ' disabled' : ''}>${esc(COMMANDS[c].label)}</button>`,
        )
        .join(''),
    );
  }

  async function load() {
    const asked = generation;
    let next = null;
    let scope = '';
    try {
      const r = await api('GET', '/api/v1/usms', undefined, { raw: true });
      next = r.data;
      scope = r.headers.get('X-Token-Scope') || '';
    } catch (e) {
      // The gateway itself is unreachable (the header says so): what USMS
      // does is unknown, so the banner says nothing rather than old news.
      if (!(e instanceof ApiError)) throw e;
    }
    if (asked !== generation) return;
    status = next;
    admin = scope === 'admin';
    render();
  }

  actions.addEventListener('click', async (e) => {
    const btn = e.target.closest('button[data-usms]');
    if (!btn || busy) return;
    const what = btn.dataset.usms;
    busy = true;
    generation++;
    render();
    try {
      status = await api('POST', `/api/v1/usms/${what}`);
      toast(COMMANDS[what].done, 'ok');
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) admin = false;
      toast(err.message, 'error');
    } finally {
      busy = false;
      generation++;
      render();
    }
  });

  const poll = poller(load, REFRESH_MS);
  // The probe countdown moves every second between two refreshes.
  const ticker = setInterval(() => {
    if (status?.state === 'down' && !document.hidden) render();
  }, 1000);
  return {
    refresh: poll.now,
    stop() {
      poll.stop();
      clearInterval(ticker);
    },
  };
}
