"""Prometheus families of the quality samples (``videowall monitor --sample-budget-mbps``).

Per sampled stream (labels ``camera_id``, ``stream``: "" for a camera's only stream, "sub" or
"main"), from its latest sample; a stream whose latest sample failed has only
``videowall_camera_sample_ok`` 0 (no stale figures):

- ``videowall_camera_sample_ok`` 1 / 0
- ``videowall_camera_sample_bits_per_second`` video payload received ÷ window
- ``videowall_camera_sample_frames_per_second`` pictures received ÷ window (delivered)
- ``videowall_camera_sample_nominal_frames_per_second`` what the stream announces
- ``videowall_camera_sample_keyframe_interval_seconds`` window ÷ key pictures
- ``videowall_camera_sample_first_packet_seconds`` open → first video packet
- ``videowall_camera_sample_timestamp_seconds`` when the sample ended (Unix time)

Cardinality: at most 7 series per sampled stream, so 7 × cameras (× 2 with
``--sample-streams both``): the catalog bounds it (4,470 cameras: ≤ 31,290 series). Plus the
sampler's own: ``videowall_monitor_sample_budget_bits_per_second``,
``videowall_monitor_samples_in_flight`` and the counters ``videowall_monitor_samples_total``,
``videowall_monitor_sample_failures_total``, ``videowall_monitor_sample_bytes_total``.

Threading: ``collect()`` runs on the rendering (HTTP) thread; ``snapshot()`` must be
thread-safe (``QualitySampler.latest``/``figures`` are). No URL, so no password, in a label.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from viewer.core.sample_report import SampleResult

LABELS = ("camera_id", "stream")
#: (name, help, figure of a StreamSample or None)
_FIGURES: tuple[tuple[str, str, Callable], ...] = (
    ("videowall_camera_sample_bits_per_second", "Video bits per second the stream's last quality sample received.",
     lambda s: None if s.bitrate_kbps is None else s.bitrate_kbps * 1000),
    ("videowall_camera_sample_frames_per_second", "Pictures per second the stream's last quality sample received.",
     lambda s: s.fps),
    ("videowall_camera_sample_nominal_frames_per_second", "The frame rate the stream announces.",
     lambda s: s.nominal_fps),
    ("videowall_camera_sample_keyframe_interval_seconds", "Seconds per key picture in the last quality sample.",
     lambda s: s.keyframe_interval_s),
    ("videowall_camera_sample_first_packet_seconds", "Seconds from opening the stream to its first video packet.",
     lambda s: s.first_packet_s),
)  # fmt: skip


class SampleCollector(Collector):
    """Families of ``snapshot()`` -> (latest results by (camera, stream), SamplerFigures)."""

    def __init__(self, snapshot: Callable[[], tuple[Mapping[tuple[str, str], SampleResult], object] | None]) -> None:
        self._snapshot = snapshot

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        snap = self._snapshot()
        if snap is None:  # sampling is off
            return
        latest, figures = snap
        ordered = sorted(latest.items())
        ok = GaugeMetricFamily("videowall_camera_sample_ok",
                               "1 if the stream's last quality sample received video, else 0.", labels=LABELS)
        when = GaugeMetricFamily("videowall_camera_sample_timestamp_seconds",
                                 "When the stream's last quality sample ended (Unix time).", labels=LABELS)
        for (camera_id, stream), result in ordered:
            ok.add_metric((camera_id, stream), 1.0 if result.ok else 0.0)
            when.add_metric((camera_id, stream), result.sampled_at)
        yield ok
        yield when
        for name, documentation, figure in _FIGURES:
            family = GaugeMetricFamily(name, documentation, labels=LABELS)
            for (camera_id, stream), result in ordered:
                value = figure(result.sample) if result.ok and result.sample is not None else None
                if value is not None:
                    family.add_metric((camera_id, stream), float(value))
            yield family
        yield GaugeMetricFamily("videowall_monitor_sample_budget_bits_per_second",
                                "The quality samples' shared bandwidth cap.", value=figures.budget_mbps * 1e6)
        yield GaugeMetricFamily("videowall_monitor_samples_in_flight", "Quality samples running now.",
                                value=figures.in_flight)
        for name, documentation, value in (
            ("videowall_monitor_samples", "Quality samples ended since the monitor started.", figures.samples_total),
            ("videowall_monitor_sample_failures", "Quality samples that received no video.", figures.failures_total),
            ("videowall_monitor_sample_bytes", "Video payload bytes the quality samples received.",
             figures.bytes_total),
        ):
            counter = CounterMetricFamily(name, documentation)
            counter.add_metric((), value)
            yield counter
