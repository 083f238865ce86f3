"""Child process: the real wall (WallWindow wired as the app wires it) under measurement.

Modes (one JSON result line on stdout, then exit):
- ``play``: show N cameras, time until every tile has a picture, then measure CPU %, RSS,
  threads and event-loop lag over a window.
- ``fault``: time from a server fault (killed, frozen) to the tile's flag, repeated.
- ``tour``: time from a tour switch to pictures on every tile, with or without pre-roll,
  plus the wall's CPU over the whole run.
- ``soak``: reconnect cycles on 4 feeds; RSS and threads before and after.
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
    anon_rss_mib,
    cpu_seconds,
    fd_count,
    measure_lag,
    rss_mib,
    run_event_loop,
    thread_count,
)

PID = os.getpid()


def emit(**data) -> None:
    print(json.dumps(data), flush=True)


def build_wall(urls: list[str], tmp: Path, extra_districts: dict[str, list[str]] | None = None, health=None,
               tours: str = "", substreams: dict[str, str] | None = None):
    """``substreams``: camera id -> URL of its grid sub-stream (its ``url`` is then the main stream)."""
    from viewer.app import Services
    from viewer.core.catalog import load_catalog
    from viewer.core.health import HealthConfig
    from viewer.core.journal import Journal
    from viewer.core.settings import Settings
    from viewer.core.views import ViewStore
    from viewer.player.base import create_engine
    from viewer.ui.outages import OutageRecorder
    from viewer.ui.probe_runner import ProbeRunner
    from viewer.ui.wall_window import WallWindow

    districts = {"d1": urls, **(extra_districts or {})}
    lines = ["version: 1", "districts:"] + [f"  - {{id: {d}, name: {d}}}" for d in districts] + ["cameras:"]
    for d, durls in districts.items():
        for i, url in enumerate(durls):
            sub = (substreams or {}).get(f"{d}-c{i}")
            extra = f", substream: '{sub}'" if sub else ""
            lines.append(f"  - {{id: {d}-c{i}, name: Cam {d}-{i}, district: {d}, url: '{url}'{extra}}}")
    tmp.mkdir(parents=True, exist_ok=True)
    path = tmp / "catalog.yaml"
    path.write_text("\n".join(lines) + "\n" + tours, encoding="utf-8")
    catalog = load_catalog(path)
    engine = create_engine()
    journal = Journal(tmp / "journal.sqlite3")
    services = Services(
        catalog=catalog, catalog_label="bench", engine=engine, probes=ProbeRunner(), journal=journal,
        views=ViewStore(tmp / "views.json"), settings=Settings(),
        health_config=health or HealthConfig(player_supports_rtsp=engine.supports_scheme("rtsp")),
        outages=OutageRecorder(journal, catalog), kiosk=True,
    )
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


def tile_has_picture(tile) -> bool:
    image = QGuiApplication.primaryScreen().grabWindow(int(tile.surface.winId())).toImage()
    w, h = image.width(), image.height()
    if w < 4 or h < 4:
        return False
    for fx, fy in ((0.25, 0.25), (0.5, 0.5), (0.75, 0.75), (0.5, 0.3), (0.3, 0.6)):
        c = image.pixelColor(int(w * fx), int(h * fy))
        if max(c.red(), c.green(), c.blue()) > 40:
            return True
    return False


def all_pictures(window) -> bool:
    return all(tile_has_picture(t) for t in window.grid.shown)


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
        from viewer.core.health import HealthConfig

        health = HealthConfig(picture_check_interval_s=1e9, player_supports_rtsp=False)
    window, services = build_wall(urls, tmp, extra, health=health)
    wait(app, lambda: window.isVisible(), 5)
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
    more = wait(app, lambda: all_pictures(window), 30) if not args.flapping else None
    pictures = None if first is None or more is None else first + more
    tiles = window.grid.shown[0].surface.size()
    run_event_loop(args.warmup)
    stats = [f.player.stats() for f in window.controller.active_feeds()]
    before, lost_before = sum(s.displayed_pictures for s in stats), sum(s.lost_pictures for s in stats)
    result = measure_lag(args.window)
    stats = [f.player.stats() for f in window.controller.active_feeds()]
    result["displayed_window"] = sum(s.displayed_pictures for s in stats) - before
    result["lost_window"] = sum(s.lost_pictures for s in stats) - lost_before
    emit(mode="play", tiles=len(urls), layout=args.layout, vout_all_s=first, pictures_all_s=pictures,
         tile_first_s=sorted(tile_first.values()),
         rss_mib=rss_mib(PID), threads=thread_count(PID), fds=fd_count(PID),
         tile_w=tiles.width(), tile_h=tiles.height(), displayed=sum(s.displayed_pictures for s in stats),
         lost=sum(s.lost_pictures for s in stats), **result)
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
            settle = time.monotonic() + 1.5
            while time.monotonic() < settle:
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
    window, services = build_wall(urls[:n], tmp, {"d2": urls[n: 2 * n]}, tours=tours)
    window.controller.show_view(window.controller.district_view("d1", 0, args.layout))
    window.tour.preroll_enabled = bool(args.preroll)
    wait(app, lambda: all_pictures(window), 30)
    window.start_tour("t")
    switches: list[float] = []
    district = [window.controller.view.district]
    cpu0, t0 = cpu_seconds(PID), time.monotonic()
    while len(switches) < args.switches:
        changed = wait(app, lambda: window.controller.view.district != district[0], args.dwell + 10)
        if changed is None:
            break
        district[0] = window.controller.view.district
        took = wait(app, lambda: all_pictures(window), 30)
        switches.append(took if took is not None else float("inf"))
    cpu = 100.0 * (cpu_seconds(PID) - cpu0) / (time.monotonic() - t0)
    emit(mode="tour", preroll=bool(args.preroll), switch_to_pictures_s=switches, cpu_percent=cpu)
    window.close()
    services.probes.shutdown()


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
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["play", "fault", "tour", "soak", "recovery", "longsoak"])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--no-picture-checks", action="store_true")
    parser.add_argument("--warm-minutes", type=int, default=5)
    parser.add_argument("--max-freeze", type=float, default=20.0)
    parser.add_argument("--urls")
    parser.add_argument("--clip")
    parser.add_argument("--tiles", type=int, default=16)
    parser.add_argument("--layout", default="4x4")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--window", type=float, default=10.0)
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
                 "recovery": mode_recovery, "longsoak": mode_longsoak}
        modes[args.mode](app, args, Path(tmp))
    del app


if __name__ == "__main__":
    main()
