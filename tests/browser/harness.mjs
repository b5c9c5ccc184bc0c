// Shared by the browser tests: starts a real usms-sim and usms-gateway on
// port 0 (reading their "listening on" line), talks to them over HTTP, and
// launches Debian's chromium through playwright-core.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = process.env.USMS_SOURCE_DIR || path.resolve(here, '../..');
export const binDir = process.env.USMS_BIN_DIR || process.argv.find((a) => a.startsWith('--bin-dir='))?.slice(10) || path.join(sourceDir, 'build/bin');
export const screenshotDir = process.env.USMS_SCREENSHOT_DIR || path.join(sourceDir, 'docs/screenshots');
export const chromiumPath = process.env.USMS_CHROMIUM || '/usr/bin/chromium';

// playwright-core is a devDependency of web/ (installed by web/build.sh).
const requireFromWeb = createRequire(path.join(sourceDir, 'web/package.json'));
const { chromium } = requireFromWeb('playwright-core');

/// A child process that printed `listening on URL`.
export async function startProcess(exe, args, { env = {}, cwd, timeoutMs = 20000 } = {}) {
  const child = spawn(exe, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(exe)} did not listen in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`${path.basename(exe)} exited (${code ?? sig}) before listening:\n${output}`));
    });
  });
  child.stdout.on('data', (c) => (output += c));
  return {
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15000);
      await done;
      clearTimeout(t);
    },
  };
}

/// usms-sim + usms-gateway in a fresh temporary folder. `env` adds
/// USMS_GW_* settings; `toml` is written as the gateway's --config file.
export async function startStack({ env = {}, toml = '' } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'usms-browser-'));
  const sim = await startProcess(path.join(binDir, 'usms-sim'), ['--listen', '127.0.0.1:0']);
  const args = [
    '--listen', '127.0.0.1:0',
    '--db', path.join(dir, 'gateway.db'),
    '--usms-url', `${sim.url}/usms`,
    '--offload-path', path.join(dir, 'offload'),
  ];
  if (toml) {
    writeFileSync(path.join(dir, 'gateway.toml'), toml);
    args.push('--config', path.join(dir, 'gateway.toml'));
  }
  let gateway;
  try {
    gateway = await startProcess(path.join(binDir, 'usms-gateway'), args, {
      cwd: dir,
      env: { USMS_GW_SOAP_BACKOFF_BASE: '200ms', USMS_GW_SOAP_BACKOFF_MAX: '1s', USMS_GW_LOG_LEVEL: 'warn', ...env },
    });
  } catch (e) {
    await sim.stop();
    throw e;
  }
  return {
    dir,
    sim,
    gateway,
    gw: gateway.url,
    async stop() {
      await gateway.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/// JSON over HTTP: {status, data, text, headers}.
export async function http(method, url, body, headers = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  return { status: res.status, data, text, headers: res.headers };
}

/// Polls `fn` until it returns a truthy value.
export async function waitFor(fn, { timeoutMs = 15000, intervalMs = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function haveChromium() {
  try {
    return statSync(chromiumPath).isFile();
  } catch {
    return false;
  }
}

/// Chromium; `home` (optional) becomes its HOME, where it finds the NSS
/// database (`.pki/nssdb`) of the certificates it trusts.
export async function launchBrowser({ home } = {}) {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
    ...(home ? { env: { ...process.env, HOME: home } } : {}),
  });
}

/// A laptop-sized page that fails the test on any page error.
export async function newPage(browser, errors = []) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return page;
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  // Notifications left from earlier steps would cover the page.
  await page.evaluate(() => document.getElementById('toasts')?.replaceChildren());
  await page.screenshot({ path: file });
  return file;
}

/// Creates an incident through the API; returns the request record.
export async function createIncident(gw, { summary = 'Node down', source = 'browser-test', correlation, wait = 0, headers } = {}) {
  const q = wait ? `?wait=${wait}` : '';
  const r = await http('POST', `${gw}/api/v1/tickets/incident${q}`, {
    fields: { summary, priority: 2, configuration_item: 'olt-17' },
    source,
    ...(correlation ? { correlation_id: correlation } : {}),
  }, headers);
  if (r.status !== 202 && r.status !== 200) throw new Error(`create answered ${r.status}: ${r.text}`);
  return r.data;
}
