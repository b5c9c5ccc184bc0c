// The gateway's JSON API from the pages: bearer token from sessionStorage,
// one shared token prompt on 401, errors as ApiError with the server's
// code, message and field.

const TOKEN_KEY = 'usms-gw-token';
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || '';
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  emit({ token: !!token });
}

/// Connection state for the header: {ok, message} or {token}.
export function onApiState(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function emit(state) {
  for (const fn of listeners) fn(state);
}

let askTokenHook = null;
let pendingPrompt = null;

/// The page shell installs the prompt: async (reason) => token (string).
export function setTokenPrompt(fn) {
  askTokenHook = fn;
}

function promptToken(reason) {
  if (!askTokenHook) return Promise.reject(new ApiError(401, 'unauthorized', reason));
  if (!pendingPrompt) {
    pendingPrompt = askTokenHook(reason).finally(() => {
      pendingPrompt = null;
    });
  }
  return pendingPrompt;
}

/// fetch + JSON. Resolves to the parsed answer (null for an empty one);
/// rejects with ApiError. `opts.raw` resolves to {status, data, headers}.
export async function api(method, path, body, opts = {}) {
  for (;;) {
    const headers = { Accept: 'application/json' };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch (e) {
      emit({ ok: false, message: 'gateway unreachable' });
      throw new ApiError(0, 'network', `The gateway cannot be reached (${e.message}).`);
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    const err = (data && data.error) || {};
    if (res.status === 401) {
      emit({ ok: true, message: 'token needed' });
      const reason = token
        ? `The token was refused: ${err.message || 'unauthorized'}.`
        : 'Access control is on: enter an API token.';
      const fresh = await promptToken(reason);
      setToken(fresh);
      continue;
    }
    emit({ ok: true });
    if (!res.ok) {
      let message = err.message || `${res.status} ${res.statusText}`;
      if (res.status === 403) message = `Your token may not do this: ${message}`;
      throw new ApiError(res.status, err.code || `http_${res.status}`, message, err.field);
    }
    return opts.raw ? { status: res.status, data, headers: res.headers } : data;
  }
}

/// `?a=1&b=x` from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
