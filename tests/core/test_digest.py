"""Challenge parsing and Basic/Digest answers (pure logic, no I/O)."""

from __future__ import annotations

from viewer.core.digest import (
    Authorizer,
    Challenge,
    basic_authorization,
    choose_challenge,
    digest_response,
    parse_challenges,
)


def test_rfc2617_digest_vector():
    response = digest_response(
        algorithm="MD5",
        username="Mufasa",
        realm="testrealm@host.com",
        password="Circle Of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093",
        qop="auth",
        nc="00000001",
        cnonce="0a4f113b",
    )
    assert response == "6629fae49393a05397450978507c4ef1"


def test_rfc7616_sha256_vector():
    response = digest_response(
        algorithm="SHA-256",
        username="Mufasa",
        realm="http-auth@example.org",
        password="Circle of Life",
        method="GET",
        uri="/dir/index.html",
        nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
        qop="auth",
        nc="00000001",
        cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
    )
    assert response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"


def test_several_challenges_in_one_header_and_across_headers():
    challenges = parse_challenges(
        [
            'Basic realm="cam", Digest realm="cam, inc", nonce="abc", qop="auth,auth-int"',
            'Digest realm="x", nonce="n2", algorithm=SHA-256, stale=TRUE',
        ]
    )
    assert [c.scheme for c in challenges] == ["basic", "digest", "digest"]
    assert challenges[1].params == {"realm": "cam, inc", "nonce": "abc", "qop": "auth,auth-int"}
    assert challenges[2].params["algorithm"] == "SHA-256"
    assert challenges[2].params["stale"] == "TRUE"


def test_quoted_values_with_escapes_and_spaces_around_equals():
    (challenge,) = parse_challenges(['Digest realm = "a \\"quoted\\" realm" , nonce=xyz'])
    assert challenge.params == {"realm": 'a "quoted" realm', "nonce": "xyz"}


def test_prefers_digest_sha256_then_md5_over_basic():
    basic = Challenge("basic", {"realm": "r"})
    md5 = Challenge("digest", {"realm": "r", "nonce": "n"})
    sha = Challenge("digest", {"realm": "r", "nonce": "n", "algorithm": "SHA-256"})
    unknown = Challenge("negotiate", {})
    assert choose_challenge([basic, md5]) is md5
    assert choose_challenge([basic, md5, sha]) is sha
    assert choose_challenge([unknown, basic]) is basic
    assert choose_challenge([unknown]) is None
    assert choose_challenge([Challenge("digest", {"realm": "r"})]) is None  # no nonce


def test_basic_header():
    assert basic_authorization("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="


def test_authorizer_counts_nonces_and_answers_with_qop():
    challenge = Challenge("digest", {"realm": "r", "nonce": "n", "qop": "auth", "opaque": "o"})
    auth = Authorizer(challenge, "user", "pw", cnonce_factory=lambda: "c0ffee")
    first = parse_challenges([auth.header("DESCRIBE", "rtsp://h/x")])[0].params
    second = parse_challenges([auth.header("DESCRIBE", "rtsp://h/x")])[0].params
    assert (first["nc"], second["nc"]) == ("00000001", "00000002")
    assert first["opaque"] == "o" and first["qop"] == "auth" and first["cnonce"] == "c0ffee"
    expected = digest_response(
        algorithm="MD5", username="user", realm="r", password="pw", method="DESCRIBE",
        uri="rtsp://h/x", nonce="n", qop="auth", nc="00000001", cnonce="c0ffee",
    )  # fmt: skip
    assert first["response"] == expected


def test_authorizer_without_qop_sends_no_nc_and_no_password():
    auth = Authorizer(Challenge("digest", {"realm": "r", "nonce": "n"}), "user", "hunter2")
    header = auth.header("OPTIONS", "rtsp://h/x")
    params = parse_challenges([header])[0].params
    assert "nc" not in params and "qop" not in params and "cnonce" not in params
    assert params["response"] == digest_response(
        algorithm="MD5", username="user", realm="r", password="hunter2",
        method="OPTIONS", uri="rtsp://h/x", nonce="n",
    )  # fmt: skip
    assert "hunter2" not in header
