"""Child process: the real wall (WallWindow wired as the app wires it) under measurement.

Modes (one JSON result line on stdout, then exit):
- ``play``: show N cameras, time until every tile has a picture, then measure CPU %, RSS,
  threads and event-loop lag over a window.
- ``fault``: time from a server fault (killed, frozen) to the tile's flag, repeated.
- ``tour``: time from a tour switch to pictures on every tile, with or without pre-roll,
  plus the wall's CPU over the whole run.
- ``soak``: reconnect cycles on 4 feeds; RSS and threads before and after.
- ``outage``: one outage model (``--model sigstop|killed|blackholed``) repeated with random
  outage lengths: fault → flag, and server back → pictures.

``play --fleet-catalog FILE --status-port`` measures the wall as the app ships it: the
catalog's thousands of other cameras loaded and swept in the background, the status
endpoint served.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.benchmarks.harness import (
    PageUpTrace,
    anon_rss_mib,
    cpu_seconds,
    fd_count,
    measure_lag,
    rss_mib,
    settle,
    thread_count,
)

PID = os.getpid()


def emit(**data) -> None:
    print(json.dumps(data), flush=True)


def build_wall(urls: list[str], tmp: Path, extra_districts: dict[str, list[str]] | None = None, health=None,
               tours: str = "", fleet_catalog: Path | None = None, substreams: dict[str, str] | None = None):
    """``substreams``: camera id -> URL of its grid sub-stream (its ``url`` is then the main stream);
    ``fleet_catalog``: the rest of a city's cameras, loaded and swept, not shown."""
    from viewer.core.catalog import load_catalog
    from viewer.core.settings import Settings
    from viewer.core.views import ViewStore
    from viewer.jobs.journal_worker import JournalWorker
    from viewer.player.base import create_engine
    from viewer.ui.services import build_services
    from viewer.ui.wall_window import WallWindow

    districts = {"d1": urls, **(extra_districts or {})}
    fleet = {"districts": [], "cameras": []}
    if fleet_catalog is not None:  # the rest of a city's cameras: loaded and swept, not shown
        import yaml

        fleet = yaml.safe_load(fleet_catalog.read_text(encoding="utf-8"))
    lines = ["version: 1", "districts:"] + [f"  - {{id: {d}, name: {d}}}" for d in districts]
    lines += [f"  - {json.dumps(d)}" for d in fleet["districts"]] + ["cameras:"]
    for d, durls in districts.items():
        for i, url in enumerate(durls):
            sub = (substreams or {}).get(f"{d}-c{i}")
            extra = f", substream: '{sub}'" if sub else ""
            lines.append(f"  - {{id: {d}-c{i}, name: Cam {d}-{i}, district: {d}, url: '{url}'{extra}}}")
    lines += [f"  - {json.dumps(c)}" for c in fleet["cameras"]]
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n" + tours, encoding="utf-8")
    catalog = load_catalog(path)
    engine = create_engine()
    journal = JournalWorker(tmp / "journal.sqlite3")  # as shipped: the journal on its own thread
    services = build_services(catalog, "bench", engine, journal, ViewStore(tmp / "views.json"), Settings(),
                              kiosk=True, health_config=health)
    window = WallWindow(services)
    services.windows.append(window)
    screen = QGuiApplication.primaryScreen().geometry()
    window.setGeometry(screen)
    window.show()
    return window, services


