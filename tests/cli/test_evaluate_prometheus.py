"""``videowall evaluate --prometheus`` against the journal-based evaluation on ONE scenario:
a real ``videowall monitor`` child (with its journal) watches two simulated recorders, a real
Prometheus with the shipped rules scrapes it; one recorder's cameras go down for a known
stretch and come back; both evaluations of the same period must agree per district and per
recorder. Also the command's one-line errors (unreachable Prometheus, rules not loaded).
Waits poll Prometheus' API; Prometheus missing under CI=true fails."""

from __future__ import annotations

import json
import math
import sqlite3
import time
import urllib.parse
from datetime import datetime, timezone

import pytest

from tests.support.monitoring import MonitorProcess, write_catalog
from tests.support.prom_stack import RULES, query, start_prometheus, tool
from tests.support.waiting import wait_until
from viewer.cli import evaluate as cli_evaluate
from viewer.core import constants as C
from viewer.core.prometheus_evaluation import RECORDER_SERIES
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

#: Prometheus' scrape and rule-evaluation interval in this test (seconds).
INTERVAL_S = 0.1
#: How long the recorder stays down once Prometheus has seen it down (Prometheus' own clock).
DOWN_S = 6.0
WAIT_S = 30.0
#: The monitor's --recovery-confirm here (the journal's hysteresis; production: C.RECOVERY_CONFIRM_S).
RECOVERY_CONFIRM_S = 5.0


def _open_outages(journal) -> int:
    """Outages still open in the monitor's journal (read-only, beside the monitor's writer)."""
    with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as db:
        return db.execute("SELECT count(*) FROM outages WHERE ended_at IS NULL").fetchone()[0]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, timezone.utc).isoformat()


