#!/usr/bin/python3
# WAL frames per group commit of the journal's per-request statements, on a
# copy of a database the gateway created (so the schema is the gateway's):
# each commit holds G appends, G sending marks (of the requests appended
# one commit before) and G finishes with their status rows (two before).
#
# Usage: /usr/bin/python3 bench/lib/wal_frames.py GATEWAY_DB [G ...]
#   e.g. usms-gateway --db /tmp/w/g.db --listen 127.0.0.1:0 (stop it), then
#        /usr/bin/python3 bench/lib/wal_frames.py /tmp/w/g.db 10 40 100
# Prints frames per commit and per request for each G.
import sqlite3, os, shutil, sys, tempfile

def run(source, G):
    work = tempfile.mkdtemp()
    db = os.path.join(work, 't.db')
    shutil.copy(source, db)
    c = sqlite3.connect(db, isolation_level=None)
    c.execute('pragma journal_mode=WAL'); c.execute('pragma synchronous=OFF'); c.execute('pragma wal_autocheckpoint=0')
    payload = '{"fields":{"summary":"Link down on ne-04082","priority":2,"category":"Network","assignment_group":"NOC-L2","configuration_item":"ne-04082"}}'
    n = 0
    def rid(i): return 'r%011x%06x' % (1700000000000 + i // 10, i)
    def wal(): return os.path.getsize(db + '-wal') if os.path.exists(db + '-wal') else 0
    lag_mark, lag_finish = 1, 2
    frames = []
    for commit in range(600):
        w0 = wal()
        c.execute('BEGIN IMMEDIATE')
        base = commit * G
        for k in range(G):
            i = base + k
            res = ''
            c.execute("INSERT INTO requests (id, action, type, payload, source, correlation_id, reply_to, idempotency_key, external_reference, state, accepted_at, updated_at, serial_key, cause, alarm_key, result) VALUES (?,?,?,?,?,?,?,?,?,'queued',?,?,?,?,?,?)",
                      (rid(i), 'create', 'incident', payload, 'nms-%d' % (i % 4), 'burst-2-%06d' % i, '', None, 'burst-2-%06d' % i, 1700000000000 + i, 1700000000000 + i, 'create:incident:burst-2-%06d' % i, 'command', None, res))
        if commit >= lag_mark:
            for k in range(G):
                i = (commit - lag_mark) * G + k
                st = 'in_flight'
                c.execute("UPDATE requests SET state = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, sending = ?6, lookup_first = ?7, updated_at = ?8 WHERE id = ?1",
                          (rid(i), st, 0, 0, '', 1, 0, 1700000000000 + i))
        if commit >= lag_finish:
            for k in range(G):
                i = (commit - lag_finish) * G + k
                result = '{"ticket_id":"INC%012d"}' % i
                st = 'succeeded'
                c.execute("UPDATE requests SET state = ?2, attempts = ?3, next_attempt_at = 0, sending = 0, lookup_first = 0, finished_at = ?4, updated_at = ?4, result = ?5, reason = ?6, reply_state = ?7, reply_attempts = 0, reply_error = '' WHERE id = ?1",
                          (rid(i), st, 1, 1700000000000 + i, result, '', ''))
                c.execute("INSERT INTO status_rows (request_id, accepted_at, finished_at, action, type, ticket_id, status, reason, source, correlation_id, attempts, cause, alarm_key) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                          (rid(i), 1700000000000 + i, 1700000000000 + i, 'create', 'incident', 'INC%012d' % i, 'succeeded', '', 'nms-%d' % (i % 4), 'burst-2-%06d' % i, 1, 'command', None))
                c.execute("INSERT INTO external_references (external_reference, confirmed) VALUES (?1, 1) ON CONFLICT(external_reference) DO UPDATE SET confirmed = confirmed + 1", ('burst-2-%06d' % i,))
        c.execute('COMMIT')
        frames.append((wal() - w0) / 4120)
        if commit % 100 == 99:
            c.execute('pragma wal_checkpoint(TRUNCATE)')
    steady = frames[10:]
    shutil.rmtree(work)
    print('G', G, 'frames/commit %.1f' % (sum(steady) / len(steady)), 'frames/request %.2f' % (sum(steady) / len(steady) / G))


for g in (sys.argv[2:] or ['40']):
    run(sys.argv[1], int(g))
