"""Typed, line-aware reads of one catalog entry (a YAML mapping), for ``viewer.core.catalog``.

Each read either returns the value or reports ``FILE:LINE: <what>: message`` to the builder
and returns a default, so one bad field never hides the others. Pure Python.
"""

from __future__ import annotations

import math
from typing import Protocol

from viewer.core.yaml_lines import LineDict


class Reporter(Protocol):
    """What an :class:`Entry` needs from the catalog builder."""

    def error(self, file: str, line: int, message: str) -> None: ...

    def expand(self, value: str, file: str, line: int, where: str) -> str: ...


def value_kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


class Entry:
    """Typed, line-aware reads of one YAML mapping; problems are reported to the builder."""

    __slots__ = ("builder", "d", "file", "what")

    def __init__(self, builder: Reporter, d: LineDict, file: str, what: str) -> None:
        self.builder = builder
        self.d = d
        self.file = file
        self.what = what

    def line(self, key: str | None = None) -> int:
        return self.d.line if key is None else self.d.key_lines.get(key, self.d.line)

    def error(self, key: str | None, message: str) -> None:
        self.builder.error(self.file, self.line(key), f"{self.what}: {message}")

    def text(self, key: str, *, required: bool = False) -> str | None:
        """A string field exactly as written (``0012`` stays "0012"), ``${VAR}`` expanded."""
        d = self.d
        value = d.get(key)
        if value is None:
            if required:
                self.error(None, f"missing '{key}'")
            return None
        if not isinstance(value, str):
            raw = d.raw.get(key)
            if raw is None or isinstance(value, bytes):
                self.error(key, f"'{key}' must be text, not {value_kind(value)}")
                return None
            value = raw
        if "$" in value:
            value = self.builder.expand(value, self.file, self.line(key), f"{self.what}: '{key}'")
        if required and not value.strip():
            self.error(key, f"'{key}' is empty")
            return None
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self.d.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        self.error(key, f"'{key}' must be true or false, not {self._show(key)}")
        return default

    def seconds(self, key: str, *, required: bool = False) -> float | None:
        """A positive, finite number of seconds."""
        value = self.d.get(key)
        if value is None:
            if required:
                self.error(None, f"missing '{key}' (a positive number of seconds)")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            self.error(key, f"'{key}' must be a positive number of seconds, not {self._show(key)}")
            return None
        return float(value)

    def _show(self, key: str) -> str:
        value = self.d[key]
        shown = self.d.raw.get(key, value if isinstance(value, str) else None)
        return repr(shown[:40]) if shown is not None else value_kind(value)
