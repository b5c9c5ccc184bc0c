// Access control on: the pages load, ask for a token when the API answers
// 401, keep it for the tab, and say so when the token's scope is too small.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIncident, haveChromium, http, launchBrowser, newPage, startStack, waitFor } from './harness.mjs';

const skip = haveChromium() ? false : 'no chromium at /usr/bin/chromium (scripts/setup --with-browser)';
const ADMIN = 'admin-Tok3n.browser';
const READ = 'read-Tok3n.browser';

describe('token prompt', { skip, timeout: 90000 }, () => {
  let stack;
  let browser;

  before(async () => {
    stack = await startStack({ env: { USMS_GW_AUTH_TOKENS: `${ADMIN}:admin,${READ}:read` } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('the API needs a token but the pages load', async () => {
    assert.equal((await http('GET', `${stack.gw}/api/v1/status`)).status, 401);
    const index = await http('GET', `${stack.gw}/`);
    assert.equal(index.status, 200);
    assert.match(index.text, /<main/);
  });

  test('a wrong token is asked again, a right one shows the table and is kept for the tab', async () => {
    await createIncident(stack.gw, { summary: 'with auth', wait: 10, headers: { Authorization: `Bearer ${ADMIN}` } });
    const page = await newPage(browser);
    const sent = [];
    page.on('request', (r) => r.url().includes('/api/') && sent.push(r.headers().authorization || ''));
    await page.goto(`${stack.gw}/#/status`);
    const dialog = page.locator('#token-dialog');
    await dialog.waitFor({ state: 'visible' });
    await page.locator('#token-input').fill('not-a-token');
    await page.locator('#token-input').press('Enter');
    await waitFor(async () => /refused/.test(await page.locator('#token-reason').innerText()), { what: 'refused message' });
    await page.locator('#token-input').fill(ADMIN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await page.locator('#status-table tbody tr').first().waitFor();
    assert.ok(sent.includes(`Bearer ${ADMIN}`));
    assert.equal(await page.evaluate(() => sessionStorage.getItem('usms-gw-token')), ADMIN);
    // a reload keeps the token (same tab), no prompt
    await page.reload();
    await page.locator('#status-table tbody tr').first().waitFor();
    assert.equal(await dialog.isVisible(), false);
    await page.context().close();
  });

  test('a read token can look but not change settings', async () => {
    const page = await newPage(browser);
    await page.goto(`${stack.gw}/#/config`);
    await page.locator('#token-input').fill(READ);
    await page.locator('#token-input').press('Enter');
    const retries = page.locator('[data-key="soap.retries"]');
    await retries.waitFor();
    await retries.fill('7');
    await page.getByRole('button', { name: 'Save SOAP settings' }).click();
    await waitFor(async () => /may not/i.test((await page.locator('body').innerText())), { what: '403 message' });
    const cfg = await http('GET', `${stack.gw}/api/v1/config`, undefined, { Authorization: `Bearer ${ADMIN}` });
    assert.equal(cfg.data.soap.retries, 3);
    await page.context().close();
  });
});
