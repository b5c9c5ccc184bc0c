// Configuration: the SOAP and offload settings (and the rest, folded),
// each with the source of its value; saved through PUT /api/v1/config,
// which checks everything and applies all or nothing. The password is
// write-only: the page never receives it, only whether one is set.

import { api } from '../api.js';
import { esc, options, toast } from '../util.js';

const TIMESPANS = ['1h', '2h', '3h', '4h', '6h', '8h', '12h', '24h'];

const GROUPS = [
  {
    id: 'soap',
    title: 'SOAP',
    note: 'How the gateway talks to USMS.',
    fields: [
      { key: 'soap.username', label: 'Username', kind: 'text', hint: 'WS-Security UsernameToken user; empty = no security header' },
      { key: 'soap.password', label: 'Password', kind: 'password' },
      { key: 'soap.retries', label: 'Number of retries', kind: 'int', hint: 'retries after the first attempt (0–100)' },
      { key: 'soap.query_limit', label: 'Query ticket limit', kind: 'int', hint: 'most tickets per query' },
      { key: 'usms.api_version', label: 'API version', kind: 'select', int: true, choices: [['1', '1 (firmware 1.0.0.x)'], ['2', '2 (firmware 1.1.0.x)']] },
      { key: 'usms.url', label: 'URL', kind: 'text', wide: true, hint: 'SOAP endpoint, http:// or https://' },
    ],
  },
  {
    id: 'offload',
    title: 'Offload',
    note: 'Old status rows are moved to CSV files.',
    fields: [
      { key: 'offload.max_entries', label: 'Max amount', kind: 'int', hint: 'status rows that start an offload' },
      { key: 'offload.amount', label: 'Amount to offload', kind: 'int', hint: 'oldest rows moved per offload (≤ max amount)' },
      { key: 'offload.path', label: 'Path', kind: 'text', wide: true, hint: 'folder for the CSV files' },
      { key: 'offload.file_timespan', label: 'File timespan', kind: 'select', choices: TIMESPANS.map((t) => [t, t]), hint: 'hours one CSV file covers' },
      { key: 'offload.retention', label: 'Retention', kind: 'text', hint: 'how long files are kept, e.g. 30d, or "disabled"' },
      { key: 'offload.check_interval', label: 'Check interval', kind: 'text', hint: 'how often the row count is checked, e.g. 1m' },
      { key: 'offload.timezone', label: 'Time zone', kind: 'text', hint: 'IANA zone for file names; empty = host zone' },
      { key: 'offload.csv_formula_guard', label: 'CSV formula guard', kind: 'bool', hint: 'prefix cells starting with = + - @' },
    ],
  },
];
const SHOWN = new Set(GROUPS.flatMap((g) => g.fields.map((f) => f.key)));
const HIDDEN_KEYS = new Set(['soap.password_set', 'auth.tokens_configured']);

const idOf = (key) => `cfg-${key.replace(/[^a-z0-9]/gi, '-')}`;

function valueOf(cfg, key) {
  const [section, name] = key.split('.');
  return cfg?.[section]?.[name];
}

function sourceOf(cfg, key) {
  const [section, name] = key.split('.');
  return cfg?.sources?.[section]?.[name];
}

