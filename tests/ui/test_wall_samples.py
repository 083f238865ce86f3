"""Quality samples inside the wall: the background sampler leaves the cameras on screen alone,
samples the others off the Qt main thread and writes their stream minutes (source "sample")
into the wall's journal on the main thread."""

from __future__ import annotations

import time

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from tests.support.waiting import wait_until
from viewer.jobs.sampler import SamplerOptions
from viewer.sim.cameras import SimCamera

WAIT_S = 30.0


def test_wall_samples_only_cameras_off_screen(make_wall, simulator, clips):
    from viewer.ui.fleet import FleetMonitor

    shown = simulator.add_http(SimCamera("/shown", clip=clips["red"]))
    hidden = [simulator.add_rtsp(SimCamera(f"/hidden{n}", clip=clips["green"])) for n in range(2)]
    window = make_wall(catalog_yaml({"d1": [("shown", shown)], "d2": [("h0", hidden[0]), ("h1", hidden[1])]}))
    window.controller.show_district("d1", 0, "1x1")
    services = window.services
    assert services.cameras_on_screen() == {"shown"}
    fleet = FleetMonitor(services.catalog, services.journal, services.flagged_tiles, interval_s=3600.0,
                         sampling=SamplerOptions(budget_mbps=5.0, seconds=1.0, concurrency=2, every_s=3600.0),
                         on_screen=services.cameras_on_screen)  # fmt: skip
    fleet.start()
    try:
        # waits WITHOUT running Qt's event loop: the results' queued signals are still
        # undelivered when stop() comes, as when the wall closes right after a sample (stop()
        # once wrote only the results whose signal had been delivered: seen on CI)
        wait_until(lambda: {k[0] for k in fleet.sampler.latest()} == {"h0", "h1"}, WAIT_S, "both samples")
        assert all(r.ok for r in fleet.sampler.latest().values())
    finally:
        fleet.stop()  # takes the results not yet handed over, flushes the open minutes
    minutes = reading(services.journal).stream_minutes(0, time.time() + 120)
    assert sorted((m.camera_id, m.source) for m in minutes) == [("h0", "sample"), ("h1", "sample")]
    assert "shown" not in {k[0] for k in fleet.sampler.latest()}
