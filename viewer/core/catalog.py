"""Load and validate the camera catalog (YAML with includes) into frozen dataclasses.

``load_catalog`` reads the file and everything it includes, expands ``${VAR}`` from the
given environment, and either returns a ``Catalog`` or raises ``CatalogError`` listing
every problem as ``FILE:LINE: message``. Warnings (unknown keys, ...) ride along on
``Catalog.warnings``. Pure Python, no clock, no shared state: safe from any thread.
The format is documented in docs/catalog.md.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
import glob
import logging
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace

from viewer.core.catalog_fields import Entry, value_kind
from viewer.core.catalog_model import (
    Camera,
    Catalog,
    CatalogError,
    CatalogIssue,
    District,
    SourceRef,
    Tour,
    parse_camera_url,
)
from viewer.core.secrets import mask_url, register_secrets, url_password
from viewer.core.yaml_lines import LineDict, LineList, YamlSyntaxError, load_yaml_lines

__all__ = [
    "catalog_from_text",
    "catalog_summary",
    "load_catalog",
]

log = logging.getLogger(__name__)

SUPPORTED_VERSION = 1
LOW_FPS_STALL_TIMEOUT_S = 30.0  # stall threshold for cameras marked ``low_fps: true``
VIEW_STEP_PREFIX = "view:"  # tour steps naming a saved view instead of a district
IGNORED_KEY_PREFIX = "x-"  # keys like ``x-defaults`` are ignored (handy for YAML anchors)

TOP_KEYS = ("version", "include", "districts", "cameras", "tours")
DISTRICT_KEYS = ("id", "name", "group", "notes")
CAMERA_KEYS = (
    "id", "name", "district", "url", "substream", "username", "password",
    "group", "enabled", "low_fps", "stall_timeout_s", "notes",
    "frozen_after_s", "blank_after_s", "picture_checks", "recorder",
)  # fmt: skip
TOUR_KEYS = ("id", "name", "dwell_s", "steps")

_VAR_RE = re.compile(r"\$\$\{|\$\{([^}]*)\}|\$\{")  # escape | reference | unterminated
#: HOST, HOST:PORT or [IPv6]:PORT, without scheme, path or credentials.
_RECORDER_RE = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:[0-9]+)?\Z")
_VAR_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_GLOB_CHARS = frozenset("*?[")


def load_catalog(
    path: str | os.PathLike[str], env: Mapping[str, str] | None = None, *, lenient: bool = False
) -> Catalog:
    """Load and validate a catalog file and its includes. ``env`` defaults to ``os.environ``.

    Raises CatalogError with every problem found (an unreadable root file is one issue
    with line 0). ``lenient`` (kiosk mode: one broken entry must not blank the wall) keeps
    every valid district and camera, drops cameras of unknown districts, and returns the
    errors as warnings; it still raises when nothing usable is left.
    """
    path = os.fspath(path)
    builder = _CatalogBuilder(os.environ if env is None else env)
    try:
        data = _read_bytes(path)
    except OSError as exc:
        raise CatalogError([CatalogIssue(path, 0, f"cannot read catalog: {exc.strerror or exc}")]) from None
    with _gc_paused():
        text = builder.decode(data, path)
        if text is not None:
            builder.add_text(text, path, ((os.path.realpath(path), path),), root=True)
        return builder.finish(path, lenient=lenient)


def catalog_from_text(text: str, file: str = "<string>", env: Mapping[str, str] | None = None) -> Catalog:
    """Like ``load_catalog`` for text in memory; includes are relative to ``file``'s folder."""
    builder = _CatalogBuilder(os.environ if env is None else env)
    with _gc_paused():
        builder.add_text(text, file, ((os.path.realpath(file), file),), root=True)
        return builder.finish(file)