function asText(v) {
  if (v === null || v === undefined) return '';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function fieldHtml(cfg, f) {
  const id = idOf(f.key);
  const v = valueOf(cfg, f.key);
  const src = sourceOf(cfg, f.key);
  const srcBadge = src ? `<span class="src src-${esc(src)}" title="value from: ${esc(src)}">${esc(src)}</span>` : '';
  const hint = f.hint ? `<span class="hint" id="${id}-hint">${esc(f.hint)}</span>` : '';
  const describedBy = `${f.hint ? `${id}-hint ` : ''}${id}-err`;
  let input;
  if (f.kind === 'password') {
    const set = !!cfg?.soap?.password_set;
    input = `<input id="${id}" type="password" data-key="${f.key}" data-kind="password" autocomplete="new-password" placeholder="${set ? 'unchanged' : 'none'}" aria-describedby="${id}-state ${id}-err">
      <span class="pw-state" id="${id}-state">${set ? 'Password <strong>set</strong>' : 'Password <strong>not set</strong>'}</span>
      ${set ? `<label class="inline"><input type="checkbox" data-clear-password> clear it</label>` : ''}`;
  } else if (f.kind === 'select') {
    const choices = [...f.choices];
    if (v !== undefined && !choices.some(([c]) => String(c) === String(v))) choices.push([String(v), String(v)]);
    input = `<select id="${id}" data-key="${f.key}" data-kind="${f.int ? 'int' : 'text'}" data-orig="${esc(asText(v))}" aria-describedby="${describedBy}">${options(choices, v)}</select>`;
  } else if (f.kind === 'bool') {
    input = `<input id="${id}" type="checkbox" data-key="${f.key}" data-kind="bool" data-orig="${v ? 'true' : 'false'}"${v ? ' checked' : ''} aria-describedby="${describedBy}">`;
  } else {
    const type = f.kind === 'int' ? 'number' : 'text';
    input = `<input id="${id}" type="${type}" data-key="${f.key}" data-kind="${f.kind}" value="${esc(asText(v))}" data-orig="${esc(
      asText(v),
    )}" aria-describedby="${describedBy}" spellcheck="false" autocomplete="off"${type === 'number' ? ' step="1"' : ''}>`;
  }
  return `<div class="field${f.wide ? ' wide' : ''}" data-field="${f.key}">
    <label for="${id}">${esc(f.label)} <code class="key">${esc(f.key)}</code> ${srcBadge}</label>
    ${input}
    ${hint}
    <span class="field-error" id="${id}-err" role="alert"></span>
  </div>`;
}

/// The settings not on the two main cards, typed by their JSON value.
function otherFields(cfg) {
  const list = [];
  for (const [section, values] of Object.entries(cfg || {})) {
    if (section === 'sources' || typeof values !== 'object' || values === null) continue;
    for (const [name, v] of Object.entries(values)) {
      const key = `${section}.${name}`;
      if (SHOWN.has(key) || HIDDEN_KEYS.has(key) || (v !== null && typeof v === 'object')) continue;
      const kind = typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int' : typeof v === 'number' ? 'number' : 'text';
      list.push({ key, label: name.replace(/_/g, ' '), kind });
    }
  }
  return list;
}

/// The JSON value to send for an input, or undefined when unchanged.
function changedValue(input) {
  const kind = input.dataset.kind;
  if (kind === 'password') return input.value === '' ? undefined : input.value;
  if (kind === 'bool') {
    const now = input.checked ? 'true' : 'false';
    return now === input.dataset.orig ? undefined : input.checked;
  }
  const text = input.value.trim();
  if (text === input.dataset.orig) return undefined;
  if (kind === 'int' || kind === 'number') {
    // Not a number: sent as typed, so the server's own message explains.
    const n = Number(text);
    return text !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

export function mount(root) {
  let cfg = null;
  root.innerHTML = `
  <div class="page-head">
    <h1>Configuration</h1>
    <p class="sub">Changes apply at once and are kept across restarts. Each value shows where it comes from: default, file, env, flag or runtime.</p>
  </div>
  <div id="config-body"><p class="loading">Loading…</p></div>`;
  const body = root.querySelector('#config-body');

  function render() {
    const other = otherFields(cfg);
    body.innerHTML = `${GROUPS.map(
      (g) => `<form class="card settings" data-group="${g.id}" novalidate aria-labelledby="cfg-${g.id}-title">
        <h2 id="cfg-${g.id}-title">${esc(g.title)}</h2><p class="sub">${esc(g.note)}</p>
        <div class="form-error" role="alert" hidden></div>
        <div class="fields">${g.fields.map((f) => fieldHtml(cfg, f)).join('')}</div>
        <div class="actions"><button type="submit" class="primary">Save ${esc(g.title)} settings</button><button type="reset">Undo changes</button></div>
      </form>`,
    ).join('')}
    <details class="card"><summary><h2>Other settings</h2></summary>
      <form class="settings" data-group="other" novalidate>
        <p class="sub">Some of these need a restart; the gateway says so when you try to change one.</p>
        <div class="form-error" role="alert" hidden></div>
        <div class="fields">${other.map((f) => fieldHtml(cfg, f)).join('')}</div>
        <div class="actions"><button type="submit" class="primary">Save other settings</button><button type="reset">Undo changes</button></div>
      </form>
    </details>`;
    body.querySelectorAll('form.settings').forEach((form) => form.addEventListener('submit', (e) => save(e, form)));
  }

  function clearErrors(form) {
    form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
    form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
    const top = form.querySelector('.form-error');
    top.hidden = true;
    top.textContent = '';
  }

  async function save(e, form) {
    e.preventDefault();
    clearErrors(form);
    const patch = {};
    let count = 0;
    for (const input of form.querySelectorAll('[data-key]')) {
      const v = changedValue(input);
      if (v === undefined) continue;
      const [section, name] = input.dataset.key.split('.');
      (patch[section] ||= {})[name] = v;
      count++;
    }
    const clear = form.querySelector('[data-clear-password]');
    if (clear?.checked && patch.soap?.password === undefined) {
      (patch.soap ||= {}).password = null;
      count++;
    }
    if (!count) {
      toast('Nothing changed');
      return;
    }
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    try {
      cfg = await api('PUT', '/api/v1/config', patch);
      const names = Object.entries(patch).flatMap(([s, kv]) => Object.keys(kv).map((k) => `${s}.${k}`));
      render();
      toast(`Saved ${names.join(', ')}`, 'ok');
    } catch (err) {
      button.disabled = false;
      const input = err.field ? form.querySelector(`[data-key="${CSS.escape(err.field)}"]`) || body.querySelector(`[data-key="${CSS.escape(err.field)}"]`) : null;
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.closest('.field').querySelector('.field-error').textContent = err.message;
        input.closest('details')?.setAttribute('open', '');
        input.focus();
      } else {
        const top = form.querySelector('.form-error');
        top.textContent = err.message;
        top.hidden = false;
      }
    }
  }

  (async () => {
    try {
      cfg = await api('GET', '/api/v1/config');
      render();
    } catch (e) {
      body.innerHTML = `<p class="error">Cannot load the settings: ${esc(e.message)}</p>`;
    }
  })();

  return {};
}
