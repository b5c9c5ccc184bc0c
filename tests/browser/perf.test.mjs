// The Status Overview with 10,000 rows in the status table loads in under
// a second: the server pages the table, the page renders one page of rows.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { haveChromium, http, launchBrowser, newPage, startStack, waitFor } from './harness.mjs';

const skip = haveChromium() ? false : 'no chromium at /usr/bin/chromium (scripts/setup --with-browser)';
const ROWS = Number(process.env.USMS_BROWSER_ROWS || 10000);

/// Sends `n` creates with `concurrency` at a time; waits until all finished.
async function seed(gw, n, concurrency = 64) {
  let next = 0;
  const ids = [];
  async function worker() {
    while (next < n) {
      const i = next++;
      const r = await http('POST', `${gw}/api/v1/tickets/incident`, {
        fields: { summary: `load ${i}`, priority: (i % 5) + 1, configuration_item: `ne-${i % 97}` },
        source: i % 10 === 0 ? 'perf-rare' : 'perf',
      });
      if (r.status !== 202) throw new Error(`create ${i}: ${r.status} ${r.text}`);
      ids.push(r.data.request_id);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  await waitFor(async () => (await http('GET', `${gw}/api/v1/status?limit=1`)).data?.entries >= n, {
    timeoutMs: 120000,
    intervalMs: 500,
    what: `${n} status rows`,
  });
  return ids;
}

describe('Status Overview with 10,000 rows', { skip, timeout: 240000 }, () => {
  let stack;
  let browser;

  before(async () => {
    // no offload during the test: it would move rows away at 10,000
    stack = await startStack({ env: { USMS_GW_OFFLOAD_MAX_ENTRIES: '10000000', USMS_GW_OFFLOAD_AMOUNT: '1000' } });
    const t0 = Date.now();
    await seed(stack.gw, ROWS);
    console.log(`# seeded ${ROWS} requests in ${Date.now() - t0} ms`);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  test(`loads in under a second`, async () => {
    const page = await newPage(browser);
    // warm the browser process itself (not the gateway): a blank page
    await page.goto('about:blank');
    const times = [];
    for (let i = 0; i < 3; i++) {
      const t0 = Date.now();
      await page.goto(`${stack.gw}/#/status`);
      await page.waitForFunction(
        (n) => document.querySelectorAll('#status-table tbody tr').length === 50 && document.getElementById('noi')?.textContent === n,
        ROWS.toLocaleString('en'),
        { polling: 'raf' },
      );
      times.push(Date.now() - t0);
    }
    console.log(`# Status Overview load with ${ROWS} rows: ${times.join(', ')} ms`);
    assert.ok(Math.max(...times) < 1000, `load times ${times} ms`);

    // paging to the end and a text filter stay fast too
    let t0 = Date.now();
    await page.getByRole('button', { name: 'Last page' }).click();
    const pages = Math.ceil(ROWS / 50);
    await page.waitForFunction((p) => document.getElementById('page-info').textContent.startsWith(`Page ${p} of ${p} `), pages);
    const lastPage = Date.now() - t0;
    t0 = Date.now();
    await page.getByLabel('Search').fill('perf-rare');
    const rare = Math.ceil(ROWS / 10).toLocaleString('en');
    await page.waitForFunction((n) => document.getElementById('page-info').textContent.endsWith(` of ${n}`), rare);
    const filtered = Date.now() - t0;
    console.log(`# last page: ${lastPage} ms; text filter (incl. 250 ms debounce): ${filtered} ms`);
    assert.ok(lastPage < 1000, `last page ${lastPage} ms`);
    assert.ok(filtered < 1500, `filter ${filtered} ms`);
    await page.context().close();
  });
});
