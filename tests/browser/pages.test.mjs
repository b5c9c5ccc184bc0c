// The operator pages in a real browser against a real gateway and
// simulator: live status table, the queue with retry, settings, reply
// routes, the test ticket, and the write-only password.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createIncident,
  haveChromium,
  http,
  launchBrowser,
  newPage,
  screenshot,
  startStack,
  waitFor,
} from './harness.mjs';

const skip = haveChromium() ? false : 'no chromium at /usr/bin/chromium (scripts/setup --with-browser)';

describe('operator pages', { skip, timeout: 180000 }, () => {
  let stack;
  let browser;
  let page;
  const errors = [];
  const bodies = []; // every network answer the page received (text)

  before(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    page = await newPage(browser, errors);
    page.on('response', async (res) => {
      try {
        bodies.push({ url: res.url(), headers: JSON.stringify(await res.allHeaders()), body: await res.text() });
      } catch {
        // redirects and aborted answers have no body
      }
    });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('the gateway serves the pages and their assets itself', async () => {
    const index = await http('GET', `${stack.gw}/`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type'), /^text\/html/);
    assert.doesNotMatch(index.text, /https?:\/\/(?!127\.0\.0\.1|www\.w3\.org\/2000\/svg)[a-z]/i, 'no CDN or foreign URL in index.html');
    const assets = [...index.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), `assets: ${assets}`);
    for (const a of assets) {
      const r = await fetch(`${stack.gw}${a}`);
      assert.equal(r.status, 200, a);
      assert.match(r.headers.get('cache-control'), /immutable/);
      assert.match(r.headers.get('content-type'), a.endsWith('.js') ? /javascript/ : /text\/css/);
    }
    const etag = (await fetch(`${stack.gw}/`)).headers.get('etag');
    assert.ok(etag);
    assert.equal((await fetch(`${stack.gw}/`, { headers: { 'If-None-Match': etag } })).status, 304);
    assert.equal((await fetch(`${stack.gw}/assets/nope.js`)).status, 404);
    assert.equal((await fetch(`${stack.gw}/assets/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
    assert.equal((await fetch(`${stack.gw}/assets/..%2F..%2Fgateway.db`)).status, 404);
  });

  test('Status Overview shows new tickets without a reload', async () => {
    await createIncident(stack.gw, { summary: 'before the page', correlation: 'pre-1', wait: 10 });
    await page.goto(`${stack.gw}/#/status`);
    await page.locator('#status-table tbody tr').first().waitFor();
    const navigations = [];
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations.push(f.url()));
    const marker = await page.evaluate(() => (window.__marker = Math.random()));

    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createIncident(stack.gw, { summary: `live ${i}`, source: 'live-src', wait: 10 }));
    for (const rec of created) assert.equal(rec.state, 'succeeded', JSON.stringify(rec));
    for (const rec of created) {
      await page.locator(`#status-table tbody tr[data-request-id="${rec.request_id}"]`).waitFor({ timeout: 8000 });
      const row = page.locator(`#status-table tbody tr[data-request-id="${rec.request_id}"]`);
      await assert.doesNotReject(row.getByText(rec.ticket_id, { exact: true }).waitFor({ timeout: 2000 }));
      assert.match(await row.innerText(), /Succeeded/);
    }
    assert.equal(await page.evaluate(() => window.__marker), marker, 'the page was not reloaded');
    assert.deepEqual(navigations.filter((u) => !u.includes('#')), []);
    await waitFor(async () => (await page.locator('#noi').innerText()) === '4', { what: 'Number of Incidents = 4' });

    // newest first
    const firstId = await page.locator('#status-table tbody tr').first().getAttribute('data-request-id');
    assert.equal(firstId, created[2].request_id);

    // filters: text search and status
    await page.getByLabel('Source', { exact: true }).fill('live-src');
    await waitFor(async () => (await page.locator('#status-table tbody tr').count()) === 3, { what: '3 rows for live-src' });
    await page.getByLabel('Source', { exact: true }).fill('');
    await page.getByLabel('Status', { exact: true }).selectOption('Failed');
    await waitFor(async () => !(await page.locator('#status-empty').isHidden()), { what: 'no failed rows' });
    await page.getByLabel('Status', { exact: true }).selectOption('');
    await waitFor(async () => (await page.locator('#status-table tbody tr').count()) === 4, { what: 'all rows back' });
  });

  test('a request waits in External Requests while USMS fails, and a retry succeeds', async () => {
    // one retry, then failed: the request waits, fails, and is retried by hand
    // (Server faults whose outcome is unknown use up the retries; a USMS
    // that is down would hold the request instead)
    assert.equal((await http('PUT', `${stack.gw}/api/v1/config`, { soap: { retries: 1, backoff_base: '5s', backoff_max: '5s' } })).status, 200);
    const ticket = (await createIncident(stack.gw, { summary: 'to be updated', source: 'outage', wait: 10 })).ticket_id;
    assert.ok(ticket);
    assert.equal((await http('PUT', `${stack.sim.url}/admin/faults`, { server_fault_rate: 1, server_fault_code: 'INTERNAL' })).status, 200);
    const upd = await http('PATCH', `${stack.gw}/api/v1/tickets/incident/${ticket}`, { fields: { priority: 1 }, source: 'outage' });
    assert.equal(upd.status, 202);
    const rec = upd.data;

    await page.goto(`${stack.gw}/#/requests`);
    const row = page.locator(`#requests-table tbody tr[data-request-id="${rec.request_id}"]`);
    await waitFor(async () => (await row.getAttribute('data-state')) === 'waiting_retry', { what: 'waiting_retry row', timeoutMs: 10000 });
    const text = await row.innerText();
    assert.match(text, /Waiting retry/);
    assert.match(text, /\bin \d+ s\b|now/, 'next attempt shown');
    assert.notEqual((await row.locator('td.reason').innerText()).trim(), '', 'last error shown');
    await screenshot(page, 'external-requests');

    // it fails after the retry; show failed ones too
    await page.getByLabel('Failed', { exact: true }).check();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'failed', { what: 'failed row', timeoutMs: 15000 });
    assert.equal((await http('PUT', `${stack.sim.url}/admin/faults`, { server_fault_rate: 0 })).status, 200);
    await page.getByLabel('Succeeded', { exact: true }).check();
    await row.getByRole('button', { name: 'Retry' }).click();
    await waitFor(async () => (await row.getAttribute('data-state')) === 'succeeded', { what: 'succeeded after retry', timeoutMs: 15000 });
    const after = await http('GET', `${stack.gw}/api/v1/requests/${rec.request_id}`);
    assert.equal(after.data.state, 'succeeded');
    assert.ok(after.data.ticket_id);
    await http('PUT', `${stack.gw}/api/v1/config`, { soap: { retries: 3, backoff_base: '200ms', backoff_max: '1s' } });
  });

  test('Configuration: a change is applied, a bad value shows the server error at the field', async () => {
    await page.goto(`${stack.gw}/#/config`);
    const retries = page.locator('[data-key="soap.retries"]');
    await retries.waitFor();
    await retries.fill('500');
    await page.getByRole('button', { name: 'Save SOAP settings' }).click();
    const err = page.locator('[data-field="soap.retries"] .field-error');
    await waitFor(async () => (await err.innerText()).length > 0, { what: 'field error' });
    assert.match(await err.innerText(), /retries/);
    assert.equal(await retries.getAttribute('aria-invalid'), 'true');
    assert.equal((await http('GET', `${stack.gw}/api/v1/config`)).data.soap.retries, 3, 'nothing applied');

    await retries.fill('5');
    await page.locator('[data-key="soap.query_limit"]').fill('250');
    await page.locator('[data-key="offload.file_timespan"]').selectOption('6h');
    await page.getByRole('button', { name: 'Save SOAP settings' }).click();
    await waitFor(async () => (await http('GET', `${stack.gw}/api/v1/config`)).data.soap.retries === 5, { what: 'retries = 5' });
    const cfg = (await http('GET', `${stack.gw}/api/v1/config`)).data;
    assert.equal(cfg.soap.query_limit, 250);
    assert.equal(cfg.sources.soap.retries, 'runtime');
    assert.notEqual(cfg.offload.file_timespan, '6h', 'the offload card is saved by its own button');
    await waitFor(async () => (await page.locator('[data-field="soap.retries"] .src').innerText()).toLowerCase() === 'runtime', { what: 'source badge' });

    await page.locator('[data-key="offload.file_timespan"]').selectOption('6h');
    await page.getByRole('button', { name: 'Save Offload settings' }).click();
    await waitFor(async () => (await http('GET', `${stack.gw}/api/v1/config`)).data.offload.file_timespan === '6h', { what: 'timespan 6h' });
    await screenshot(page, 'configuration');
  });

  test('the password is write-only: never in the page or any network answer', async () => {
    const secret = 'S3cr3t-pw-' + Math.random().toString(36).slice(2);
    await page.goto(`${stack.gw}/#/config`);
    await page.locator('[data-key="soap.password"]').waitFor();
    assert.match(await page.locator('.pw-state').innerText(), /not set/);
    await page.locator('[data-key="soap.password"]').fill(secret);
    await page.getByRole('button', { name: 'Save SOAP settings' }).click();
    await waitFor(async () => /Password set/.test(await page.locator('.pw-state').innerText()), { what: 'password set' });
    assert.equal(await page.locator('[data-key="soap.password"]').inputValue(), '', 'the field is emptied');
    assert.equal((await http('GET', `${stack.gw}/api/v1/config`)).data.soap.password_set, true);
    await page.reload();
    await page.locator('[data-key="soap.password"]').waitFor();
    for (const p of ['#/status', '#/requests', '#/config', '#/routes']) {
      await page.goto(`${stack.gw}/${p}`);
      await page.waitForTimeout(300);
      assert.ok(!(await page.content()).includes(secret), `password in the HTML of ${p}`);
    }
    const leaks = bodies.filter((b) => b.body.includes(secret) || b.headers.includes(secret));
    assert.deepEqual(leaks.map((b) => b.url), []);
    assert.ok(bodies.some((b) => b.url.includes('/api/v1/config')), 'config answers were watched');
    // the password is really used: the simulator has no user configured, so it only must not break calls
    await http('PUT', `${stack.gw}/api/v1/config`, { soap: { password: null } });
  });

  test('Reply Routes: add, edit and delete', async () => {
    await page.goto(`${stack.gw}/#/routes`);
    await page.getByLabel('Source', { exact: true }).fill('alarm-correlator');
    await page.getByLabel('Webhook URL', { exact: true }).fill('http://127.0.0.1:9/hook');
    await page.getByRole('button', { name: 'Add route' }).click();
    const row = page.locator('#routes-table tbody tr[data-source="alarm-correlator"]');
    await row.waitFor();
    assert.match(await row.innerText(), /127\.0\.0\.1:9\/hook/);
    let api = await http('GET', `${stack.gw}/api/v1/reply-routes/alarm-correlator`);
    assert.equal(api.data.url, 'http://127.0.0.1:9/hook');

    await page.getByLabel('Source', { exact: true }).fill('*');
    await page.getByLabel('Webhook URL', { exact: true }).fill('http://127.0.0.1:9/default');
    await page.getByRole('button', { name: 'Add route' }).click();
    await page.locator('#routes-table tbody tr[data-source="*"]').waitFor();

    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Webhook URL', { exact: true }).fill('http://127.0.0.1:9/hook2');
    await page.getByRole('button', { name: 'Save route' }).click();
    await waitFor(async () => /hook2/.test(await row.innerText()), { what: 'edited route' });
    api = await http('GET', `${stack.gw}/api/v1/reply-routes/alarm-correlator`);
    assert.equal(api.data.url, 'http://127.0.0.1:9/hook2');

    // a bad URL: the server's message at the field
    await page.getByLabel('Source', { exact: true }).fill('bad');
    await page.getByLabel('Webhook URL', { exact: true }).fill('ftp://nope');
    await page.getByRole('button', { name: 'Add route' }).click();
    await waitFor(async () => (await page.locator('#route-url-err, .route-form .form-error').allInnerTexts()).some((t) => t.trim()), {
      what: 'route error',
    });
    await screenshot(page, 'reply-routes');

    await row.getByRole('button', { name: /Delete/ }).click();
    await row.getByRole('button', { name: /Confirm delete/ }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal((await http('GET', `${stack.gw}/api/v1/reply-routes/alarm-correlator`)).status, 404);
  });

  test('Test Ticket sends a real ticket to USMS', async () => {
    const before = (await http('GET', `${stack.sim.url}/admin/stats`)).data;
    await page.goto(`${stack.gw}/#/test-ticket`);
    await page.getByRole('button', { name: 'Send test ticket' }).click();
    const result = page.locator('#tt-result[data-state="succeeded"]');
    await result.waitFor({ timeout: 15000 });
    const ticketId = (await page.locator('#tt-ticket-id').innerText()).trim();
    assert.ok(ticketId);
    const stats = (await http('GET', `${stack.sim.url}/admin/stats`)).data;
    assert.equal(stats.tickets, before.tickets + 1);
    await screenshot(page, 'test-ticket');
  });

  test('Status Overview screenshot with failures and the trend', async () => {
    await http('PUT', `${stack.gw}/api/v1/config`, { soap: { retries: 0 } });
    // an update of a ticket USMS does not know: a Client fault, failed at once
    await http('PATCH', `${stack.gw}/api/v1/tickets/incident/INC9999999?wait=10`, { fields: { priority: 2 }, source: 'alarm-correlator' });
    for (let i = 0; i < 4; i++) await createIncident(stack.gw, { summary: `olt-${i} down`, source: 'alarm-correlator', wait: 10 });
    await page.goto(`${stack.gw}/#/status`);
    await waitFor(async () => (await page.locator('#status-table tbody tr').count()) >= 10, { what: 'rows' });
    await page.getByRole('button', { name: 'Last hour' }).click();
    await page.waitForTimeout(500);
    await screenshot(page, 'status-overview');
    assert.match(await page.locator('#status-table').innerText(), /Failed/);
  });

  test('keyboard: the pages can be reached and used without a mouse', async () => {
    const page = await newPage(browser, errors);
    await page.goto(`${stack.gw}/#/status`);
    await page.locator('#status-table tbody tr').first().waitFor();
    await page.keyboard.press('Tab'); // skip link
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Tab'); // first nav link
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'External Requests');
    await page.keyboard.press('Enter');
    await waitFor(async () => (await page.locator('h1').innerText()) === 'External Requests', { what: 'External Requests by keyboard' });
    // the filters are plain form controls: Space toggles a state chip
    await page.getByLabel('Failed', { exact: true }).focus();
    await page.keyboard.press('Space');
    await waitFor(() => page.evaluate(() => location.hash.includes('failed')), { what: 'chip toggled' });
    await page.context().close();
  });

  test('no script errors on any page', () => {
    assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  });
});
