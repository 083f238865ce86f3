"""The camera catalog as frozen data: districts, cameras, tours, and their camera URLs.

Immutable and therefore safe to share between threads. ``viewer.core.catalog`` builds these
from YAML; import them from there.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import SplitResult, quote, unquote, urlsplit

SUPPORTED_SCHEMES = ("rtsp", "rtsps", "http", "https", "file")
DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
_SPACE_RE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an entry was written: file as given/included, 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class CatalogIssue:
    """One problem found in a catalog; printed as ``FILE:LINE: message`` (line 0: no line)."""

    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line > 0 else self.file
        return f"{where}: {'warning: ' if self.warning else ''}{self.message}"


class CatalogError(Exception):
    """The catalog cannot be used. ``issues``: every error; ``warnings``: the warnings too."""

    def __init__(self, issues: list[CatalogIssue], warnings: list[CatalogIssue] | None = None) -> None:
        self.issues = list(issues)
        self.warnings = list(warnings or ())
        super().__init__("\n".join(str(issue) for issue in self.issues))


@dataclass(frozen=True)
class District:
    id: str
    name: str
    group: str = ""
    source: SourceRef | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class Camera:
    """One camera. ``url``/``substream`` are as written after ``${VAR}`` expansion with any
    userinfo removed; ``username``/``password`` are resolved (fields win over URL userinfo,
    percent-decoded). The password never appears in ``repr``."""

    id: str
    name: str
    district: str
    url: str
    substream: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    group: str = ""
    enabled: bool = True
    stall_timeout_s: float | None = None
    notes: str = ""
    source: SourceRef | None = None
    low_fps: bool = False
    #: Picture checks (seconds): flag a picture unchanged / blank this long. None: the default.
    frozen_after_s: float | None = None
    blank_after_s: float | None = None
    picture_checks: bool = True  # false: never flag frozen/blank pictures of this camera
    #: The recorder (NVR) this camera is reached through, when its URL names another address
    #: (a NAT, a proxy); None: the URL's ``host:port``. See :attr:`recorder_address`.
    recorder: str | None = None

    @property
    def scheme(self) -> str:
        return urlsplit(self.url).scheme.lower()

    @property
    def host(self) -> str:
        """Lower-cased host name or address ("" for file URLs)."""
        return urlsplit(self.url).hostname or ""

    @property
    def port(self) -> int | None:
        """Explicit port, else the scheme's default (rtsp 554, rtsps 322, http 80, https 443)."""
        parts = urlsplit(self.url)
        return parts.port or DEFAULT_PORTS.get(parts.scheme.lower())

    @property
    def recorder_address(self) -> str:
        """The recorder for the network evaluation: the catalog's ``recorder`` field, else the
        URL's ``host:port`` (default port filled in); ``""`` for file URLs."""
        if self.recorder:
            return self.recorder
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        if not host:
            return ""
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
        shown = f"[{host}]" if ":" in host else host
        return f"{shown}:{port}" if port else shown

    def grid_url(self) -> str:
        """The URL for small tiles: the substream when there is one."""
        return self.substream or self.url


@dataclass(frozen=True)
class Tour:
    """Steps are district ids, or ``view:NAME`` for saved views; ``dwell_s`` seconds per step."""

    id: str
    name: str
    dwell_s: float
    steps: tuple[str, ...]
    source: SourceRef | None = None


@dataclass(frozen=True)
class Catalog:
    """A validated catalog. Lookups are O(1) dict indexes built once."""

    path: str
    districts: tuple[District, ...]
    cameras: tuple[Camera, ...]
    tours: tuple[Tour, ...]
    warnings: tuple[CatalogIssue, ...] = ()
    _district_by_id: dict[str, District] = field(init=False, repr=False, compare=False)
    _camera_by_id: dict[str, Camera] = field(init=False, repr=False, compare=False)
    _tour_by_id: dict[str, Tour] = field(init=False, repr=False, compare=False)
    _cameras_by_district: dict[str, tuple[Camera, ...]] = field(init=False, repr=False, compare=False)
    _enabled_by_district: dict[str, tuple[Camera, ...]] = field(init=False, repr=False, compare=False)
    _groups: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_district: dict[str, list[Camera]] = {d.id: [] for d in self.districts}
        for camera in self.cameras:
            by_district.setdefault(camera.district, []).append(camera)
        groups = Counter(c.group for c in self.cameras if c.group)
        index = {
            "_district_by_id": {d.id: d for d in self.districts},
            "_camera_by_id": {c.id: c for c in self.cameras},
            "_tour_by_id": {t.id: t for t in self.tours},
            "_cameras_by_district": {k: tuple(v) for k, v in by_district.items()},
            "_enabled_by_district": {k: tuple(c for c in v if c.enabled) for k, v in by_district.items()},
            "_groups": dict(sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))),
        }
        for name, value in index.items():
            object.__setattr__(self, name, value)

    def district(self, id: str) -> District:
        """The district with this id; KeyError if unknown."""
        return self._district_by_id[id]

    def camera(self, id: str) -> Camera:
        """The camera with this id; KeyError if unknown."""
        return self._camera_by_id[id]

    def tour(self, id: str) -> Tour:
        """The tour with this id; KeyError if unknown."""
        return self._tour_by_id[id]

    def cameras_in(self, district_id: str, *, include_disabled: bool = False) -> tuple[Camera, ...]:
        """Cameras of a district in catalog order (enabled ones unless asked); KeyError if unknown."""
        index = self._cameras_by_district if include_disabled else self._enabled_by_district
        return index[district_id]

    def groups(self) -> dict[str, int]:
        """Camera count per non-empty ``group``, largest first."""
        return dict(self._groups)


