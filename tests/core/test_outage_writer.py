"""outage_writer.apply keeps the decisions' order and writes runs of coverage decisions as one
journal call each (a 100,000-camera monitor stopping is one transaction, not 100,000)."""

from __future__ import annotations

from viewer.core.outage_rules import AddNote, Unwatch, Watch
from viewer.core.outage_writer import apply


class CallLog:
    """Records the journal calls ``apply`` makes, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def watch_each(self, entries):
        self.calls.append(("watch", [e[0] for e in entries]))

    def unwatch(self, camera_ids, source, at):
        self.calls.append(("unwatch", list(camera_ids), source, at))

    def add_note(self, camera_id, kind, source, detail, at):
        self.calls.append(("note", camera_id))


def test_runs_of_coverage_decisions_are_one_call_each_in_order():
    journal = CallLog()
    apply(journal, [
        Watch("a", "monitor", 1.0, 90.0), Watch("b", "monitor", 1.0, 90.0),
        Unwatch("a", "monitor", 5.0), Unwatch("b", "monitor", 5.0),
        Unwatch("c", "sweep", 5.0),
        AddNote("a", "contradiction", "monitor", "x", 6.0),
        Watch("a", "monitor", 7.0, 90.0),
        Unwatch("a", "monitor", 8.0),
    ])  # fmt: skip
    assert journal.calls == [
        ("watch", ["a", "b"]),
        ("unwatch", ["a", "b"], "monitor", 5.0),
        ("unwatch", ["c"], "sweep", 5.0),
        ("note", "a"),
        ("watch", ["a"]),
        ("unwatch", ["a"], "monitor", 8.0),
    ]


def test_stopping_many_cameras_is_one_call():
    journal = CallLog()
    apply(journal, [Unwatch(f"c{i}", "monitor", 9.0) for i in range(100_000)])
    assert len(journal.calls) == 1 and len(journal.calls[0][1]) == 100_000
