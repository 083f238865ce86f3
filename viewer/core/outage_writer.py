"""Carries :mod:`viewer.core.outage_rules` decisions into a :class:`~viewer.core.journal.Journal`.

Shared by the wall (``viewer.core.wall_outages``), the in-app sweep (``viewer.jobs.sweeper``) and the
headless monitor, so that every writer follows the same rules. Same thread as the journal: the
writers hand these functions to their :mod:`viewer.core.journal_port`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from viewer.core.journal import Journal
from viewer.core.outage_rules import (
    Acknowledgement,
    AddNote,
    CloseOutage,
    Decision,
    OpenOutage,
    OutageRules,
    Unwatch,
    UpdateOutage,
    Watch,
)

log = logging.getLogger(__name__)


def rules_for(journal: Journal, rules: OutageRules | None = None) -> OutageRules:
    """``rules`` (or new ones) knowing every outage open in ``journal``."""
    rules = rules or OutageRules()
    for outage in journal.query(open_only=True):
        ack = None
        if outage.acknowledged_at is not None:
            ack = Acknowledgement(outage.acknowledged_at, outage.acknowledged_by or "", outage.ack_note)
        rules.adopt(outage.camera_id, outage.reason, outage.started_at, outage.source, outage.detail, ack)
    return rules


def record_acknowledgement(journal: Journal, camera_id: str, acknowledgement: Acknowledgement) -> bool:
    """Write an operator's acknowledgement on the camera's open outage (the rules already know
    it). False (nothing written) when the journal has no open outage for the camera."""
    outage_id = journal.open_outage_for(camera_id)
    if outage_id is None:
        log.info("camera %s: no open outage in the journal; acknowledgement not written", camera_id)
        return False
    return journal.acknowledge(outage_id, acknowledgement.at, acknowledgement.by, acknowledgement.note)


def apply(journal: Journal, decisions: Iterable[Decision]) -> None:
    """Write ``decisions`` in order; consecutive coverage decisions in one transaction (a
    monitor of 100,000 cameras stopping ends 100,000 intervals at once, not one by one)."""
    watches: list[tuple[str, str, float, float]] = []
    unwatches: list[str] = []
    unwatch_key: tuple[str, float] | None = None  # (source, at) shared by the pending unwatches

    def flush() -> None:
        nonlocal watches, unwatches, unwatch_key
        if watches:
            journal.watch_each(watches)
            watches = []
        if unwatches and unwatch_key is not None:
            journal.unwatch(unwatches, *unwatch_key)
            unwatches, unwatch_key = [], None

    for decision in decisions:
        if isinstance(decision, Watch):
            if unwatches:
                flush()
            watches.append((decision.camera_id, decision.source, decision.at, decision.max_gap_s))
            continue
        if isinstance(decision, Unwatch):
            key = (decision.source, decision.at)
            if watches or unwatch_key not in (None, key):
                flush()
            unwatch_key = key
            unwatches.append(decision.camera_id)
            continue
        flush()
        if isinstance(decision, OpenOutage):
            journal.open_outage(
                decision.camera_id, decision.camera_name, decision.district, decision.reason,
                decision.started_at, decision.detail, source=decision.source,
            )  # fmt: skip
            log.info("outage %s opened (%s, %s)", decision.camera_id, decision.reason.value, decision.source)
        elif isinstance(decision, UpdateOutage):
            outage = journal.open_outage_for(decision.camera_id)
            if outage is not None:
                journal.update_reason(outage, decision.reason, decision.detail)
        elif isinstance(decision, CloseOutage):
            outage = journal.open_outage_for(decision.camera_id)
            if outage is not None:
                journal.close_outage(outage, decision.ended_at)
                log.info("outage %s closed", decision.camera_id)
        elif isinstance(decision, AddNote):
            journal.add_note(decision.camera_id, decision.kind, decision.source, decision.detail, decision.at)
            log.info("note %s (%s): %s", decision.camera_id, decision.source, decision.detail)
    flush()
