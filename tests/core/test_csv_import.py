"""CSV import: delimiters, BOM, blank lines, per-row errors, and the CSV -> YAML -> catalog round trip."""

from __future__ import annotations

from pathlib import Path

import pytest

from viewer.core.catalog import catalog_from_text, load_catalog
from viewer.core.csv_import import CsvImportError, import_csv_file, parse_camera_csv

SEMICOLON_CSV = (
    "\ufeffID;Name;District;District_Name;URL;Substream;Username;Password;Group;Enabled;Notes\n"
    "\n"
    "smg-0001;Simpang Lima Utara;smg-tgh;Semarang Tengah;rtsp://10.20.1.15/ch101;rtsp://10.20.1.15/ch102;"
    "viewer;p@ss;ATCS;;\n"
    'smg-0002;"Pasar Johar; pintu 2";smg-tgh;;http://10.20.1.30/live.m3u8;;;;Pasar;tidak;"kamera\nlama"\n'
    "\n"
    "0003;Stasiun Tawang;smg-utr;Semarang Utara;rtsps://10.20.2.11:322/x;;admin;yes;ATCS;ya;\n"
)


def test_round_trip_csv_to_yaml_to_catalog(tmp_path: Path) -> None:
    csv_path = tmp_path / "cameras.csv"
    csv_path.write_bytes(SEMICOLON_CSV.encode("utf-8"))
    result = import_csv_file(csv_path)
    assert result.warnings == []
    assert result.districts == [("smg-tgh", "Semarang Tengah"), ("smg-utr", "Semarang Utara")]
    assert result.with_password == 2
    yaml_path = tmp_path / "catalog.yaml"
    yaml_path.write_text(result.to_yaml(), encoding="utf-8")
    catalog = load_catalog(yaml_path, env={})
    assert catalog.warnings == ()
    a, b, c = catalog.cameras
    assert (a.id, a.name, a.district, a.url, a.substream) == (
        "smg-0001",
        "Simpang Lima Utara",
        "smg-tgh",
        "rtsp://10.20.1.15/ch101",
        "rtsp://10.20.1.15/ch102",
    )
    assert (a.username, a.password, a.group, a.enabled) == ("viewer", "p@ss", "ATCS", True)
    assert (b.name, b.enabled, b.notes, b.group) == ("Pasar Johar; pintu 2", False, "kamera\nlama", "Pasar")
    assert (c.id, c.password, c.enabled, c.port) == ("0003", "yes", True, 322)  # text stays text
    assert [d.name for d in catalog.districts] == ["Semarang Tengah", "Semarang Utara"]


def test_comma_and_tab_delimiters_and_district_defaults() -> None:
    comma = "url,id,district,name\nhttp://h/a.ts,a,north,A\nhttp://h/b.ts,b,south,B\nhttp://h/c.ts,c,north,C\n"
    result = parse_camera_csv(comma, "c.csv")
    assert result.districts == [("north", "north"), ("south", "south")]
    assert [c["id"] for c in result.cameras] == ["a", "b", "c"]
    tab = comma.replace(",", "\t")
    assert parse_camera_csv(tab, "t.csv").cameras == result.cameras


def test_every_bad_row_is_reported_with_its_line() -> None:
    text = (
        "id,name,district,url,enabled\n"
        "a,A,d,rtsp://h/a,\n"
        "\n"
        "b,B,d,,\n"  # line 4: missing url
        "a,A again,d,rtsp://h/a2,\n"  # line 5: duplicate id
        "c,C,d,udp://h/c,\n"  # line 6: bad scheme
        "e,E,d,rtsp://h/e,maybe\n"  # line 7: bad enabled
        "f,F,d,rtsp://h/f,,extra\n"  # line 8: too many values
        ",G,d,rtsp://h/g,\n"  # line 9: missing id
        "h,H,d,rtsp://admin:pw@h:port/x,\n"  # line 10: malformed, password masked
    )
    with pytest.raises(CsvImportError) as info:
        parse_camera_csv(text, "cams.csv")
    problems = info.value.problems
    assert problems[:6] == [
        "cams.csv:4: missing 'url'",
        "cams.csv:5: duplicate id 'a' (first at row 2)",
        "cams.csv:6: bad url 'udp://h/c': unsupported scheme 'udp' (supported: rtsp, rtsps, http, https, file)",
        "cams.csv:7: 'enabled' must be true/false/yes/no/1/0, not 'maybe'",
        "cams.csv:8: 6 values but 5 columns (quote values containing the delimiter)",
        "cams.csv:9: missing 'id'",
    ]
    assert problems[6].startswith("cams.csv:10: bad url 'rtsp://admin:***@h:port/x': invalid port")
    assert len(problems) == 7


