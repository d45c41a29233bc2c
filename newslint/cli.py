"""The ``newslint`` command line, following ruff's conventions.

Exit codes: 0 nothing at or above ``--fail-on`` (or ``--exit-zero``); 1 findings remain (or
``fix --diff`` has a diff); 2 usage, config or pack errors, or an input that could not be read.
Errors the user can act on are :class:`PackError` and are printed without a traceback.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from newslint import __version__
from newslint.model import Severity
from newslint.registry import CheckSpec, PackError

FORMATS = ("text", "json", "jsonl", "sarif", "github")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _add_selection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection")
    group.add_argument("--select", type=_codes, action="append", help="checks to run (codes, prefixes, names, ALL)")
    group.add_argument("--extend-select", type=_codes, action="append", default=[], help="add checks")
    group.add_argument("--ignore", type=_codes, action="append", default=[], help="checks to skip")
    group.add_argument("--config", type=Path, help="config file (.newslint.yaml or pyproject.toml)")
    group.add_argument("--pack", type=Path, action="append", default=[], help="extra YAML check pack (file or folder)")


def _add_run_options(parser: argparse.ArgumentParser, fix: bool) -> None:
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders; '-' reads standard input")
    _add_selection(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--format", "--output-format", dest="format", choices=FORMATS, default="text")
    out.add_argument("--output-file", "-o", type=Path, help="write the report here instead of stdout")
    out.add_argument("--statistics", action="store_true", help="count findings per check")
    out.add_argument("--quiet", "-q", action="store_true", help="only the findings, no summary")
    out.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    out.add_argument("--fail-on", choices=[s.value for s in Severity], help="lowest severity that fails the run")
    out.add_argument("--force-exclude", action="store_true", help="apply 'exclude' to files named explicitly")
    out.add_argument("--stdin-filename", default="-", help="name to report for standard input")
    run = parser.add_argument_group("running")
    run.add_argument("--jobs", "-j", type=int, default=None,
                     help="worker processes (0: one per CPU; default: automatic)")
    run.add_argument("--no-cache", action="store_true", help="do not read or write the result cache")
    run.add_argument("--index", type=Path, default=None,
                     help="corpus index: compare with documents of earlier runs, then save this run's into it")
    run.add_argument("--cache-dir", type=Path, default=None,
                     help="cache folder (default: .newslint_cache beside the config, or here)")
    out.add_argument("--unsafe-fixes", action="store_true",
                     help="apply fixes marked unsafe" if fix else "show fixes marked unsafe as available")
    if fix:
        out.add_argument("--diff", action="store_true", help="print a unified diff of the fixes; write nothing")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newslint", description="Data-quality linter for scraped news text (Chinese and English)."
    )
    parser.add_argument("--version", action="version", version=f"newslint {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run_options(sub.add_parser("check", help="report problems"), fix=False)
    _add_run_options(sub.add_parser("fix", help="fix what can be fixed, report the rest"), fix=True)
    rules = sub.add_parser("rules", help="list the checks")
    rules.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    _add_selection(rules)
    explain = sub.add_parser("explain", help="show a check's documentation")
    explain.add_argument("check", help="code (NL201) or name (html-tag)")
    _add_selection(explain)
    test = sub.add_parser("test-packs", help="run every pack's own examples (built-in and user packs)")
    _add_selection(test)
    return parser


def _flatten(values: list[list[str]] | None) -> list[str] | None:
    if values is None:
        return None
    return [item for group in values for item in group]


def _settings(args: argparse.Namespace):
    from newslint.config import Settings, find_config, is_regular_file, load_config

    if args.config is not None:
        if not is_regular_file(args.config):
            raise PackError(f"{args.config}: config file not found")
        return load_config(args.config)
    paths = [p for p in getattr(args, "paths", ["."]) if p != "-"] or ["."]
    found = find_config(Path(paths[0]))
    return load_config(found) if found else Settings()


def _all_specs(settings, extra_packs: Sequence[Path]) -> list[CheckSpec]:
    from newslint.packs import builtin_pack_paths, expand_pack_paths, load_packs, validate_params
    from newslint.registry import detector_class

    user_packs = [*settings.packs, *expand_pack_paths(extra_packs, Path.cwd())]
    # The built-in packs alone (the pre-commit case) come from the spec cache; user packs are re-read.
    specs = load_packs([*builtin_pack_paths(), *user_packs], cached=not user_packs)
    if not settings.params:
        return specs
    by_code = {s.code: s for s in specs}
    for code, overrides in settings.params.items():
        spec = by_code.get(code.upper())
        if spec is None:
            raise PackError(f"{settings.source}: params given for unknown check {code}")
        cls = detector_class(spec.kind)
        merged = validate_params({**spec.params, **overrides}, cls.params, f"{settings.source}: params.{code}")
        new_spec = dataclasses.replace(spec, params=merged)
        try:
            cls(new_spec)
        except (ValueError, TypeError) as exc:
            raise PackError(f"{settings.source}: params.{code}: {exc}") from None
        by_code[spec.code] = new_spec
    return sorted(by_code.values(), key=lambda s: s.code)


def _selected(args: argparse.Namespace, settings, specs: list[CheckSpec]) -> list[CheckSpec]:
    from newslint.selection import select_checks

    select = _flatten(args.select)
    if select is None:
        select = settings.select
    return select_checks(
        specs,
        select,
        [*settings.extend_select, *(_flatten(args.extend_select) or [])],
        [*settings.ignore, *(_flatten(args.ignore) or [])],
    )


def _cmd_run(args: argparse.Namespace, fix: bool) -> int:
    from newslint.inputs import read_stdin
    from newslint.report import ReportOptions
    from newslint.reporters import write as write_report
    from newslint.runner import RunRequest, run, write_stdout

    settings = _settings(args)
    specs = _selected(args, settings, _all_specs(settings, args.pack))
    if args.output_file is not None:
        _check_output_file(args.output_file)  # before the run: nothing is fixed when the report cannot go
    if args.index is not None:
        from newslint.corpus_index import index_path_problem

        problem = index_path_problem(args.index, settings.root)
        if problem is not None:
            raise PackError(f"--index {args.index}: {problem}")
    diff = getattr(args, "diff", False)
    stdin_data = read_stdin() if "-" in args.paths else None
    request = RunRequest(
        paths=args.paths,
        settings=settings,
        specs=specs,
        fix=fix,
        unsafe_fixes=args.unsafe_fixes,
        diff=diff,
        force_exclude=args.force_exclude,
        stdin_filename=args.stdin_filename,
        stdin_data=stdin_data,
        jobs=args.jobs,
        index=args.index,
        # the workers render the report lines when the format is one line per finding
        render=None if args.statistics else {"json": "json", "jsonl": "json", "text": "text"}.get(args.format),
        cache=not args.no_cache and not os.environ.get("NEWSLINT_NO_CACHE"),
        cache_root=args.cache_dir or (Path(os.environ["NEWSLINT_CACHE_DIR"])
                                      if os.environ.get("NEWSLINT_CACHE_DIR") else None),
    )
    output = run(request)
    result = output.result
    result.dry_run = diff
    options = ReportOptions(statistics=args.statistics, quiet=args.quiet, version=__version__)
    if output.stdout_text is not None:
        write_stdout(output.stdout_text)
        report_stream = sys.stderr
    elif fix and not diff and stdin_data is not None:
        # ruff's convention: `fix -` prints the text; input that was not fixed (binary, or bytes
        # that could not all be decoded) goes back byte for byte, never lost in a pipeline
        sys.stdout.flush()
        sys.stdout.buffer.write(stdin_data)
        sys.stdout.buffer.flush()
        report_stream = sys.stderr
    else:
        report_stream = sys.stdout
    if output.diff:
        write_stdout(output.diff)
        report_stream = sys.stderr
    if args.format != "text":
        for problem in result.problems:
            where = f"{problem.path}:record {problem.record}" if problem.record else problem.path
            print(f"{where}: {'warning' if problem.skipped else 'error'}: {problem.message}", file=sys.stderr)
    if args.output_file is not None:
        try:
            with args.output_file.open("w", encoding="utf-8") as handle:
                write_report(args.format, result, options, handle)
        except OSError as exc:
            print(f"newslint: error: -o {args.output_file}: cannot write the report: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_ERROR
    else:
        write_report(args.format, result, options, report_stream)
        report_stream.flush()
    if any(not p.skipped for p in result.problems):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if diff:
        return EXIT_FINDINGS if output.diff else EXIT_OK
    threshold = Severity(args.fail_on) if args.fail_on else settings.fail_on
    return EXIT_FINDINGS if result.count_at_or_above(threshold) else EXIT_OK


def _check_output_file(path: Path) -> None:
    """A report file goes into an existing folder (never created) and is not a folder itself."""
    from newslint.config import is_folder

    folder = path.parent
    if not is_folder(folder):
        what = "is not a folder" if os.path.lexists(folder) else "does not exist"
        raise PackError(f"-o {path}: cannot write the report: {folder.as_posix()} {what}")
    if is_folder(path):
        raise PackError(f"-o {path}: cannot write the report: it is a folder")
    if not os.access(folder, os.W_OK | os.X_OK) and not os.access(path, os.W_OK):
        raise PackError(f"-o {path}: cannot write the report: permission denied")


def _cmd_rules(args: argparse.Namespace) -> int:
    from newslint.docs import rules_json, rules_markdown, rules_text

    settings = _settings(args)
    specs = _all_specs(settings, args.pack)
    if args.select or args.ignore or args.extend_select:
        specs = _selected(args, settings, specs)
    render = {"text": rules_text, "markdown": rules_markdown, "json": rules_json}[args.format]
    sys.stdout.write(render(specs))
    return EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    from newslint.docs import explain
    from newslint.selection import find_check

    specs = _all_specs(_settings(args), args.pack)
    spec = find_check(specs, args.check)
    if spec is None:
        raise PackError(f"no check {args.check!r} (see `newslint rules`)")
    sys.stdout.write(explain(spec))
    return EXIT_OK


def _cmd_test_packs(args: argparse.Namespace) -> int:
    from newslint.selftest import run_examples

    settings = _settings(args)
    specs = _all_specs(settings, args.pack)
    if args.select or args.ignore or args.extend_select:
        specs = _selected(args, settings, specs)
    count, failures = run_examples(specs)
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{count - len(failures)} passed, {len(failures)} failed")
    return EXIT_FINDINGS if failures else EXIT_OK


def _utf8_streams() -> None:
    """Findings quote Chinese text: never die on a terminal or pipe that claims to be ASCII."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command in ("check", "fix"):
            return _cmd_run(args, fix=args.command == "fix")
        if args.command == "rules":
            return _cmd_rules(args)
        if args.command == "explain":
            return _cmd_explain(args)
        return _cmd_test_packs(args)
    except PackError as exc:
        print(f"newslint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
