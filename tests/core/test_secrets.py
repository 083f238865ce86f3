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


#: Passwords a reviewer used to break masking: unencoded URL delimiters, spaces, non-ASCII.
NASTY_PASSWORDS = ("Sup3r?Secret", "a#b#c", "p@ss@word", "sl/ash/pw", "100%sure", "co:lo:n", "with space",
                   "kata-sandi-ñé漢字", "?#@/%: mix")  # fmt: skip


@pytest.mark.parametrize("password", NASTY_PASSWORDS)
def test_mask_url_hides_passwords_with_unencoded_delimiters(password: str) -> None:
    for url in (f"rtsp://admin:{password}@10.0.0.9:554/ch1", f"http://admin:{password}@cam.local/v?x=1"):
        masked = mask_url(url)
        assert password not in masked
        assert masked.startswith(url.split("//")[0] + "//admin:***@")


@pytest.mark.parametrize("password", NASTY_PASSWORDS)
def test_catalog_passwords_are_registered_with_every_log_filter(password: str) -> None:
    """Loading a catalog registers its passwords (also from ${VAR}): any log text is masked."""
    from viewer.core.catalog import catalog_from_text
    from viewer.core.csv_import import escape_catalog_text
    from viewer.core.secrets import registered_secrets

    env_password = "env-" + password
    text = (
        "version: 1\ndistricts:\n  - {id: d, name: D}\ncameras:\n"
        f"  - {{id: a, name: A, district: d, url: 'rtsp://h/a', password: '{escape_catalog_text(password)}'}}\n"
        "  - {id: b, name: B, district: d, url: 'rtsp://h/b', password: '${FUZZ_ENV_PW}'}\n"
    )
    catalog = catalog_from_text(text, "r.yaml", {"FUZZ_ENV_PW": env_password})
    assert catalog.camera("a").password == password and catalog.camera("b").password == env_password
    assert {password, env_password} <= registered_secrets()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter())  # a fresh filter: the registry is process-wide
    logger = logging.getLogger("test_secrets.registered")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("camera said %r then %s", password, env_password)
    finally:
        logger.removeHandler(handler)
    assert password not in stream.getvalue() and env_password not in stream.getvalue()
    assert "camera said '***' then ***" in stream.getvalue()


def test_malformed_url_in_catalog_is_masked_and_its_password_registered() -> None:
    from viewer.core.catalog import catalog_from_text
    from viewer.core.catalog_model import CatalogError
    from viewer.core.secrets import registered_secrets

    text = ("version: 1\ndistricts:\n  - {id: d, name: D}\ncameras:\n"
            "  - {id: a, name: A, district: d, url: 'rtsp://admin:Sup3r?Secret@10.0.0.9/x'}\n")  # fmt: skip
    with pytest.raises(CatalogError) as caught:
        catalog_from_text(text, "m.yaml", {})
    assert "Sup3r" not in str(caught.value) and "Secret" not in str(caught.value)
    assert "Sup3r?Secret" in registered_secrets()


def test_many_registered_secrets_mask_fast() -> None:
    """A 50,000-camera catalog with its own password per camera: a log line stays cheap."""
    import time

    secrets = frozenset(f"pw-{n:06d}-x" for n in range(50_000))
    line = "camera cam-012345 at http://10.1.2.3/x: refused; pw-004711-x leaked? " * 2
    assert mask_secret(line, secrets).count("***") == 2
    started = time.process_time()
    for _ in range(200):
        mask_secret(line, secrets)
    assert (time.process_time() - started) / 200 < 0.005  # CPU seconds per line
