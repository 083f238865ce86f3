"""Carries :mod:`viewer.core.outage_rules` decisions into a :class:`~viewer.core.journal.Journal`.

Shared by the wall (``viewer.ui.outages``), the in-app sweep (``viewer.sweeper``) and the
headless monitor, so that every writer follows the same rules. Same thread as the journal.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from viewer.core.journal import Journal
from viewer.core.outage_rules import (
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
        rules.adopt(outage.camera_id, outage.reason, outage.started_at, outage.source, outage.detail)
    return rules


def apply(journal: Journal, decisions: Iterable[Decision]) -> None:
    """Write ``decisions`` in order; coverage in one transaction per batch."""
    watches: list[tuple[str, str, float, float]] = []
    for decision in decisions:
        if isinstance(decision, Watch):
            watches.append((decision.camera_id, decision.source, decision.at, decision.max_gap_s))
            continue
        if watches:
            journal.watch_each(watches)
            watches = []
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
        elif isinstance(decision, Unwatch):
            journal.unwatch([decision.camera_id], decision.source, decision.at)
    if watches:
        journal.watch_each(watches)
