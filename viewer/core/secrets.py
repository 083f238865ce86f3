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
from urllib.parse import quote

MASK = "***"

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
        query_at = rest.find("?")
        end = len(rest) if query_at < 0 else query_at
        at = rest.rfind("@", 0, end)
        if at >= 0:
            userinfo = rest[:at]
            user, colon, _ = userinfo.partition(":")
            if colon:  # "host:8080/a@b" is masked too: a password may hold an unencoded "/"
                url = url[:start] + user + ":" + MASK + rest[at:]
    if "=" in url:
        url = _QUERY_SECRET_RE.sub(lambda m: m.group(1) + MASK, url)
    return url


def mask_urls_in_text(text: str) -> str:
    """Mask every URL-looking token of free text (log lines, exception messages)."""
    if "://" not in text and "=" not in text:
        return text
    text = _URL_IN_TEXT_RE.sub(lambda m: mask_url(m.group(0)), text)
    return _QUERY_SECRET_RE.sub(lambda m: m.group(1) + MASK, text)


def mask_secret(text: str, secrets: Iterable[str]) -> str:
    """Replace each known secret (and its percent-encoded form) in ``text`` by ``***``.

    Longest secrets first, so a secret that contains another is masked whole.
    Empty strings are ignored.
    """
    variants: set[str] = set()
    for secret in secrets:
        if secret:
            variants.add(secret)
            variants.add(quote(secret, safe=""))
    for secret in sorted(variants, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


class SecretFilter(logging.Filter):
    """Mask URL passwords (and known secrets) in log records, tracebacks included.

    Install it on handlers (``handler.addFilter(SecretFilter())``) so records of every logger
    pass through it. ``add_secrets`` registers literal secrets (e.g. catalog passwords);
    it may be called from any thread.
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
        text = mask_urls_in_text(text)
        secrets = self._secrets
        return mask_secret(text, secrets) if secrets else text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        masked = self._mask(message)
        if masked != message:
            record.msg = masked
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._mask(record.exc_text)
        if record.stack_info:
            record.stack_info = self._mask(record.stack_info)
        return True
