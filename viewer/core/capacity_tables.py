"""The capacity section as named tables of plain records (CSV, JSON, the terminal).

Same conventions as :mod:`viewer.core.evaluate_tables`: one list of dicts per table, the same
keys in the same order; bitrates in kbit/s with one decimal (``*_kbps``), frame-rate ratios
as fractions with three decimals (``*_ratio``: 1.0 = every nominal frame), first-packet times
in whole milliseconds (``*_ms``), degraded time in whole seconds; ``None`` = not measured.
Lists of cameras are space-separated ids. Without any stream minute in the period every
capacity table is empty (only its header): "no capacity figures recorded yet". Pure functions.
"""

from __future__ import annotations

from viewer.core.capacity_model import CameraCapacity, CapacityGroup, Ranked
from viewer.core.evaluate_model import Evaluation

Record = dict[str, object]

#: The capacity tables, in the order the CSV folder and JSON list them.
CAPACITY_TABLES = ("capacity_districts", "capacity_recorders", "capacity_cameras", "upgrade_first")
#: What the terminal, the window and the report say when the period has no stream minute.
NO_CAPACITY_TEXT = "no capacity figures recorded yet"


def kbps(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def ratio(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def millis(value: float | None) -> int | None:
    return None if value is None else round(value * 1000)


def group_record(g: CapacityGroup) -> Record:
    """The columns every district, recorder and network capacity row shares."""
    pct = g.degraded_pct
    return {
        "cameras": g.cameras,
        "with_sub": g.with_sub,
        "main_kbps": kbps(g.main_kbps),
        "main_measured": g.cameras - len(g.main_unknown),
        "main_unknown": len(g.main_unknown),
        "sub_kbps": kbps(g.sub_kbps),
        "sub_measured": g.with_sub - len(g.sub_unknown),
        "sub_unknown": len(g.sub_unknown),
        "fps_ratio_median": ratio(g.fps_ratio_median),
        "fps_ratio_worst": ratio(g.fps_ratio_worst),
        "fps_worst_stream": g.fps_worst_camera,
        "fps_low": len(g.fps_low),
        "first_packet_p50_ms": millis(g.first_packet_p50_s),
        "first_packet_p95_ms": millis(g.first_packet_p95_s),
        "first_packets_wall": g.first_packets_wall,
        "first_packets_sample": g.first_packets_sample,
        "degraded_s": round(g.degraded_s),
        "degraded_outages": g.degraded_outages,
        "degraded_pct": None if pct is None else round(pct, 3),
        "sub_like_main": len(g.sub_like_main),
        "main_unknown_cameras": " ".join(g.main_unknown),
        "sub_unknown_cameras": " ".join(g.sub_unknown),
        "fps_low_cameras": " ".join(g.fps_low),
        "sub_like_main_cameras": " ".join(g.sub_like_main),
    }


GROUP_COLUMNS = tuple(group_record(CapacityGroup("", "", 0, 0, 0.0, 0.0)))


def camera_record(c: CameraCapacity) -> Record:
    return {
        "camera_id": c.camera_id, "name": c.name, "district": c.district, "recorder": c.recorder,
        "has_sub": c.has_sub, "main_kbps": kbps(c.main_kbps), "sub_kbps": kbps(c.sub_kbps),
        "main_fps_ratio": ratio(c.main_fps_ratio), "sub_fps_ratio": ratio(c.sub_fps_ratio),
        "main_height": c.main_height, "sub_height": c.sub_height, "sub_like_main": c.sub_like_main,
    }  # fmt: skip


def ranked_record(r: Ranked) -> Record:
    g = r.group
    pct = g.degraded_pct
    return {
        "kind": r.kind, "rank": r.rank, "key": g.key, "name": g.name, "score": round(r.score, 1),
        "fps_points": round(r.fps_points, 1), "latency_points": round(r.latency_points, 1),
        "degraded_points": round(r.degraded_points, 1), "sub_like_main_points": round(r.sub_points, 1),
        "fps_ratio_median": ratio(g.fps_ratio_median), "first_packet_p95_ms": millis(g.first_packet_p95_s),
        "degraded_pct": None if pct is None else round(pct, 3), "sub_like_main": len(g.sub_like_main),
        "with_sub": g.with_sub, "cameras": g.cameras, "main_kbps": kbps(g.main_kbps), "sub_kbps": kbps(g.sub_kbps),
    }  # fmt: skip


_COLUMNS: dict[str, list[str]] = {
    "capacity_districts": ["district", "name", *GROUP_COLUMNS],
    "capacity_recorders": ["recorder", "districts", *GROUP_COLUMNS],
    "capacity_cameras": list(camera_record(CameraCapacity("", "", "", "", False))),
    "upgrade_first": list(ranked_record(Ranked(0, "", CapacityGroup("", "", 0, 0, 0.0, 0.0), 0, 0, 0, 0))),
}


def columns_of(name: str) -> list[str]:
    return list(_COLUMNS[name])


def table(ev: Evaluation, name: str) -> list[Record]:
    """One of :data:`CAPACITY_TABLES`; empty without stream minutes. The districts table starts
    with the whole scope as district ``(network)``."""
    cap = ev.capacity
    if cap is None:
        return []
    if name == "capacity_districts":
        groups = (cap.network, *cap.districts)
        return [{"district": g.name if g is cap.network else g.key, "name": g.name, **group_record(g)} for g in groups]
    if name == "capacity_recorders":
        districts = {r.key: " ".join(r.districts) for r in ev.recorders}
        return [{"recorder": g.key, "districts": districts.get(g.key, ""), **group_record(g)} for g in cap.recorders]
    if name == "capacity_cameras":
        return [camera_record(c) for c in cap.cameras]
    if name == "upgrade_first":
        return [ranked_record(r) for r in cap.ranking]
    raise KeyError(name)
