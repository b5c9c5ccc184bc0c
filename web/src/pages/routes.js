// Reply Routes: where answers go for a request without reply_to, by its
// source; `*` is the default route.

import { api } from '../api.js';
import { esc, setHtml, toast } from '../util.js';

export function mount(root) {
  let routes = [];
  let armed = null; // source whose Delete was pressed once
  let armTimer = null;

  root.innerHTML = `
  <div class="page-head">
    <h1>Reply Routes</h1>
    <p class="sub">When a request has no <code>reply_to</code>, its answer goes to the route of its <code>source</code>, else to the default route <code>*</code>.</p>
  </div>
  <div class="table-wrap narrow">
    <table class="grid" id="routes-table">
      <caption class="sr-only">Reply routes</caption>
      <thead><tr><th scope="col">Source</th><th scope="col">Webhook URL</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="routes-empty" hidden>No routes: answers go only to each request's reply_to.</p>
  </div>
  <form class="card settings route-form" id="route-form" novalidate aria-labelledby="route-form-title">
    <h2 id="route-form-title">Add a route</h2>
    <div class="form-error" role="alert" hidden></div>
    <div class="fields">
      <div class="field"><label for="route-source">Source</label>
        <input id="route-source" name="source" required autocomplete="off" spellcheck="false" placeholder="alarm-correlator, or * for the default" aria-describedby="route-source-err">
        <span class="field-error" id="route-source-err" role="alert"></span></div>
      <div class="field wide"><label for="route-url">Webhook URL</label>
        <input id="route-url" name="url" type="url" required autocomplete="off" spellcheck="false" placeholder="http://host:port/hook" aria-describedby="route-url-err">
        <span class="field-error" id="route-url-err" role="alert"></span></div>
    </div>
    <div class="actions"><button type="submit" class="primary" id="route-save">Add route</button><button type="button" id="route-cancel" hidden>Cancel edit</button></div>
  </form>`;

  const tbody = root.querySelector('tbody');
  const empty = root.querySelector('#routes-empty');
  const form = root.querySelector('#route-form');
  const source = form.querySelector('#route-source');
  const url = form.querySelector('#route-url');
  const title = form.querySelector('#route-form-title');
  const saveBtn = form.querySelector('#route-save');
  const cancelBtn = form.querySelector('#route-cancel');
  const formError = form.querySelector('.form-error');

  function render() {
    setHtml(
      tbody,
      routes
        .map((r) => {
          const s = esc(r.source);
          const label = r.source === '*' ? '<code>*</code> <span class="muted">(default route)</span>' : s;
          const del = armed === r.source ? 'Confirm delete' : 'Delete';
          return `<tr data-source="${s}"><td>${label}</td><td class="mono">${esc(r.url)}</td>
<td class="row-actions"><button type="button" data-act="edit" data-source="${s}" data-focus-key="edit:${s}">Edit</button><button type="button" class="danger" data-act="delete" data-source="${s}" data-focus-key="delete:${s}" aria-label="${esc(del)} route ${s}">${esc(del)}</button></td></tr>`;
        })
        .join(''),
    );
    empty.hidden = routes.length > 0;
  }

  async function load() {
    const data = await api('GET', '/api/v1/reply-routes');
    routes = (data.routes || []).slice().sort((a, b) => (a.source === '*' ? -1 : b.source === '*' ? 1 : a.source.localeCompare(b.source)));
    render();
  }

  function clearErrors() {
    formError.hidden = true;
    form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  }

  function editMode(r) {
    clearErrors();
    if (r) {
      title.textContent = `Edit route ${r.source}`;
      source.value = r.source;
      source.readOnly = true;
      url.value = r.url;
      saveBtn.textContent = 'Save route';
      cancelBtn.hidden = false;
      url.focus();
      url.select();
    } else {
      title.textContent = 'Add a route';
      source.readOnly = false;
      form.reset();
      saveBtn.textContent = 'Add route';
      cancelBtn.hidden = true;
    }
  }

  function showError(field, message) {
    const input = field === 'source' ? source : field === 'url' || field.endsWith('url') ? url : null;
    if (input) {
      input.setAttribute('aria-invalid', 'true');
      form.querySelector(`#${input.id}-err`).textContent = message;
      input.focus();
    } else {
      formError.textContent = message;
      formError.hidden = false;
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    const s = source.value.trim();
    const u = url.value.trim();
    if (!s) return showError('source', 'A source is required (use * for the default route).');
    if (!u) return showError('url', 'A webhook URL is required.');
    saveBtn.disabled = true;
    try {
      await api('PUT', `/api/v1/reply-routes/${encodeURIComponent(s)}`, { url: u });
      toast(`Route ${s} saved`, 'ok');
      editMode(null);
      await load();
    } catch (err) {
      showError(err.field || '', err.message);
    } finally {
      saveBtn.disabled = false;
    }
  });
  cancelBtn.addEventListener('click', () => editMode(null));

  tbody.addEventListener('click', async (e) => {
    const b = e.target.closest('[data-act]');
    if (!b) return;
    const s = b.dataset.source;
    if (b.dataset.act === 'edit') {
      editMode(routes.find((r) => r.source === s));
      return;
    }
    if (armed !== s) {
      // Two presses: a stray click or Enter never deletes a route.
      armed = s;
      clearTimeout(armTimer);
      armTimer = setTimeout(() => {
        armed = null;
        render();
      }, 4000);
      render();
      return;
    }
    armed = null;
    clearTimeout(armTimer);
    try {
      await api('DELETE', `/api/v1/reply-routes/${encodeURIComponent(s)}`);
      toast(`Route ${s} deleted`, 'ok');
    } catch (err) {
      toast(err.message, 'error');
    }
    await load();
  });

  load().catch((e) => {
    empty.hidden = false;
    empty.textContent = `Cannot load the routes: ${e.message}`;
  });

  return {
    destroy() {
      clearTimeout(armTimer);
    },
  };
}
