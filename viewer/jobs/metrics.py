"""Prometheus exposition with ``prometheus_client``: custom collectors that yield metric
families from a state snapshot at scrape time (no long-lived Gauge children, so 100,000
cameras cost nothing between scrapes and the label set is exactly the catalog's).

- :class:`MonitorCollector` — ``videowall monitor``: per camera, per recorder, per district,
  and the sweep's own figures (see ``METRICS`` in README's "For the technical team").
- :class:`WallStatusCollector` — the wall's ``--status-port``: the ``/status.json`` snapshot
  (``viewer.core.sweep_report.status_snapshot``) as per-district gauges, plus the figures of every
  stream on screen (``videowall_stream_*``, labels ``camera_id`` and ``stream``: at most one
  series per tile on screen — 64 per window, the largest grid — and a camera's series go
  the moment it leaves the screen, because each scrape builds them from the snapshot).

Threading: ``collect()`` runs on whichever thread renders (the HTTP server's); the snapshot
callables must be thread-safe. No Qt, no vlc. Label values are escaped by the library; no URL
(and so no password) is ever a label.
"""

from __future__ import annotations

import gzip
import logging
import zlib
from collections import Counter
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from viewer.core.monitor_model import CameraRow, MonitorView
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult

log = logging.getLogger(__name__)

#: ``Content-Type`` of the text exposition ``generate_latest`` writes.
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
CAMERA_LABELS = ("camera_id", "district", "group", "recorder")
GZIP_LEVEL = 1  # fastest; text this repetitive still shrinks ~18x


def render(registry: CollectorRegistry) -> bytes:
    """The text exposition of everything ``registry`` collects."""
    return b"".join(render_parts(registry))


def render_parts(registry: CollectorRegistry) -> Iterator[bytes]:
    """The exposition as one ``bytes`` per metric family, written by the library one family
    at a time: a big fleet's samples and text lines are never all alive at once."""
    for family in registry.collect():
        yield generate_latest(_OneFamily(family))


class GzippedExposition(bytes):
    """A text exposition, gzip-compressed (100,000 cameras: ~23 MiB of text, ~1.3 MiB)."""

    def text(self) -> bytes:
        return gzip.decompress(self)


def render_gzipped(registry: CollectorRegistry) -> GzippedExposition:
    """The exposition compressed family by family as it is written (gzip level 1: ~0.04 s
    for 100,000 cameras), so the whole text never sits in memory at once."""
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # wbits 31: gzip container
    chunks = [compressor.compress(part) for part in render_parts(registry)]
    chunks.append(compressor.flush())
    return GzippedExposition(b"".join(chunks))


class _OneFamily:
    """A collector of one ready family, for ``generate_latest``."""

    __slots__ = ("family",)

    def __init__(self, family: Metric) -> None:
        self.family = family

    def collect(self) -> Iterator[Metric]:
        yield self.family


def registry_with(collector: Collector) -> CollectorRegistry:
    """A registry of its own holding only ``collector`` (no process/platform defaults)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


class MonitorCollector(Collector):
    """Metric families of ``view()`` (a :class:`MonitorView`), built at each scrape."""

    def __init__(self, view: Callable[[], MonitorView]) -> None:
        self._view = view

    def describe(self) -> list[Metric]:
        return []  # unchecked collector: families depend on the snapshot

    def collect(self) -> Iterator[Metric]:
        """One family at a time, each built in its own pass over the cameras, so that
        :func:`render` holds one big family's samples at a time, never all of them."""
        view = self._view()
        rows, results, now = view.rows, view.results, view.now
        probed = [(row, result) for row in rows if (result := results.get(row.camera_id)) is not None]
        # (cameras not probed yet get no sample rather than a false 0)
        # add_sample with the rows' prebuilt label dicts: ~3x cheaper than add_metric per sample
        up = GaugeMetricFamily(
            "videowall_camera_up", "1 if the camera answered its last probe properly, else 0.", labels=CAMERA_LABELS
        )
        for row, result in probed:
            up.add_sample(up.name, row.labels, 1.0 if result.reason is Reason.OK else 0.0)
        yield up
        del up
        reason = GaugeMetricFamily(
            "videowall_camera_down_reason",
            "1 for the reason a down camera failed its last probe (only down cameras have a sample).",
            labels=(*CAMERA_LABELS, "reason"),
        )
        for row, result in probed:
            if result.reason is not Reason.OK:
                reason.add_sample(reason.name, {**row.labels, "reason": result.reason.value}, 1.0)
        yield reason
        del reason
        latency = GaugeMetricFamily(
            "videowall_camera_probe_latency_seconds", "How long the camera's last probe took.", labels=("camera_id",)
        )
        for row, result in probed:
            latency.add_sample(latency.name, row.id_label, result.latency_ms / 1000.0)
        yield latency
        del latency
        age = GaugeMetricFamily(
            "videowall_camera_probe_age_seconds", "Seconds since the camera's last probe ended.", labels=("camera_id",)
        )
        for row, result in probed:
            age.add_sample(age.name, row.id_label, max(0.0, now - result.checked_at))
        yield age
        del age
        yield from _group_families(rows, probed)
        yield from _monitor_families(view)


