"""HTTP/RTSP authentication: parse ``WWW-Authenticate`` challenges and answer them.

Basic and Digest (RFC 7616 / RFC 2617 / RFC 2069: MD5, MD5-sess, SHA-256, SHA-256-sess; qop
``auth``, ``auth-int`` with an empty body, or no qop). Pure functions and one small stateful
``Authorizer`` (its nonce count); no I/O, no clock. Shared by the probe (client side) and the
camera simulator (server side). Nothing here logs or formats a password.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

_HASHES: dict[str, Callable[..., Any]] = {
    "md5": hashlib.md5,
    "sha-256": hashlib.sha256,
}
#: Preference among the schemes we can answer, best first.
_PREFERENCE = ("digest:sha-256", "digest:sha-256-sess", "digest:md5", "digest:md5-sess", "basic")


@dataclass(frozen=True)
class Challenge:
    """One challenge: ``scheme`` lower-case (``"digest"``), ``params`` keyed by lower-case name."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)

    @property
    def algorithm(self) -> str:
        return self.params.get("algorithm", "MD5").lower()

    @property
    def supported(self) -> bool:
        if self.scheme == "basic":
            return True
        if self.scheme != "digest" or "nonce" not in self.params:
            return False
        return self.algorithm.removesuffix("-sess") in _HASHES


def parse_challenges(header_values: Iterable[str]) -> list[Challenge]:
    """Split ``WWW-Authenticate`` values (one or several headers, each with one or more
    comma-separated challenges) into challenges, in order. Also parses ``Authorization`` values."""
    out: list[Challenge] = []
    for value in header_values:
        current: Challenge | None = None
        pos, end = 0, len(value)
        while pos < end:
            while pos < end and value[pos] in " \t,":
                pos += 1
            start = pos
            while pos < end and value[pos] not in " \t,=":
                pos += 1
            token = value[start:pos]
            if not token:
                pos += 1  # a stray '=': skip it
                continue
            look = pos
            while look < end and value[look] in " \t":
                look += 1
            if look < end and value[look] == "=" and current is not None:
                val, pos = _read_value(value, look + 1)
                current.params[token.lower()] = val
            elif look < end and value[look] == "=":
                pos = look + 1  # a parameter before any scheme: ignore it
                _, pos = _read_value(value, pos)
            else:
                current = Challenge(token.lower(), {})
                out.append(current)
                pos = look
    return out


def _read_value(text: str, pos: int) -> tuple[str, int]:
    end = len(text)
    while pos < end and text[pos] in " \t":
        pos += 1
    if pos < end and text[pos] == '"':
        pos += 1
        chars: list[str] = []
        while pos < end and text[pos] != '"':
            if text[pos] == "\\" and pos + 1 < end:
                pos += 1
            chars.append(text[pos])
            pos += 1
        return "".join(chars), pos + 1
    start = pos
    while pos < end and text[pos] != ",":
        pos += 1
    return text[start:pos].strip(), pos


def choose_challenge(challenges: Iterable[Challenge]) -> Challenge | None:
    """The challenge we answer: Digest (SHA-256 before MD5) over Basic; None if none is usable."""
    usable = [c for c in challenges if c.supported]

    def rank(c: Challenge) -> int:
        key = "basic" if c.scheme == "basic" else f"digest:{c.algorithm}"
        return _PREFERENCE.index(key) if key in _PREFERENCE else len(_PREFERENCE)

    return min(usable, key=rank) if usable else None


def basic_authorization(username: str, password: str) -> str:
    """The ``Authorization`` header value for Basic."""
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None = None,
    nc: str = "",
    cnonce: str = "",
) -> str:
    """The Digest ``response`` hex string (the same computation serves client and server)."""
    algorithm = algorithm.lower()
    hash_fn = _HASHES[algorithm.removesuffix("-sess")]

    def h(text: str) -> str:
        return hash_fn(text.encode()).hexdigest()

    ha1 = h(f"{username}:{realm}:{password}")
    if algorithm.endswith("-sess"):
        ha1 = h(f"{ha1}:{nonce}:{cnonce}")
    ha2 = h(f"{method}:{uri}:{h('')}") if qop == "auth-int" else h(f"{method}:{uri}")
    if qop:
        return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}")
    return h(f"{ha1}:{nonce}:{ha2}")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Authorizer:
    """Answers one chosen challenge for successive requests on the same server.

    Not thread-safe (one per probe). ``header(method, uri)`` returns the ``Authorization`` value;
    for Digest each call uses the next nonce count. ``uri`` is what the request line carries
    (for RTSP the absolute URL, for HTTP the path and query).
    """

    def __init__(
        self,
        challenge: Challenge,
        username: str,
        password: str,
        cnonce_factory: Callable[[], str] = lambda: secrets.token_hex(8),
    ) -> None:
        if not challenge.supported:
            raise ValueError(f"unsupported authentication scheme {challenge.scheme!r}")
        self.challenge = challenge
        self._username = username
        self._password = password
        self._cnonce_factory = cnonce_factory
        self._nc = 0

    @property
    def scheme(self) -> str:
        return self.challenge.scheme

    def header(self, method: str, uri: str) -> str:
        if self.challenge.scheme == "basic":
            return basic_authorization(self._username, self._password)
        p = self.challenge.params
        offered = [q.strip().lower() for q in p.get("qop", "").split(",") if q.strip()]
        qop = "auth" if "auth" in offered else ("auth-int" if "auth-int" in offered else None)
        algorithm = p.get("algorithm", "MD5")
        realm, nonce = p.get("realm", ""), p["nonce"]
        self._nc += 1
        nc = f"{self._nc:08x}" if qop else ""
        cnonce = self._cnonce_factory() if qop or algorithm.lower().endswith("-sess") else ""
        response = digest_response(
            algorithm=algorithm,
            username=self._username,
            realm=realm,
            password=self._password,
            method=method,
            uri=uri,
            nonce=nonce,
            qop=qop,
            nc=nc,
            cnonce=cnonce,
        )
        parts = [
            f"username={_quote(self._username)}",
            f"realm={_quote(realm)}",
            f"nonce={_quote(nonce)}",
            f"uri={_quote(uri)}",
            f"response={_quote(response)}",
        ]
        if "algorithm" in p:
            parts.append(f"algorithm={algorithm}")
        if "opaque" in p:
            parts.append(f"opaque={_quote(p['opaque'])}")
        if qop:
            parts += [f"qop={qop}", f"nc={nc}", f"cnonce={_quote(cnonce)}"]
        elif cnonce:
            parts.append(f"cnonce={_quote(cnonce)}")
        return "Digest " + ", ".join(parts)
