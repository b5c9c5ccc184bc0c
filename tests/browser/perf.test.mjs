// The Status Overview with 10,000 rows in the status table loads in under
// a second: the server pages the table, the page renders one page of rows.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
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
    // Full loads (a new query string each time, so not a same-document
    // hash change). The figure is the browser's own: navigation start to
    // the first page of rows in the table (a performance mark set by the
    // page), so a busy test machine's CDP round trips do not count.
    const inPage = [];
    const wall = [];
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      await page.goto(`${stack.gw}/?load=${i}#/status`);
      await page.waitForFunction(
        (n) => document.querySelectorAll('#status-table tbody tr').length === 50 && document.getElementById('noi')?.textContent === n,
        ROWS.toLocaleString('en'),
        { polling: 20 },
      );
      wall.push(Date.now() - t0);
      inPage.push(Math.round(await page.evaluate(() => performance.getEntriesByName('usms:status-table')[0].startTime)));
    }
    console.log(`# Status Overview with ${ROWS} rows: navigation start → rows on screen ${inPage.join(', ')} ms (wall clock incl. CDP: ${wall.join(', ')} ms)`);
    // The median of five loads must be under a second. When the machine is
    // overloaded by other work (load average above 2 per core), scheduling
    // noise dominates: then the best load must be, and the log says so.
    const sorted = [...inPage].sort((a, b) => a - b);
    const busy = os.loadavg()[0] / os.cpus().length > 2;
    const figure = busy ? sorted[0] : sorted[2];
    console.log(`# judged: ${busy ? 'best (machine busy, load ' + os.loadavg()[0].toFixed(1) + ')' : 'median'} = ${figure} ms`);
    assert.ok(figure < 1000, `${busy ? 'best' : 'median'} load ${figure} ms (${inPage})`);

    // Paging to the end and a source filter stay fast too (timed in the
    // page: the action until the rows are there).
    // (no eval in the page: its CSP forbids it)
    const pages = Math.ceil(ROWS / 50);
    const lastPage = await page.evaluate(
      (p) =>
        new Promise((resolve) => {
          const info = document.getElementById('page-info');
          const t0 = performance.now();
          document.querySelector('[data-go=last]').click();
          const check = () => (info.textContent.startsWith(`Page ${p} of ${p} `) ? resolve(performance.now() - t0) : setTimeout(check, 5));
          check();
        }),
      pages,
    );
    const rare = Math.ceil(ROWS / 10).toLocaleString('en');
    const filtered = await page.evaluate(
      (n) =>
        new Promise((resolve) => {
          const info = document.getElementById('page-info');
          const input = document.getElementById('f-source');
          const t0 = performance.now();
          input.value = 'perf-rare';
          input.dispatchEvent(new Event('input', { bubbles: true }));
          const check = () => (info.textContent.endsWith(` of ${n}`) ? resolve(performance.now() - t0) : setTimeout(check, 5));
          check();
        }),
      rare,
    );
    console.log(`# last page: ${lastPage.toFixed(0)} ms; source filter (incl. 250 ms typing debounce): ${filtered.toFixed(0)} ms`);
    assert.ok(lastPage < 1000, `last page ${lastPage} ms`);
    assert.ok(filtered < 1250, `filter ${filtered} ms`);
    await page.context().close();
  });
});
