#!/usr/bin/env python3
"""What a growing WAL costs a commit: SQLite alone (WAL, synchronous=FULL,
no automatic checkpoint, as the gateway's journal), 1,500 commits of 11
rows of 600 bytes, in three ways:
  growing     the log grows at every commit (a burst, nothing checkpointing)
  prewritten  the log file was written full of zeros beforehand
  zero-ahead  zeros written 1 MiB at a time by the writer between commits,
              once its frames come within half a MiB of the file's end (what
              persistence/wal_headroom.cpp does before each COMMIT)
Prints commits/s and the commit's mean, p50 and p99 per way, two rounds.
Usage: python3 bench/lib/wal_growth.py [DIR]   (DIR: where the files go;
default a temporary folder, on the disk under test)"""
import mmap
import os
import sqlite3
import statistics
import sys
import tempfile
import time

STRETCH = 1 << 20
PAGE = 4096


def run(way, folder, commits=1500, rows=11):
    path = os.path.join(folder, 'wal-growth.db')
    for suffix in ('', '-wal', '-shm'):
        if os.path.exists(path + suffix):
            os.unlink(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    for pragma in ('journal_mode=WAL', 'synchronous=FULL',
                   'wal_autocheckpoint=0', 'journal_size_limit=%d' % (1 << 30),
                   'page_size=%d' % PAGE):
        db.execute('PRAGMA ' + pragma)
    db.execute('CREATE TABLE t(id INTEGER PRIMARY KEY, k TEXT UNIQUE, body TEXT)')
    db.execute("INSERT INTO t(k, body) VALUES ('first', '')")  # the log exists
    wal = os.open(path + '-wal', os.O_WRONLY)
    if way == 'prewritten':
        os.pwrite(wal, b'\0' * (256 << 20), os.fstat(wal).st_size)
        os.fsync(wal)
    # The WAL-index header's frame count (mxFrame, native 32-bit at byte 16).
    shm = mmap.mmap(os.open(path + '-shm', os.O_RDONLY), 4096,
                    prot=mmap.PROT_READ)
    zeros = bytes(STRETCH)
    times, key, start = [], 0, time.perf_counter()
    for _ in range(commits):
        db.execute('BEGIN')
        for _ in range(rows):
            key += 1
            db.execute('INSERT INTO t(k, body) VALUES (?, ?)',
                       ('key-%d' % key, 'b' * 600))
        if way == 'zero-ahead':
            frames = int.from_bytes(shm[16:20], sys.byteorder)
            size = os.fstat(wal).st_size
            if 32 + frames * (PAGE + 24) + STRETCH // 2 > size:
                os.pwrite(wal, zeros, size)
        t = time.perf_counter()
        db.execute('COMMIT')
        times.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    db.close()
    os.close(wal)
    times.sort()
    us = [x * 1e6 for x in (statistics.mean(times), times[len(times) // 2],
                            times[int(len(times) * 0.99)])]
    return '%-10s %6.0f commits/s   commit mean %4.0f us  p50 %4.0f  p99 %5.0f' % (
        way, commits / elapsed, *us)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp()
    for _ in range(2):
        for way in ('growing', 'prewritten', 'zero-ahead'):
            print(run(way, folder), flush=True)


if __name__ == '__main__':
    main()
