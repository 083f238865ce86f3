"""Pure parts of the Prometheus-based evaluation: queries, answer parsing, errors, ordering.
(The end-to-end check against a real Prometheus is in tests/jobs/test_monitoring_stack.py.)"""

from __future__ import annotations

import json
import re
import urllib.parse

import pytest

from viewer.core.prometheus_evaluation import (
    PrometheusError,
    coverage_pct,
    fetch_availability,
    parse_vector,
    queries,
    range_selector,
    rule_interval,
)


def vector(label: str, values: dict[str, float]) -> bytes:
    result = [{"metric": {label: k}, "value": [1700000000.0, str(v)]} for k, v in values.items()]
    return json.dumps({"status": "success", "data": {"resultType": "vector", "result": result}}).encode()


def test_queries_use_the_recorded_series_over_the_period():
    assert range_selector(86400) == "86400s" and range_selector(0.2) == "1s"
    q = queries(3600.5)
    assert q["district_availability"] == "avg_over_time(videowall:district_availability:ratio[3601s])"
    assert q["recorder_samples"] == "count_over_time(videowall:recorder_availability:ratio[3601s])"


def test_parse_and_errors():
    assert parse_vector(vector("district", {"north": 0.5}), "district") == {"north": 0.5}
    with pytest.raises(PrometheusError, match="bad_data: parse error"):
        parse_vector(json.dumps({"status": "error", "errorType": "bad_data", "error": "parse error"}), "district")
    with pytest.raises(PrometheusError, match="not a Prometheus answer"):
        parse_vector(b"<html>", "district")
    with pytest.raises(PrometheusError, match="expected a vector"):
        parse_vector(json.dumps({"status": "success", "data": {"resultType": "matrix", "result": []}}), "x")


def test_fetch_asks_at_the_period_end_and_orders_worst_first():
    asked = []

    def fetch(url: str) -> bytes:
        params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
        asked.append(params)
        label = "district" if "district" in params["query"] else "recorder"
        if params["query"].startswith("count"):
            return vector(label, {"north": 60, "south": 58, "10.0.0.1:554": 60})
        return vector(label, {"north": 0.99, "south": 0.75} if label == "district" else {"10.0.0.1:554": 0.5})

    evaluation = fetch_availability("http://prom:9090/", 1000.0, 4600.0, fetch)
    assert [(r.key, r.availability, r.samples) for r in evaluation.districts] == [("south", 0.75, 58),
                                                                                  ("north", 0.99, 60)]  # fmt: skip
    assert [(r.key, r.samples) for r in evaluation.recorders] == [("10.0.0.1:554", 60)]
    assert {p["time"] for p in asked} == {"4600.000"} and len(asked) == 4
    with pytest.raises(ValueError):
        fetch_availability("http://prom:9090", 10.0, 10.0, fetch)


def rules_answer(names: list[str], interval: float = 15.0) -> str:
    rules = [{"type": "recording", "name": n, "query": "x"} for n in names]
    return json.dumps({"status": "success", "data": {"groups": [{"name": "g", "interval": interval, "rules": rules}]}})


def test_rule_interval_needs_both_recording_rules():
    both = ["videowall:district_availability:ratio", "videowall:recorder_availability:ratio"]
    assert rule_interval(rules_answer(both, 0.5)) == 0.5
    with pytest.raises(PrometheusError, match=re.escape("no recording rule videowall:recorder_availability:ratio: load "
                                                          "resources/monitoring/videowall-rules.yml")):  # fmt: skip
        rule_interval(rules_answer(both[:1]))
    with pytest.raises(PrometheusError, match="not a Prometheus answer"):
        rule_interval("<html>")
    with pytest.raises(PrometheusError, match="cannot list its rules: boom"):
        rule_interval(json.dumps({"status": "error", "error": "boom"}))


def test_coverage_is_evaluations_times_interval_over_the_period():
    assert coverage_pct(30, 15.0, 900.0) == 50.0
    assert coverage_pct(100, 15.0, 900.0) == 100.0  # never above 100
    assert coverage_pct(3, 0.0, 900.0) is None
