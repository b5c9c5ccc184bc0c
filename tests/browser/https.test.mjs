// The operator pages over https: the gateway serves the API and the pages
// with a certificate from a test CA, and Chromium trusts that CA through
// an NSS database (made with certutil) in its HOME — no certificate error
// is ignored. A browser without the CA refuses the page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { haveChromium, launchBrowser, newPage, sourceDir, startStack, waitFor } from './harness.mjs';

const haveCertutil = !spawnSync('certutil', ['-H']).error;
// On CI a missing certutil fails the test instead of skipping it.
const skip = !haveChromium()
  ? 'no chromium at /usr/bin/chromium (scripts/setup --with-browser)'
  : !haveCertutil && !process.env.CI
    ? 'no certutil (libnss3-tools, scripts/setup --with-browser)'
    : false;

/// GET over https trusting only `ca`: {status, text}.
function httpsGet(url, ca) {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      })
      .on('error', reject);
  });
}

describe('pages over https', { skip, timeout: 120000 }, () => {
  let pki;
  let home;
  let bareHome;
  let stack;
  let browser;
  let ca;

  before(async () => {
    pki = mkdtempSync(path.join(tmpdir(), 'usms-pki-'));
    execFileSync('bash', [path.join(sourceDir, 'tests/support/make_test_pki.sh'), pki]);
    ca = readFileSync(path.join(pki, 'ca.pem'));
    // Chromium on Linux reads the certificates it trusts from
    // $HOME/.pki/nssdb.
    home = mkdtempSync(path.join(tmpdir(), 'usms-home-'));
    const nssdb = path.join(home, '.pki/nssdb');
    mkdirSync(nssdb, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', `sql:${nssdb}`, '-A', '-t', 'C,,', '-n', 'USMS test CA', '-i', path.join(pki, 'ca.pem')]);
    bareHome = mkdtempSync(path.join(tmpdir(), 'usms-home-'));
    stack = await startStack({
      env: {
        USMS_GW_SERVER_TLS_CERT: path.join(pki, 'server.pem'),
        USMS_GW_SERVER_TLS_KEY: path.join(pki, 'server-key.pem'),
      },
    });
    browser = await launchBrowser({ home });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
    for (const dir of [pki, home, bareHome]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the gateway announces and serves https with the test CA', async () => {
    assert.match(stack.gw, /^https:\/\/127\.0\.0\.1:\d+$/);
    const health = await httpsGet(`${stack.gw}/healthz`, ca);
    assert.equal(health.status, 200);
    // Without the CA, node refuses the certificate too.
    await assert.rejects(httpsGet(`${stack.gw}/healthz`, undefined), /self[- ]signed|unable to get local issuer|certificate/i);
  });

  test('Chromium trusting the test CA loads the Status Overview', async () => {
    const errors = [];
    const page = await newPage(browser, errors);
    const res = await page.goto(`${stack.gw}/#/status`);
    assert.ok(res.ok(), `status ${res.status()}`);
    const security = await res.securityDetails();
    assert.equal(security.issuer, 'USMS test only ca');
    assert.match(security.protocol, /^TLS 1\.[23]$/);
    await page.locator('#status-table').waitFor();
    await waitFor(async () => /\d/.test(await page.locator('#noi').innerText()), { what: 'Number of Incidents' });
    // The API answers inside the page, same origin, over https.
    const api = await page.evaluate(async () => {
      const r = await fetch('/api/v1/status?limit=1');
      return { status: r.status, url: r.url };
    });
    assert.equal(api.status, 200);
    assert.match(api.url, /^https:/);
    assert.deepEqual(errors, []);
    await page.context().close();
  });

  test('a ticket is created from the Test Ticket page over https', async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.gw}/#/test-ticket`);
    await page.getByRole('button', { name: 'Send test ticket' }).click();
    await page.locator('#tt-result[data-state="succeeded"]').waitFor({ timeout: 15000 });
    const ticketId = (await page.locator('#tt-ticket-id').innerText()).trim();
    assert.ok(ticketId);
    await page.goto(`${stack.gw}/#/status`);
    await page.locator('#status-table tbody tr').first().waitFor();
    assert.match(await page.locator('#status-table').innerText(), new RegExp(ticketId));
    await page.context().close();
  });

  test('a Chromium without the CA refuses the page (nothing is ignored)', async () => {
    const bare = await launchBrowser({ home: bareHome });
    try {
      const page = await newPage(bare);
      await assert.rejects(page.goto(`${stack.gw}/#/status`), /ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await bare.close();
    }
  });
});
