"""The per-recorder open gate, driven with an explicit clock (no sleeps)."""

from __future__ import annotations

import pytest

from viewer.core.open_gate import OpenGate, recorder_key

NVR = "10.20.4.2:554"


def drain(gate: OpenGate, now: float, horizon_s: float = 1.0) -> tuple[list, float]:
    """Call ``due`` at each ``next_due_at`` (as a single-shot timer would) until nothing more
    opens within ``horizon_s`` without a release."""
    opened = []
    while True:
        at = gate.next_due_at(now)
        if at is None or at > now + horizon_s:
            return opened, now
        granted = gate.due(at)
        if not granted:
            return opened, now
        now = at
        opened += granted


def test_recorder_key():
    assert recorder_key("rtsp://user:pw@10.20.4.2/ch1") == "10.20.4.2:554"
    assert recorder_key("rtsp://10.20.4.2:8554/ch1") == "10.20.4.2:8554"
    assert recorder_key("http://NVR.example/a.ts") == "nvr.example:80"
    assert recorder_key("https://[fe80::1]/x") == "[fe80::1]:443"
    assert recorder_key("file:///srv/clip.ts") == ""


def test_sixteen_on_one_recorder_open_four_at_a_time_in_order_with_stagger():
    gate = OpenGate(per_host_limit=4, stagger_s=0.05)
    feeds = [f"cam{i:02d}" for i in range(16)]
    granted_now = [f for f in feeds if gate.request(f, NVR, now=0.0)]
    assert granted_now == ["cam00"]  # no two opens to one recorder within stagger_s
    assert gate.queue_position("cam01") == 0 and gate.queue_position("cam15") == 14

    opened, t = drain(gate, 0.0)
    assert opened == ["cam01", "cam02", "cam03"]
    assert t == pytest.approx(0.15)
    assert gate.in_flight(NVR) == 4 and gate.next_due_at(t) == pytest.approx(10.0)  # only a reclaim is left
    assert gate.due(5.0) == []

    order = ["cam00", "cam01", "cam02", "cam03"]
    now = 1.0
    for first_picture in ["cam02", "cam00", "cam03", "cam01"]:  # pictures come in any order
        gate.release(first_picture, now)
        order += gate.due(now)
        now += 0.3
    assert order == feeds[:8]
    assert gate.in_flight(NVR) == 4

    # two slots free at the same instant: the second opens one stagger later, not at once
    gate.release("cam04", 3.0)
    gate.release("cam05", 3.0)
    assert gate.due(3.0) == ["cam08"]
    assert gate.next_due_at(3.0) == pytest.approx(3.05)
    assert gate.due(3.02) == []
    assert gate.due(gate.next_due_at(3.02)) == ["cam09"]


def test_recorders_do_not_wait_for_each_other():
    gate = OpenGate(per_host_limit=1, stagger_s=0.05)
    assert gate.request("a1", "nvr-a:554", 0.0)
    assert gate.request("b1", "nvr-b:554", 0.0)
    assert not gate.request("a2", "nvr-a:554", 0.0)
    assert not gate.request("b2", "nvr-b:554", 0.0)
    gate.release("b1", 1.0)
    assert gate.due(1.0) == ["b2"]  # a2 still waits for a1, but does not hold b2 back
    assert gate.queued() == ["a2"]


def test_files_are_not_limited():
    gate = OpenGate(per_host_limit=1)
    assert all(gate.request(f"clip{i}", "", 0.0) for i in range(5))
    assert gate.queued() == [] and gate.next_due_at(0.0) is None


def test_a_lost_release_is_reclaimed_after_slot_timeout():
    gate = OpenGate(per_host_limit=2, stagger_s=0.0, slot_timeout_s=10.0)
    assert gate.request("a", NVR, 0.0) and gate.request("b", NVR, 0.0)
    assert not gate.request("c", NVR, 0.5)
    gate.release("b", 2.0)
    assert gate.due(2.0) == ["c"]
    # "a" never releases (its release got lost): its slot comes back at 10 s, not before
    assert not gate.request("d", NVR, 3.0)
    assert gate.next_due_at(3.0) == pytest.approx(10.0)
    assert gate.due(9.9) == []
    assert gate.due(10.0) == ["d"]
    assert not gate.holds("a") and gate.reclaimed_count == 1
    gate.release("a", 11.0)  # the late release is harmless
    assert gate.in_flight(NVR) == 2  # c and d


def test_cancel_leaves_the_queue_and_frees_a_held_slot():
    gate = OpenGate(per_host_limit=1, stagger_s=0.0)
    assert gate.request("a", NVR, 0.0)
    for key in ("b", "c", "d"):
        assert not gate.request(key, NVR, 0.0)
    gate.cancel("c")  # camera swapped while waiting
    assert gate.queued() == ["b", "d"] and gate.queue_position("d") == 1
    gate.cancel("a")  # window closed while opening
    assert gate.due(0.1) == ["b"]
    gate.release("b", 0.2)
    assert gate.due(0.2) == ["d"]
    gate.cancel("nobody")  # idempotent, unknown keys are fine
    assert gate.queued() == [] and gate.next_due_at(0.3) is None


def test_requests_keep_their_place_and_a_new_recorder_starts_over():
    gate = OpenGate(per_host_limit=1, stagger_s=0.0)
    assert gate.request("a", NVR, 0.0)
    assert gate.request("a", NVR, 0.1)  # asks again while holding: keeps the slot
    assert gate.in_flight(NVR) == 1
    assert not gate.request("b", NVR, 0.1)
    assert not gate.request("c", NVR, 0.1)
    assert not gate.request("b", NVR, 0.2)  # asks again while queued: keeps its place
    assert gate.queued() == ["b", "c"]
    assert gate.request("c", "other:554", 0.3)  # camera swapped to another recorder
    assert gate.queued() == ["b"]


def test_a_newcomer_does_not_overtake_the_queue():
    gate = OpenGate(per_host_limit=1, stagger_s=0.0)
    assert gate.request("a", NVR, 0.0)
    assert not gate.request("b", NVR, 0.0)
    gate.release("a", 1.0)
    assert not gate.request("late", NVR, 1.0)  # a free slot, but "b" waited first
    assert gate.due(1.0) == ["b"]
    gate.release("b", 2.0)
    assert gate.due(2.0) == ["late"]


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        OpenGate(per_host_limit=0)
    with pytest.raises(ValueError):
        OpenGate(stagger_s=-1)
