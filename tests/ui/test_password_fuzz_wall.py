"""Random passwords through the wall itself: its log file (the app's own handlers and
filter), the journal (outages and events), the status bar and tooltips, /status.json and
/metrics, and a snapshot file: zero occurrences. One camera answers its (random, every
printable ASCII class) password over HTTP Basic and plays; one gets a wrong random password
with non-ASCII characters and is flagged. The seed is in every failure message."""

from __future__ import annotations

import logging
import random
import time
import urllib.request
from urllib.parse import quote

from tests.support.journal_reading import reading
from tests.support.passwords import CLASSES, random_password, yaml_quote
from viewer.core.health_model import FeedState
from viewer.sim.cameras import Behaviour, SimCamera


def test_random_passwords_never_leave_the_wall(qtbot, make_wall, simulator, clips, tmp_path):
    from viewer.jobs.status_server import StatusServer
    from viewer.log import setup_logging

    seed = int(time.time()) % 100_000
    rng = random.Random(seed)
    right = random_password(rng, CLASSES[:5], extra=(8, 8))  # printable ASCII, space included
    wrong = random_password(rng, CLASSES, extra=(8, 8))  # with non-ASCII
    url = simulator.add_http(SimCamera("/locked", Behaviour.AUTH_BASIC, username="admin", password=right,
                                       clip=clips["green"]))  # fmt: skip
    text = ("version: 1\ndistricts:\n  - {id: d1, name: D1}\ncameras:\n"
            f"  - {{id: good, name: Good, district: d1, url: '{url}', username: admin,"
            f" password: {yaml_quote(right)}}}\n"
            f"  - {{id: bad, name: Bad, district: d1, url: '{url}?x=1', username: admin,"
            f" password: {yaml_quote(wrong)}}}\n")  # fmt: skip
    log_file = tmp_path / "wall.log"
    setup_logging(log_file, logging.DEBUG, console=False)
    root = logging.getLogger()
    try:
        window = make_wall(text, sweep_interval_s=600.0)
        services = window.services
        server = StatusServer(0, services.fleet.snapshot)
        server.start()
        try:
            window.controller.show_district("d1", 0, "1x2")
            good, bad = window.controller.feeds[:2]
            qtbot.waitUntil(lambda: good.state is FeedState.PLAYING and bad.flag is not None, timeout=30_000)
            qtbot.waitUntil(lambda: len(services.fleet.results) == 2, timeout=30_000)
            taken: list = []  # one answer per snapshot asked for (main thread, by signal)

            def snapshot_taken() -> bool:  # libVLC may report success before a picture came
                if taken and taken[-1] is not None and taken[-1].exists():
                    return True
                if len(taken) == asked[0]:  # the last one answered: ask again
                    asked[0] += 1
                    assert window.controller.snapshot(0, tmp_path, taken.append)
                return False

            asked = [0]
            qtbot.waitUntil(snapshot_taken, timeout=15_000)
            snapshot = taken[-1]
            status = urllib.request.urlopen(f"http://127.0.0.1:{server.port}/status.json", timeout=5).read()
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{server.port}/metrics", timeout=5).read()
        finally:
            server.stop()
        journal = reading(services.journal)
        seen = {
            "log": log_file.read_bytes(),
            "status.json": status,
            "metrics": metrics,
            "snapshot": snapshot.read_bytes(),
            "journal": repr(journal.query()).encode() + repr(journal.events()).encode(),
            "status bar": window.statusBar().currentMessage().encode(),
            "tooltips": "".join(t.tooltip_text() for t in window.grid.tiles).encode(),
            "flag": repr(bad.flag).encode(),
        }
    finally:
        for handler in [h for h in root.handlers if getattr(h, "_videowall", False)]:
            root.removeHandler(handler)
            handler.close()
    assert b"auth" in status  # the wrong password was seen and classified, so it passed through
    for where, data in seen.items():
        for secret in (right, wrong):
            for form in {secret, quote(secret, safe=""), quote(secret)}:
                assert form.encode() not in data, f"seed {seed}: password leaked into {where}"
