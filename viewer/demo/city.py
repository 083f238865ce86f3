"""The built-in demo city: simulated CCTV cameras of Semarang's 16 districts, on 127.0.0.1.

``demo_city()`` is the city as plain data (deterministic). ``DemoCity`` serves it: it starts a
``CameraSimulator``, registers every camera, writes ``demo-catalog.yaml`` and runs one
scheduler thread (``sim-demo-faults``) that makes one camera freeze and one drop on a clock.
A few cameras fail on purpose, in the first districts of the tour, so a newcomer sees the
wall's flags within the first minute:

- ``refused``: nothing listens on its port (TCP connection refused);
- ``auth``: Digest with a random password the catalog does not give (401);
- ``not_found``: 404;
- ``freezes``: healthy ``freeze_after_s``, then sends nothing for ``freeze_for_s``, repeating;
- ``drops``: healthy, refused from ``drop_after_s`` for ``drop_for_s``, again every
  ``drop_every_s`` (live connections are reset when it drops).

The city is served over HTTP (MPEG-TS) or, like the real city, over RTSP with main and
sub-streams (``protocol``; see ``viewer.demo.streams``). No Qt, no vlc. ``DemoCity`` methods
are meant for one thread (the app's main thread); the scheduler thread only calls the
simulator's thread-safe ``set_behaviour``. Times in seconds.
``write_training_catalog`` writes a commented example catalog (``videowall demo --catalog-out``).
No password is ever written to a file or a log.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from viewer import paths
from viewer.core.store import atomic_write_text
from viewer.demo.catalog import render_demo_catalog
from viewer.demo.streams import (
    AUTH,
    BEHAVIOURS,
    DROPS,
    FREEZE_NEW_CLIENT_VIDEO_S,
    FREEZES,
    HEALTHY,
    MAIN,
    NOT_FOUND,
    REFUSED,
    demo_streams,
)
from viewer.sim.cameras import Behaviour, CameraSimulator

__all__ = [
    "BEHAVIOURS",
    "CATALOG_FILE_NAME",
    "FREEZE_NEW_CLIENT_VIDEO_S",
    "DemoCamera",
    "DemoCity",
    "DemoDistrict",
    "FaultCycle",
    "demo_city",
    "render_demo_catalog",
]

log = logging.getLogger(__name__)

CATALOG_FILE_NAME = "demo-catalog.yaml"
DEMO_SEED = 1547  # the year Semarang was founded; picks each camera's clip within its group
FREEZE_AFTER_S = 40.0
FREEZE_FOR_S = 25.0
DROP_AFTER_S = 20.0  # the drop lands while the tour shows the camera's district (15-30 s)
DROP_FOR_S = 6.0
DROP_EVERY_S = 60.0
SCHEDULER_MIN_WAIT_S = 0.005
SCHEDULER_THREAD_NAME = "sim-demo-faults"

#: The clips each camera group may show; the seeded RNG picks one per camera.
GROUP_CLIPS: dict[str, tuple[str, ...]] = {
    "ATCS": ("traffic", "street"),
    "CCTV RT": ("street",),
    "Pasar": ("market",),
    "Pompa Air": ("pump", "river"),
    "Kota Lama": ("oldtown",),
}
DEMO_PROTOCOL = "rtsp"  # how `videowall demo` serves the city unless told otherwise
_NOTES = {
    REFUSED: "demo: refuses connections (nothing listens on its port)",
    AUTH: "demo: needs a password the catalog does not give ({scheme} 401)",
    NOT_FOUND: "demo: stream not found ({scheme} 404)",
}


@dataclass(frozen=True)
class DemoDistrict:
    id: str
    name: str


@dataclass(frozen=True)
class DemoCamera:
    """One demo camera. ``behaviour`` is one of ``BEHAVIOURS``; ``clip`` a name in resources/clips."""

    id: str
    name: str
    district: str
    group: str
    behaviour: str
    clip: str


# District id, name, id code; then (camera name, group, planned behaviour). Listed in tour
# order: the failing cameras sit in the first four districts.
_CITY: tuple[tuple[str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    ("semarang-tengah", "Semarang Tengah", "tgh", (
        ("Simpang Lima Utara", "ATCS", HEALTHY),
        ("Simpang Lima Selatan", "ATCS", HEALTHY),
        ("Tugu Muda", "ATCS", HEALTHY),
        ("Jl. Pandanaran", "ATCS", HEALTHY),
        ("Jl. Gajah Mada", "ATCS", REFUSED),
        ("Jl. Pemuda — Balai Kota", "ATCS", HEALTHY),
        ("Pasar Johar", "Pasar", HEALTHY),
        ("Kauman RW 01", "CCTV RT", AUTH),
    )),
    ("semarang-utara", "Semarang Utara", "utr", (
        ("Stasiun Tawang", "ATCS", DROPS),
        ("Kota Lama — Gereja Blenduk", "Kota Lama", HEALTHY),
        ("Kota Lama — Taman Srigunting", "Kota Lama", HEALTHY),
        ("Kota Lama — Jembatan Berok", "Kota Lama", HEALTHY),
        ("Pompa Air Kali Semarang", "Pompa Air", HEALTHY),
        ("Polder Tawang", "Pompa Air", HEALTHY),
        ("Pelabuhan Tanjung Emas", "ATCS", NOT_FOUND),
    )),
    ("semarang-timur", "Semarang Timur", "tmr", (
        ("Jl. Dr. Cipto", "ATCS", REFUSED),
        ("Jl. Majapahit — Bugangan", "ATCS", HEALTHY),
        ("Jl. Brigjen Katamso", "ATCS", HEALTHY),
        ("Pasar Kobong", "Pasar", HEALTHY),
        ("Polder Kali Banger", "Pompa Air", HEALTHY),
        ("Kemijen RW 05", "CCTV RT", HEALTHY),
    )),
    ("semarang-selatan", "Semarang Selatan", "sel", (
        ("Jl. Pahlawan", "ATCS", FREEZES),
        ("Jl. Veteran", "ATCS", HEALTHY),
        ("Jl. dr. Sutomo — RSUP Kariadi", "ATCS", HEALTHY),
        ("Pasar Peterongan", "Pasar", HEALTHY),
        ("Pasar Bulu", "Pasar", HEALTHY),
        ("Pleburan RW 02", "CCTV RT", HEALTHY),
    )),
    ("semarang-barat", "Semarang Barat", "brt", (
        ("Bundaran Kalibanteng", "ATCS", HEALTHY),
        ("Jl. Puad A. Yani — Bandara", "ATCS", HEALTHY),
        ("Jl. Jenderal Sudirman — Karangayu", "ATCS", HEALTHY),
        ("Jl. Yos Sudarso — Marina", "ATCS", HEALTHY),
        ("Pasar Karangayu", "Pasar", HEALTHY),
        ("Bendung Simongan", "Pompa Air", HEALTHY),
        ("Krapyak RW 03", "CCTV RT", HEALTHY),
    )),
    ("gajahmungkur", "Gajahmungkur", "gjm", (
        ("Jl. S. Parman", "ATCS", HEALTHY),
        ("Jl. Menoreh Raya — Sampangan", "ATCS", HEALTHY),
        ("Pasar Sampangan", "Pasar", HEALTHY),
        ("Jembatan Kaligarang", "Pompa Air", HEALTHY),
        ("Lempongsari RW 03", "CCTV RT", HEALTHY),
    )),
    ("candisari", "Candisari", "cds", (
        ("Jl. Sultan Agung", "ATCS", HEALTHY),
        ("Simpang Jatingaleh", "ATCS", HEALTHY),
        ("Simpang Kaliwiru", "ATCS", HEALTHY),
        ("Pasar Jatingaleh", "Pasar", HEALTHY),
        ("Jomblang RW 07", "CCTV RT", HEALTHY),
    )),
    ("gayamsari", "Gayamsari", "gys", (
        ("Jl. Kaligawe Raya", "ATCS", HEALTHY),
        ("Jl. Brigjen Sudiarto — Pandean Lamper", "ATCS", HEALTHY),
        ("Pasar Gayamsari", "Pasar", HEALTHY),
        ("Rumah Pompa Sawah Besar", "Pompa Air", HEALTHY),
        ("Tambakrejo RW 16", "CCTV RT", HEALTHY),
    )),
    ("genuk", "Genuk", "gnk", (
        ("Terminal Terboyo", "ATCS", HEALTHY),
        ("Jl. Kaligawe — Genuk", "ATCS", HEALTHY),
        ("Kawasan Industri Terboyo", "ATCS", HEALTHY),
        ("Pasar Genuk", "Pasar", HEALTHY),
        ("Pompa Air Kali Sringin", "Pompa Air", HEALTHY),
        ("Trimulyo RW 02", "CCTV RT", HEALTHY),
    )),
    ("pedurungan", "Pedurungan", "pdr", (
        ("Jl. Brigjen Sudiarto — Pedurungan", "ATCS", HEALTHY),
        ("Simpang Tlogosari", "ATCS", HEALTHY),
        ("Jl. Soekarno-Hatta", "ATCS", HEALTHY),
        ("Pasar Pedurungan", "Pasar", HEALTHY),
        ("Pompa Air Tlogosari", "Pompa Air", HEALTHY),
        ("Muktiharjo Kidul RW 08", "CCTV RT", HEALTHY),
    )),
    ("tembalang", "Tembalang", "tbl", (
        ("Kampus UNDIP Tembalang", "ATCS", HEALTHY),
        ("Simpang Kedungmundu", "ATCS", HEALTHY),
        ("Jl. Ketileng Raya", "ATCS", HEALTHY),
        ("Jl. Prof. Sudarto", "ATCS", HEALTHY),
        ("Pasar Kedungmundu", "Pasar", HEALTHY),
        ("Tandang RW 10", "CCTV RT", HEALTHY),
    )),
    ("banyumanik", "Banyumanik", "bnm", (
        ("Tanjakan Gombel", "ATCS", HEALTHY),
        ("Jl. Setiabudi — Srondol", "ATCS", HEALTHY),
        ("Simpang Banyumanik", "ATCS", HEALTHY),
        ("Gerbang Tol Banyumanik", "ATCS", HEALTHY),
        ("Pasar Banyumanik", "Pasar", HEALTHY),
        ("Pedalangan RW 03", "CCTV RT", HEALTHY),
    )),
    ("gunungpati", "Gunungpati", "gpt", (
        ("Jl. Raya Gunungpati", "ATCS", HEALTHY),
        ("Kampus UNNES Sekaran", "ATCS", HEALTHY),
        ("Pasar Gunungpati", "Pasar", HEALTHY),
        ("Waduk Jatibarang", "Pompa Air", HEALTHY),
        ("Sumurejo RW 01", "CCTV RT", HEALTHY),
    )),
    ("mijen", "Mijen", "mjn", (
        ("Jl. Raya Mijen", "ATCS", HEALTHY),
        ("Bukit Semarang Baru", "ATCS", HEALTHY),
        ("Pasar Mijen", "Pasar", HEALTHY),
        ("Wonolopo RW 04", "CCTV RT", HEALTHY),
    )),
    ("ngaliyan", "Ngaliyan", "ngl", (
        ("Jl. Prof. Hamka", "ATCS", HEALTHY),
        ("Jl. Walisongo — Tambakaji", "ATCS", HEALTHY),
        ("Kampus UIN Walisongo", "ATCS", HEALTHY),
        ("Pasar Ngaliyan", "Pasar", HEALTHY),
        ("Bringin RW 05", "CCTV RT", HEALTHY),
    )),
    ("tugu", "Tugu", "tgu", (
        ("Terminal Mangkang", "ATCS", HEALTHY),
        ("Jl. Walisongo — Mangkang", "ATCS", HEALTHY),
        ("Kawasan Industri Wijayakusuma", "ATCS", HEALTHY),
        ("Pasar Mangkang", "Pasar", HEALTHY),
        ("Rumah Pompa Tugurejo", "Pompa Air", HEALTHY),
        ("Mangunharjo RW 02", "CCTV RT", HEALTHY),
    )),
)  # fmt: skip


def demo_city() -> tuple[list[DemoDistrict], list[DemoCamera]]:
    """The demo city's districts (in tour order) and cameras. Same result on every call."""
    rng = random.Random(DEMO_SEED)
    districts: list[DemoDistrict] = []
    cameras: list[DemoCamera] = []
    for district_id, district_name, code, entries in _CITY:
        districts.append(DemoDistrict(district_id, district_name))
        for number, (name, group, behaviour) in enumerate(entries, start=1):
            clip = rng.choice(GROUP_CLIPS[group])
            cameras.append(DemoCamera(f"smg-{code}-{number:04d}", name, district_id, group, behaviour, clip))
    return districts, cameras


