#!/usr/bin/env node
// Peer: the storm's creates made directly against the simulator with the npm
// `soap` package: promises with N calls outstanding over a keep-alive agent,
// no queue and no durability. Tries a few concurrencies on a short slice,
// keeps the best, then runs the storm's first --limit creates with it and
// writes JSON: completed, seconds, per_second, concurrency, errors, note.
//
//   node bench/peers/soap_peer.mjs --sim http://127.0.0.1:8081 \
//       --storm storm.jsonl --limit 5000 --out soap.json
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import soap from 'soap';

const require = createRequire(import.meta.url);
const soapVersion = require('soap/package.json').version;

const { values: a } = parseArgs({
  options: {
    sim: { type: 'string' },
    storm: { type: 'string' },
    limit: { type: 'string', default: '5000' },
    trial: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8,32,128' },
    out: { type: 'string' },
  },
});
if (!a.sim || !a.storm || !a.out) {
  console.error('usage: soap_peer.mjs --sim URL --storm FILE --out FILE [--limit N]');
  process.exit(2);
}
const limit = Number(a.limit);
const trial = Number(a.trial);
const candidates = a.concurrency.split(',').map(Number);

const TYPES = { incident: 'Incident', change: 'Change', problem: 'Problem' };
const pascal = (s) => s.split('_').map((p) => p[0].toUpperCase() + p.slice(1)).join('');

const calls = [];
for (const line of fs.readFileSync(a.storm, 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const r = JSON.parse(line);
  if (r.action !== 'create') continue;
  const ticket = {};
  for (const [k, v] of Object.entries(r.fields)) ticket[pascal(k)] = v;
  if (r.correlation_id) ticket.ExternalReference = r.correlation_id;
  calls.push({ TicketType: TYPES[r.type], Ticket: ticket });
  if (calls.length >= limit + trial * candidates.length) break;
}

async function run(slice, concurrency) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const client = await soap.createClientAsync(`${a.sim}/usms?wsdl`, {
    wsdl_options: { agent },
  });
  client.setEndpoint(`${a.sim}/usms`);
  let next = 0;
  let ok = 0;
  let errors = 0;
  let first = '';
  const start = process.hrtime.bigint();
  async function worker() {
    while (next < slice.length) {
      const args = slice[next++];
      try {
        await client.CreateTicketAsync(args, { agent });
        ok++;
      } catch (e) {
        errors++;
        if (!first) first = String(e.message || e).slice(0, 200);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  return { ok, errors, secs, first };
}

// Warm up (WSDL parsing, JIT) so the first candidate is not penalised.
await run(calls.slice(0, Math.min(trial, 500)), candidates[0]);
const trials = {};
let offset = 0;
for (const c of candidates) {
  const r = await run(calls.slice(offset, offset + trial), c);
  offset += trial;
  trials[c] = r.secs > 0 ? r.ok / r.secs : 0;
  console.error(`soap: concurrency ${c}: ${trials[c].toFixed(0)}/s`);
}
const best = Number(Object.entries(trials).sort((x, y) => y[1] - x[1])[0][0]);
const slice = calls.slice(offset, offset + limit);
const r = await run(slice, best);
const result = {
  name: `npm soap ${soapVersion} (node ${process.versions.node})`,
  completed: r.ok,
  seconds: Number(r.secs.toFixed(3)),
  per_second: r.secs > 0 ? Number((r.ok / r.secs).toFixed(1)) : 0,
  concurrency: best,
  errors: r.errors,
  trials: Object.fromEntries(Object.entries(trials).map(([k, v]) => [k, Number(v.toFixed(1))])),
  note: `${slice.length} creates of the storm, ${best} calls outstanding, keep-alive agent`
    + (r.first ? `; first error: ${r.first}` : ''),
};
fs.writeFileSync(a.out, JSON.stringify(result, null, 2));
console.log(JSON.stringify(result));