def wait(app, condition, timeout_s: float) -> float | None:
    """Process events until ``condition()``; seconds taken, or None on timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout_s:
        app.processEvents()
        if condition():
            return time.monotonic() - start
        time.sleep(0.005)
    return None


#: The benchmark streams are colour bars (testsrc2): a tile shows its picture when most of a
#: 16×9 grid of points over it is lit and the points differ (the bars). A black surface with a
#: red flag text or a grey "connecting…" hint, or a uniform frame, does not pass.
PICTURE_LIT_FRACTION_MIN = 0.6
PICTURE_LUMA_STDDEV_MIN = 20.0


def picture_measures(image) -> tuple[float, float]:
    """(fraction of lit grid points, standard deviation of their luma) of a QImage."""
    w, h = image.width(), image.height()
    points = [image.pixelColor(int(w * (0.05 + 0.9 * (i + 0.5) / 16)), int(h * (0.05 + 0.9 * (j + 0.5) / 9)))
              for i in range(16) for j in range(9)]
    lit = sum(1 for c in points if max(c.red(), c.green(), c.blue()) > 40) / len(points)
    luma = [0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue() for c in points]
    mean = sum(luma) / len(luma)
    stddev = (sum((x - mean) ** 2 for x in luma) / len(luma)) ** 0.5
    return lit, stddev


def _passes(image) -> bool:
    if image.width() < 16 or image.height() < 9:
        return False
    lit, stddev = picture_measures(image)
    return lit >= PICTURE_LIT_FRACTION_MIN and stddev >= PICTURE_LUMA_STDDEV_MIN


def tile_has_picture(tile) -> bool:
    """The tile shows the stream's picture on screen (what X shows in its window)."""
    return _passes(QGuiApplication.primaryScreen().grabWindow(int(tile.surface.winId())).toImage())


def tiles_with_picture(tiles) -> list[bool]:
    """:func:`tile_has_picture` for many tiles from ONE grab of the whole screen: one X round
    trip, so that the last tile is not judged later than the first."""
    from PySide6.QtCore import QPoint, QRect

    screen = QGuiApplication.primaryScreen()
    image = screen.grabWindow(0).toImage()
    ratio = image.width() / max(1, screen.geometry().width())
    found = []
    for tile in tiles:
        top_left = tile.surface.mapToGlobal(QPoint(0, 0)) - screen.geometry().topLeft()
        size = tile.surface.size()
        rect = QRect(int(top_left.x() * ratio), int(top_left.y() * ratio), int(size.width() * ratio),
                     int(size.height() * ratio))
        found.append(tile.surface.isVisible() and _passes(image.copy(rect)))
    return found


def all_pictures(window) -> bool:
    return all(tiles_with_picture(window.grid.shown))