def parse_camera_url(url: str) -> tuple[str, str | None, str | None]:
    """Check a camera URL; return ``(url_without_userinfo, username, password)``.

    User and password come percent-decoded from the userinfo (None when absent).
    Raises ValueError with a one-line reason (without the password) when the URL is not usable.
    """
    if not url or _SPACE_RE.search(url):
        raise ValueError("URL is empty or contains spaces (write a space as %20)")
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if not scheme or not url[len(scheme) :].startswith("://"):
            raise ValueError("URL has no scheme:// (expected e.g. rtsp://host/path)")
        if scheme not in SUPPORTED_SCHEMES:
            raise ValueError(f"unsupported scheme {scheme!r} (supported: {', '.join(SUPPORTED_SCHEMES)})")
        if scheme == "file":
            if not parts.path:
                raise ValueError("file URL has no path (expected file:///path/to/video)")
        elif not parts.hostname:
            raise ValueError("URL has no host")
        else:
            problem = host_name_problem(parts.hostname)
            if problem:
                raise ValueError(problem)
            _check_port(parts)
            if "@" in parts.path and "@" not in parts.netloc:
                raise ValueError("'@' after the host (a password containing '/' must be percent-encoded)")
    except ValueError as exc:
        reason = str(exc)
        if "@" in url and ("port" in reason or "host" in reason):
            reason += "; write / # ? @ in a password percent-encoded, or use the password field"
        raise ValueError(reason) from None
    netloc = parts.netloc
    if "@" not in netloc:
        return url, None, None
    userinfo, _, hostport = netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    start = url.index("//") + 2
    clean = url[:start] + hostport + url[start + len(netloc) :]
    return clean, (unquote(user) or None), (unquote(password) if colon else None)


MAX_HOST_LABEL_CHARS = 63  # RFC 1035: one dot-separated part of a host name
MAX_HOST_NAME_CHARS = 253


def host_name_problem(host: str) -> str:
    """Why ``host`` (from ``urlsplit(...).hostname``) cannot be resolved, or "" when it can.

    IP literals pass; a name needs non-empty labels of at most 63 characters (a trailing dot
    is allowed) and at most 253 characters in all. Pure.
    """
    if not host:
        return "URL has no host"
    if ":" in host or _IPV4_RE.fullmatch(host):
        return ""
    name = host[:-1] if host.endswith(".") else host
    if len(name) > MAX_HOST_NAME_CHARS:
        return f"host name longer than {MAX_HOST_NAME_CHARS} characters"
    for label in name.split("."):
        if not label:
            return "host name has an empty part (two dots in a row, or a leading dot)"
        if len(label) > MAX_HOST_LABEL_CHARS:
            return f"host name part longer than {MAX_HOST_LABEL_CHARS} characters"
    return ""


_IPV4_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")


def _check_port(parts: SplitResult) -> None:
    """urlsplit's own message would quote the port text, which may be part of a password."""
    try:
        _ = parts.port
    except ValueError:
        raise ValueError("invalid port (expected a number from 1 to 65535 after the host)") from None


def has_credentials(url: str, username: str | None, password: str | None) -> bool:
    """Whether a camera logs in: credentials in the fields or (the catalog strips them, but
    a URL from elsewhere may carry them) in the URL's userinfo."""
    parts = urlsplit(url)
    return bool(username or password or parts.username or parts.password)


def insert_credentials(url: str, username: str | None, password: str | None) -> str:
    """``url`` with percent-encoded ``username:password@`` in front of the host, replacing any
    userinfo it had; the host, port, path and query are kept as written. The one inserter of
    the product (the relay, the quality sampler and libVLC use it). ``password=""`` is an empty
    password (``user:@``, sent as such), ``None`` none at all (``user@``); with neither a
    username nor a password, ``url`` is returned unchanged."""
    if not username and password is None:
        return url
    start = url.find("//")
    if start < 0:
        return url
    start += 2
    end = min((i for i in (url.find(c, start) for c in "/?#") if i >= 0), default=len(url))
    host = url[start:end].rpartition("@")[2]
    userinfo = quote(username or "", safe="")
    if password is not None:
        userinfo += ":" + quote(password, safe="")
    return url[:start] + userinfo + "@" + host + url[end:]
