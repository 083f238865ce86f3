"""Password masking in URLs, free text and log records."""

from __future__ import annotations

import io
import logging

import pytest

from viewer.core.secrets import SecretFilter, mask_secret, mask_url, mask_urls_in_text


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("rtsp://user:pw@host/x", "rtsp://user:***@host/x"),
        (
            "rtsp://admin:p%40ss@10.0.0.1:554/Streaming/Channels/101",
            "rtsp://admin:***@10.0.0.1:554/Streaming/Channels/101",
        ),
        ("rtsp://:pw@host", "rtsp://:***@host"),
        ("rtsp://admin:pa@ss@host/x", "rtsp://admin:***@host/x"),  # unencoded @ in the password
        ("rtsp://admin:pa/ss@host/x", "rtsp://admin:***@host/x"),  # unencoded / in the password
        ("http://u:p@h/x?user=a&password=secret&b=1", "http://u:***@h/x?user=a&password=***&b=1"),
        ("http://h/snap.cgi?pwd=abc", "http://h/snap.cgi?pwd=***"),
        ("http://h/x?a=1&PASS=abc#frag", "http://h/x?a=1&PASS=***#frag"),
        ("http://h/x?token=t0k", "http://h/x?token=***"),
        ("rtsp://admin:1234/5678@host/x", "rtsp://admin:***@host/x"),  # looks like a port, masked anyway
    ],
)
def test_mask_url_hides_passwords(url: str, masked: str) -> None:
    assert mask_url(url) == masked


@pytest.mark.parametrize(
    "url",
    [
        "rtsp://10.0.0.1:554/Streaming/Channels/101",
        "rtsp://user@host/x",  # a user without password stays
        "file:///var/video/a.ts",
        "not a url at all",
        "",
    ],
)
def test_mask_url_leaves_urls_without_secrets_alone(url: str) -> None:
    assert mask_url(url) == url


def test_mask_urls_in_free_text() -> None:
    text = "open rtsp://a:s3cret@10.0.0.1/x failed; retry 'http://b:hunter2@h/y?pass=zz' later"
    masked = mask_urls_in_text(text)
    assert masked == "open rtsp://a:***@10.0.0.1/x failed; retry 'http://b:***@h/y?pass=***' later"


def test_mask_secret_replaces_known_secrets_and_their_encoded_form() -> None:
    text = "pw=p@ss:1 url=rtsp://u:p%40ss%3A1@h short=ab"
    assert mask_secret(text, ["p@ss:1", "", "ab"]) == "pw=*** url=rtsp://u:***@h short=***"
    assert mask_secret("nothing here", []) == "nothing here"


def test_secret_filter_masks_messages_args_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    secret_filter = SecretFilter(["catalog-pw"])
    handler.addFilter(secret_filter)
    logger = logging.getLogger("test_secrets.filter")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        logger.info("opening %s as %s", "rtsp://cam:s3cret@10.0.0.1/x", "viewer")
        logger.info("password is %s", "catalog-pw")
        secret_filter.add_secrets(["added-later"])
        try:
            raise RuntimeError("connect http://u:tracepw@h/x with added-later")
        except RuntimeError:
            logger.exception("failed")
        logger.info("plain %d", 5)
    finally:
        logger.removeHandler(handler)
    output = stream.getvalue()
    for secret in ("s3cret", "catalog-pw", "tracepw", "added-later"):
        assert secret not in output
    assert "opening rtsp://cam:***@10.0.0.1/x as viewer" in output
    assert "password is ***" in output
    assert "RuntimeError: connect http://u:***@h/x with ***" in output
    assert "plain 5" in output
