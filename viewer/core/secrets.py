"""Keep passwords out of logs, CLI output, exceptions and exported files.

Every string that may carry a camera URL or a password passes through ``mask_url``,
``mask_urls_in_text`` or ``mask_secret`` before it is shown or written. Pure functions;
``SecretFilter`` is thread-safe (logging calls filters under the handler's lock).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
#: Registered secrets shorter than this are not masked as bare text (a one-letter password
#: would blank every log line); inside a URL's userinfo they are masked at any length.
MIN_SECRET_CHARS = 3

_registry_lock = threading.Lock()
_registered: frozenset[str] = frozenset()


def register_secrets(secrets: Iterable[str | None]) -> None:
    """Remember passwords process-wide: every ``SecretFilter`` masks them from now on.

    Called by the catalog loader for every password it reads (``${VAR}`` already expanded).
    Thread-safe.
    """
    global _registered
    new = {s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}
    if not new or new <= _registered:
        return
    with _registry_lock:
        _registered = _registered | new


def registered_secrets() -> frozenset[str]:
    """The passwords registered so far (a snapshot; thread-safe)."""
    return _registered


def mask_known_secrets(text: str) -> str:
    """``text`` with URL passwords and every registered secret masked (for any output)."""
    text = mask_secret(text, _registered) if _registered else text
    return mask_urls_in_text(text)

# scheme://userinfo@ ... The userinfo is everything up to the last "@" before the query.
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
# ?password=..&pwd=..&pass=.. (also ;-separated, any case)
_QUERY_SECRET_RE = re.compile(r"([?&;](?:password|passwd|pwd|pass|pw|token)=)[^&;#\s'\"<>]*", re.IGNORECASE)
# URL-looking tokens inside free text (log messages, exception text)
_URL_IN_TEXT_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^\s'\"<>]+")


def mask_url(url: str) -> str:
    """Return ``url`` with the password of its userinfo and secret query values replaced by ``***``.

    ``rtsp://user:pw@host/x`` -> ``rtsp://user:***@host/x``; ``...?user=a&password=b`` ->
    ``...?user=a&password=***``. Works on malformed URLs too (a password with an unencoded
    ``/`` or ``#`` is still masked): when in doubt it masks more, never less.
    """
    match = _SCHEME_RE.match(url)
    if match:
        start = match.end()
        rest = url[start:]
        # The last "@" anywhere: a password may hold an unencoded "?", "#", "/" or "@", so
        # the userinfo cannot be bounded by the query or fragment (masks more, never less).
        at = rest.rfind("@")
        if at >= 0:
            userinfo = rest[:at]
            user, colon, _ = userinfo.partition(":")
            if colon:  # "host:8080/a@b" is masked too: a password may hold an unencoded "/"
                url = url[:start] + user + ":" + MASK + rest[at:]
    if "=" in url:
        url = _QUERY_SECRET_RE.sub(lambda m: m.group(1) + MASK, url)
    return url


def url_password(url: str) -> str | None:
    """The password of ``url``'s userinfo as written (malformed URLs too), or None.

    Uses ``mask_url``'s reading: the userinfo ends at the last "@".
    """
    match = _SCHEME_RE.match(url)
    if not match:
        return None
    rest = url[match.end() :]
    at = rest.rfind("@")
    _, colon, password = rest[: max(at, 0)].partition(":")
    return password if at >= 0 and colon and password else None


def mask_urls_in_text(text: str) -> str:
    """Mask every URL-looking token of free text (log lines, exception messages)."""
    if "://" not in text and "=" not in text:
        return text
    text = _URL_IN_TEXT_RE.sub(lambda m: mask_url(m.group(0)), text)
    return _QUERY_SECRET_RE.sub(lambda m: m.group(1) + MASK, text)


def mask_secret(text: str, secrets: Iterable[str]) -> str:
    """Replace each known secret (and its percent-encoded forms) in ``text`` by ``***``.

    Longest secrets first, so a secret that contains another is masked whole.
    Empty strings are ignored. Fast for many secrets (a 50,000-camera catalog): the
    prepared index of a frozenset is cached.
    """
    index = _index_for(secrets)
    return index.mask(text) if index.variants else text


class _SecretIndex:
    """Every secret with its percent-encoded forms; masks by direct lookup per length."""

    #: Up to this many variants ``str.replace`` is faster than the per-position lookup.
    REPLACE_LIMIT = 64

    def __init__(self, secrets: Iterable[str]) -> None:
        variants: set[str] = set()
        for secret in secrets:
            if secret:
                variants.update((secret, quote(secret, safe=""), quote(secret), quote_plus(secret)))
        self.variants = frozenset(variants)
        self.ordered = sorted(variants, key=len, reverse=True)
        self.lengths = sorted({len(v) for v in variants}, reverse=True)

    def mask(self, text: str) -> str:
        if len(self.ordered) <= self.REPLACE_LIMIT:
            for secret in self.ordered:
                if secret in text:
                    text = text.replace(secret, MASK)
            return text
        out: list[str] = []
        plain_from, i, n = 0, 0, len(text)
        variants, lengths = self.variants, self.lengths
        while i < n:
            for length in lengths:
                if i + length <= n and text[i : i + length] in variants:
                    out.append(text[plain_from:i])
                    out.append(MASK)
                    i += length
                    plain_from = i
                    break
            else:
                i += 1
        if plain_from == 0:
            return text
        out.append(text[plain_from:])
        return "".join(out)


_index_cache: tuple[frozenset[str], _SecretIndex] | None = None


def _index_for(secrets: Iterable[str]) -> _SecretIndex:
    global _index_cache
    if isinstance(secrets, frozenset):
        cached = _index_cache
        if cached is not None and cached[0] is secrets:
            return cached[1]
        index = _SecretIndex(secrets)
        _index_cache = (secrets, index)
        return index
    return _SecretIndex(secrets)


class SecretFilter(logging.Filter):
    """Mask URL passwords (and known secrets) in log records, tracebacks included.

    Install it on handlers (``handler.addFilter(SecretFilter())``) so records of every logger
    pass through it. It masks the secrets registered process-wide (``register_secrets``) and
    its own (``add_secrets``); both may be called from any thread.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset(s for s in secrets if s)

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also mask these literal strings from now on."""
        with self._lock:
            self._secrets = self._secrets | {s for s in secrets if s}

    def _mask(self, text: str) -> str:
        secrets = self._secrets | _registered if self._secrets else _registered
        text = mask_secret(text, secrets) if secrets else text  # literal secrets first: a URL
        return mask_urls_in_text(text)  # token cut at a quote or space must not hide one

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        masked = self._mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        elif record.args:  # freeze the formatted text: a later handler must not re-format
            record.msg = message
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True
