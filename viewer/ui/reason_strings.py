"""Core's feed vocabulary in the operator's language: reasons, feed states, storm summaries.

``viewer.core`` stays free of Qt, so its English texts (``REASON_TEXT``, ``FeedState``
values, storm summaries) are translated here, at the UI boundary. The ``QT_TRANSLATE_NOOP``
tables exist so that ``lupdate`` sees every text; ``tests/ui/test_i18n.py`` checks that each
``REASON_TEXT`` value has an entry. Main thread only (Qt translators are app-wide).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from viewer.core.health_model import FeedState
from viewer.core.reasons import REASON_TEXT, Reason

#: Every value of :data:`viewer.core.reasons.REASON_TEXT` (translation context "Reason").
REASON_STRINGS: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("Reason", "online"),
    QT_TRANSLATE_NOOP("Reason", "connection refused"),
    QT_TRANSLATE_NOOP("Reason", "unreachable"),
    QT_TRANSLATE_NOOP("Reason", "no answer (timeout)"),
    QT_TRANSLATE_NOOP("Reason", "authentication failed"),
    QT_TRANSLATE_NOOP("Reason", "stream not found"),
    QT_TRANSLATE_NOOP("Reason", "no video track"),
    QT_TRANSLATE_NOOP("Reason", "protocol error"),
    QT_TRANSLATE_NOOP("Reason", "stream ended"),
    QT_TRANSLATE_NOOP("Reason", "stalled / frozen"),
    QT_TRANSLATE_NOOP("Reason", "playback error"),
    QT_TRANSLATE_NOOP("Reason", "not supported by this libVLC"),
    QT_TRANSLATE_NOOP("Reason", "picture frozen"),
    QT_TRANSLATE_NOOP("Reason", "blank picture"),
    QT_TRANSLATE_NOOP("Reason", "degraded (low frame rate)"),
)
#: Feed states as shown in the camera details (context "FeedState").
STATE_WORDS: dict[FeedState, str] = {
    FeedState.IDLE: QT_TRANSLATE_NOOP("FeedState", "idle"),
    FeedState.CONNECTING: QT_TRANSLATE_NOOP("FeedState", "connecting"),
    FeedState.PLAYING: QT_TRANSLATE_NOOP("FeedState", "playing"),
    FeedState.STALLED: QT_TRANSLATE_NOOP("FeedState", "stalled"),
    FeedState.FAILED: QT_TRANSLATE_NOOP("FeedState", "failed"),
    FeedState.WAITING: QT_TRANSLATE_NOOP("FeedState", "waiting"),
}
#: What a storming recorder does, as in :meth:`viewer.core.storm.StormDetector.summary` (context "Storm").
STORM_PROBLEMS: dict[Reason, str] = {
    Reason.UNREACHABLE: QT_TRANSLATE_NOOP("Storm", "unreachable"),
    Reason.REFUSED: QT_TRANSLATE_NOOP("Storm", "refusing connections"),
    Reason.TIMEOUT: QT_TRANSLATE_NOOP("Storm", "not answering"),
}


def reason_text(reason: Reason) -> str:
    """``REASON_TEXT[reason]`` in the installed language."""
    return QCoreApplication.translate("Reason", REASON_TEXT.get(reason, reason.value))


def state_text(state: FeedState) -> str:
    return QCoreApplication.translate("FeedState", STATE_WORDS.get(state, state.value))


def storm_text(storm, district_names: Mapping[str, str]) -> str:
    """A :class:`viewer.core.storm.Storm` in one line; in English exactly what
    ``StormDetector.summary`` says (``"Tugu: recorder 10.20.4.2 unreachable, 24 cameras"``)."""
    places = ", ".join(district_names.get(d, d) for d in storm.district_ids)
    problem = STORM_PROBLEMS.get(storm.reason)
    problem = QCoreApplication.translate("Storm", problem) if problem else reason_text(storm.reason)
    count = len(storm.feed_keys)
    if count == 1:
        cameras = QCoreApplication.translate("Storm", "{n} camera").format(n=count)
    else:
        cameras = QCoreApplication.translate("Storm", "{n} cameras").format(n=count)
    if storm.host:
        text = QCoreApplication.translate("Storm", "{places}: recorder {host} {problem}, {cameras}")
        return text.format(places=places, host=storm.host, problem=problem, cameras=cameras)
    text = QCoreApplication.translate("Storm", "{places}: {n} recorders {problem}, {cameras}")
    return text.format(places=places, n=len(storm.hosts), problem=problem, cameras=cameras)