def catalog_summary(catalog: Catalog) -> str:
    """A short human summary: totals, schemes, groups, cameras per district, tours."""
    cameras = catalog.cameras
    disabled = sum(1 for c in cameras if not c.enabled)
    lines = [
        f"{catalog.path}: {_count(len(cameras), 'camera')}"
        + (f" ({disabled} disabled)" if disabled else "")
        + f" in {_count(len(catalog.districts), 'district')}, {_count(len(catalog.tours), 'tour')}"
    ]
    schemes = Counter(c.scheme for c in cameras)
    lines.append("schemes: " + (", ".join(f"{s} {n}" for s, n in schemes.most_common()) or "-"))
    with_sub = sum(1 for c in cameras if c.substream)
    lines.append(f"substreams: {with_sub} of {len(cameras)}")
    groups = catalog.groups()
    lines.append("groups: " + (", ".join(f"{g} {n}" for g, n in groups.items()) or "-"))
    width = max((len(d.id) for d in catalog.districts), default=0)
    lines.append("districts:")
    for district in catalog.districts:
        count = len(catalog.cameras_in(district.id, include_disabled=True))
        lines.append(f"  {district.id:<{width}}  {count:>5}  {district.name}")
    if catalog.tours:
        lines.append("tours:")
        for tour in catalog.tours:
            lines.append(f"  {tour.id}: {_count(len(tour.steps), 'step')} x {tour.dwell_s:g} s  {tour.name}")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic GC while a catalog is built: hundreds of thousands of small acyclic
    containers otherwise trigger repeated full collections (50,000 cameras: ~7 s -> ~2 s).
    The pause is process-wide but short; a nested or concurrent load is merely slower."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: Public name for other bulk readers (the network evaluation pauses the GC the same way).
