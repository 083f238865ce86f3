"""District and recorder availability from Prometheus' history of the videowall monitors.

For ``videowall evaluate --prometheus URL`` (city-wide, several monitors at once). Uses the
shipped recording rules (``resources/monitoring/videowall-rules.yml``):
``videowall:district_availability:ratio`` and ``videowall:recorder_availability:ratio`` are
the share of cameras answering at each evaluation, summed over every monitor; their
``avg_over_time`` over the period is the time-weighted availability, and ``count_over_time``
times the rule interval says how much of the period Prometheus actually saw (coverage).
Cheap on Prometheus even for 100,000 cameras and 30 days: it reads one series per district
and per recorder, not one per camera.

The queries and the parsing are pure (data in, data out). :func:`fetch_rule_interval` checks
that the rules are loaded (and reads their interval); :func:`fetch_availability` does the
HTTP GETs with ``urllib`` (blocking; run it on a worker thread in a GUI). Times are UTC epoch
seconds; availabilities are fractions 0..1.
"""

from __future__ import annotations

import http.client
import json
import logging
import math
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

DISTRICT_SERIES = "videowall:district_availability:ratio"
RECORDER_SERIES = "videowall:recorder_availability:ratio"
HTTP_TIMEOUT_S = 30.0
#: Where the recording rules ship (for the error that says they are not loaded).
RULES_FILE = "resources/monitoring/videowall-rules.yml"


class PrometheusError(Exception):
    """Prometheus did not answer, or answered with an error (the message says which)."""


@dataclass(frozen=True)
class Availability:
    """One district's or recorder's availability over the period (0..1) and how many rule
    evaluations Prometheus holds for it in that period."""

    key: str
    availability: float
    samples: int


@dataclass(frozen=True)
class PrometheusEvaluation:
    """Availability per district and per recorder between ``start`` and ``end``."""

    start: float
    end: float
    districts: tuple[Availability, ...]
    recorders: tuple[Availability, ...]


def range_selector(period_s: float) -> str:
    """A PromQL range for ``period_s`` seconds (whole seconds, at least 1)."""
    return f"{max(1, math.ceil(period_s))}s"


def queries(period_s: float) -> dict[str, str]:
    """The four instant queries, evaluated at the period's end."""
    window = range_selector(period_s)
    return {
        "district_availability": f"avg_over_time({DISTRICT_SERIES}[{window}])",
        "district_samples": f"count_over_time({DISTRICT_SERIES}[{window}])",
        "recorder_availability": f"avg_over_time({RECORDER_SERIES}[{window}])",
        "recorder_samples": f"count_over_time({RECORDER_SERIES}[{window}])",
    }


def parse_vector(body: bytes | str, label: str) -> dict[str, float]:
    """An instant-query answer (``/api/v1/query`` JSON) as ``{label value: sample value}``."""
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise PrometheusError(f"not a Prometheus answer: {exc}") from None
    if answer.get("status") != "success":
        raise PrometheusError(f"Prometheus: {answer.get('errorType', 'error')}: {answer.get('error', '?')}")
    data = answer.get("data", {})
    if data.get("resultType") != "vector":
        raise PrometheusError(f"expected a vector, got {data.get('resultType')!r}")
    return {item["metric"].get(label, ""): float(item["value"][1]) for item in data.get("result", ())}


def combine(availability: dict[str, float], samples: dict[str, float]) -> tuple[Availability, ...]:
    """Rows sorted worst first (then by name)."""
    rows = [Availability(key, value, int(samples.get(key, 0))) for key, value in availability.items()]
    return tuple(sorted(rows, key=lambda row: (row.availability, row.key)))


def rule_interval(body: bytes | str) -> float:
    """The evaluation interval (seconds) of the group recording :data:`DISTRICT_SERIES`, from a
    ``/api/v1/rules`` answer. :class:`PrometheusError` when either recording rule is not loaded
    (then Prometheus has no history to evaluate)."""
    try:
        answer = json.loads(body)
    except ValueError as exc:
        raise PrometheusError(f"not a Prometheus answer: {exc}") from None
    if not isinstance(answer, dict) or answer.get("status") != "success":
        error = answer.get("error", "?") if isinstance(answer, dict) else "unexpected answer"
        raise PrometheusError(f"Prometheus: cannot list its rules: {error}")
    intervals = {}
    for group in answer.get("data", {}).get("groups", ()):
        for rule in group.get("rules", ()):
            if rule.get("type") == "recording" and rule.get("name") in (DISTRICT_SERIES, RECORDER_SERIES):
                intervals[rule["name"]] = float(group.get("interval", 0.0))
    missing = [name for name in (DISTRICT_SERIES, RECORDER_SERIES) if name not in intervals]
    if missing:
        raise PrometheusError(f"Prometheus has no recording rule {', '.join(missing)}: load {RULES_FILE}")
    return intervals[DISTRICT_SERIES]


def coverage_pct(samples: int, interval_s: float, period_s: float) -> float | None:
    """How much of the period Prometheus saw (rule evaluations × interval ÷ period, ≤ 100)."""
    if interval_s <= 0 or period_s <= 0:
        return None
    return min(100.0, 100.0 * samples * interval_s / period_s)


Fetch = Callable[[str], bytes]


def _urlopen(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=HTTP_TIMEOUT_S) as response:
            return response.read()
    except urllib.error.HTTPError as exc:  # Prometheus explains a bad query in the body
        return exc.read()
    except (OSError, ValueError, http.client.HTTPException) as exc:  # refused, timeout, bad URL, not HTTP
        raise PrometheusError(f"cannot reach Prometheus at {_site(url)}: {exc}") from None


def _site(url: str) -> str:
    """scheme://host:port of ``url`` (no credentials, path or query)."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def fetch_rule_interval(base_url: str, fetch: Fetch = _urlopen) -> float:
    """The recording rules' evaluation interval at ``base_url``; :class:`PrometheusError`
    when Prometheus is unreachable or lacks the rules. Blocking (one HTTP request)."""
    return rule_interval(fetch(f"{base_url.rstrip('/')}/api/v1/rules?type=record"))


def fetch_availability(base_url: str, start: float, end: float, fetch: Fetch = _urlopen) -> PrometheusEvaluation:
    """Ask Prometheus at ``base_url`` (``http://host:9090``) for the period ``start``..``end``.
    Raises :class:`PrometheusError`. Blocking (four HTTP requests)."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    found = {}
    for name, promql in queries(end - start).items():
        params = urllib.parse.urlencode({"query": promql, "time": f"{end:.3f}"})
        label = "district" if name.startswith("district") else "recorder"
        found[name] = parse_vector(fetch(f"{base_url.rstrip('/')}/api/v1/query?{params}"), label)
    return PrometheusEvaluation(
        start,
        end,
        combine(found["district_availability"], found["district_samples"]),
        combine(found["recorder_availability"], found["recorder_samples"]),
    )