def _group_families(rows: tuple[CameraRow, ...], probed: list[tuple[CameraRow, SweepResult]]) -> Iterator[Metric]:
    recorder_total = Counter(row.recorder for row in rows)
    district_total = Counter(row.district for row in rows)
    recorder_up: Counter[str] = Counter()
    district_up: Counter[str] = Counter()
    district_reasons: Counter[tuple[str, str]] = Counter()
    for row, result in probed:
        if result.reason is Reason.OK:
            recorder_up[row.recorder] += 1
            district_up[row.district] += 1
        else:
            district_reasons[(row.district, result.reason.value)] += 1
    yield from _aggregates("recorder", recorder_up, recorder_total)
    yield from _aggregates("district", district_up, district_total)
    down = GaugeMetricFamily(
        "videowall_district_cameras_down", "Cameras of the district down, per reason.", labels=("district", "reason")
    )
    for (district, why), n in sorted(district_reasons.items()):
        down.add_metric((district, why), n)
    yield down


def _aggregates(kind: str, up: Counter[str], total: Counter[str]) -> Iterator[Metric]:
    up_family = GaugeMetricFamily(
        f"videowall_{kind}_cameras_up", f"Cameras of the {kind} that answered their last probe.", labels=(kind,)
    )
    total_family = GaugeMetricFamily(
        f"videowall_{kind}_cameras_total", f"Cameras of the {kind} this monitor watches.", labels=(kind,)
    )
    for key in sorted(total):
        up_family.add_metric((key,), up.get(key, 0))
        total_family.add_metric((key,), total[key])
    yield up_family
    yield total_family


