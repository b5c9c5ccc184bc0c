// The operator pages' shell: hash routing between the pages, the token
// prompt when access control is on, the connection indicator and the USMS
// banner.

import { onApiState, setToken, getToken, setTokenPrompt } from './api.js';
import * as status from './pages/status.js';
import * as requests from './pages/requests.js';
import * as alarms from './pages/alarms.js';
import * as config from './pages/config.js';
import * as routes from './pages/routes.js';
import * as testTicket from './pages/test_ticket.js';
import { localTime } from './util.js';
import { mountUsmsBanner } from './usms_banner.js';

const PAGES = {
  status: { module: status, title: 'Status Overview' },
  requests: { module: requests, title: 'External Requests' },
  alarms: { module: alarms, title: 'Alarms' },
  config: { module: config, title: 'Configuration' },
  routes: { module: routes, title: 'Reply Routes' },
  'test-ticket': { module: testTicket, title: 'Test Ticket' },
};

const main = document.getElementById('main');
let current = null;

function parseHash() {
  const h = location.hash.replace(/^#\/?/, '');
  const i = h.indexOf('?');
  const name = i < 0 ? h : h.slice(0, i);
  return { name, params: new URLSearchParams(i < 0 ? '' : h.slice(i + 1)) };
}

function route() {
  let { name, params } = parseHash();
  if (!PAGES[name]) {
    history.replaceState(null, '', '#/status');
    name = 'status';
    params = new URLSearchParams();
  }
  current?.instance?.destroy?.();
  document.querySelector('dialog#details-dialog')?.close();
  main.replaceChildren();
  const page = PAGES[name];
  current = { name, instance: page.module.mount(main, params) };
  document.title = `${page.title} · USMS Ticket Gateway`;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// --- token prompt -----------------------------------------------------------

const dialog = document.getElementById('token-dialog');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token-input');
const tokenReason = document.getElementById('token-reason');
const tokenBtn = document.getElementById('token-btn');

setTokenPrompt(
  (reason) =>
    new Promise((resolve) => {
      tokenReason.textContent = reason;
      tokenInput.value = '';
      const done = (e) => {
        e.preventDefault();
        const t = tokenInput.value.trim();
        if (!t) {
          tokenInput.focus();
          return;
        }
        tokenForm.removeEventListener('submit', done);
        dialog.close();
        resolve(t);
      };
      tokenForm.addEventListener('submit', done);
      if (!dialog.open) dialog.showModal();
      tokenInput.focus();
    }),
);

// Escape would leave the pages with nothing to show: keep asking.
dialog.addEventListener('cancel', (e) => e.preventDefault());

tokenBtn.addEventListener('click', () => {
  setToken('');
  route();
});

// --- connection indicator ---------------------------------------------------

const conn = document.getElementById('conn');
onApiState((s) => {
  if ('token' in s) {
    tokenBtn.hidden = !s.token;
    return;
  }
  conn.className = `conn ${s.ok ? 'ok' : 'down'}`;
  conn.textContent = s.ok ? (s.message ? s.message : `live · ${localTime(new Date().toISOString()).slice(11)}`) : s.message;
});
tokenBtn.hidden = !getToken();

window.addEventListener('hashchange', route);
route();
// Above every page, for as long as the pages are open.
mountUsmsBanner(document.getElementById('usms-banner'));
