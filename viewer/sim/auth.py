"""Server-side authentication for simulated cameras: challenges out, ``Authorization`` checked.

Nonces are stateless (random salt + HMAC of it under a per-simulator key), so thousands of
cameras cost no memory. Digest answers are verified for real: a wrong password gets a 401.
Thread-safe (no mutable state after construction).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os

from viewer.core.digest import digest_response, parse_challenges

log = logging.getLogger(__name__)

REALM = "videowall-sim"
_MAC_HEX = 16


class NonceIssuer:
    """Issues and recognises Digest nonces."""

    def __init__(self) -> None:
        self._key = os.urandom(16)

    def issue(self) -> str:
        salt = os.urandom(8).hex()
        return salt + self._mac(salt)

    def valid(self, nonce: str) -> bool:
        salt, mac = nonce[:-_MAC_HEX], nonce[-_MAC_HEX:]
        return bool(salt) and hmac.compare_digest(mac, self._mac(salt))

    def _mac(self, salt: str) -> str:
        return hmac.new(self._key, salt.encode(), hashlib.sha256).hexdigest()[:_MAC_HEX]


def challenges(digest: bool, nonces: NonceIssuer, qop: bool) -> list[str]:
    """``WWW-Authenticate`` values. A Digest camera also lists Basic (which it then refuses),
    so a client that prefers Basic over Digest fails, as it would with many real cameras."""
    basic = f'Basic realm="{REALM}"'
    if not digest:
        return [basic]
    params = f'realm="{REALM}", nonce="{nonces.issue()}", algorithm=MD5'
    if qop:
        params += ', qop="auth", opaque="5ccc069c403ebaf9"'
    return ["Digest " + params, basic]


def authorized(
    header: str | None,
    *,
    digest: bool,
    method: str,
    uri: str,
    username: str,
    password: str,
    nonces: NonceIssuer,
) -> bool:
    """Whether ``header`` (the request's Authorization value) proves the camera's credentials.

    ``uri`` is the request-target exactly as on the request line.
    """
    if not header:
        return False
    if not digest:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, _, pw = decoded.partition(":")
        return hmac.compare_digest(f"{user}:{pw}".encode(), f"{username}:{password}".encode())
    parsed = parse_challenges([header])
    if not parsed or parsed[0].scheme != "digest":
        return False
    p = parsed[0].params
    required = ("username", "realm", "nonce", "uri", "response")
    if any(k not in p for k in required) or p["username"] != username or p["realm"] != REALM:
        return False
    if p["uri"] != uri or not nonces.valid(p["nonce"]):
        return False
    try:
        expected = digest_response(
            algorithm=p.get("algorithm", "MD5"),
            username=username,
            realm=REALM,
            password=password,
            method=method,
            uri=p["uri"],
            nonce=p["nonce"],
            qop=p.get("qop"),
            nc=p.get("nc", ""),
            cnonce=p.get("cnonce", ""),
        )
    except KeyError:  # an algorithm we do not know
        return False
    return hmac.compare_digest(expected, p["response"].lower())