def mode_play(app, args, tmp: Path) -> None:
    urls = json.loads(Path(args.urls).read_text())[: args.tiles]
    extra = {}
    sim = None
    if args.flapping:
        from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

        sim = CameraSimulator()
        sim.start()
        flappers = [sim.add_http(SimCamera(f"/flap{i}", Behaviour.FLAPPING, clip=Path(args.clip), period_s=2.0))
                    for i in range(args.flapping)]
        urls = urls[: args.tiles - args.flapping] + flappers
    health = None
    if args.no_picture_checks:
        from viewer.core.health_model import HealthConfig

        health = HealthConfig(picture_check_interval_s=1e9, player_supports_rtsp=False)
    window, services = build_wall(urls, tmp, extra, health=health,
                                  fleet_catalog=Path(args.fleet_catalog) if args.fleet_catalog else None)
    status_server = None
    if args.fleet_catalog:  # as run_wall does when the sweep is on (the default)
        from viewer.ui.fleet import FleetMonitor

        services.fleet = FleetMonitor(services.catalog, services.journal, services.flagged_tiles)
        services.fleet.start()
        if args.status_port:
            from viewer.jobs.status_server import StatusServer

            status_server = StatusServer(0, services.fleet.snapshot)
            status_server.start()
    wait(app, lambda: window.isVisible(), 5)
    trace = PageUpTrace()  # where the CPU goes: main thread vs libVLC's threads
    trace.begin()
    window.controller.show_view(window.controller.district_view("d1", 0, args.layout))
    healthy = len(urls) - args.flapping
    started = time.monotonic()
    tile_first: dict[int, float] = {}  # each tile's own time to its first picture (libVLC Vout)

    def playing_count() -> int:
        for i, f in enumerate(window.controller.active_feeds()):
            if f.state.value == "playing":
                tile_first.setdefault(i, time.monotonic() - started)
        return len(tile_first)

    first = wait(app, lambda: playing_count() >= healthy, 30)
    if first is not None:
        trace.pictures()
    more = wait(app, lambda: all_pictures(window), 30) if not args.flapping else None
    pictures = None if first is None or more is None else first + more
    tiles = window.grid.shown[0].surface.size()
    late = settle(args.warmup, args.window_at)
    stats = [f.player.stats() for f in window.controller.active_feeds()]
    before, lost_before = sum(s.displayed_pictures for s in stats), sum(s.lost_pictures for s in stats)
    result = trace.window(args.window, lambda: measure_lag(args.window))
    stats = [f.player.stats() for f in window.controller.active_feeds()]
    result["displayed_window"] = sum(s.displayed_pictures for s in stats) - before
    result["lost_window"] = sum(s.lost_pictures for s in stats) - lost_before
    if args.fps_window:  # a separate window: its frequent stats sampling stays out of the CPU figure
        from tests.benchmarks.fps import sample_stats_fps

        result["fps_tiles"] = sample_stats_fps([f.player for f in window.controller.active_feeds()],
                                               args.fps_window)
    if services.fleet is not None:
        result["fleet_cameras"] = len(services.catalog.cameras)
        result["fleet_swept"] = len(services.fleet.results)  # cameras the sweep had checked by the end
    emit(mode="play", tiles=len(urls), layout=args.layout, vout_all_s=first, pictures_all_s=pictures,
         tile_first_s=sorted(tile_first.values()), window_late_s=late,
         rss_mib=rss_mib(PID), threads=thread_count(PID), fds=fd_count(PID),
         tile_w=tiles.width(), tile_h=tiles.height(), displayed=sum(s.displayed_pictures for s in stats),
         lost=sum(s.lost_pictures for s in stats), **result, **trace.result)
    if status_server is not None:
        status_server.stop()
    if services.fleet is not None:
        services.fleet.stop()
    window.close()
    services.probes.shutdown()
    if sim:
        sim.stop()


def mode_fault(app, args, tmp: Path) -> None:
    from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

    sim = CameraSimulator()
    sim.start()
    url = sim.add_http(SimCamera("/victim", Behaviour.HEALTHY, clip=Path(args.clip), own_port=True))
    window, services = build_wall([url], tmp)
    window.controller.show_view(window.controller.district_view("d1", 0, "1x1"))
    feed = window.controller.feed_at(0)
    results = {"dead": [], "frozen": []}
    for _ in range(args.repeat):
        for kind, behaviour in (("dead", Behaviour.REFUSED), ("frozen", Behaviour.FROZEN)):
            if wait(app, lambda: feed.state.value == "playing" and feed.flag is None, 60) is None:
                emit(error=f"feed did not recover before {kind}")
                return
            settle_until = time.monotonic() + 1.5
            while time.monotonic() < settle_until:
                app.processEvents()
                time.sleep(0.005)
            sim.set_behaviour(url, behaviour)
            took = wait(app, lambda: feed.flag is not None, 30)
            results[kind].append(took)
            sim.set_behaviour(url, Behaviour.HEALTHY)
    emit(mode="fault", dead_s=results["dead"], frozen_s=results["frozen"])
    window.close()
    services.probes.shutdown()
    sim.stop()