gc_paused = _gc_paused


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class _CatalogBuilder:
    """Accumulates entries and issues over the root file and its includes. Single use."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.errors: list[CatalogIssue] = []
        self.warnings: list[CatalogIssue] = []
        self.districts: list[District] = []
        self.cameras: list[Camera] = []
        self.tours: list[Tour] = []
        self._district_at: dict[str, SourceRef] = {}
        self._camera_at: dict[str, SourceRef] = {}
        self._tour_at: dict[str, SourceRef] = {}
        self._url_owner: dict[str, Camera] = {}
        self._district_refs: list[tuple[str, SourceRef, str, bool]] = []  # (district, where, who, step?)
        self._included: dict[str, str] = {}  # realpath -> "FILE:LINE" that included it
        self._file_order: dict[str, int] = {}

    # -- issues -----------------------------------------------------------------------------
    def error(self, file: str, line: int, message: str) -> None:
        self.errors.append(CatalogIssue(file, line, message))

    def warn(self, file: str, line: int, message: str) -> None:
        self.warnings.append(CatalogIssue(file, line, message, warning=True))

    def _sorted(self, issues: list[CatalogIssue]) -> list[CatalogIssue]:
        last = len(self._file_order)
        return sorted(issues, key=lambda i: (self._file_order.get(i.file, last), i.line))

    def finish(self, path: str, lenient: bool = False) -> Catalog:
        """Resolve district references, then return the Catalog or raise CatalogError."""
        unknown_steps: set[str] = set()
        for district_id, where, who, is_step in self._district_refs:
            if district_id in self._district_at:
                continue
            hint = difflib.get_close_matches(district_id, list(self._district_at), n=1)
            message = f"{who}: unknown district {district_id!r}"
            message += f" (did you mean {hint[0]!r}?)" if hint else ""
            if is_step:  # a warning, so the minimal example in docs/catalog.md loads as written
                self.warn(where.file, where.line, f"{message}; step skipped (a saved view is 'view:NAME')")
                unknown_steps.add(district_id)
            else:
                self.error(where.file, where.line, message)
        tours = self._drop_steps(unknown_steps) if unknown_steps else self.tours
        errors, warnings = self._sorted(self.errors), self._sorted(self.warnings)
        if errors and lenient and self.districts:
            known = set(self._district_at)
            self.cameras = [c for c in self.cameras if c.district in known]
            demoted = [CatalogIssue(i.file, i.line, f"skipped: {i.message}", warning=True) for i in errors]
            log.warning("catalog %s: %d problems skipped (lenient load)", path, len(errors))
            errors, warnings = [], self._sorted(warnings + demoted)
        if errors:
            raise CatalogError(errors, warnings)
        log.debug("catalog %s: %d cameras, %d districts", path, len(self.cameras), len(self.districts))
        return Catalog(path, tuple(self.districts), tuple(self.cameras), tuple(tours), tuple(warnings))

    def _drop_steps(self, unknown: set[str]) -> list[Tour]:
        tours = []
        for tour in self.tours:
            steps = tuple(s for s in tour.steps if s not in unknown)
            if not steps:
                where = tour.source or SourceRef("<tour>", 0)
                self.error(where.file, where.line, f"tour {tour.id!r}: none of its steps is a known district")
            tours.append(replace(tour, steps=steps))
        return tours

    # -- text -------------------------------------------------------------------------------
    def decode(self, data: bytes, file: str) -> str | None:
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            self._file_order.setdefault(file, len(self._file_order))
            self.error(file, line, f"not UTF-8 text (byte {data[exc.start]:#04x}); save the file as UTF-8")
            return None

    def expand(self, value: str, file: str, line: int, where: str) -> str:
        """Expand ``${VAR}`` from the environment; ``$${`` is a literal ``${``."""

        def substitute(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            name = match.group(1)
            if name is None:
                self.error(file, line, f"{where}: unterminated '${{' (write '$${{' for a literal '${{')")
                return ""
            if not _VAR_NAME_RE.match(name):
                self.error(file, line, f"{where}: invalid variable name {name!r} in '${{...}}'")
                return ""
            found = self.env.get(name)
            if found is None:
                self.error(file, line, f"{where}: environment variable {name} is not set")
                return ""
            return found

        return _VAR_RE.sub(substitute, value)

    # -- files ------------------------------------------------------------------------------
    def add_text(self, text: str, file: str, chain: tuple[tuple[str, str], ...], *, root: bool) -> None:
        """Parse one file's text and add its entries, then its includes."""
        self._file_order.setdefault(file, len(self._file_order))
        self._included.setdefault(chain[-1][0], "the root catalog")
        try:
            doc, problems = load_yaml_lines(text)
        except YamlSyntaxError as exc:
            self.error(file, exc.line, f"YAML syntax error: {exc.message}")
            return
        for line, message in problems:
            self.error(file, line, message)
        if doc is None:
            message = "empty file (expected 'version: 1' and lists of districts, cameras, tours)"
            (self.error if root else self.warn)(file, 1, message)
            return
        if not isinstance(doc, LineDict):
            line = getattr(doc, "line", 1)
            self.error(
                file,
                line,
                f"expected a mapping (version, districts, cameras, ...) at the top, not {value_kind(doc)}",
            )
            return
        self._check_keys(doc, file, TOP_KEYS, "top level")
        self._check_version(doc, file, root)
        sections = (
            ("districts", self._add_district),
            ("cameras", self._add_camera),
            ("tours", self._add_tour),
        )
        for key, add in sections:
            for item, line in self._section(doc, file, key):
                if isinstance(item, LineDict):
                    add(item, file)
                else:
                    self.error(file, line, f"each entry of '{key}' must be a mapping (id: ..., name: ...)")
        self._add_includes(doc, file, chain)

    def _check_version(self, doc: LineDict, file: str, root: bool) -> None:
        version = doc.get("version")
        line = doc.key_lines.get("version", doc.line)
        if version is None:
            if root:
                self.warn(file, doc.line, f"no 'version: {SUPPORTED_VERSION}' at the top; assuming version 1")
        elif isinstance(version, bool) or version != SUPPORTED_VERSION:
            self.error(file, line, f"unsupported catalog version {version!r} (this program reads version 1)")

    def _section(self, doc: LineDict, file: str, key: str) -> list[tuple[object, int]]:
        value = doc.get(key)
        if value is None:
            return []
        if not isinstance(value, LineList):
            kind = value_kind(value)
            self.error(file, doc.key_lines[key], f"'{key}' must be a list (one '- ' entry each), not {kind}")
            return []
        return list(zip(value, value.item_lines, strict=True))

    def _check_keys(self, d: LineDict, file: str, known: tuple[str, ...], what: str) -> None:
        if set(known).issuperset(d):
            return
        for key in d:
            if key in known or (isinstance(key, str) and key.startswith(IGNORED_KEY_PREFIX)):
                continue
            hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            self.warn(file, d.key_lines[key], f"unknown key {key!r} in {what}{extra}; ignored")

    def _claim(self, seen: dict[str, SourceRef], what: str, ident: str, file: str, line: int) -> bool:
        """Register an id; report a duplicate naming both places."""
        first = seen.get(ident)
        if first is not None:
            self.error(file, line, f"duplicate {what} id {ident!r} (first defined at {first})")
            return False
        seen[ident] = SourceRef(file, line)
        return True

    # -- entries ----------------------------------------------------------------------------
    def _add_district(self, d: LineDict, file: str) -> None:
        self._check_keys(d, file, DISTRICT_KEYS, "district")
        e = Entry(self, d, file, "district")
        ident = e.text("id", required=True)
        if ident is not None:
            e.what = f"district {ident!r}"
            if ident.startswith(VIEW_STEP_PREFIX):
                e.error("id", f"a district id must not start with {VIEW_STEP_PREFIX!r}")
                ident = None
            elif not self._claim(self._district_at, "district", ident, file, e.line("id")):
                ident = None
        name = e.text("name", required=True)
        group, notes = e.text("group") or "", e.text("notes") or ""
        if ident is not None and name is not None:
            self.districts.append(District(ident, name, group, SourceRef(file, d.line), notes))

    def _add_camera(self, d: LineDict, file: str) -> None:
        self._check_keys(d, file, CAMERA_KEYS, "camera")
        e = Entry(self, d, file, "camera")
        ident = e.text("id", required=True)
        if ident is not None:
            e.what = f"camera {ident!r}"
            if not self._claim(self._camera_at, "camera", ident, file, e.line("id")):
                ident = None
        name = e.text("name", required=True)
        district = e.text("district", required=True)
        if district is not None:
            self._district_refs.append((district, SourceRef(file, e.line("district")), e.what, False))
        main = self._url(e, "url", required=True)
        sub = self._url(e, "substream", required=False)
        username, password = e.text("username"), e.text("password")
        for found in (main, sub):  # explicit fields win over userinfo, main URL over substream
            if found is not None:
                username = found[1] if username is None else username
                password = found[2] if password is None else password
        # every password this entry holds is masked in any log record from now on
        register_secrets([password, *(found[2] for found in (main, sub) if found is not None)])
        group, notes = e.text("group") or "", e.text("notes") or ""
        enabled, low_fps = e.flag("enabled", True), e.flag("low_fps", False)
        stall_timeout_s = e.seconds("stall_timeout_s")
        frozen_after_s, blank_after_s = e.seconds("frozen_after_s"), e.seconds("blank_after_s")
        picture_checks = e.flag("picture_checks", True)
        recorder = self._recorder(e)
        if stall_timeout_s is None and low_fps:
            stall_timeout_s = LOW_FPS_STALL_TIMEOUT_S
        if ident is None or name is None or district is None or main is None:
            return
        camera = Camera(
            ident, name, district, main[0], sub[0] if sub else None, username, password,
            group, enabled, stall_timeout_s, notes, SourceRef(file, d.line), low_fps,
            frozen_after_s, blank_after_s, picture_checks, recorder,
        )  # fmt: skip
        self.cameras.append(camera)
        owner = self._url_owner.setdefault(camera.url, camera)
        if owner is not camera:
            self.warn(file, e.line("url"), f"{e.what}: same url as camera {owner.id!r} ({owner.source})")

    def _recorder(self, e: Entry) -> str | None:
        """``recorder: HOST:PORT`` (or ``HOST``): the address the evaluation groups by."""
        text = e.text("recorder")
        if text is None:
            return None
        value = text.strip()
        match = _RECORDER_RE.match(value)
        if match is None:
            e.error("recorder", f"bad 'recorder' {value[:60]!r}: expected HOST or HOST:PORT (e.g. 10.20.4.2:554)")
            return None
        port = (match.group(2) or ":1")[1:]
        if not 1 <= int(port) <= 65535:
            e.error("recorder", f"bad 'recorder' {value!r}: port must be a number from 1 to 65535")
            return None
        return value.lower()

    def _url(self, e: Entry, key: str, *, required: bool) -> tuple[str, str | None, str | None] | None:
        text = e.text(key, required=required)
        if text is None:
            return None
        try:
            return parse_camera_url(text)
        except ValueError as exc:
            register_secrets([url_password(text)])  # a malformed URL may still hold a password
            e.error(key, f"bad '{key}' {mask_url(text)!r}: {exc}")
            return None

    def _add_tour(self, d: LineDict, file: str) -> None:
        self._check_keys(d, file, TOUR_KEYS, "tour")
        e = Entry(self, d, file, "tour")
        ident = e.text("id", required=True)
        if ident is not None:
            e.what = f"tour {ident!r}"
            if not self._claim(self._tour_at, "tour", ident, file, e.line("id")):
                ident = None
        name = e.text("name", required=True)
        dwell_s = e.seconds("dwell_s", required=True)
        steps = self._steps(e)
        if ident is not None and name is not None and dwell_s is not None and steps is not None:
            self.tours.append(Tour(ident, name, dwell_s, steps, SourceRef(file, d.line)))

    def _steps(self, e: Entry) -> tuple[str, ...] | None:
        value = e.d.get("steps")
        if not isinstance(value, LineList) or not value:
            e.error("steps", "'steps' must be a non-empty list of district ids (or 'view:NAME')")
            return None
        steps: list[str] = []
        for index, (item, line) in enumerate(zip(value, value.item_lines, strict=True)):
            step = item if isinstance(item, str) else value.raw.get(index)
            if step is None:
                self.error(e.file, line, f"{e.what}: a step must be a district id, not {value_kind(item)}")
                return None
            if "$" in step:
                step = self.expand(step, e.file, line, f"{e.what}: step")
            if step.startswith(VIEW_STEP_PREFIX):
                if not step[len(VIEW_STEP_PREFIX) :].strip():
                    self.error(e.file, line, f"{e.what}: step {step!r} names no view")
            else:
                self._district_refs.append((step, SourceRef(e.file, line), f"{e.what} step", True))
            steps.append(step)
        return tuple(steps)

    # -- includes ---------------------------------------------------------------------------
    def _add_includes(self, doc: LineDict, file: str, chain: tuple[tuple[str, str], ...]) -> None:
        value = doc.get("include")
        if value is None:
            return
        if isinstance(value, str):
            entries = [(value, doc.key_lines["include"])]
        elif isinstance(value, LineList):
            entries = list(zip(value, value.item_lines, strict=True))
        else:
            self.error(
                file,
                doc.key_lines["include"],
                f"'include' must be a path or a list of paths, not {value_kind(value)}",
            )
            return
        folder = os.path.dirname(file)
        for entry, line in entries:
            if not isinstance(entry, str) or not entry.strip():
                self.error(file, line, f"an include must be a file path or glob pattern, not {value_kind(entry)}")
                continue
            pattern = self.expand(entry, file, line, "include") if "$" in entry else entry
            pattern = os.path.join(folder, os.path.expanduser(pattern))
            if _GLOB_CHARS.isdisjoint(pattern):
                self._include(os.path.normpath(pattern), file, line, chain)
                continue
            matches = sorted(glob.glob(pattern))
            if not matches:
                self.warn(file, line, f"include pattern {entry!r} matches no files")
            for match in matches:
                if os.path.realpath(match) != chain[-1][0]:  # a glob may match its own file
                    self._include(os.path.normpath(match), file, line, chain)

    def _include(self, path: str, parent: str, line: int, chain: tuple[tuple[str, str], ...]) -> None:
        real = os.path.realpath(path)
        if any(real == seen for seen, _ in chain):
            cycle = " -> ".join([shown for _, shown in chain] + [path])
            self.error(parent, line, f"include cycle: {cycle}")
            return
        if real in self._included:
            self.warn(parent, line, f"{path} is already included (by {self._included[real]}); skipped")
            return
        self._included[real] = f"{parent}:{line}"
        try:
            data = _read_bytes(path)
        except FileNotFoundError:
            self.error(parent, line, f"included file not found: {path}")
            return
        except OSError as exc:
            self.error(parent, line, f"cannot read included file {path}: {exc.strerror or exc}")
            return
        text = self.decode(data, path)
        if text is not None:
            self.add_text(text, path, (*chain, (real, path)), root=False)
