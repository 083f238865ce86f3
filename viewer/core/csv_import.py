"""Turn a spreadsheet export (CSV) of cameras into catalog YAML.

Header row required; columns in any order and any case. Required: ``id, name, district,
url``; optional: ``district_name, substream, username, password, group, enabled, notes``.
UTF-8 (with or without BOM; cp1252 as a fallback), ``,`` ``;`` or tab delimited, blank
lines ignored. Every bad row is reported as ``FILE:ROW: message`` (ROW = line in the file).
Pure functions; thread-safe.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import io
import logging
import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from viewer.core.catalog_model import parse_camera_url
from viewer.core.secrets import MASK, mask_url

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("id", "name", "district", "url")
OPTIONAL_COLUMNS = ("district_name", "substream", "username", "password", "group", "enabled", "notes")
DELIMITERS = ",;\t"
SNIFF_SAMPLE_CHARS = 64 * 1024
_WHOLE_REFERENCE_RE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
_TRUE = frozenset({"true", "yes", "y", "1", "ya", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "tidak", "off"})


class _IndentedDumper(yaml.SafeDumper):
    """Indents lists under their key (``cameras:\n  - id: ...``), as docs/catalog.md does."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class CsvImportError(Exception):
    """The CSV cannot be imported. ``problems``: one ``FILE:ROW: message`` line each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class CsvImport:
    """Districts (id, name) in first-seen order and cameras as catalog mappings, in CSV order."""

    file: str
    districts: list[tuple[str, str]] = field(default_factory=list)
    cameras: list[dict[str, object]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    encoding: str = "utf-8"

    @property
    def with_password(self) -> int:
        return sum(1 for camera in self.cameras if "password" in camera)

    def to_yaml(self, *, mask_passwords: bool = False) -> str:
        """The catalog as YAML that ``load_catalog`` accepts. Passwords are written as given
        unless ``mask_passwords`` (for showing on a terminal)."""
        cameras = self.cameras
        if mask_passwords:
            cameras = [{**c, "password": MASK} if "password" in c else c for c in cameras]
        document = {
            "version": 1,
            "districts": [{"id": escape_catalog_text(i), "name": escape_catalog_text(n)} for i, n in self.districts],
            "cameras": [{k: escape_catalog_text(v) for k, v in c.items()} for c in cameras],
        }
        header = (
            f"# Camera catalog imported from {os.path.basename(self.file)} by `videowall import-csv`.\n"
            "# Format: docs/catalog.md. A password may be replaced by a ${VARIABLE} reference;\n"
            "# any other '${' from the spreadsheet is literal text, written '$${'.\n"
        )
        body = yaml.dump(
            document, Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096
        )
        return header + body


def escape_catalog_text(value: object) -> object:
    """Text the catalog loader reads back literally: ``${`` becomes ``$${``.

    The loader expands ``${VAR}`` in every text field and reads ``$${`` as a literal
    ``${``; a spreadsheet value is literal text, so a password ``ab${HOME}cd`` must survive.
    One exception, documented in the catalog header: a cell that is exactly one reference
    (``${CAM_PASS}``) stays a reference, so passwords can be kept out of the spreadsheet.
    Non-text values pass unchanged.
    """
    if not isinstance(value, str) or _WHOLE_REFERENCE_RE.fullmatch(value):
        return value
    return value.replace("${", "$${")


def decode_csv_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (BOM stripped), else cp1252 (old Excel "ANSI" exports)."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def import_csv_file(path: str | os.PathLike[str]) -> CsvImport:
    """Read and parse a CSV file. Raises OSError if unreadable, CsvImportError if invalid."""
    path = os.fspath(path)
    with open(path, "rb") as handle:
        text, encoding = decode_csv_bytes(handle.read())
    result = parse_camera_csv(text, path)
    result.encoding = encoding
    if encoding != "utf-8":
        result.warnings.insert(0, f"{path}: not UTF-8; read as {encoding} (Windows 'ANSI')")
    return result


def parse_camera_csv(text: str, file: str = "<csv>") -> CsvImport:
    """Parse CSV text into a CsvImport; raises CsvImportError listing every bad row."""
    reader, columns = _open_reader(text, file)
    header_row = reader.line_num
    result = CsvImport(file)
    problems: list[str] = []
    unknown = [c for c in columns if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    for column in unknown:
        hint = difflib.get_close_matches(column, REQUIRED_COLUMNS + OPTIONAL_COLUMNS, n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else ""
        result.warnings.append(f"{file}:{header_row}: unknown column {column!r}{extra}; ignored")
    seen_ids: dict[str, int] = {}
    district_names: dict[str, str] = {}
    previous_line = reader.line_num
    for cells in reader:
        row = previous_line + 1
        previous_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        where = f"{file}:{row}"
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            problems.append(
                f"{where}: {len(cells)} values but {len(columns)} columns (quote values containing the delimiter)"
            )
            continue
        values = {col: cell.strip() for col, cell in zip(columns, cells, strict=False) if col}
        camera, row_problems = _camera_from_row(values)
        problems.extend(f"{where}: {message}" for message in row_problems)
        ident = values.get("id", "")
        if ident in seen_ids:
            problems.append(f"{where}: duplicate id {ident!r} (first at row {seen_ids[ident]})")
            continue
        if ident:
            seen_ids[ident] = row
        if camera is None or row_problems:
            continue
        district = str(camera["district"])
        name = values.get("district_name") or district
        if district not in district_names:
            district_names[district] = name
            result.districts.append((district, name))
        elif values.get("district_name") and district_names[district] != name:
            known = district_names[district]
            result.warnings.append(f"{where}: district {district!r} already named {known!r}; kept that name")
        result.cameras.append(camera)
    if problems:
        raise CsvImportError(problems)
    if not result.cameras:
        raise CsvImportError([f"{file}: no camera rows after the header"])
    return result


def _open_reader(text: str, file: str) -> tuple[Any, list[str]]:
    """A csv reader positioned after the header row, and the normalized column names."""
    stream = io.StringIO(text, newline="")
    header_line = next((line for line in stream if line.strip()), "")
    if not header_line:
        raise CsvImportError([f"{file}: empty file (expected a header row: {', '.join(REQUIRED_COLUMNS)}, ...)"])
    candidates = list(DELIMITERS)
    with contextlib.suppress(csv.Error):  # the Sniffer guesses; the header row decides
        candidates.insert(0, csv.Sniffer().sniff(text[:SNIFF_SAMPLE_CHARS], delimiters=DELIMITERS).delimiter)

    def columns_with(delimiter: str) -> list[str]:
        return [_normalize(c) for c in next(csv.reader([header_line], delimiter=delimiter), [])]

    # the first candidate that yields the most required columns
    delimiter = max(candidates, key=lambda d: len(set(REQUIRED_COLUMNS) & set(columns_with(d))))
    found = columns_with(delimiter)
    missing = ", ".join(c for c in REQUIRED_COLUMNS if c not in found)
    if missing:
        raise CsvImportError([f"{file}:1: header row lacks required column(s) {missing} (columns are case-free)"])
    duplicates = sorted({c for c in found if c and found.count(c) > 1})
    if duplicates:
        raise CsvImportError([f"{file}:1: duplicate column(s) {', '.join(duplicates)}"])
    stream.seek(0)
    reader = csv.reader(stream, delimiter=delimiter)
    for cells in reader:  # skip blank lines, then the header itself
        if any(cell.strip() for cell in cells):
            break
    return reader, found


def _normalize(column: str) -> str:
    return column.strip().strip("\ufeff").lower().replace(" ", "_").replace("-", "_")


def _camera_from_row(values: dict[str, str]) -> tuple[dict[str, object] | None, list[str]]:
    """Catalog mapping for one row (keys in catalog order), and its problems."""
    problems = [f"missing {column!r}" for column in REQUIRED_COLUMNS if not values.get(column)]
    for column in ("url", "substream"):
        url = values.get(column)
        if url:
            try:
                parse_camera_url(url)
            except ValueError as exc:
                problems.append(f"bad {column} {mask_url(url)!r}: {exc}")
    enabled_text = values.get("enabled", "").lower()
    if enabled_text and enabled_text not in _TRUE | _FALSE:
        problems.append(f"'enabled' must be true/false/yes/no/1/0, not {values['enabled']!r}")
    if problems:
        return None, problems
    camera: dict[str, object] = {key: values[key] for key in REQUIRED_COLUMNS}
    for key in ("substream", "username", "password", "group"):
        if values.get(key):
            camera[key] = values[key]
    if enabled_text in _FALSE:
        camera["enabled"] = False
    if values.get("notes"):
        camera["notes"] = values["notes"]
    return camera, []
