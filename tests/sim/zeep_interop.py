#!/usr/bin/python3
"""Interop: zeep (python3-zeep, a SOAP stack nobody here wrote) loads the
WSDL from a running usms-sim and calls every operation.

Usage: /usr/bin/python3 zeep_interop.py BIN_DIR SOURCE_DIR
Starts BIN_DIR/usms-sim on 127.0.0.1:0 (v2, v2 with credentials, v1, and
the example contracts of SOURCE_DIR/contract/examples with the WSDL the
simulator writes for them), waits for its "listening on" line, runs the
calls, stops it.
"""

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.request

try:
    import zeep
    from zeep.exceptions import Fault
    from zeep.wsse.username import UsernameToken
except ImportError as e:
    # Never a skip: this is the only check that a foreign SOAP stack can
    # call the simulator, so a machine without zeep fails it, CI or not.
    sys.exit("python3-zeep is not installed (%s); scripts/setup installs it"
             % e)


class Sim:
    """A usms-sim child process."""

    def __init__(self, bin_dir, *args):
        exe = os.path.join(bin_dir, "usms-sim")
        self.proc = subprocess.Popen(
            [exe, "--listen", "127.0.0.1:0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.url = None
        seen = b""
        deadline = time.monotonic() + 20
        while self.url is None:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("usms-sim did not start: %r" % seen)
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 4096)
            if not chunk:
                continue
            seen += chunk
            m = re.search(rb"listening on (https?://[^\s]+)", seen)
            if m:
                self.url = m.group(1).decode()

    def stats(self):
        with urllib.request.urlopen(self.url + "/admin/stats") as r:
            return json.load(r)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("usms-sim ignored SIGTERM")
            check(code == 0, "usms-sim exited with %d on SIGTERM" % code)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.proc.poll() is None:
            self.stop()


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print("ok -", what)


def ticket_id(answer):
    # zeep unwraps a response element with one child to that child's value.
    return answer if isinstance(answer, str) else answer["TicketId"]


def fault_code(call):
    try:
        call()
    except Fault as f:
        text = zeep.helpers.etree.tostring(f.detail).decode() \
            if f.detail is not None else ""
        m = re.search(r"ErrorCode>([A-Z_]+)<", text)
        return (f.code, m.group(1) if m else None)
    return (None, None)


def v2_operations(bin_dir):
    with Sim(bin_dir) as sim:
        client = zeep.Client(sim.url + "/usms?wsdl")
        svc = client.service
        ops = set(client.wsdl.bindings[
            list(client.wsdl.bindings)[0]]._operations)
        check(ops == {"CreateIncident", "CreateTicket", "UpdateTicket",
                      "QueryTickets"}, "v2 WSDL offers the four operations")

        inc0 = ticket_id(svc.CreateIncident(
            Summary="via CreateIncident", Priority=3,
            ExternalReference="zeep-0"))
        check(re.fullmatch(r"INC\d{7}", inc0) is not None,
              "CreateIncident (v2) -> " + inc0)

        inc = ticket_id(svc.CreateTicket(
            TicketType="Incident",
            Ticket={"Summary": "Störung: link down", "Priority": 2,
                    "ConfigurationItem": "rtr-1",
                    "ExternalReference": "zeep-1"}))
        chg = ticket_id(svc.CreateTicket(
            TicketType="Change",
            Ticket={"Summary": "swap card", "ChangeType": "Emergency",
                    "PlannedStart": "2030-01-01T10:00:00Z",
                    "ExternalReference": "zeep-2"}))
        prb = ticket_id(svc.CreateTicket(
            TicketType="Problem",
            Ticket={"Summary": "flapping", "KnownError": False,
                    "ExternalReference": "zeep-3"}))
        check(inc.startswith("INC") and chg.startswith("CHG")
              and prb.startswith("PRB"),
              "CreateTicket for the three types -> %s %s %s"
              % (inc, chg, prb))

        t = svc.UpdateTicket(TicketType="Incident", TicketId=inc,
                             Ticket={"Status": "Assigned",
                                     "Assignee": "alice"},
                             WorkNote="taken by alice")
        check(t["TicketId"] == inc and t["Status"] == "Assigned"
              and t["Assignee"] == "alice"
              and t["Summary"] == "Störung: link down"
              and t["CreatedAt"] is not None,
              "UpdateTicket answers the full ticket")
        t = svc.UpdateTicket(TicketType="Problem", TicketId=prb,
                             Ticket={"Status": "KnownError",
                                     "KnownError": True})
        check(t["KnownError"] is True, "UpdateTicket on a problem")

        q = svc.QueryTickets(TicketType="Incident",
                             Filter={"ExternalReference": "zeep-1"},
                             MaxResults=5)
        check(q["TotalCount"] == 1 and len(q["Ticket"]) == 1
              and q["Ticket"][0]["TicketId"] == inc,
              "QueryTickets by ExternalReference")
        q = svc.QueryTickets(TicketType="Incident", Filter={}, MaxResults=1)
        check(q["TotalCount"] == 2 and len(q["Ticket"]) == 1,
              "QueryTickets: MaxResults caps, TotalCount counts all")
        q = svc.QueryTickets(TicketType="Change",
                             Filter={"Status": "Draft"}, MaxResults=5)
        check(q["TotalCount"] == 1 and q["Ticket"][0]["Status"] == "Draft",
              "QueryTickets on changes (initial status Draft)")

        code = fault_code(lambda: svc.UpdateTicket(
            TicketType="Change", TicketId="CHG0009999",
            Ticket={"Risk": "High"}))
        check(code[1] == "NOT_FOUND" and "Client" in (code[0] or ""),
              "unknown TicketId -> Client fault NOT_FOUND %r" % (code,))

        stats = sim.stats()
        check(stats["calls"] == {"CreateIncident": 1, "CreateTicket": 3,
                                 "UpdateTicket": 3, "QueryTickets": 3},
              "the simulator counted every call: %r" % stats["calls"])
        check(stats["tickets"] == 4, "four tickets exist")
        check(stats["creates_by_external_reference"]
              == {"zeep-0": 1, "zeep-1": 1, "zeep-2": 1, "zeep-3": 1},
              "creates by external reference")


def v2_credentials(bin_dir):
    with Sim(bin_dir, "--user", "gw", "--password", "s3cret") as sim:
        wsdl = sim.url + "/usms?wsdl"
        good = zeep.Client(wsdl, wsse=UsernameToken("gw", "s3cret"))
        tid = ticket_id(good.service.CreateTicket(
            TicketType="Incident", Ticket={"Summary": "authenticated"}))
        check(tid.startswith("INC"), "UsernameToken (PasswordText) accepted")
        bad = zeep.Client(wsdl, wsse=UsernameToken("gw", "wrong"))
        code = fault_code(lambda: bad.service.CreateTicket(
            TicketType="Incident", Ticket={"Summary": "x"}))
        check(code[1] == "AUTH", "wrong password -> AUTH %r" % (code,))
        anon = zeep.Client(wsdl)
        code = fault_code(lambda: anon.service.CreateTicket(
            TicketType="Incident", Ticket={"Summary": "x"}))
        check(code[1] == "AUTH", "no UsernameToken -> AUTH %r" % (code,))
        check(sim.stats()["tickets"] == 1, "only the good call created")


def v1_operations(bin_dir):
    with Sim(bin_dir, "--api-version", "1") as sim:
        client = zeep.Client(sim.url + "/usms?wsdl")
        ops = set(client.wsdl.bindings[
            list(client.wsdl.bindings)[0]]._operations)
        check(ops == {"CreateIncident"}, "v1 WSDL offers CreateIncident only")
        tid = ticket_id(client.service.CreateIncident(
            Summary="v1 incident", Priority=1, Category="Network",
            ExternalReference="zeep-v1"))
        check(tid == "INC0000001", "CreateIncident (v1) -> " + tid)
        check(sim.stats()["creates_by_external_reference"] == {"zeep-v1": 1},
              "v1 create counted")


def fault_detail(call, ns, element):
    """The text of {ns}element in a call's fault detail (None: no fault)."""
    try:
        call()
    except Fault as f:
        node = f.detail.find(".//{%s}%s" % (ns, element)) \
            if f.detail is not None else None
        return node.text if node is not None else ""
    return None


def acme_contract(bin_dir, examples):
    """ACME: one operation per type, fields directly in the requests, its
    own element names and spellings, faults in a namespace of their own."""
    with Sim(bin_dir, "--contract", examples + "/acme-itsm.toml") as sim:
        client = zeep.Client(sim.url + "/usms?wsdl")
        svc = client.service
        ops = set(client.wsdl.bindings[
            list(client.wsdl.bindings)[0]]._operations)
        check(len(ops) == 9 and "FindProblems" in ops,
              "ACME's WSDL offers its nine operations")
        inc = ticket_id(svc.CreateIncident(
            Title="Störung", Severity="P2", CI="rtr-1",
            CorrelationRef="zeep-a1"))
        check(inc.startswith("INC"), "CreateIncident -> " + inc)
        t = svc.UpdateIncident(Number=inc, State="WORK_IN_PROGRESS",
                               Owner="alice", Journal="taken")
        check(t["Number"] == inc and t["State"] == "WORK_IN_PROGRESS"
              and t["Title"] == "Störung" and t["Severity"] == "P2",
              "UpdateIncident answers the ticket in ACME's spellings")
        prb = ticket_id(svc.CreateProblem(Title="flaps", KnownErrorFlag="Y",
                                          CorrelationRef="zeep-a2"))
        q = svc.FindProblems(CorrelationRef="zeep-a2", Max=5)
        check(q["Matches"] == 1 and q["Problem"][0]["Number"] == prb
              and q["Problem"][0]["KnownErrorFlag"] == "Y",
              "FindProblems by CorrelationRef")
        code = fault_detail(lambda: svc.UpdateChange(
            Number="CHG0009999", Risk="High"), "urn:acme:faults", "Code")
        check(code == "E-MISSING", "unknown ticket -> fault E-MISSING: %r"
              % code)
        stats = sim.stats()
        check(stats["calls"] == {"CreateIncident": 1, "UpdateIncident": 1,
                                 "CreateProblem": 1, "FindProblems": 1,
                                 "UpdateChange": 1},
              "counted by ACME's operation names: %r" % stats["calls"])


def orion_contract(bin_dir, examples):
    """Orion: v2's shape with other names, the query in a second
    namespace, fault codes of its own."""
    with Sim(bin_dir, "--contract", examples + "/orion-osb.toml",
             "--user", "gw") as sim:
        client = zeep.Client(sim.url + "/usms?wsdl",
                             wsse=UsernameToken("gw", ""))
        svc = client.service
        chg = ticket_id(svc.CreateRecord(
            RecordClass="CHG",
            Record={"ShortText": "swap card", "Kind": "expedited",
                    "SourceRef": "zeep-o1"}))
        check(chg.startswith("CHG"), "CreateRecord -> " + chg)
        t = svc.ChangeRecord(RecordId=chg, RecordClass="CHG",
                             Changes={"Lifecycle": "30-Approved"},
                             Comment="approved")
        check(t["RecordId"] == chg and t["Lifecycle"] == "30-Approved"
              and t["Kind"] == "expedited",
              "ChangeRecord answers the record in Orion's spellings")
        q = svc.SearchRecords(RecordClass="CHG", PageSize=5,
                              Criteria={"SourceRef": "zeep-o1"})
        check(q["Hits"] == 1 and q["Record"][0]["RecordId"] == chg,
              "SearchRecords (second namespace) by SourceRef")
        code = fault_detail(lambda: svc.ChangeRecord(
            RecordId="INC0009999", RecordClass="INC", Changes={}),
            "http://orion.example.net/osb/ticketing/v3", "Code")
        check(code == "NO_SUCH_RECORD",
              "unknown record -> fault NO_SUCH_RECORD: %r" % code)
        anon = zeep.Client(sim.url + "/usms?wsdl")
        code = fault_detail(lambda: anon.service.CreateRecord(
            RecordClass="INC", Record={"ShortText": "x"}),
            "http://orion.example.net/osb/ticketing/v3", "Code")
        check(code == "ACCESS_DENIED", "no UsernameToken -> ACCESS_DENIED")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    bin_dir = sys.argv[1]
    examples = os.path.join(sys.argv[2], "contract", "examples")
    # The simulator is on loopback: never go through a configured proxy.
    for var in ("NO_PROXY", "no_proxy"):
        os.environ[var] = "127.0.0.1,localhost"
    v2_operations(bin_dir)
    v2_credentials(bin_dir)
    v1_operations(bin_dir)
    acme_contract(bin_dir, examples)
    orion_contract(bin_dir, examples)
    print("zeep interop: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