def test_header_problems() -> None:
    with pytest.raises(CsvImportError) as info:
        parse_camera_csv("id;name;url\na;A;rtsp://h/x\n", "x.csv")
    assert info.value.problems == ["x.csv:1: header row lacks required column(s) district (columns are case-free)"]
    with pytest.raises(CsvImportError) as info:
        parse_camera_csv("\n\n", "x.csv")
    assert info.value.problems[0].startswith("x.csv: empty file")
    with pytest.raises(CsvImportError) as info:
        parse_camera_csv("id,name,district,url,URL\n", "x.csv")
    assert info.value.problems == ["x.csv:1: duplicate column(s) url"]
    with pytest.raises(CsvImportError) as info:
        parse_camera_csv("id,name,district,url\n\n", "x.csv")
    assert info.value.problems == ["x.csv: no camera rows after the header"]


def test_unknown_columns_and_district_name_conflicts_are_warnings() -> None:
    text = "id,name,district,district_name,url,pasword\na,A,d,Dist,rtsp://h/a,x\nb,B,d,Other,rtsp://h/b,y\n"
    result = parse_camera_csv(text, "w.csv")
    assert result.warnings == [
        "w.csv:1: unknown column 'pasword' (did you mean 'password'?); ignored",
        "w.csv:3: district 'd' already named 'Dist'; kept that name",
    ]
    assert all("password" not in camera for camera in result.cameras)


def test_cp1252_fallback(tmp_path: Path) -> None:
    path = tmp_path / "ansi.csv"
    path.write_bytes("id,name,district,url\na,Café Sentosa,d,rtsp://h/a\n".encode("cp1252"))
    result = import_csv_file(path)
    assert result.cameras[0]["name"] == "Café Sentosa"
    assert result.encoding == "cp1252"
    assert "read as cp1252" in result.warnings[0]


def test_masked_yaml_has_no_passwords_and_still_loads() -> None:
    result = parse_camera_csv(SEMICOLON_CSV.removeprefix("\ufeff"), "m.csv")
    masked = result.to_yaml(mask_passwords=True)
    assert "p@ss" not in masked and "password: '***'" in masked
    assert catalog_from_text(masked, "m.yaml", {}).camera("smg-0001").password == "***"


def test_password_variables_pass_through_and_expand_on_load() -> None:
    text = "id,name,district,url,password\na,A,d,rtsp://h/a,${SMG_CAM_PASS}\n"
    yaml_text = parse_camera_csv(text, "v.csv").to_yaml()
    assert "${SMG_CAM_PASS}" in yaml_text
    assert catalog_from_text(yaml_text, "v.yaml", {"SMG_CAM_PASS": "rahasia"}).camera("a").password == "rahasia"


@pytest.mark.parametrize(
    "password",
    ["ab${HOME}cd", "$${x}", "${", "${}", "$$", "a$b", "${NOT CLOSED", "x${HOME}", "'\"quoted\"'", "#comment",
     "- dash", "yes", "null", "0012", "with space", ": colon", "{brace}", "kata-sandi-ñé漢字", "?#@/%:"],
)  # fmt: skip
def test_passwords_round_trip_literally(password: str) -> None:
    """import-csv writes literal text; the loader reads back exactly what the CSV held."""
    import csv
    import io

    buffer = io.StringIO()
    rows = [["id", "name", "district", "url", "password"], ["a", "A", "d", "rtsp://h/a", password]]
    csv.writer(buffer).writerows(rows)
    yaml_text = parse_camera_csv(buffer.getvalue(), "p.csv").to_yaml()
    loaded = catalog_from_text(yaml_text, "p.yaml", {"HOME": "/root", "NOT": "x"})
    assert loaded.camera("a").password == password.strip()