def mode_tour(app, args, tmp: Path) -> None:
    urls = json.loads(Path(args.urls).read_text())
    n = args.tiles
    tours = f"tours:\n  - {{id: t, name: T, dwell_s: {args.dwell}, steps: [d1, d2]}}\n"
    substreams = None
    if args.main_urls:  # cameras as catalogs list them: url = main stream, the grid plays the sub-stream
        mains = json.loads(Path(args.main_urls).read_text())
        substreams = {f"{d}-c{i}": urls[offset + i] for d, offset in (("d1", 0), ("d2", n)) for i in range(n)}
        urls = mains
    window, services = build_wall(urls[:n], tmp, {"d2": urls[n: 2 * n]}, tours=tours, substreams=substreams)
    window.controller.show_view(window.controller.district_view("d1", 0, args.layout))
    window.tour.preroll_enabled = bool(args.preroll)
    wait(app, lambda: all_pictures(window), 30)
    window.start_tour("t")
    switches: list[float] = []
    district = [window.controller.view.district]
    cpu0, t0 = cpu_seconds(PID), time.monotonic()
    tile_detail: list[dict] = []  # per switch: the slowest tiles and how many frames they showed meanwhile
    late: list[int] = []  # per switch: shown tiles without their first picture at the switch
    leads: list[float | None] = []  # per switch: the pre-roll lead the tour used, seconds
    lead = [None]

    def switched() -> bool:
        if window.tour._lead is not None:
            lead[0] = window.tour._lead.lead_s
        return window.controller.view.district != district[0]

    while len(switches) < args.switches:
        changed = wait(app, switched, args.dwell + 10)
        if changed is None:
            break
        district[0] = window.controller.view.district
        late.append(sum(1 for f in window.controller.active_feeds() if f.state.value != "playing"))
        leads.append(lead[0])
        lead[0] = None
        began, tiles = time.monotonic(), list(window.grid.shown)
        shown_at: dict[int, float] = {}
        frames0 = [f.player.stats().displayed_pictures for f in window.controller.active_feeds()]

        def every_tile(tiles=tiles, shown_at=shown_at, began=began) -> bool:
            for i, ok in enumerate(tiles_with_picture(tiles)):
                if ok and i not in shown_at:
                    shown_at[i] = time.monotonic() - began
            return len(shown_at) == len(tiles)

        took = wait(app, every_tile, 30)
        switches.append(took if took is not None else float("inf"))
        frames = [f.player.stats().displayed_pictures for f in window.controller.active_feeds()]
        slowest = sorted(shown_at.items(), key=lambda kv: -kv[1])[:3]
        tile_detail.append({"slowest_tiles_s": [(i, round(t, 2)) for i, t in slowest],
                            "their_new_frames": [frames[i] - frames0[i] for i, _ in slowest]})
    cpu = 100.0 * (cpu_seconds(PID) - cpu0) / (time.monotonic() - t0)
    learned = window.controller.first_pictures
    first_pictures = sorted(t for c in services.catalog.cameras for t in learned.opens(c.id))
    maximised = maximise_to_main(app, window, args.maximise) if args.maximise and substreams else []
    emit(mode="tour", preroll=bool(args.preroll), switch_to_pictures_s=switches, cpu_percent=cpu,
         first_picture_s=first_pictures, late_tiles=late, lead_s=leads,
         tile_detail=tile_detail, maximise_main_s=maximised)
    window.close()
    services.probes.shutdown()


def maximise_to_main(app, window, times: int) -> list[float]:
    """Maximise tile 0, ``times`` times (a different camera each time where the page has
    them): seconds until its MAIN stream shows a picture filling the screen (the wall keeps
    the sub-stream up meanwhile, so this is when the operator gets full resolution);
    restored after each. Pauses the tour, as any operator action does."""
    controller = window.controller
    took = []
    for i in range(times):
        position = i % len(controller.active_feeds())
        wait(app, lambda: False, 1.0)
        start = time.monotonic()
        controller.toggle_maximise(position)
        state = controller.maximiser.current
        main = controller.feeds[state.main_index] if state is not None and state.main_index is not None else None

        def main_on_screen(main=main, position=position) -> bool:
            return (main is not None and controller.feed_at(position) is main and controller.grid.maximised is not None
                    and tiles_with_picture([controller.grid.maximised])[0])

        done = wait(app, main_on_screen, 30)
        took.append(time.monotonic() - start if done is not None else float("inf"))
        controller.toggle_maximise(position)
    return took


