#!/usr/bin/python3
"""Peer: the storm's creates made directly against the simulator with zeep.

Debian's python3-zeep, threads (one zeep Client per thread), no queue and no
durability: what a team would script around a bare SOAP client. Tries a few
concurrencies on a short slice, keeps the best, then runs the storm's first
--limit creates with it and writes JSON: completed, seconds, per_second,
concurrency, errors, note.

  /usr/bin/python3 bench/peers/zeep_peer.py --sim http://127.0.0.1:8081 \
      --storm storm.jsonl --limit 5000 --out zeep.json
"""
import argparse
import json
import sys
import threading
import time

import zeep
import zeep.transports
import requests

TYPES = {"incident": "Incident", "change": "Change", "problem": "Problem"}


def pascal(name):
    return "".join(part.capitalize() for part in name.split("_"))


def load(path, limit):
    out = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if r["action"] != "create":
                continue
            ticket = {pascal(k): v for k, v in r["fields"].items()}
            if r.get("correlation_id"):
                ticket["ExternalReference"] = r["correlation_id"]
            out.append((TYPES[r["type"]], ticket))
            if len(out) >= limit:
                break
    return out


def make_client(wsdl, threads):
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=threads)
    session.mount("http://", adapter)
    return zeep.Client(wsdl, transport=zeep.transports.Transport(session=session))


def run(wsdl, calls, threads):
    """Runs every call with `threads` threads; returns (ok, errors, seconds)."""
    clients = [make_client(wsdl, 1) for _ in range(threads)]
    lock = threading.Lock()
    state = {"next": 0, "ok": 0, "errors": 0, "first_error": ""}

    def worker(client):
        while True:
            with lock:
                i = state["next"]
                if i >= len(calls):
                    return
                state["next"] = i + 1
            kind, ticket = calls[i]
            try:
                client.service.CreateTicket(TicketType=kind, Ticket=ticket)
                with lock:
                    state["ok"] += 1
            except Exception as e:  # the bench counts, it does not stop
                with lock:
                    state["errors"] += 1
                    if not state["first_error"]:
                        state["first_error"] = str(e)[:200]

    start = time.monotonic()
    ts = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return state["ok"], state["errors"], time.monotonic() - start, state["first_error"]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sim", required=True)
    p.add_argument("--storm", required=True)
    p.add_argument("--limit", type=int, default=5000)
    p.add_argument("--trial", type=int, default=600, help="creates per concurrency trial")
    p.add_argument("--concurrency", default="1,4,16", help="candidates")
    p.add_argument("--out", required=True)
    a = p.parse_args()
    wsdl = a.sim + "/usms?wsdl"
    calls = load(a.storm, a.limit + a.trial * 10)
    trials = {}
    offset = 0
    for c in [int(x) for x in a.concurrency.split(",")]:
        chunk = calls[offset:offset + a.trial]
        offset += a.trial
        ok, err, secs, _ = run(wsdl, chunk, c)
        trials[c] = ok / secs if secs > 0 else 0
        print(f"zeep: concurrency {c}: {trials[c]:.0f}/s", file=sys.stderr)
    best = max(trials, key=trials.get)
    main_calls = calls[offset:offset + a.limit]
    ok, err, secs, first = run(wsdl, main_calls, best)
    result = {
        "name": f"python3-zeep {zeep.__version__} (threads)",
        "completed": ok, "seconds": round(secs, 3),
        "per_second": round(ok / secs, 1) if secs > 0 else 0,
        "concurrency": best, "errors": err,
        "trials": {str(k): round(v, 1) for k, v in trials.items()},
        "note": f"{len(main_calls)} creates of the storm, threads with one zeep Client each"
                + (f"; first error: {first}" if first else ""),
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
