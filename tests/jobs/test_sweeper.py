"""The background fleet sweeper against the camera simulator, and its journal adapter against a
real journal file. Waits poll for a condition with a deadline; nothing sleeps in place of one."""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from tests.support.catalogs import catalog_text
from tests.support.waiting import wait_until
from viewer.core.catalog import catalog_from_text
from viewer.core.journal import Journal
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult
from viewer.jobs.sweeper import THREAD_NAME, FleetSweeper, SweepJournalWriter
from viewer.sim.cameras import Behaviour, SimCamera

B = Behaviour
WAIT_S = 15.0


@pytest.fixture(autouse=True)
def no_sweeper_thread_left():
    yield
    left = [t.name for t in threading.enumerate() if t.name.startswith("sweep-")]
    assert not left, f"sweeper threads left running: {left}"


def catalog_of(cameras: dict[str, str], district: str = "d1"):
    rows = [{"id": cam_id, "district": district, "url": url} for cam_id, url in cameras.items()]
    return catalog_from_text(catalog_text(rows, {district: "District One"}), "test.yaml", env={})


class Collector:
    """An ``on_results`` that records batches and the thread they came from."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.batches: list[list[SweepResult]] = []
        self.threads: set[str] = set()

    def __call__(self, batch: list[SweepResult]) -> None:
        with self.lock:
            self.batches.append(list(batch))
            self.threads.add(threading.current_thread().name)

    def all(self) -> list[SweepResult]:
        with self.lock:
            return [r for batch in self.batches for r in batch]

    def of(self, camera_id: str) -> list[SweepResult]:
        return [r for r in self.all() if r.camera_id == camera_id]


def test_results_arrive_every_interval_and_stop_joins(simulator):
    urls = {
        "good": simulator.add_rtsp(SimCamera("/good")),
        "gone": simulator.add_rtsp(SimCamera("/gone", B.REFUSED)),
        "flap": simulator.add_rtsp(SimCamera("/flap", B.FLAPPING, period_s=0.6)),
    }
    seen = Collector()
    sweeper = FleetSweeper(catalog_of(urls), seen, interval_s=1.0, timeout_s=2.0)
    sweeper.start()
    try:
        wait_until(lambda: len(seen.of("good")) >= 3, timeout_s=WAIT_S)
        wait_until(lambda: {Reason.OK, Reason.REFUSED} <= {r.reason for r in seen.of("flap")}, timeout_s=WAIT_S)
        snapshot = sweeper.results()
    finally:
        sweeper.stop()
    assert not any(t.name == THREAD_NAME for t in threading.enumerate())
    assert seen.threads == {THREAD_NAME}
    assert {r.reason for r in seen.of("good")} == {Reason.OK}
    assert {r.reason for r in seen.of("gone")} == {Reason.REFUSED}
    times = [r.checked_at for r in seen.of("good")]
    assert all(0.8 <= b - a <= 2.5 for a, b in itertools.pairwise(times))  # about once per interval
    assert set(snapshot) == set(urls)
    gone = seen.of("gone")
    assert snapshot["gone"].down_since == gone[0].checked_at  # carried over the whole run
    assert all("@" not in r.url_masked for r in seen.all())
    sweeper.stop()  # idempotent
    with pytest.raises(RuntimeError):
        sweeper.start()


def test_sweep_now_probes_everything_again_at_once(simulator):
    urls = {f"c{i}": simulator.add_rtsp(SimCamera(f"/c{i}")) for i in range(5)}
    seen = Collector()
    sweeper = FleetSweeper(catalog_of(urls), seen, interval_s=3600.0)
    sweeper.start()
    try:
        wait_until(lambda: len(seen.all()) == 5, timeout_s=WAIT_S)
        asked = time.time()
        sweeper.sweep_now()
        wait_until(lambda: len(seen.all()) == 10, timeout_s=WAIT_S)
    finally:
        sweeper.stop()
    assert all(r.checked_at >= asked for r in seen.all()[5:])


def test_rate_limit_spreads_the_first_pass(simulator):
    urls = {f"c{i}": simulator.add_rtsp(SimCamera(f"/c{i}")) for i in range(20)}
    seen = Collector()
    sweeper = FleetSweeper(catalog_of(urls), seen, interval_s=3600.0, max_probes_per_s=20.0)
    sweeper.start()
    try:
        wait_until(lambda: len(seen.all()) == 20, timeout_s=WAIT_S)
    finally:
        sweeper.stop()
    times = sorted(r.checked_at for r in seen.all())
    assert times[-1] - times[0] >= 0.8  # 20 probes at 20/s: about a second, not a burst
    assert len(seen.batches) >= 2  # delivered as they complete, not all at the end


def test_concurrency_bounds_the_probes_in_flight(simulator):
    urls = {f"h{i}": simulator.add_rtsp(SimCamera(f"/h{i}", B.HANGING)) for i in range(6)}
    seen = Collector()
    sweeper = FleetSweeper(catalog_of(urls), seen, interval_s=3600.0, concurrency=2, timeout_s=0.5)
    most = 0
    deadline = time.monotonic() + WAIT_S
    sweeper.start()
    try:
        while len(seen.all()) < 6 and time.monotonic() < deadline:
            most = max(most, sum(simulator.connections(u) for u in urls.values()))
            time.sleep(0.01)  # sampling the simulator's connection count while probes run
    finally:
        sweeper.stop()
    assert len(seen.all()) == 6
    assert most <= 2
    assert most >= 1
    assert {r.reason for r in seen.all()} == {Reason.TIMEOUT}


def test_set_catalog_adds_and_drops_cameras(simulator):
    a = simulator.add_rtsp(SimCamera("/a"))
    b = simulator.add_rtsp(SimCamera("/b", B.NOT_FOUND))
    seen = Collector()
    sweeper = FleetSweeper(catalog_of({"a": a}), seen, interval_s=3600.0)
    sweeper.start()
    try:
        wait_until(lambda: len(seen.of("a")) == 1, timeout_s=WAIT_S)
        sweeper.set_catalog(catalog_of({"b": b}))
        wait_until(lambda: len(seen.of("b")) == 1, timeout_s=WAIT_S)
        assert set(sweeper.results()) == {"b"}
        assert seen.of("b")[0].reason is Reason.NOT_FOUND
    finally:
        sweeper.stop()


def test_a_failing_callback_does_not_stop_the_sweeper(simulator, caplog):
    url = simulator.add_rtsp(SimCamera("/a"))
    calls = []

    def explode(batch: list[SweepResult]) -> None:
        calls.append(len(batch))
        raise RuntimeError("callback bug")

    sweeper = FleetSweeper(catalog_of({"a": url}), explode, interval_s=0.3)
    sweeper.start()
    try:
        wait_until(lambda: len(calls) >= 2, timeout_s=WAIT_S)
    finally:
        sweeper.stop()
    assert "on_results callback failed" in caplog.text


def test_stop_without_start_and_with_hanging_probes_in_flight(simulator):
    FleetSweeper(catalog_of({}), Collector()).stop()
    url = simulator.add_rtsp(SimCamera("/h", B.HANGING))
    sweeper = FleetSweeper(catalog_of({"h": url}), Collector(), timeout_s=60.0)
    sweeper.start()
    wait_until(lambda: simulator.connections(url) == 1, timeout_s=WAIT_S)
    started = time.monotonic()
    sweeper.stop()
    assert time.monotonic() - started < 2.0  # cancelled, not waited out


# --- journal adapter -------------------------------------------------------------------------


def result(camera_id: str, reason: Reason, at: float, previous: SweepResult | None = None) -> SweepResult:
    return SweepResult(camera_id, f"Camera {camera_id}", "d1", f"rtsp://h/{camera_id}", reason, 3.0, at).after(previous)


def test_journal_writer_opens_sweep_outages_and_closes_any_once_confirmed(tmp_path):
    """Shared rules: the sweep opens off-screen outages, refines its own, and closes any
    outage (also one the wall opened) after two answers ``RECOVERY_CONFIRM_S`` apart."""
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        wall_outage = journal.open_outage("walled", "Camera walled", "d1", Reason.STALLED, 50.0)
        writer = SweepJournalWriter(journal)
        down = result("c1", Reason.REFUSED, 100.0)
        writer.apply([down, result("walled", Reason.TIMEOUT, 100.0), result("c2", Reason.OK, 100.0)])
        [outage] = [o for o in journal.query(open_only=True) if o.camera_id == "c1"]
        assert (outage.source, outage.reason, outage.started_at) == ("sweep", Reason.REFUSED, 100.0)
        still = result("c1", Reason.AUTH, 160.0, down)
        writer.apply([still])
        assert {o.camera_id: o.reason for o in journal.query(open_only=True)} == {
            "c1": Reason.AUTH, "walled": Reason.STALLED
        }  # fmt: skip
        back = result("c1", Reason.OK, 220.0, still)
        writer.apply([back, result("walled", Reason.OK, 220.0)])
        assert {o.camera_id for o in journal.query(open_only=True)} == {"c1", "walled"}  # not confirmed yet
        writer.apply([result("c1", Reason.OK, 280.0, back), result("walled", Reason.OK, 280.0)])
        by_camera = {o.camera_id: o for o in journal.query()}
        assert by_camera["c1"].ended_at == 220.0 and by_camera["c1"].reason is Reason.AUTH
        assert by_camera["walled"].id == wall_outage and by_camera["walled"].ended_at == 220.0
        assert "c2" not in by_camera
        coverage = journal.evaluation_input(0.0, 300.0, now=300.0).coverage
        assert {(c.camera_id, c.started_at, c.ended_at) for c in coverage} == {
            ("c1", 100.0, None), ("c2", 100.0, 100.0), ("walled", 100.0, None)  # c2: probed once, 200 s ago
        }  # fmt: skip
        writer.stop(300.0)
        assert journal.watching() == set()
    finally:
        journal.close()


def test_journal_writer_adopts_sweep_outages_left_open(tmp_path):
    path = tmp_path / "journal.sqlite3"
    first = Journal(path)
    first.open_outage("c1", "Camera c1", "d1", Reason.TIMEOUT, 10.0, source="sweep")
    first.close()
    journal = Journal(path)
    try:
        writer = SweepJournalWriter(journal)
        writer.apply([result("c1", Reason.OK, 99.0)])
        writer.apply([result("c1", Reason.OK, 159.0)])
        [outage] = journal.query()
        assert outage.ended_at == 99.0
    finally:
        journal.close()
