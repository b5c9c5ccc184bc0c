// The USMS banner: hidden while USMS is up; while it is not, every page
// says so (state, since when in local time, requests held, next probe),
// live; admins pause, resume and probe from it, a read-only token sees no
// buttons, and the banner goes once USMS is up again.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createIncident, haveChromium, http, launchBrowser, newPage, screenshot, startStack, waitFor } from './harness.mjs';

const skip = haveChromium() ? false : 'no chromium at /usr/bin/chromium (scripts/setup --with-browser)';
const ADMIN = 'admin-Tok3n.usms-banner';
const READ = 'read-Tok3n.usms-banner';
const SOAP_PASSWORD = 'S3cret-soap-Pa55';

describe('USMS banner', { skip, timeout: 240000 }, () => {
  let stack;
  let browser;
  let admin; // a page with the admin token
  let reader; // a page with the read token
  const adminHeaders = { Authorization: `Bearer ${ADMIN}` };
  const errors = []; // page errors and console errors of both pages

  const usms = async () => (await http('GET', `${stack.gw}/api/v1/usms`, undefined, adminHeaders)).data;
  const banner = (page) => page.locator('#usms-banner');
  const bannerState = (page) => banner(page).getAttribute('data-state');
  const bannerText = (page) => banner(page).innerText();
  const buttons = async (page) => (await banner(page).locator('button').allInnerTexts()).map((t) => t.trim());

  /// Opens the pages and answers the token prompt.
  async function signIn(token, hash) {
    const page = await newPage(browser, errors);
    await page.goto(`${stack.gw}/${hash}`);
    await page.locator('#token-input').fill(token);
    await page.locator('#token-input').press('Enter');
    await page.locator('#token-dialog').waitFor({ state: 'hidden' });
    return page;
  }

  /// `14:02` for an ISO time, as the page shows it (the browser's zone).
  const localClock = (page, iso) =>
    page.evaluate((t) => {
      const d = new Date(t);
      return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
    }, iso);

  /// Enough failing creates to trip the breaker (usms.breaker_failures
  /// failure signals in a row: each create's resends count).
  async function tripBreaker() {
    for (let i = 0; i < 3; i++) await createIncident(stack.gw, { summary: `during the outage ${i}`, headers: adminHeaders });
    await waitFor(async () => ['down', 'probing'].includes((await usms()).state), { what: 'USMS down', timeoutMs: 20000 });
  }

  before(async () => {
    stack = await startStack({ env: { USMS_GW_AUTH_TOKENS: `${ADMIN}:admin,${READ}:read`, USMS_GW_SOAP_PASSWORD: SOAP_PASSWORD } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test('no banner while USMS is up', async () => {
    admin = await signIn(ADMIN, '#/status');
    assert.equal((await usms()).state, 'up');
    // a full refresh has passed: the banner asked and stays hidden
    await admin.waitForResponse((r) => r.url().endsWith('/api/v1/usms') && r.status() === 200);
    assert.equal(await banner(admin).isHidden(), true);
  });

  test('USMS down: every page shows the state, since when, the requests held and the next probe', async () => {
    assert.equal((await http('PUT', `${stack.sim.url}/admin/faults`, { down: true })).status, 200);
    await tripBreaker();
    await waitFor(async () => ['down', 'probing'].includes(await bannerState(admin)), { what: 'banner down' });
    const u = await usms();
    const since = await localClock(admin, u.since);
    await waitFor(async () => (await bannerText(admin)).includes(`USMS unreachable since ${since}`), { what: `unreachable since ${since}` });
    // the held count is the gateway's, as a number with separators
    await waitFor(
      async () => {
        const held = (await usms()).held;
        return (await bannerText(admin)).includes(`${held.toLocaleString('en-US')} request${held === 1 ? '' : 's'} held`);
      },
      { what: 'held count' },
    );
    // the countdown to the next probe, or the probe under way
    await waitFor(async () => /next probe in \d+ s|probe due now|probing now/.test(await bannerText(admin)), { what: 'next probe' });
    await waitFor(async () => /Last error: .*down/i.test(await bannerText(admin)), { what: 'last error' });
    assert.ok((await buttons(admin)).includes('Pause'), `buttons: ${await buttons(admin)}`);
    await screenshot(admin, 'usms-banner');

    // on another page too
    await admin.goto(`${stack.gw}/#/config`);
    await waitFor(async () => (await bannerText(admin)).includes('USMS unreachable since'), { what: 'banner on Configuration' });
    await admin.goto(`${stack.gw}/#/status`);
  });

  test('a read-only token sees the banner without buttons', async () => {
    reader = await signIn(READ, '#/requests');
    await waitFor(async () => (await bannerText(reader)).includes('USMS unreachable since'), { what: 'banner for the reader' });
    assert.deepEqual(await buttons(reader), []);
    // the gateway refuses the reader's commands anyway
    const r = await http('POST', `${stack.gw}/api/v1/usms/pause`, undefined, { Authorization: `Bearer ${READ}` });
    assert.equal(r.status, 403);

    // Should the page believe it may (a scope header saying admin), the
    // 403 is told plainly and nothing changes.
    const claimAdmin = async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), 'x-token-scope': 'admin' } });
    };
    await reader.route('**/api/v1/usms', claimAdmin);
    const pause = banner(reader).getByRole('button', { name: 'Pause' });
    await pause.waitFor();
    await pause.click();
    await reader.locator('.toast.error', { hasText: /may not/ }).waitFor();
    assert.notEqual((await usms()).state, 'paused');
    await reader.unroute('**/api/v1/usms', claimAdmin);
    await waitFor(async () => (await buttons(reader)).length === 0, { what: 'no buttons again' });
    await reader.evaluate(() => document.getElementById('toasts')?.replaceChildren());
  });

  test('an admin pauses and resumes dispatch from the banner', async () => {
    await banner(admin).getByRole('button', { name: 'Pause' }).click();
    await waitFor(async () => (await bannerState(admin)) === 'paused', { what: 'banner paused' });
    assert.equal((await usms()).state, 'paused');
    assert.match(await bannerText(admin), /Dispatch to USMS paused since \d\d:\d\d/);
    assert.deepEqual(await buttons(admin), ['Resume', 'Probe now']);
    // the reader's banner follows on its own
    await waitFor(async () => (await bannerState(reader)) === 'paused', { what: 'reader sees paused' });
    assert.deepEqual(await buttons(reader), []);

    await banner(admin).getByRole('button', { name: 'Resume' }).click();
    await waitFor(async () => (await bannerState(admin)) === 'ramping', { what: 'banner ramping' });
    assert.match(await bannerText(admin), /USMS back since \d\d:\d\d, ramping up/);
    // USMS is still down: the next call fails and it is down again
    await createIncident(stack.gw, { summary: 'after the resume', headers: adminHeaders });
    await waitFor(async () => ['down', 'probing'].includes(await bannerState(admin)), { what: 'down again', timeoutMs: 20000 });
  });

  test('Probe now finds USMS back, and the banner goes once it is up', async () => {
    const probes = async () => Number(/usms_gateway_usms_probes_total (\d+)/.exec((await http('GET', `${stack.gw}/metrics`)).text)[1]);
    // Between two scheduled probes (usms.probe_interval, 5 s by default),
    // with the button on screen: USMS comes back and the operator probes.
    let u;
    await waitFor(
      async () => {
        u = await usms();
        return u.state === 'down' && new Date(u.next_probe_at).getTime() - Date.now() > 2500 && (await bannerState(admin)) === 'down';
      },
      { what: 'down, the next probe 2.5 s away', timeoutMs: 30000, intervalMs: 50 },
    );
    const before = await probes();
    assert.equal((await http('PUT', `${stack.sim.url}/admin/faults`, { down: false })).status, 200);
    await banner(admin).getByRole('button', { name: 'Probe now' }).click();
    await waitFor(async () => (await bannerState(admin)) === 'ramping', { what: 'ramping after the probe' });
    assert.ok((await probes()) > before, 'a probe was sent');
    // it was the operator's probe, not the scheduled one
    const back = await usms();
    assert.ok(new Date(back.since) < new Date(u.next_probe_at), `ramping since ${back.since}, scheduled probe ${u.next_probe_at}`);
    assert.match(await bannerText(admin), /ramping up to full speed/);
    // the ramp (usms.recovery_ramp, 30 s by default) ends: USMS is up
    await waitFor(async () => (await usms()).state === 'up', { what: 'USMS up', timeoutMs: 60000, intervalMs: 500 });
    await waitFor(async () => banner(admin).isHidden(), { what: 'banner gone (admin)' });
    await waitFor(async () => banner(reader).isHidden(), { what: 'banner gone (reader)' });
  });

  test('no script errors on the pages', () => {
    // The browser logs every 401 and 403 answer as a console error; those
    // are the token prompt and the refused command above.
    const unexpected = errors.filter((e) => !/status of 40[13]/.test(e));
    assert.deepEqual(unexpected, []);
  });

  test('no token and no password on the pages', async () => {
    for (const page of [admin, reader]) {
      const html = await page.content();
      assert.ok(!html.includes(ADMIN) && !html.includes(READ), 'no token in the page');
      assert.ok(!html.includes(SOAP_PASSWORD), 'no password in the page');
      await page.context().close();
    }
  });
});