def _recorder(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def _evaluate(capsys, *argv: str) -> dict:
    capsys.readouterr()
    code = cli_evaluate.main([*argv, "--format", "json", "--table", "districts", "--table", "recorders"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def _render(capsys, *argv: str) -> str:
    capsys.readouterr()
    code = cli_evaluate.main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def _by_key(data: dict, table: str, key: str) -> dict[str, dict]:
    return {row[key]: row for row in data[table]}


@pytest.mark.slow
def test_prometheus_and_journal_evaluations_agree(simulator, tmp_path, capsys):
    """Tolerance: Prometheus sees a camera's change at the next scrape after the monitor
    records it, and the recording rule at its next evaluation, so each transition reaches
    Prometheus' history 0..(scrape + evaluation interval) late; the down stretch's length
    differs by at most that (both transitions are late by 0..that), and avg_over_time's window
    can hold one evaluation more or less at each end. Twice (scrape + evaluation interval) over
    the period bounds both, as a share of the period: with 0.1 s intervals and a ~15 s period
    that is ~4 percentage points, while the down stretch is ~70 % of the period.
    The journal confirms a recovery only after ``--recovery-confirm`` (5 s here, 30 s in
    production) of good probes, so the test waits for that before reading it."""
    tool("prometheus")
    recorder_b = CameraSimulator()
    rows = [(f"a{i}", "north" if i % 2 else "south", simulator.add_rtsp(SimCamera(f"/a{i}"))) for i in range(4)]
    b_paths = [f"/b{i}" for i in range(4)]
    rows += [(f"b{i}", "north" if i % 2 else "south", recorder_b.add_rtsp(SimCamera(p))) for i, p in enumerate(b_paths)]
    recorder_b.start()
    a_name, b_name = _recorder(rows[0][2]), _recorder(rows[-1][2])
    catalog, journal = tmp_path / "catalog.yaml", tmp_path / "journal.sqlite"
    write_catalog(catalog, rows)
    monitor = prom = None
    try:
        monitor = MonitorProcess(catalog, "--max-age", "1", "--timeout", "0.5", "--journal", str(journal),
                                 "--recovery-confirm", str(RECOVERY_CONFIRM_S), home=tmp_path)  # fmt: skip
        prom, prom_url = start_prometheus(tmp_path, RULES, [f"127.0.0.1:{monitor.port}"], None,
                                          interval=f"{round(INTERVAL_S * 1000)}ms")  # fmt: skip

        def recorders() -> dict[str, float]:
            return {r["metric"]["recorder"]: float(r["value"][1]) for r in query(prom_url, RECORDER_SERIES)}

        def evaluated_until() -> float:
            found = query(prom_url, f"max(timestamp({RECORDER_SERIES}))")
            return float(found[0]["value"][1]) if found else 0.0

        wait_until(lambda: recorders() == {a_name: 1.0, b_name: 1.0}, WAIT_S, "every camera up in Prometheus")
        since = math.ceil(time.time()) + 1
        wait_until(lambda: evaluated_until() >= since + 1, WAIT_S, "Prometheus past the period's start")

        port_b = int(b_name.rsplit(":", 1)[1])
        recorder_b.stop()
        wait_until(lambda: recorders().get(b_name) == 0.0, WAIT_S, "the recorder down in Prometheus")
        seen_down = evaluated_until()
        wait_until(lambda: evaluated_until() >= seen_down + DOWN_S, WAIT_S, "the down stretch")
        recorder_b = CameraSimulator(ports_by_scheme={"rtsp": port_b})
        for path in b_paths:
            recorder_b.add_rtsp(SimCamera(path, Behaviour.HEALTHY))
        recorder_b.start()
        wait_until(lambda: recorders().get(b_name) == 1.0, WAIT_S, "the recorder back in Prometheus")
        until = math.ceil(time.time()) + 1
        wait_until(lambda: evaluated_until() >= until + 2 * INTERVAL_S, WAIT_S, "Prometheus past the period's end")
        # the journal closes an outage once the recovery has held RECOVERY_CONFIRM_S (then at
        # the first healthy probe); Prometheus counts the camera up from that probe at once
        assert _open_outages(journal) == len(b_paths)
        wait_until(lambda: _open_outages(journal) == 0, RECOVERY_CONFIRM_S + WAIT_S, "the journal's recoveries")
        assert time.time() - until < C.RECOVERY_CONFIRM_S  # the monitor took --recovery-confirm
        assert monitor.stop() == 0  # closes its coverage in the journal (after `until`)

        period = ("--since", _iso(since), "--until", _iso(until))
        from_journal = _evaluate(capsys, *period, "--journal", str(journal), "--catalog", str(catalog))
        from_prometheus = _evaluate(capsys, *period, "--prometheus", prom_url)
        as_text = _render(capsys, *period, "--prometheus", prom_url)
        as_csv = _render(capsys, *period, "--prometheus", prom_url, "--format", "csv", "--table", "recorders")
    finally:
        if prom is not None:
            prom.stop()
        if monitor is not None:
            monitor.stop()
        recorder_b.stop()

    tolerance_pct = 100.0 * 2 * (2 * INTERVAL_S) / (until - since)
    for table, key, names in (("districts", "district", {"north", "south"}), ("recorders", "recorder",
                                                                              {a_name, b_name})):  # fmt: skip
        journal_rows, prom_rows = _by_key(from_journal, table, key), _by_key(from_prometheus, table, key)
        assert set(journal_rows) == set(prom_rows) == names
        for name in names:
            j, p = journal_rows[name], prom_rows[name]
            assert j["covered_pct"] > 99.0 and p["covered_pct"] > 95.0, (table, name, j, p)
            difference = abs(j["availability_pct"] - p["availability_pct"])
            assert difference <= tolerance_pct, (table, name, j, p, tolerance_pct)
    recorders_p = _by_key(from_prometheus, "recorders", "recorder")
    assert "DISTRICTS" in as_text and "RECORDERS" in as_text and "source: prometheus" in as_text
    assert f"{recorders_p[b_name]['availability_pct']:.2f}" in as_text  # the terminal's two decimals
    assert as_csv.splitlines()[0] == "recorder,availability_pct,covered_pct,evaluations"
    assert as_csv.splitlines()[1].startswith(f"{b_name},{recorders_p[b_name]['availability_pct']},")  # worst first
    recorders_j = _by_key(from_journal, "recorders", "recorder")
    assert recorders_j[a_name]["availability_pct"] == 100.0
    assert 20.0 < recorders_j[b_name]["availability_pct"] < 80.0  # the stretch really is in the period
    print(f"period {until - since} s, tolerance {tolerance_pct:.2f} pts;",
          {k: (r["availability_pct"], _by_key(from_prometheus, "recorders", "recorder")[k]["availability_pct"])
           for k, r in recorders_j.items()})  # fmt: skip


def test_unreachable_prometheus_is_one_line_exit_2(capsys):
    from tests.support.ports import free_port

    code = cli_evaluate.main(["--prometheus", f"http://127.0.0.1:{free_port()}", "--format", "json"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("videowall evaluate: cannot reach Prometheus at http://127.0.0.1:") and err.count("\n") == 1


def test_prometheus_without_the_rules_is_one_line_exit_2(tmp_path, capsys):
    tool("prometheus")
    rules = tmp_path / "none.yml"
    rules.write_text("groups: []\n", encoding="utf-8")
    prom, url = start_prometheus(tmp_path, rules, [], None)
    try:
        code = cli_evaluate.main(["--prometheus", url])
    finally:
        prom.stop()
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "no recording rule videowall:district_availability:ratio" in err and "videowall-rules.yml" in err


@pytest.mark.parametrize("argv, message", [
    (["--journal", "j.sqlite"], "--journal does not go with --prometheus"),
    (["--group", "g"], "--group does not go with --prometheus"),
    (["--format", "html"], "--prometheus gives table, csv or json"),
    (["--table", "cameras"], "--prometheus gives the tables districts and recorders, not 'cameras'"),
    (["--format", "csv"], "csv needs --table NAME"),
])  # fmt: skip
def test_options_the_prometheus_evaluation_cannot_honour(capsys, argv, message):
    code = cli_evaluate.main(["--prometheus", "http://127.0.0.1:9", *argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1
    assert cli_evaluate.main(["--prometheus", "127.0.0.1:9090"]) == 2
    assert "wants http://host:port" in capsys.readouterr().err


def test_csv_folder_and_district_filter(tmp_path, capsys, monkeypatch):
    """Output plumbing only (Prometheus' answers replaced; the real one is tested above)."""
    from viewer.cli import evaluate_prometheus as cli
    from viewer.core.prometheus_evaluation import Availability, PrometheusEvaluation

    rows = (Availability("south", 0.5, 60), Availability("north", 0.9, 30))
    found = PrometheusEvaluation(0.0, 900.0, rows, (Availability("10.0.0.1:554", 0.25, 60),))
    monkeypatch.setattr(cli, "fetch_rule_interval", lambda url: 15.0)
    monkeypatch.setattr(cli, "fetch_availability", lambda url, since, until: found)
    period = ["--since", "2026-12-01T00:00:00+00:00", "--until", "2026-12-01T00:15:00+00:00"]
    assert cli_evaluate.main([*period, "--prometheus", "http://p:9090", "--format", "csv", "-o", str(tmp_path)]) == 0
    assert (tmp_path / "districts.csv").read_text().splitlines() == [
        "district,availability_pct,covered_pct,evaluations", "south,50.0,100.0,60", "north,90.0,50.0,30"]
    assert (tmp_path / "recorders.csv").read_text().splitlines()[1] == "10.0.0.1:554,25.0,100.0,60"
    capsys.readouterr()
    assert cli_evaluate.main([*period, "--prometheus", "http://p:9090", "--format", "json", "--district", "north"]) == 0
    assert [row["district"] for row in json.loads(capsys.readouterr().out)["districts"]] == ["north"]
