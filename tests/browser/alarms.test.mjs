// The Alarms page and the cause in the status table, in a real browser
// against a real gateway and simulator: open, resolved and flapping alarms
// with their ticket, occurrences, last seen and generation, live; the state
// filter; forgetting an alarm; the status table's cause column and filter.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { haveChromium, http, launchBrowser, newPage, screenshot, startStack, waitFor } from './harness.mjs';

const skip = haveChromium() ? false : 'no chromium at /usr/bin/chromium (scripts/setup --with-browser)';

describe('Alarms page', { skip, timeout: 180000 }, () => {
  let stack;
  let browser;
  let page;
  const errors = [];

  const fire = (key, summary = `Alarm ${key}`) =>
    http('POST', `${stack.gw}/api/v1/alarms`, { key, state: 'firing', fields: { summary, priority: 2, configuration_item: 'olt-17' } });
  const clear = (key) => http('POST', `${stack.gw}/api/v1/alarms`, { key, state: 'cleared' });
  const alarm = async (key) => (await http('GET', `${stack.gw}/api/v1/alarms/${encodeURIComponent(key)}`)).data;
  const row = (key) => page.locator(`#alarms-table tbody tr[data-key="${key}"]`);

  before(async () => {
    stack = await startStack({
      env: { USMS_GW_ALARMS_UPDATE_INTERVAL: '1s', USMS_GW_ALARMS_FLAP_THRESHOLD: '2', USMS_GW_ALARMS_FLAP_WINDOW: '1m' },
    });
    browser = await launchBrowser();
    page = await newPage(browser, errors);
    for (let i = 0; i < 3; i++) assert.equal((await fire('olt-17/los', 'LOS on olt-17')).status, 202);
    assert.equal((await fire('core-1/bgp')).status, 202);
    for (const state of ['firing', 'cleared', 'firing', 'cleared']) {
      const r = state === 'firing' ? await fire('ran-4/cell') : await clear('ran-4/cell');
      assert.equal(r.status, 202);
    }
    await waitFor(async () => (await alarm('core-1/bgp'))?.ticket_id, { what: 'core-1/bgp ticket' });
    assert.equal((await clear('core-1/bgp')).status, 202);
    await waitFor(async () => (await alarm('olt-17/los'))?.ticket_id, { what: 'olt-17/los ticket' });
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('open, resolved and flapping alarms with their ticket, occurrences and generation', async () => {
    await page.goto(`${stack.gw}/#/alarms`);
    await row('olt-17/los').waitFor();
    const los = await alarm('olt-17/los');
    const text = await row('olt-17/los').innerText();
    assert.match(text, /Open/);
    assert.ok(text.includes(los.ticket_id), text);
    const cells = await row('olt-17/los').locator('td').allInnerTexts();
    assert.equal(cells[4].trim(), '1', 'generation');
    assert.equal(cells[5].trim(), '3', 'occurrences');
    assert.match(cells[7], /ago|now/, 'last seen');
    await waitFor(async () => (await row('core-1/bgp').getAttribute('data-state')) === 'resolved', { what: 'core-1/bgp resolved' });
    assert.match(await row('core-1/bgp').innerText(), /Resolved/);
    assert.equal(await row('ran-4/cell').getAttribute('data-state'), 'flapping');
    assert.match(await row('ran-4/cell').innerText(), /Flapping/);
    await screenshot(page, 'alarms');
  });

  test('a new alarm appears without a reload; the state filter', async () => {
    const marker = await page.evaluate(() => (window.__marker = Math.random()));
    assert.equal((await fire('new/alarm')).status, 202);
    await row('new/alarm').waitFor({ timeout: 8000 });
    assert.equal(await page.evaluate(() => window.__marker), marker, 'the page was not reloaded');
    await page.getByLabel('State', { exact: true }).selectOption('resolved');
    await waitFor(async () => (await page.locator('#alarms-table tbody tr').count()) === 1, { what: 'one resolved alarm' });
    assert.equal(await page.locator('#alarms-table tbody tr').first().getAttribute('data-key'), 'core-1/bgp');
    await waitFor(() => page.evaluate(() => location.hash.includes('state=resolved')), { what: 'filter in the hash' });
    await page.getByLabel('State', { exact: true }).selectOption('');
    await waitFor(async () => (await page.locator('#alarms-table tbody tr').count()) === 4, { what: 'all alarms' });
  });

  test('forgetting an alarm', async () => {
    await row('new/alarm').getByRole('button', { name: 'Forget' }).click();
    await row('new/alarm').waitFor({ state: 'detached' });
    assert.equal((await http('GET', `${stack.gw}/api/v1/alarms/new%2Falarm`)).status, 404);
  });

  test('the status table shows each request\'s cause and filters by it', async () => {
    await page.goto(`${stack.gw}/#/status`);
    await page.locator('#status-table tbody tr').first().waitFor();
    const created = page.locator('#status-table tbody td.cause[data-cause="alarm_firing"]', { hasText: 'olt-17/los' });
    await created.first().waitFor();
    assert.match(await created.first().innerText(), /Alarm fired/);
    await page.getByLabel('Cause', { exact: true }).selectOption('alarm_cleared');
    await waitFor(async () => {
      const causes = await page.locator('#status-table tbody td.cause').evaluateAll((tds) => tds.map((td) => td.dataset.cause));
      return causes.length > 0 && causes.every((c) => c === 'alarm_cleared');
    }, { what: 'only alarm_cleared rows' });
    assert.match(await page.locator('#status-table tbody tr').first().innerText(), /core-1\/bgp/);
  });

  test('no script errors', () => {
    assert.deepEqual(errors.filter((e) => !/status of 4\d\d/.test(e)), []);
  });
});
