"""Catalog loading and validation: the format, every error with its file and line, includes."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest

from viewer.core.catalog import LOW_FPS_STALL_TIMEOUT_S, catalog_from_text, catalog_summary, load_catalog
from viewer.core.catalog_model import Camera, CatalogError, insert_credentials
from viewer.core.yaml_lines import HAVE_LIBYAML

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "resources" / "samples"
SCHEMA = REPO / "resources" / "catalog.schema.json"

MINIMUM = """\
version: 1
districts:
  - id: semarang-tengah
    name: Semarang Tengah
cameras:
  - id: smg-tgh-0001
    name: Simpang Lima Utara
    district: semarang-tengah
    url: rtsp://10.20.1.15:554/Streaming/Channels/101
    substream: rtsp://10.20.1.15:554/Streaming/Channels/102   # optional: used in grids
    username: viewer            # optional
    password: ${SMG_CAM_PASS}   # optional; ${VAR} expands from the environment in any string
    group: ATCS                 # optional free text (ATCS, CCTV RT, Pasar, Pompa Air ...)
tours:
  - id: patroli-malam
    name: Patroli malam
    dwell_s: 20
    steps: [semarang-tengah, semarang-utara]   # district ids
"""

HEAD = """\
version: 1
districts:
  - id: d1
    name: District One
  - id: d2
    name: District Two
cameras:
"""  # cameras start on line 8


def load(body: str, env: dict[str, str] | None = None):
    return catalog_from_text(HEAD + textwrap.dedent(body), "cat.yaml", env or {})


def errors(body: str, env: dict[str, str] | None = None, *, head: str = HEAD) -> list[str]:
    with pytest.raises(CatalogError) as info:
        catalog_from_text(head + textwrap.dedent(body), "cat.yaml", env or {})
    issues = [str(issue) for issue in info.value.issues]
    assert str(info.value) == "\n".join(issues)
    return issues


def camera_yaml(ident: str = "c1", district: str = "d1", url: str = "rtsp://10.0.0.1/ch1", **extra: str) -> str:
    fields = {"id": ident, "name": f"Camera {ident}", "district": district, "url": url, **extra}
    lines = [f"    {key}: {value}" for key, value in fields.items()]
    return "  - " + "\n".join(lines)[4:] + "\n"


# -- the format -------------------------------------------------------------------------------


def test_minimum_example_is_accepted_exactly_as_written(tmp_path: Path) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text(MINIMUM, encoding="utf-8")
    catalog = load_catalog(path, env={"SMG_CAM_PASS": "rahasia"})
    (camera,) = catalog.cameras
    assert camera.id == "smg-tgh-0001"
    assert camera.name == "Simpang Lima Utara"
    assert camera.url == "rtsp://10.20.1.15:554/Streaming/Channels/101"
    assert camera.grid_url() == "rtsp://10.20.1.15:554/Streaming/Channels/102"
    assert (camera.username, camera.password, camera.group) == ("viewer", "rahasia", "ATCS")
    assert camera.source is not None and (camera.source.file, camera.source.line) == (str(path), 6)
    assert catalog.district("semarang-tengah").name == "Semarang Tengah"
    (tour,) = catalog.tours
    assert (tour.id, tour.name, tour.dwell_s) == ("patroli-malam", "Patroli malam", 20.0)
    # semarang-utara is not defined in the minimum: a warning with the line, and the step is skipped
    assert tour.steps == ("semarang-tengah",)
    assert [str(w) for w in catalog.warnings] == [
        f"{path}:18: warning: tour 'patroli-malam' step: unknown district 'semarang-utara' "
        "(did you mean 'semarang-tengah'?); step skipped (a saved view is 'view:NAME')"
    ]


def test_camera_url_properties_and_defaults() -> None:
    body = (
        camera_yaml("a", url="rtsp://10.0.0.1/x")
        + camera_yaml("b", url="rtsps://cam.example/x")
        + camera_yaml("c", url="http://10.0.0.3:8080/live.m3u8")
        + camera_yaml("d", url="HTTPS://Cam.Example/live/index.m3u8")
        + camera_yaml("e", url="file:///var/video/demo.ts")
    )
    catalog = load(body)
    got = [(c.scheme, c.host, c.port) for c in catalog.cameras]
    assert got == [
        ("rtsp", "10.0.0.1", 554),
        ("rtsps", "cam.example", 322),
        ("http", "10.0.0.3", 8080),
        ("https", "cam.example", 443),
        ("file", "", None),
    ]
    camera = catalog.camera("a")
    assert camera.substream is None and camera.grid_url() == camera.url
    assert camera.enabled and camera.stall_timeout_s is None and camera.notes == ""


def test_password_is_never_in_repr() -> None:
    camera = Camera("c", "C", "d", "rtsp://h/x", username="u", password="s3cr3t-pw")
    assert "s3cr3t-pw" not in repr(camera)
    catalog = load(camera_yaml(password="s3cr3t-pw"))
    assert "s3cr3t-pw" not in repr(catalog)


def test_optional_camera_keys() -> None:
    body = (
        camera_yaml("a", enabled="false", notes="tiang miring")
        + camera_yaml("b", low_fps="true")
        + camera_yaml("c", low_fps="true", stall_timeout_s="12.5")
        + camera_yaml("d", stall_timeout_s="40")
    )
    catalog = load(body)
    a, b, c, d = catalog.cameras
    assert (a.enabled, a.notes) == (False, "tiang miring")
    assert (b.low_fps, b.stall_timeout_s) == (True, LOW_FPS_STALL_TIMEOUT_S)
    assert c.stall_timeout_s == 12.5
    assert (d.low_fps, d.stall_timeout_s) == (False, 40.0)


def test_values_are_read_as_written() -> None:
    body = """\
      - id: 0012
        name: 1.50
        district: d1
        url: rtsp://10.0.0.1/x
        username: no
        password: 0777
    """
    camera = load(body).cameras[0]
    assert (camera.id, camera.name, camera.username, camera.password) == ("0012", "1.50", "no", "0777")


def test_catalog_lookups_groups_and_order() -> None:
    body = (
        camera_yaml("a", "d2", group="ATCS")
        + camera_yaml("b", "d1", group="Pasar")
        + camera_yaml("c", "d2", group="ATCS", enabled="false")
        + camera_yaml("d", "d2")
    )
    catalog = load(body)
    assert [c.id for c in catalog.cameras_in("d2")] == ["a", "d"]
    assert [c.id for c in catalog.cameras_in("d2", include_disabled=True)] == ["a", "c", "d"]
    assert catalog.cameras_in("d1")[0].id == "b"
    assert catalog.groups() == {"ATCS": 2, "Pasar": 1}
    assert catalog.camera("c").enabled is False
    with pytest.raises(KeyError):
        catalog.camera("zz")
    with pytest.raises(KeyError):
        catalog.district("zz")
    with pytest.raises(KeyError):
        catalog.cameras_in("zz")


def test_tour_steps_accept_saved_views() -> None:
    text = HEAD + camera_yaml() + "tours:\n  - {id: t, name: T, dwell_s: 7.5, steps: [d2, 'view:Banjir', d1]}\n"
    tour = catalog_from_text(text, "cat.yaml", {}).tour("t")
    assert (tour.dwell_s, tour.steps) == (7.5, ("d2", "view:Banjir", "d1"))


def test_x_keys_and_merge_keys() -> None:
    text = """\