def mode_soak(app, args, tmp: Path) -> None:
    urls = json.loads(Path(args.urls).read_text())[:4]
    window, services = build_wall(urls, tmp)
    window.controller.show_view(window.controller.district_view("d1", 0, "2x2"))
    feeds = window.controller.active_feeds()
    wait(app, lambda: all(f.state.value == "playing" for f in feeds), 30)
    samples = []
    for cycle in range(args.cycles):
        feed = feeds[cycle % 4]
        feed.reconnect()
        wait(app, lambda f=feed: f.state.value == "playing", 20)
        if cycle in (args.warm_cycles, args.cycles - 1) or cycle % max(1, args.cycles // 10) == 0:
            samples.append({"cycle": cycle, "rss_mib": rss_mib(PID), "anon_mib": anon_rss_mib(PID),
                            "threads": thread_count(PID), "fds": fd_count(PID)})
    warm = next(s for s in samples if s["cycle"] >= args.warm_cycles)
    emit(mode="soak", cycles=args.cycles, samples=samples, rss_growth=samples[-1]["rss_mib"] / warm["rss_mib"],
         threads_start=warm["threads"], threads_end=samples[-1]["threads"])
    window.close()
    services.probes.shutdown()


def mode_recovery(app, args, tmp: Path) -> None:
    """Server return → pictures over random freeze lengths; slow-server page-up; kill/restart RSS."""
    import random
    import signal as sig

    from tests.support.stream_server import StreamServer

    def playing(feed) -> bool:
        return feed.state.value == "playing" and feed.flag is None

    rng = random.Random(7)
    returns = []
    server = StreamServer(args.clip, 1)
    server.start()
    window, services = build_wall(server.urls, tmp / "a")
    window.controller.show_view(window.controller.district_view("d1", 0, "1x1"))
    feed = window.controller.feed_at(0)
    for _ in range(args.repeat):
        wait(app, lambda: playing(feed), 60)
        server.signal(sig.SIGSTOP)
        wait(app, lambda: feed.flag is not None, 30)
        frozen_s = rng.uniform(1.0, args.max_freeze)
        wait(app, lambda: False, frozen_s)  # the outage lasts this long
        server.signal(sig.SIGCONT)
        took = wait(app, lambda: playing(feed), 90)
        returns.append(took if took is not None else float("inf"))
    window.allow_exit()
    window.close()
    services.probes.shutdown()
    server.stop()

    slow = StreamServer(args.clip, 16, "--behaviour", "slow", "--delay", "1.5")
    slow.start()
    window, services = build_wall(slow.urls, tmp / "b")
    window.controller.show_view(window.controller.district_view("d1", 0, "4x4"))
    feeds = window.controller.active_feeds()
    page_up = wait(app, lambda: all(f.state.value == "playing" for f in feeds), 60)
    teardowns = sum(f.player.generation - 1 for f in feeds)
    window.allow_exit()
    window.close()
    services.probes.shutdown()
    slow.stop()

    server = StreamServer(args.clip, 4)
    server.start()
    window, services = build_wall(server.urls, tmp / "c")
    window.controller.show_view(window.controller.district_view("d1", 0, "2x2"))
    feeds = window.controller.active_feeds()
    rss = []
    anon = []
    for _cycle in range(args.cycles):
        wait(app, lambda: all(playing(f) for f in feeds), 90)
        rss.append(rss_mib(PID))
        anon.append(anon_rss_mib(PID))
        server.kill()
        wait(app, lambda: all(f.flag is not None for f in feeds), 30)
        server.start()
    wait(app, lambda: all(playing(f) for f in feeds), 90)
    rss.append(rss_mib(PID))
    anon.append(anon_rss_mib(PID))
    step = max(1, len(rss) // 10)
    emit(mode="recovery", return_s=returns, slow_page_up_s=page_up, slow_teardowns=teardowns,
         rss_first=rss[0], rss_last=rss[-1], rss_series=rss[::step], anon_first=anon[0], anon_last=anon[-1],
         anon_series=anon[::step], threads=thread_count(PID))
    window.allow_exit()
    window.close()
    services.probes.shutdown()
    server.stop()


def mode_outage(app, args, tmp: Path) -> None:
    """One outage model, ``--repeat`` times with random outage lengths (uniform 1 s ..
    ``--max-outage``; an outage lasts at least until the flag): fault → flag, then server
    back → pictures. ``sigstop``: the server frozen (the kernel still completes handshakes);
    ``killed``: the process killed (refused), then restarted on its port; ``blackholed``:
    every packet to and from it dropped (a cut cable), then let through again."""
    import random
    import signal as sig

    from tests.support.blackhole import BlackHoleLink
    from tests.support.stream_server import StreamServer
    from viewer.core.constants import STABLE_PLAY_RESET_S

    def playing(feed) -> bool:
        return feed.state.value == "playing" and feed.flag is None

    import logging

    class ResumeReopens(logging.Handler):
        """Counts the reopens of a stalled feed whose old connection resumed (its backlog
        would have played this many seconds behind live)."""

        def __init__(self) -> None:
            super().__init__(logging.INFO)
            self.gaps: list[float] = []

        def emit(self, record: logging.LogRecord) -> None:
            if "reopening to be live again" in record.getMessage():
                self.gaps.append(float(record.args[1]))

    resumes = ResumeReopens()
    health_log = logging.getLogger("viewer.core.health")
    health_log.addHandler(resumes)
    health_log.setLevel(logging.INFO)
    rng = random.Random(11)
    link = BlackHoleLink().open() if args.model == "blackholed" else None
    server = StreamServer(args.clip, 1, link=link)
    try:
        server.start()
        window, services = build_wall(server.urls, tmp)
        window.controller.show_view(window.controller.district_view("d1", 0, "1x1"))
        feed = window.controller.feed_at(0)
        flags, returns, outages = [], [], []
        for _ in range(args.repeat):
            if wait(app, lambda: playing(feed), 90) is None:
                emit(error=f"{args.model}: the feed did not recover before the next outage")
                return
            # independent outages, as real cuts hours apart are: each starts once the feed has
            # played long enough for its retry count to reset (a link flapping every few
            # seconds is another case, covered by tests/core/test_health.py)
            wait(app, lambda: False, STABLE_PLAY_RESET_S + 0.5)
            length = rng.uniform(1.0, args.max_outage)
            began = time.monotonic()
            if args.model == "sigstop":
                server.signal(sig.SIGSTOP)
            elif args.model == "killed":
                server.kill()
            else:
                link.cut_cable()
            flags.append(wait(app, lambda: feed.flag is not None, 60))
            wait(app, lambda: False, max(0.0, began + length - time.monotonic()))
            outages.append(time.monotonic() - began)
            if args.model == "sigstop":
                server.signal(sig.SIGCONT)
            elif args.model == "killed":
                server.start()  # returns once it listens again
            else:
                link.mend_cable()
            took = wait(app, lambda: playing(feed), 90)
            returns.append(took if took is not None else float("inf"))
        emit(mode="outage", model=args.model, flag_s=flags, return_s=returns, outage_s=outages,
             resumed_behind_s=resumes.gaps)
        window.allow_exit()
        window.close()
        services.probes.shutdown()
    finally:
        server.stop()
        if link is not None:
            link.close()


def mode_longsoak(app, args, tmp: Path) -> None:
    """A 4×4 wall touring two districts, with 2 flapping feeds, for ``--minutes``: RSS,
    threads, open fds and event-loop lag sampled once a minute."""
    from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

    urls = json.loads(Path(args.urls).read_text())
    sim = CameraSimulator()
    sim.start()
    flappers = [sim.add_http(SimCamera(f"/flap{i}", Behaviour.FLAPPING, clip=Path(args.clip), period_s=20.0))
                for i in range(2)]
    d1 = urls[:15] + flappers[:1]
    d2 = urls[16:31] + flappers[1:]
    tours = f"tours:\n  - {{id: t, name: T, dwell_s: {args.dwell}, steps: [d1, d2]}}\n"
    window, services = build_wall(d1, tmp, {"d2": d2}, tours=tours)
    window.controller.show_view(window.controller.district_view("d1", 0, "4x4"))
    window.start_tour("t")
    samples = []
    start = time.monotonic()
    minute = 0
    while time.monotonic() - start < args.minutes * 60:
        lag = measure_lag(60.0)
        minute += 1
        sample = {"minute": minute, "rss_mib": round(rss_mib(PID), 1), "anon_mib": round(anon_rss_mib(PID), 1),
                  "threads": thread_count(PID),
                  "fds": fd_count(PID), "lag_p99_ms": round(lag["lag_p99_ms"], 1),
                  "cpu_percent": round(lag["cpu_percent"], 1)}
        samples.append(sample)
        print(json.dumps({"sample": sample}), file=sys.stderr, flush=True)
    warm = samples[min(len(samples) - 1, args.warm_minutes)]
    emit(mode="longsoak", minutes=args.minutes, samples=samples, rss_growth=samples[-1]["rss_mib"] / warm["rss_mib"],
         warm_minute=warm["minute"])
    window.allow_exit()
    window.close()
    services.probes.shutdown()
    sim.stop()


def main() -> None:
    import signal

    # A SIGTERM unwinds (finally blocks stop the stream servers and namespaces this started).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["play", "fault", "tour", "soak", "recovery", "longsoak", "outage"])
    parser.add_argument("--model", choices=["sigstop", "killed", "blackholed"], default="killed")
    parser.add_argument("--max-outage", type=float, default=20.0)
    parser.add_argument("--fleet-catalog", help="a catalog of other cameras to load and sweep (as shipped)")
    parser.add_argument("--status-port", action="store_true", help="serve the status endpoint (as shipped)")
    parser.add_argument("--fps-window", type=float, default=0.0, help="seconds of per-tile fps sampling")
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--no-picture-checks", action="store_true")
    parser.add_argument("--warm-minutes", type=int, default=5)
    parser.add_argument("--max-freeze", type=float, default=20.0)
    parser.add_argument("--urls")
    parser.add_argument("--main-urls", help="tour: each camera's main stream (--urls are then its sub-streams)")
    parser.add_argument("--maximise", type=int, default=0, help="tour with --main-urls: then maximise N times")
    parser.add_argument("--clip")
    parser.add_argument("--tiles", type=int, default=16)
    parser.add_argument("--layout", default="4x4")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--window-at", default="",
                        help="start the measuring window at this wall-clock time (epoch s), after the warm-up")
    parser.add_argument("--flapping", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dwell", type=float, default=8.0)
    parser.add_argument("--switches", type=int, default=3)
    parser.add_argument("--preroll", type=int, default=1)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--warm-cycles", type=int, default=20)
    args = parser.parse_args()
    import tempfile

    from viewer.memory_tuning import tune_malloc

    tune_malloc()  # as run_wall does, before libVLC starts
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDEOWALL_HOME"] = tmp
        modes = {"play": mode_play, "fault": mode_fault, "tour": mode_tour, "soak": mode_soak,
                 "recovery": mode_recovery, "longsoak": mode_longsoak, "outage": mode_outage}
        modes[args.mode](app, args, Path(tmp))
    del app


if __name__ == "__main__":
    main()