@dataclass(frozen=True)
class FaultCycle:
    """A fault on a clock: bad from ``first_bad_s`` for ``bad_s``, then again every ``period_s``.

    Times in seconds since the demo started. Pure: ``state_at`` takes the elapsed time.
    """

    first_bad_s: float
    bad_s: float
    period_s: float

    def __post_init__(self) -> None:
        if not (self.first_bad_s >= 0 and 0 < self.bad_s < self.period_s):
            raise ValueError(f"a fault cycle needs first_bad_s >= 0 and 0 < bad_s < period_s, not {self}")

    def state_at(self, elapsed_s: float) -> tuple[bool, float]:
        """Whether the fault is on at ``elapsed_s``, and the seconds until that changes."""
        if elapsed_s < self.first_bad_s:
            return False, self.first_bad_s - elapsed_s
        phase = (elapsed_s - self.first_bad_s) % self.period_s
        if phase < self.bad_s:
            return True, self.bad_s - phase
        return False, self.period_s - phase


class DemoCity:
    """The demo city served on 127.0.0.1, its catalog written to ``folder``.

    ``start`` then ``stop`` (or use it as a context manager); one life only. Fault timings
    are parameters so tests can shorten them. ``protocol`` is "http" or "rtsp" (see
    ``viewer.demo.streams``).
    """

    def __init__(
        self,
        folder: Path,
        *,
        freeze_after_s: float = FREEZE_AFTER_S,
        freeze_for_s: float = FREEZE_FOR_S,
        drop_after_s: float = DROP_AFTER_S,
        drop_for_s: float = DROP_FOR_S,
        drop_every_s: float = DROP_EVERY_S,
        host: str = "127.0.0.1",
        protocol: str = DEMO_PROTOCOL,
    ) -> None:
        self.folder = Path(folder)
        self.districts, self.cameras = demo_city()
        self._streams = demo_streams(self.cameras, lambda name: paths.resource("clips", f"{name}.ts"), protocol)
        self._cycles: dict[str, tuple[FaultCycle, Behaviour]] = {
            FREEZES: (FaultCycle(freeze_after_s, freeze_for_s, freeze_after_s + freeze_for_s), Behaviour.FROZEN),
            DROPS: (FaultCycle(drop_after_s, drop_for_s, drop_every_s), Behaviour.REFUSED),
        }
        self._sim = CameraSimulator(host)
        self._urls: dict[str, str] = {}
        self._substreams: dict[str, str] = {}
        self._stream_urls: dict[str, list[str]] = {}  # camera id -> every URL it serves
        self._text: str | None = None
        self._stop_event = threading.Event()
        self._scheduler: threading.Thread | None = None
        self._started = self._stopped = False

    @property
    def catalog_path(self) -> Path:
        return self.folder / CATALOG_FILE_NAME

    @property
    def urls(self) -> Mapping[str, str]:
        """Camera id -> URL of its main stream (no credentials); empty before ``start``."""
        return dict(self._urls)

    @property
    def substreams(self) -> Mapping[str, str]:
        """Camera id -> URL of its sub-stream, for the cameras that have one (RTSP)."""
        return dict(self._substreams)

    @property
    def simulator(self) -> CameraSimulator:
        return self._sim

    def start(self) -> Path:
        """Serve every camera, write the catalog and start the fault scheduler; returns the
        catalog's path. Idempotent while running; a stopped DemoCity cannot start again."""
        if self._stopped:
            raise RuntimeError("a stopped DemoCity cannot be restarted")
        if self._started:
            return self.catalog_path
        started = time.perf_counter()
        try:
            for stream in self._streams:
                add = self._sim.add_rtsp if stream.scheme == "rtsp" else self._sim.add_http
                url = add(stream.sim)
                (self._urls if stream.role == MAIN else self._substreams)[stream.camera_id] = url
                self._stream_urls.setdefault(stream.camera_id, []).append(url)
            self._sim.start()
            self._text = render_demo_catalog(
                self.districts, self.cameras, self._urls, self._fault_notes(), self._substreams
            )
            atomic_write_text(self.catalog_path, self._text)
            self._started = True
            self._start_scheduler()
        except BaseException:
            self.stop()
            raise
        log.info(
            "demo city: %d cameras in %d districts on %s, catalog %s (started in %.0f ms)",
            len(self.cameras), len(self.districts), self._sim.host, self.catalog_path,
            (time.perf_counter() - started) * 1000.0,
        )  # fmt: skip
        return self.catalog_path

    def stop(self) -> None:
        """Stop the fault scheduler and the simulator, joining both threads. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        self._stop_event.set()
        if self._scheduler is not None:
            self._scheduler.join()
        self._sim.stop()
        log.info("demo city stopped")

    def catalog_text(self) -> str:
        """The YAML written by ``start`` (the demo's live URLs, no passwords)."""
        if self._text is None:
            raise RuntimeError("the demo catalog exists once DemoCity.start() has run")
        return self._text

    def __enter__(self) -> DemoCity:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # internals ---------------------------------------------------------------------------
    def _fault_notes(self) -> dict[str, str]:
        freeze, _ = self._cycles[FREEZES]
        drop, _ = self._cycles[DROPS]
        schemes = {s.camera_id: s.scheme.upper() for s in self._streams}
        by_behaviour = {cam.behaviour: schemes[cam.id] for cam in self.cameras}
        return {
            **{b: note.format(scheme=by_behaviour.get(b, "HTTP")) for b, note in _NOTES.items()},
            FREEZES: f"demo: freezes for {freeze.bad_s:g} s every {freeze.period_s:g} s, then comes back",
            DROPS: f"demo: drops for {drop.bad_s:g} s every {drop.period_s:g} s, then reconnects",
        }

    def _start_scheduler(self) -> None:
        faults = [
            (url, *self._cycles[cam.behaviour])
            for cam in self.cameras
            if cam.behaviour in self._cycles
            for url in self._stream_urls[cam.id]
        ]
        self._scheduler = threading.Thread(
            target=self._run_faults, args=(faults, time.monotonic()), name=SCHEDULER_THREAD_NAME, daemon=False
        )
        self._scheduler.start()

    def _run_faults(self, faults: list[tuple[str, FaultCycle, Behaviour]], epoch_s: float) -> None:
        """Scheduler thread: switch each faulty camera between HEALTHY and its fault on time."""
        applied = dict.fromkeys((url for url, _, _ in faults), False)
        while True:
            elapsed_s = time.monotonic() - epoch_s
            wait_s = float("inf")
            for url, cycle, fault in faults:
                bad, change_in_s = cycle.state_at(elapsed_s)
                wait_s = min(wait_s, change_in_s)
                if bad != applied[url]:
                    try:
                        self._sim.set_behaviour(url, fault if bad else Behaviour.HEALTHY)
                        applied[url] = bad
                        log.info("demo camera %s -> %s", url, fault if bad else Behaviour.HEALTHY)
                    except Exception:  # keep the schedule going; the next change retries
                        log.exception("demo scheduler could not change %s", url)
            if self._stop_event.wait(max(wait_s, SCHEDULER_MIN_WAIT_S)):
                return
