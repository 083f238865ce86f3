"""Catalog commands: ``videowall check CATALOG`` and ``videowall import-csv FILE.csv [-o OUT]``.

Exit codes: 0 fine, 2 the input has errors (every one printed as ``FILE:LINE: message``
on stderr) or cannot be read. Never a traceback, never a password on the terminal.
No Qt: runs on a headless admin machine. ``python -m viewer.cli.catalog check FILE`` works too.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from viewer.core.catalog import catalog_summary, load_catalog
from viewer.core.catalog_model import CatalogError
from viewer.core.csv_import import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, CsvImportError, import_csv_file
from viewer.core.secrets import mask_urls_in_text
from viewer.core.store import atomic_write_text

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_INVALID = 2


def register(subparsers: Any) -> None:
    """Add ``check`` and ``import-csv`` to an argparse subparsers object (``func(args) -> int``)."""
    check = subparsers.add_parser("check", help="validate a camera catalog", description=_CHECK_TEXT)
    _add_check_arguments(check)
    check.set_defaults(func=run_check)
    importer = subparsers.add_parser("import-csv", help="write a catalog from a CSV export", description=_CSV_TEXT)
    _add_import_arguments(importer)
    importer.set_defaults(func=run_import_csv)


_CHECK_TEXT = "Validate a catalog and its includes; print a summary (exit 0) or every error (exit 2)."
_CSV_TEXT = (
    f"Write a catalog from a spreadsheet export. Columns (header row, any order): "
    f"{', '.join(REQUIRED_COLUMNS)} required; {', '.join(OPTIONAL_COLUMNS)} optional."
)


def _add_check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("catalog", help="catalog YAML file")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only problems")


def _add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", help="CSV file exported from a spreadsheet")
    parser.add_argument("-o", "--output", help="catalog YAML to write (default: standard output)")


def run_check(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``videowall check``: summary on stdout, warnings and errors on stderr."""
    out, err = out or sys.stdout, err or sys.stderr
    started = time.perf_counter()
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        for issue in [*exc.warnings, *exc.issues]:
            print(issue, file=err)
        if len(exc.issues) + len(exc.warnings) > 1:
            print(f"{args.catalog}: {_count(exc.issues, 'error')}, {_count(exc.warnings, 'warning')}", file=err)
        return EXIT_INVALID
    except Exception as exc:  # a bug of ours must still not print a traceback
        log.exception("check %s failed", args.catalog)
        print(f"{args.catalog}: internal error: {mask_urls_in_text(str(exc))[:200]}", file=err)
        return EXIT_INVALID
    elapsed_s = time.perf_counter() - started
    for warning in catalog.warnings:
        print(warning, file=err)
    if args.strict and catalog.warnings:
        print(f"{args.catalog}: {_count(catalog.warnings, 'warning')} (--strict)", file=err)
        return EXIT_INVALID
    if not args.quiet:
        print(catalog_summary(catalog), file=out)
        print(f"OK: checked in {elapsed_s:.2f} s", file=out)
    return EXIT_OK


def run_import_csv(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``videowall import-csv``: YAML to ``-o`` (atomically) or stdout; summary on stderr."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        result = import_csv_file(args.csv)
    except CsvImportError as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(f"{args.csv}: {_count(exc.problems, 'error')}; nothing written", file=err)
        return EXIT_INVALID
    except OSError as exc:
        print(f"{args.csv}: cannot read: {exc.strerror or exc}", file=err)
        return EXIT_INVALID
    for warning in result.warnings:
        print(f"warning: {warning}", file=err)
    target = args.output
    masked = target is None and result.with_password > 0 and _is_terminal(out)
    text = result.to_yaml(mask_passwords=masked)
    if target is None:
        out.write(text)
    else:
        try:
            atomic_write_text(Path(target), text, mode=None if result.with_password else 0o644)
        except OSError as exc:
            print(f"{target}: cannot write: {exc.strerror or exc}", file=err)
            return EXIT_INVALID
    where = target or "standard output"
    print(
        f"{args.csv}: {_count(result.cameras, 'camera')} in {_count(result.districts, 'district')}"
        f" ({result.with_password} with a password) -> {where}",
        file=err,
    )
    if masked:
        print("passwords shown as *** on the terminal; use -o FILE to write them", file=err)
    return EXIT_OK


def _count(items: Sequence[object], noun: str) -> str:
    return f"{len(items)} {noun}{'' if len(items) == 1 else 's'}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help or a usage error (argparse already printed it)
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    return int(args.func(args))


def main_check(argv: Sequence[str] | None = None) -> int:
    """``videowall check`` on its own (for tests and scripts)."""
    parser = argparse.ArgumentParser(prog="videowall check", description=_CHECK_TEXT)
    _add_check_arguments(parser)
    parser.set_defaults(func=run_check)
    return _run(parser, argv)


def main_import_csv(argv: Sequence[str] | None = None) -> int:
    """``videowall import-csv`` on its own (for tests and scripts)."""
    parser = argparse.ArgumentParser(prog="videowall import-csv", description=_CSV_TEXT)
    _add_import_arguments(parser)
    parser.set_defaults(func=run_import_csv)
    return _run(parser, argv)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m viewer.cli.catalog {check,import-csv} ...``."""
    parser = argparse.ArgumentParser(prog="python -m viewer.cli.catalog")
    register(parser.add_subparsers(dest="command", required=True))
    return _run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