def _monitor_families(view: MonitorView) -> Iterator[Metric]:
    oldest = view.oldest_check()
    yield _gauge(
        "videowall_monitor_oldest_state_age_seconds",
        "Age of the oldest camera state (NaN until every camera has been probed once).",
        float("nan") if oldest is None else max(0.0, view.now - oldest),
    )
    yield _gauge("videowall_monitor_max_age_seconds", "The --max-age this monitor promises.", view.max_age_s)
    yield _gauge("videowall_monitor_cameras", "Cameras this monitor watches (its shard).", len(view.rows))
    yield _gauge("videowall_monitor_probes_per_second", "Probes finished per second, last minute.", view.probes_per_s)
    yield _gauge(
        "videowall_monitor_sweep_duration_seconds",
        "How long the last complete pass over every camera took (NaN before the first).",
        float("nan") if view.pass_duration_s is None else view.pass_duration_s,
    )
    yield _gauge("videowall_monitor_catalog_loaded_timestamp_seconds", "When the catalog in use was loaded.",
                 view.catalog_loaded_at)  # fmt: skip
    probes = CounterMetricFamily("videowall_monitor_probes", "Probes finished since the monitor started.")
    probes.add_metric((), view.probes_total)
    yield probes
    errors = CounterMetricFamily(
        "videowall_monitor_probe_errors", "Probes that failed inside the monitor (reason 'error'), not at the camera."
    )
    errors.add_metric((), view.probe_errors_total)
    yield errors
    reloads = CounterMetricFamily(
        "videowall_monitor_catalog_reload_errors", "Catalog reloads refused (the old catalog stayed in use)."
    )
    reloads.add_metric((), view.catalog_reload_errors_total)
    yield reloads
    info = GaugeMetricFamily("videowall_monitor_shard_info", "This monitor's shard (K/N).", labels=("shard",))
    info.add_metric((view.shard,), 1)
    yield info


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class WallStatusCollector(Collector):
    """The wall's ``/status.json`` snapshot as gauges: per district ``videowall_cameras_online``,
    ``videowall_cameras_total``, ``videowall_cameras_offline{reason}``, plus
    ``videowall_flagged_tiles`` and ``videowall_last_sweep_timestamp_seconds`` (left out while
    unknown). ``snapshot()`` is called on the rendering thread."""

    def __init__(self, snapshot: Callable[[], dict]) -> None:
        self._snapshot = snapshot

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        snapshot = self._snapshot()
        online = GaugeMetricFamily(
            "videowall_cameras_online",
            "Enabled cameras that answered their last probe properly, per district.",
            labels=("district",),
        )
        total = GaugeMetricFamily("videowall_cameras_total", "Enabled cameras in the catalog, per district.",
                                  labels=("district",))  # fmt: skip
        offline = GaugeMetricFamily(
            "videowall_cameras_offline",
            "Enabled cameras whose last probe failed, per district and reason.",
            labels=("district", "reason"),
        )
        for district in snapshot.get("districts", ()):
            key = str(district["id"])
            online.add_metric((key,), int(district["online"]))
            total.add_metric((key,), int(district["total"]))
            for why, count in sorted(district.get("reasons", {}).items()):
                offline.add_metric((key, str(why)), int(count))
        yield from (online, total, offline)
        yield _gauge("videowall_flagged_tiles", "Wall tiles flagged as not showing pictures right now.",
                     int(snapshot.get("flagged_tiles", 0)))  # fmt: skip
        yield from _stream_families(snapshot)
        last = snapshot.get("last_sweep_timestamp_s")
        family = GaugeMetricFamily(
            "videowall_last_sweep_timestamp_seconds", "Unix time since which every enabled camera has been probed."
        )
        if last is not None:
            family.add_metric((), float(last))
        yield family


#: ``status.json`` stream key -> (metric name, help) of the per-stream gauges.
STREAM_GAUGES = (
    ("fps", "videowall_stream_fps", "Pictures per second the stream delivers (last few seconds)."),
    ("nominal_fps", "videowall_stream_nominal_fps", "Frame rate the stream announces (SDP / stream header)."),
    ("fps_ratio", "videowall_stream_fps_ratio", "Delivered / nominal frame rate."),
    ("bitrate_kbps", "videowall_stream_bitrate_kbps", "Bitrate the stream arrives with (kbit/s, last few seconds)."),
    ("lost", "videowall_stream_lost_pictures", "Pictures lost since the tile showed the camera (libVLC)."),
    ("reconnects", "videowall_stream_reconnects", "Times the tile reopened the camera since it showed it."),
    ("first_picture_s", "videowall_stream_first_picture_seconds", "Open to first picture, last open."),
    ("degraded", "videowall_stream_degraded", "1 while the stream is flagged degraded (low frame rate)."),
)
STREAM_LABELS = ("camera_id", "stream")


def _stream_families(snapshot: dict) -> Iterator[Metric]:
    """Per-stream gauges of the streams on screen (none for a stream that left the screen;
    a value still unknown has no sample rather than a false 0)."""
    streams = snapshot.get("streams", ())
    for key, name, documentation in STREAM_GAUGES:
        family = GaugeMetricFamily(name, documentation, labels=STREAM_LABELS)
        for stream in streams:
            value = stream.get(key)
            if value is not None:
                family.add_metric((str(stream["camera_id"]), str(stream["stream"])), float(value))
        yield family
    info = GaugeMetricFamily("videowall_stream_info", "The stream's codec and resolution (value 1).",
                             labels=(*STREAM_LABELS, "codec", "resolution"))
    for stream in streams:
        size = f"{stream['width']}x{stream['height']}" if stream.get("width") else ""
        info.add_metric((str(stream["camera_id"]), str(stream["stream"]), str(stream.get("codec") or ""), size), 1)
    yield info
    if "incoming_kbps" in snapshot:
        yield _gauge("videowall_incoming_bitrate_kbps", "The wall's incoming bandwidth: streams on screen, kbit/s.",
                     float(snapshot["incoming_kbps"]))
        yield _gauge("videowall_degraded_tiles", "Tiles on screen flagged degraded (pictures, low frame rate).",
                     int(snapshot.get("degraded_tiles", 0)))