version: 1
x-defaults: &hik
  username: viewer
  group: ATCS
districts: [{id: d1, name: D}]
cameras:
  - id: a
    name: A
    district: d1
    url: rtsp://10.0.0.1/x
    <<: *hik
  - id: b
    name: B
    district: d1
    url: rtsp://10.0.0.2/x
    group: Pasar
    <<: *hik
"""
    catalog = catalog_from_text(text, "cat.yaml", {})
    a, b = catalog.cameras
    assert (a.username, a.group) == ("viewer", "ATCS")
    assert (b.username, b.group) == ("viewer", "Pasar")
    assert catalog.warnings == ()


def test_summarize_mentions_counts_schemes_groups_tours() -> None:
    catalog = load_catalog(SAMPLES / "sample-city.yaml", env={})
    text = catalog_summary(catalog)
    assert "12 cameras (1 disabled) in 3 districts, 1 tour" in text
    assert "rtsp 7" in text and "file 1" in text
    assert "ATCS 7" in text
    assert "semarang-utara" in text and "patroli-malam" in text


# -- credentials and ${VAR} ---------------------------------------------------------------------


def test_userinfo_is_removed_and_percent_decoded() -> None:
    camera = load(camera_yaml(url="rtsp://admin%40pos:p%40ss%3Aw%2Frd@10.0.0.1:554/ch1")).cameras[0]
    assert camera.url == "rtsp://10.0.0.1:554/ch1"
    assert (camera.username, camera.password) == ("admin@pos", "p@ss:w/rd")
    assert insert_credentials(camera.url, camera.username, camera.password) == "rtsp://admin%40pos:p%40ss%3Aw%2Frd@10.0.0.1:554/ch1"


@pytest.mark.parametrize(("url", "username", "password", "expected"), [
    ("rtsp://10.0.0.1:554/ch1", "admin", "", "rtsp://admin:@10.0.0.1:554/ch1"),  # an empty password is sent
    ("rtsp://10.0.0.1:554/ch1", "admin", None, "rtsp://admin@10.0.0.1:554/ch1"),  # no password at all
    ("rtsp://10.0.0.1:554/ch1", None, None, "rtsp://10.0.0.1:554/ch1"),
    ("rtsp://old:pw@10.0.0.1/ch1", "new", "p?#@", "rtsp://new:p%3F%23%40@10.0.0.1/ch1"),  # replaces userinfo
    ("http://[fe80::1]:8080/live.ts?ch=1#x", "u", "p", "http://u:p@[fe80::1]:8080/live.ts?ch=1#x"),
    ("rtsp://cam.example:554?x=a@b", "u", "p", "rtsp://u:p@cam.example:554?x=a@b"),  # "@" after the host
])
def test_insert_credentials_keeps_the_url_and_encodes_the_login(url, username, password, expected) -> None:
    assert insert_credentials(url, username, password) == expected


def test_explicit_fields_win_over_userinfo_each_on_its_own() -> None:
    body = (
        camera_yaml("a", url="rtsp://u1:p1@10.0.0.1/x", username="field-user", password="field-pw")
        + camera_yaml("b", url="rtsp://u2:p2@10.0.0.2/x", password="field-pw")
        + camera_yaml("c", url="rtsp://10.0.0.3/x", substream="rtsp://su:sp@10.0.0.3/sub")
        + camera_yaml("d", url="rtsp://mu@10.0.0.4/x", substream="rtsp://su:sp@10.0.0.4/sub")
    )
    a, b, c, d = load(body).cameras
    assert (a.username, a.password, a.url) == ("field-user", "field-pw", "rtsp://10.0.0.1/x")
    assert (b.username, b.password) == ("u2", "field-pw")
    assert (c.username, c.password, c.substream) == ("su", "sp", "rtsp://10.0.0.3/sub")
    assert (d.username, d.password) == ("mu", "sp")


def test_var_expansion_in_any_string_and_escape() -> None:
    body = camera_yaml(
        name="'Kamera ${AREA}'",
        url="rtsp://${NVR}:554/ch1",
        password="${PW}",
        notes="'costs $$5, literal $${NOT_A_VAR}'",
    )
    env = {"AREA": "Johar", "NVR": "10.9.9.9", "PW": "pa$${x}"}
    camera = load(body, env).cameras[0]
    assert camera.name == "Kamera Johar"
    assert camera.url == "rtsp://10.9.9.9:554/ch1"
    assert camera.password == "pa$${x}"  # values from the environment are not expanded again
    assert camera.notes == "costs $$5, literal ${NOT_A_VAR}"


def test_unset_variable_is_an_error_naming_it_and_the_line() -> None:
    assert errors(camera_yaml(password="${SMG_CAM_PASS}")) == [
        "cat.yaml:12: camera 'c1': 'password': environment variable SMG_CAM_PASS is not set"
    ]


def test_malformed_variable_references() -> None:
    issues = errors(camera_yaml(notes="'${1BAD}'") + camera_yaml("c2", notes="'open ${X'"))
    assert issues[0].startswith("cat.yaml:12: camera 'c1': 'notes': invalid variable name '1BAD'")
    assert issues[1].startswith("cat.yaml:17: camera 'c2': 'notes': unterminated '${'")


# -- every error, with file and line ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 1\ncameras:\n  - id: a\n    name: [x\n", "cat.yaml:4: YAML syntax error: "),
        ("version: 1\n  bad indent: x\n", "cat.yaml:2: YAML syntax error: "),
        ("", "cat.yaml:1: empty file"),
        ("# only a comment\n", "cat.yaml:1: empty file"),
        ("[1, 2]\n", "cat.yaml:1: expected a mapping (version, districts, cameras, ...) at the top, not a list"),
        ('"just a string"\n', "cat.yaml:1: expected a mapping (version, districts, cameras, ...) at the top, not text"),
        ("version: 2\n", "cat.yaml:1: unsupported catalog version 2"),
        ("districts: []\nversion: '1'\n", "cat.yaml:2: unsupported catalog version '1'"),
        ("version: 1\ncameras: {id: a}\n", "cat.yaml:2: 'cameras' must be a list"),
        ("version: 1\ndistricts:\n  - just-an-id\n", "cat.yaml:3: each entry of 'districts' must be a mapping"),
        ("version: 1\nversion: 1\n", "cat.yaml:2: duplicate key 'version' (first at line 1)"),
        ("version: 1\na: !secret x\n", "cat.yaml:2: YAML syntax error: unsupported YAML tag '!secret'"),
        ("version: 1\ninclude: {a: b}\n", "cat.yaml:2: 'include' must be a path or a list of paths"),
    ],
)
def test_document_level_errors(text: str, expected: str) -> None:
    issues = errors(text, head="")
    assert issues[0].startswith(expected), issues


def test_binary_bytes_are_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "garbage.yaml"
    path.write_bytes(b"version: 1\n\xff\xfe\x00\x01garbage")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, env={})
    assert str(info.value) == f"{path}:2: not UTF-8 text (byte 0xff); save the file as UTF-8"
    path.write_bytes(b"version: 1\nx: \x00\x01\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(path, env={})
    assert str(info.value).startswith(f"{path}:2: YAML syntax error: unreadable character 0x0")


def test_missing_or_unreadable_root_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path / "nope.yaml")
    assert str(info.value) == f"{tmp_path / 'nope.yaml'}: cannot read catalog: No such file or directory"
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert str(info.value).startswith(f"{tmp_path}: cannot read catalog: ")


def test_duplicate_camera_ids_name_both_lines() -> None:
    assert errors(camera_yaml("same") + camera_yaml("same", url="rtsp://10.0.0.2/x")) == [
        "cat.yaml:12: duplicate camera id 'same' (first defined at cat.yaml:8)"
    ]


def test_duplicate_district_and_tour_ids() -> None:
    text = (
        "version: 1\ndistricts:\n  - {id: d1, name: A}\n  - {id: d1, name: B}\n"
        "tours:\n  - {id: t, name: T, dwell_s: 5, steps: [d1]}\n  - {id: t, name: T, dwell_s: 5, steps: [d1]}\n"
    )
    assert errors(text, head="") == [
        "cat.yaml:4: duplicate district id 'd1' (first defined at cat.yaml:3)",
        "cat.yaml:7: duplicate tour id 't' (first defined at cat.yaml:6)",
    ]


def test_unknown_district_in_camera_is_an_error_at_the_district_line() -> None:
    assert errors(camera_yaml(district="d22")) == [
        "cat.yaml:10: camera 'c1': unknown district 'd22' (did you mean 'd2'?)"
    ]
    assert errors(camera_yaml(district="kota")) == ["cat.yaml:10: camera 'c1': unknown district 'kota'"]


def test_unknown_district_in_tour_step_is_a_warning_and_all_unknown_is_an_error() -> None:
    tours = "tours:\n  - id: t\n    name: T\n    dwell_s: 5\n    steps:\n      - d1\n      - nowhere\n"
    catalog = catalog_from_text(HEAD + camera_yaml() + tours, "cat.yaml", {})
    assert catalog.tour("t").steps == ("d1",)
    assert [w.line for w in catalog.warnings] == [18]
    assert "unknown district 'nowhere'" in str(catalog.warnings[0])
    bad = tours.replace("      - d1\n", "")
    assert errors(camera_yaml() + bad) == ["cat.yaml:13: tour 't': none of its steps is a known district"]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("  - name: X\n    district: d1\n    url: rtsp://h/x\n", "cat.yaml:8: camera: missing 'id'"),
        ("  - id: a\n    district: d1\n    url: rtsp://h/x\n", "cat.yaml:8: camera 'a': missing 'name'"),
        ("  - id: a\n    name: ''\n    district: d1\n    url: rtsp://h/x\n", "cat.yaml:9: camera 'a': 'name' is empty"),
        ("  - id: a\n    name: A\n    url: rtsp://h/x\n", "cat.yaml:8: camera 'a': missing 'district'"),
        ("  - id: a\n    name: A\n    district: d1\n", "cat.yaml:8: camera 'a': missing 'url'"),
        (
            camera_yaml(url="udp://10.0.0.1:1234"),
            "cat.yaml:11: camera 'c1': bad 'url' 'udp://10.0.0.1:1234': unsupported scheme 'udp'",
        ),
        (
            camera_yaml(url="10.0.0.1/stream"),
            "cat.yaml:11: camera 'c1': bad 'url' '10.0.0.1/stream': URL has no scheme://",
        ),
        (
            camera_yaml(url="rtsp://10.0.0.1:99999/x"),
            "cat.yaml:11: camera 'c1': bad 'url' 'rtsp://10.0.0.1:99999/x': invalid port",
        ),
        (
            camera_yaml(url="rtsp://10.0.0.1:abc/x"),
            "cat.yaml:11: camera 'c1': bad 'url' 'rtsp://10.0.0.1:abc/x': invalid port",
        ),
        (camera_yaml(url="rtsp:///x"), "cat.yaml:11: camera 'c1': bad 'url' 'rtsp:///x': URL has no host"),
        (camera_yaml(url="'http://[::1/x'"), "cat.yaml:11: camera 'c1': bad 'url' 'http://[::1/x': Invalid IPv6 URL"),
        (
            camera_yaml(url="'rtsp://h/with space'"),
            "cat.yaml:11: camera 'c1': bad 'url' 'rtsp://h/with space': URL is empty or contains spaces",
        ),
        (
            camera_yaml(substream="ftp://h/x"),
            "cat.yaml:12: camera 'c1': bad 'substream' 'ftp://h/x': unsupported scheme 'ftp'",
        ),
        (camera_yaml(enabled="'no'"), "cat.yaml:12: camera 'c1': 'enabled' must be true or false, not 'no'"),
        (camera_yaml(enabled="2"), "cat.yaml:12: camera 'c1': 'enabled' must be true or false, not '2'"),
        (camera_yaml(low_fps="[1]"), "cat.yaml:12: camera 'c1': 'low_fps' must be true or false, not a list"),
        (
            camera_yaml(stall_timeout_s="-3"),
            "cat.yaml:12: camera 'c1': 'stall_timeout_s' must be a positive number of seconds, not '-3'",
        ),
        (camera_yaml(name="{a: 1}"), "cat.yaml:9: camera 'c1': 'name' must be text, not a mapping"),
    ],
)
def test_camera_errors(body: str, expected: str) -> None:
    issues = errors(body)
    assert issues[0].startswith(expected), issues


def test_password_never_appears_in_url_errors() -> None:
    issues = errors(camera_yaml(url="rtsp://admin:hunter2@10.0.0.1:abc/x"))
    assert "hunter2" not in "\n".join(issues)
    assert "admin:***@" in issues[0]
    issues = errors(camera_yaml(url="rtsp://admin:pa/ss@10.0.0.1/x"))  # '/' unencoded in the password
    assert "pa/ss" not in issues[0] and "percent-encoded" in issues[0]
    issues = errors(camera_yaml(url="rtsp://admin:1234/5678@10.0.0.1/x"))  # parses as host admin, port 1234
    assert "5678" not in issues[0] and "'@' after the host" in issues[0]


@pytest.mark.parametrize(
    ("dwell", "expected"),
    [
        ("0", "not '0'"),
        ("-5", "not '-5'"),
        ("twenty", "not 'twenty'"),
        ("true", "not 'true'"),
        (".inf", "not '.inf'"),
        ("[20]", "not a list"),
    ],
)
def test_dwell_s_must_be_a_positive_number(dwell: str, expected: str) -> None:
    tours = f"tours:\n  - id: t\n    name: T\n    dwell_s: {dwell}\n    steps: [d1]\n"
    assert errors(camera_yaml() + tours) == [
        f"cat.yaml:15: tour 't': 'dwell_s' must be a positive number of seconds, {expected}"
    ]


def test_tour_shape_errors() -> None:
    tours = "tours:\n  - id: t\n    name: T\n    steps: []\n  - {id: u, name: U, dwell_s: 3, steps: ['view:']}\n"
    assert errors(camera_yaml() + tours) == [
        "cat.yaml:13: tour 't': missing 'dwell_s' (a positive number of seconds)",
        "cat.yaml:15: tour 't': 'steps' must be a non-empty list of district ids (or 'view:NAME')",
        "cat.yaml:16: tour 'u': step 'view:' names no view",
    ]


def test_district_errors() -> None:
    text = "version: 1\ndistricts:\n  - id: view:x\n    name: X\n  - name: No Id\n  - id: d9\n"
    assert errors(text, head="") == [
        "cat.yaml:3: district 'view:x': a district id must not start with 'view:'",
        "cat.yaml:5: district: missing 'id'",
        "cat.yaml:6: district 'd9': missing 'name'",
    ]


def test_unknown_keys_are_warnings_with_a_hint() -> None:
    text = HEAD + camera_yaml(pasword="x", colour="red") + "extra_top: 1\n"
    catalog = catalog_from_text(text, "cat.yaml", {})
    assert [str(w) for w in catalog.warnings] == [
        "cat.yaml:12: warning: unknown key 'pasword' in camera (did you mean 'password'?); ignored",
        "cat.yaml:13: warning: unknown key 'colour' in camera; ignored",
        "cat.yaml:14: warning: unknown key 'extra_top' in top level; ignored",
    ]
    assert catalog.cameras[0].password is None


def test_missing_version_is_a_warning() -> None:
    catalog = catalog_from_text("districts: [{id: d, name: D}]\n", "cat.yaml", {})
    assert [str(w) for w in catalog.warnings] == ["cat.yaml:1: warning: no 'version: 1' at the top; assuming version 1"]


def test_every_error_is_reported_not_just_the_first() -> None:
    body = (
        camera_yaml("a", url="udp://x")
        + camera_yaml("a")
        + camera_yaml("b", district="nowhere")
        + camera_yaml("c", enabled="maybe", password="${UNSET}")
    )
    lines = [issue.split(":")[1] for issue in errors(body)]
    assert lines == ["11", "12", "18", "24", "25"]


def test_same_url_twice_is_a_warning() -> None:
    catalog = load(camera_yaml("a") + camera_yaml("b"))
    assert [str(w) for w in catalog.warnings] == [
        "cat.yaml:15: warning: camera 'b': same url as camera 'a' (cat.yaml:8)"
    ]


# -- includes ---------------------------------------------------------------------------------


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_include_with_glob_nested_and_relative(tmp_path: Path) -> None:
    root = write(
        tmp_path / "catalog.yaml", "version: 1\ninclude: [districts/*.yaml]\ndistricts: [{id: top, name: Top}]\n"
    )
    write(
        tmp_path / "districts" / "b.yaml",
        "districts: [{id: b, name: B}]\ncameras:\n" + camera_yaml("b1", "b", url="rtsp://10.0.0.2/x"),
    )
    write(
        tmp_path / "districts" / "a.yaml",
        "include: ../more/extra.yaml\ndistricts: [{id: a, name: A}]\ncameras:\n" + camera_yaml("a1", "top"),
    )
    write(tmp_path / "more" / "extra.yaml", "cameras:\n" + camera_yaml("x1", "b", url="rtsp://10.0.0.9/x"))
    catalog = load_catalog(root, env={})
    assert [d.id for d in catalog.districts] == ["top", "a", "b"]
    assert [c.id for c in catalog.cameras] == ["a1", "x1", "b1"]
    source = catalog.camera("x1").source
    assert source is not None
    assert (source.file, source.line) == (str(tmp_path / "more" / "extra.yaml"), 2)
    assert catalog.warnings == ()


def test_errors_in_included_files_name_that_file(tmp_path: Path) -> None:
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude:\n  - d/one.yaml\ndistricts: [{id: d1, name: D}]\n")
    write(tmp_path / "d" / "one.yaml", "cameras:\n" + camera_yaml("c", url="udp://x"))
    with pytest.raises(CatalogError) as info:
        load_catalog(root, env={})
    assert [str(i) for i in info.value.issues] == [
        f"{tmp_path / 'd' / 'one.yaml'}:5: camera 'c': bad 'url' 'udp://x': unsupported scheme 'udp' "
        "(supported: rtsp, rtsps, http, https, file)"
    ]


def test_duplicate_ids_across_files_name_both_files(tmp_path: Path) -> None:
    root = write(
        tmp_path / "catalog.yaml",
        "version: 1\ninclude: [a.yaml]\ndistricts: [{id: d1, name: D}]\ncameras:\n" + camera_yaml("dup"),
    )
    write(tmp_path / "a.yaml", "cameras:\n" + camera_yaml("dup", url="rtsp://10.0.0.2/x"))
    with pytest.raises(CatalogError) as info:
        load_catalog(root, env={})
    assert [str(i) for i in info.value.issues] == [
        f"{tmp_path / 'a.yaml'}:2: duplicate camera id 'dup' (first defined at {root}:5)"
    ]


def test_missing_include_and_empty_glob(tmp_path: Path) -> None:
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude:\n  - nope.yaml\n  - none/*.yaml\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(root, env={})
    assert [str(i) for i in info.value.issues] == [f"{root}:3: included file not found: {tmp_path / 'nope.yaml'}"]
    assert [str(w) for w in info.value.warnings] == [
        f"{root}:4: warning: include pattern 'none/*.yaml' matches no files"
    ]


def test_include_cycle_is_an_error(tmp_path: Path) -> None:
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude: [a.yaml]\n")
    write(tmp_path / "a.yaml", "include: [sub/b.yaml]\n")
    write(tmp_path / "sub" / "b.yaml", "districts: []\ninclude: ../catalog.yaml\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(root, env={})
    b = tmp_path / "sub" / "b.yaml"
    assert [str(i) for i in info.value.issues] == [
        f"{b}:2: include cycle: {root} -> {tmp_path / 'a.yaml'} -> {b} -> {tmp_path / 'catalog.yaml'}"
    ]


def test_self_include_is_a_cycle_but_a_glob_matching_itself_is_not(tmp_path: Path) -> None:
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude: catalog.yaml\n")
    with pytest.raises(CatalogError) as info:
        load_catalog(root, env={})
    assert "include cycle" in str(info.value)
    write(tmp_path / "catalog.yaml", "version: 1\ninclude: '*.yaml'\n")
    write(tmp_path / "other.yaml", "districts: [{id: o, name: O}]\n")
    assert [d.id for d in load_catalog(root, env={}).districts] == ["o"]


def test_file_included_twice_is_read_once(tmp_path: Path) -> None:
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude: [a.yaml, '*.yaml']\n")
    write(tmp_path / "a.yaml", "districts: [{id: a, name: A}]\n")
    catalog = load_catalog(root, env={})
    assert [d.id for d in catalog.districts] == ["a"]
    assert [w.line for w in catalog.warnings] == [2]
    assert "already included" in str(catalog.warnings[0])


def test_include_path_may_use_variables(tmp_path: Path) -> None:
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude: ['${SITE}/d.yaml']\n")
    write(tmp_path / "smg" / "d.yaml", "districts: [{id: a, name: A}]\n")
    assert load_catalog(root, env={"SITE": "smg"}).district("a").name == "A"


def test_large_catalog_split_over_16_include_files(tmp_path: Path) -> None:
    total, files = 4470, 16
    per_file = -(-total // files)
    made = 0
    for f in range(files):
        parts = [f"districts:\n  - id: d{f:02d}\n    name: Kecamatan {f}\ncameras:\n"]
        for i in range(min(per_file, total - made)):
            parts.append(
                f"  - id: cam-{made:05d}\n    name: Kamera {made}\n    district: d{f:02d}\n"
                f"    url: rtsp://10.{f}.{i // 250}.{i % 250}:554/Streaming/Channels/101\n"
                f"    substream: rtsp://10.{f}.{i // 250}.{i % 250}:554/Streaming/Channels/102\n"
                f"    username: viewer\n    password: ${{CAM_PASS}}\n    group: {'ATCS' if i % 3 else 'CCTV RT'}\n"
            )
            made += 1
        write(tmp_path / "districts" / f"d{f:02d}.yaml", "".join(parts))
    root = write(tmp_path / "catalog.yaml", "version: 1\ninclude: [districts/*.yaml]\n")
    catalog = load_catalog(root, env={"CAM_PASS": "pw"})
    assert len(catalog.cameras) == total and len(catalog.districts) == files
    assert sum(len(catalog.cameras_in(d.id)) for d in catalog.districts) == total
    assert len({c.id for c in catalog.cameras}) == total
    last = catalog.camera(f"cam-{total - 1:05d}")
    assert (last.district, last.password, last.host) == ("d15", "pw", "10.15.1.19")
    assert last.source is not None and last.source.file.endswith("d15.yaml")
    assert sum(catalog.groups().values()) == total
    assert catalog.warnings == ()


# -- samples, schema, robustness ---------------------------------------------------------------


def sample_catalogs() -> list[Path]:
    return sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*/catalog.yaml"))


@pytest.mark.parametrize("path", sample_catalogs(), ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_samples_load_without_warnings(path: Path) -> None:
    catalog = load_catalog(path, env={})
    assert catalog.cameras and catalog.tours
    assert catalog.warnings == ()


def _schema_keys(schema: dict, node: dict, value: object, path: str, undeclared: list[str]) -> None:
    """Walk ``value`` alongside the schema ``node`` and collect keys the schema does not declare."""
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        node = {**schema["$defs"][name], **{k: v for k, v in node.items() if k != "$ref"}}
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for key, item in value.items():
            if key in properties:
                _schema_keys(schema, properties[key], item, f"{path}.{key}", undeclared)
            elif not any(key.startswith("x-") for _ in node.get("patternProperties", {})):
                undeclared.append(f"{path}.{key}")
    elif isinstance(value, list) and "items" in node:
        for index, item in enumerate(value):
            _schema_keys(schema, node["items"], item, f"{path}[{index}]", undeclared)


def test_schema_declares_every_key_the_samples_use() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    import yaml

    undeclared: list[str] = []
    files = sorted(SAMPLES.rglob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        _schema_keys(schema, schema, yaml.safe_load(path.read_text(encoding="utf-8")), path.name, undeclared)
    assert undeclared == []
    # and the schema knows exactly the keys the loader knows
    from viewer.core import catalog as module

    assert set(schema["properties"]) == set(module.TOP_KEYS)
    assert set(schema["$defs"]["camera"]["properties"]) == set(module.CAMERA_KEYS)
    assert set(schema["$defs"]["district"]["properties"]) == set(module.DISTRICT_KEYS)
    assert set(schema["$defs"]["tour"]["properties"]) == set(module.TOUR_KEYS)


def test_mangled_catalogs_raise_only_catalog_error() -> None:
    original = (SAMPLES / "sample-city.yaml").read_text(encoding="utf-8")
    rng = random.Random(4470)
    alphabet = ":-[]{}&*!|>'\"%@#\t\n ${}"
    outcomes = {"loaded": 0, "rejected": 0}
    for _ in range(300):
        chars = list(original)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(chars))
            if rng.random() < 0.5:
                del chars[position]
            else:
                chars.insert(position, rng.choice(alphabet))
        try:
            catalog_from_text("".join(chars), "mangled.yaml", {})
            outcomes["loaded"] += 1
        except CatalogError as exc:
            assert exc.issues and all(i.file == "mangled.yaml" and i.line >= 1 for i in exc.issues)
            outcomes["rejected"] += 1
    assert outcomes["rejected"] > 50 and outcomes["loaded"] > 0


def test_libyaml_is_used_when_available() -> None:
    import yaml

    assert bool(getattr(yaml, "__with_libyaml__", False)) == HAVE_LIBYAML


def test_pure_python_yaml_loader_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    from viewer.core import yaml_lines

    with_libyaml = load_catalog(SAMPLES / "sample-city.yaml", env={})
    monkeypatch.setattr(yaml_lines, "_Loader", yaml.SafeLoader)
    assert load_catalog(SAMPLES / "sample-city.yaml", env={}) == with_libyaml
    assert errors(camera_yaml(url="udp://x"))[0].startswith("cat.yaml:11: camera 'c1': bad 'url'")
    assert errors("version: 1\ncameras:\n  - id: a\n    name: [x\n", head="")[0].startswith("cat.yaml:4: YAML syntax")


def test_lenient_load_keeps_the_good_entries_and_reports_the_broken_ones(tmp_path):
    from viewer.core.catalog import load_catalog
    from viewer.core.catalog_model import CatalogError

    path = tmp_path / "c.yaml"
    path.write_text(
        "version: 1\n"
        "districts:\n  - {id: a, name: A}\n"
        "cameras:\n"
        "  - {id: good, name: Good, district: a, url: 'http://127.0.0.1/x'}\n"
        "  - {id: nourl, name: No URL, district: a}\n"
        "  - {id: lost, name: Lost, district: nowhere, url: 'http://127.0.0.1/y'}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError):
        load_catalog(path)
    catalog = load_catalog(path, lenient=True)
    assert [c.id for c in catalog.cameras] == ["good"]
    texts = [str(w) for w in catalog.warnings]
    assert any(":6:" in t and "skipped" in t for t in texts), texts
    assert any(":7:" in t and "nowhere" in t for t in texts), texts


def test_lenient_load_still_fails_when_nothing_is_usable(tmp_path):
    from viewer.core.catalog import load_catalog
    from viewer.core.catalog_model import CatalogError

    path = tmp_path / "c.yaml"
    path.write_text("version: 1\ndistricts: [\n", encoding="utf-8")
    with pytest.raises(CatalogError):
        load_catalog(path, lenient=True)


def test_recorder_field_and_default_recorder_address() -> None:
    catalog = load("""\
        - {id: c1, name: One, district: d1, url: "rtsp://10.0.0.5/ch1"}
        - {id: c2, name: Two, district: d1, url: "rtsp://10.0.0.5:8554/ch2", recorder: "NVR-7.local:554"}
        - {id: c3, name: Three, district: d1, url: "http://[fd00::5]/x"}
        - {id: c4, name: Four, district: d1, url: "file:///tmp/x.mp4"}
        - {id: c5, name: Five, district: d1, url: "rtsp://nat.example/x", recorder: "[fd00::9]:554"}
        """)
    addresses = [c.recorder_address for c in catalog.cameras]
    assert addresses == ["10.0.0.5:554", "nvr-7.local:554", "[fd00::5]:80", "", "[fd00::9]:554"]


def test_bad_recorder_is_an_error_with_file_and_line() -> None:
    messages = errors("""\
        - {id: c1, name: One, district: d1, url: "rtsp://10.0.0.5/x", recorder: "rtsp://10.0.0.9/x"}
        - {id: c2, name: Two, district: d1, url: "rtsp://10.0.0.5/y", recorder: "nvr:70000"}
        """)
    assert messages[0].startswith("cat.yaml:8: camera 'c1': bad 'recorder'") and "HOST:PORT" in messages[0]
    assert messages[1].startswith("cat.yaml:9: camera 'c2': bad 'recorder'") and "65535" in messages[1]
