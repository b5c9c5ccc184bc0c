#!/usr/bin/env python3
"""Checks offload CSV files against the status rows they came from.

  check_offload.py --all ALL.db --live LIVE.db --csv-dir DIR
                   --zone ZONE --guard on|off [--expect-remaining N]

ALL.db holds every status row ever written, LIVE.db the table after the
offloads. The check reads every Offload_HH_Nh.csv under DIR with Python's
csv module and requires:
  - each file starts with the header line once, ends with CRLF;
  - no row id twice in the CSV files, none both in a file and in the table;
  - CSV rows + table rows == every row ever written;
  - each CSV row equals its source row field by field, times formatted in
    ZONE as ISO 8601 with milliseconds and offset, and with the guard on
    exactly a leading ' on values starting with = + - @ tab or CR.
Prints a JSON summary; exits 1 with the first problems on a mismatch.
"""

import argparse
import csv
import datetime
import json
import os
import re
import sqlite3
import sys
import zoneinfo

COLUMNS = ["row_id", "request_id", "accepted_at", "finished_at", "action",
           "type", "ticket_id", "status", "reason", "source",
           "correlation_id", "attempts", "cause", "alarm_key"]
HEADER = (",".join(COLUMNS) + "\r\n").encode()
FILE_RE = re.compile(r"^Offload_(\d\d)_([1-9]\d?)h\.csv$")
DAY_RE = re.compile(r"^\d{4}_\d\d_\d\d$")


def load_rows(path):
    con = sqlite3.connect(path)
    try:
        cur = con.execute("SELECT " + ", ".join(COLUMNS)
                          + " FROM status_rows ORDER BY row_id")
        return {r[0]: r for r in cur.fetchall()}
    finally:
        con.close()


def iso(ms, zone):
    t = datetime.datetime.fromtimestamp(ms // 1000, tz=zone).replace(
        microsecond=(ms % 1000) * 1000)
    return t.isoformat(timespec="milliseconds")


def expected_fields(row, zone, guard):
    values = [str(row[0]), row[1], iso(row[2], zone), iso(row[3], zone),
              row[4], row[5], row[6], row[7], row[8], row[9], row[10],
              str(row[11]), row[12], row[13] or ""]
    if guard:
        values = ["'" + v if v[:1] in ("=", "+", "-", "@", "\t", "\r")
                  else v for v in values]
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", required=True)
    ap.add_argument("--live", required=True)
    ap.add_argument("--csv-dir", required=True)
    ap.add_argument("--zone", required=True)
    ap.add_argument("--guard", choices=["on", "off"], required=True)
    ap.add_argument("--expect-remaining", type=int)
    args = ap.parse_args()

    zone = zoneinfo.ZoneInfo(args.zone)
    guard = args.guard == "on"
    every = load_rows(args.all)
    live = load_rows(args.live)
    problems = []
    seen = {}
    files = []
    days = os.listdir(args.csv_dir) if os.path.isdir(args.csv_dir) else []
    for day in sorted(days):
        day_path = os.path.join(args.csv_dir, day)
        if not DAY_RE.match(day) or not os.path.isdir(day_path):
            continue
        for name in sorted(os.listdir(day_path)):
            if FILE_RE.match(name):
                files.append(os.path.join(day, name))

    for rel in files:
        path = os.path.join(args.csv_dir, rel)
        with open(path, "rb") as f:
            raw = f.read()
        if not raw.startswith(HEADER):
            problems.append(f"{rel}: does not start with the header line")
            continue
        if not raw.endswith(b"\r\n"):
            problems.append(f"{rel}: does not end with CRLF")
        with open(path, newline="", encoding="utf-8") as f:
            reader = csv.reader(f)
            header = next(reader)
            if header != COLUMNS:
                problems.append(f"{rel}: header {header}")
            for line, fields in enumerate(reader, start=2):
                if fields == COLUMNS:
                    problems.append(f"{rel}: second header at record {line}")
                    continue
                try:
                    row_id = int(fields[0])
                except (ValueError, IndexError):
                    problems.append(f"{rel}: record {line}: bad row id")
                    continue
                if row_id in seen:
                    problems.append(
                        f"row {row_id} twice: {seen[row_id]} and {rel}")
                seen[row_id] = rel
                if row_id in live:
                    problems.append(f"row {row_id} in {rel} and in the table")
                if row_id not in every:
                    problems.append(f"row {row_id} in {rel} was never written")
                    continue
                want = expected_fields(every[row_id], zone, guard)
                if fields != want:
                    problems.append(
                        f"row {row_id} in {rel}: {fields!r} != {want!r}")

    missing = set(every) - set(seen) - set(live)
    for row_id in sorted(missing)[:20]:
        problems.append(f"row {row_id} is lost (neither in a file nor the table)")
    unknown = set(live) - set(every)
    for row_id in sorted(unknown)[:20]:
        problems.append(f"row {row_id} in the table was never written")
    if (args.expect_remaining is not None
            and len(live) != args.expect_remaining):
        problems.append(f"{len(live)} rows remain, expected "
                        f"{args.expect_remaining}")

    summary = {"written": len(every), "offloaded": len(seen),
               "remaining": len(live), "files": files,
               "lost": len(missing), "problems": len(problems)}
    print(json.dumps(summary))
    for p in problems[:30]:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
