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

# "text" is "full" on a terminal and "concise" (one line per finding) in a pipe, a file or CI
FORMATS = ("text", "full", "concise", "json", "jsonl", "sarif", "github", "html")
TEXT_FORMATS = ("text", "full", "concise")
EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _codes(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _add_selection(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection")
    group.add_argument("--select", type=_codes, action="append", help="checks to run (codes, prefixes, names, ALL)")
    group.add_argument("--extend-select", type=_codes, action="append", default=[], help="add checks")
    group.add_argument("--ignore", type=_codes, action="append", default=[], help="checks to skip")
    group.add_argument("--config", type=Path, help="config file (.newslint.yaml or pyproject.toml)")
    group.add_argument("--isolated", action="store_true", help="ignore every config file (defaults only)")
    group.add_argument("--pack", type=Path, action="append", default=[], help="extra YAML check pack (file or folder)")


def _add_run_options(parser: argparse.ArgumentParser, fix: bool) -> None:
    parser.add_argument("paths", nargs="*", default=["."], help="files or folders; '-' reads standard input")
    _add_selection(parser)
    out = parser.add_argument_group("output")
    out.add_argument("--format", "--output-format", dest="format", choices=FORMATS,
                     default=os.environ.get("NEWSLINT_OUTPUT_FORMAT") or "text",
                     help="text: full on a terminal (source lines, carets, fix hints), concise otherwise")
    out.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                     help="colour the text output (auto: on a terminal, unless NO_COLOR is set)")
    out.add_argument("--verbose", "-v", action="store_true", help="whole messages, with internal scores")
    out.add_argument("--show-settings", action="store_true",
                     help="print the settings this run would use (config file, checks, options) and exit")
    out.add_argument("--baseline", type=Path, default=None,
                     help="findings file: record this run's findings when it does not exist, "
                          "then report only findings not in it")
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
    run.add_argument("--engine", choices=("local", "ray"), default="local",
                     help="where tasks run: this machine (serial or --jobs processes) or Ray Data (newslint[ray])")
    run.add_argument("--ray-address", default=None,
                     help="Ray cluster to use with --engine ray (default: RAY_ADDRESS, else a local Ray)")
    run.add_argument("--output-dir", type=Path, default=None,
                     help="check: write findings as shards here (only the summary is printed); "
                          "fix: write cleaned shards and .dropped sidecars here, never modifying the inputs")
    run.add_argument("--shard-format", choices=("jsonl", "parquet"), default="jsonl",
                     help="format of the findings shards in --output-dir")
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

    if getattr(args, "isolated", False):
        return Settings()
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
    from newslint.config import check_selectors
    from newslint.selection import select_checks

    select = _flatten(args.select)
    _select_flag_errors(args, specs)
    settings = check_selectors(settings, specs)  # the config's errors name its file and key
    if select is None:
        select = settings.select
    return select_checks(
        specs,
        select,
        [*settings.extend_select, *(_flatten(args.extend_select) or [])],
        [*settings.ignore, *(_flatten(args.ignore) or [])],
    )


def _select_flag_errors(args: argparse.Namespace, specs: list[CheckSpec]) -> None:
    """Command-line selectors are checked before the config's are merged in, so an error names the
    flag only when the flag gave the value (a config file's error names the file and key)."""
    from newslint.selection import matches

    for option, values in (("--select", _flatten(args.select) or []),
                           ("--extend-select", _flatten(args.extend_select) or []),
                           ("--ignore", _flatten(args.ignore) or [])):
        for selector in values:
            if not any(matches(selector, s) for s in specs):
                raise PackError(f"{option}: {selector!r} matches no check (see `newslint rules`)")


def _checked_settings(settings, specs: list[CheckSpec], selected: list[CheckSpec]):
    """The config's codes checked against every loaded check (naming file and key), and its
    per-file ignores kept to the checks this run selected (ignoring an unselected check is valid)."""
    from newslint.config import check_selectors
    from newslint.selection import matches

    settings = check_selectors(settings, specs)  # (severity keyed by exact code)
    settings.per_file_ignores = {
        glob: kept for glob, codes in settings.per_file_ignores.items()
        if (kept := [c for c in codes if any(matches(c, s) for s in selected)])
    }
    return settings


def _with_known_codes(specs: list[CheckSpec], every: list[CheckSpec]) -> list[CheckSpec]:
    """The suppression-directive check learns every loaded check's code and name (selected or not),
    through its parameters, so it can report a directive naming a check that does not exist."""
    from newslint.config import known_selectors

    known = known_selectors(every)
    return [dataclasses.replace(s, params={**s.params, "known": known}) if s.kind == "suppression-directive"
            else s for s in specs]


def _text_style(args: argparse.Namespace, stream) -> str:
    if args.format in ("full", "concise"):
        return args.format
    if args.output_file is not None or os.environ.get("CI"):
        return "concise"
    isatty = getattr(stream, "isatty", None)
    return "full" if isatty is not None and isatty() else "concise"


def _use_color(args: argparse.Namespace, stream) -> bool:
    if args.color != "auto":
        return args.color == "always"
    if os.environ.get("NO_COLOR") or args.output_file is not None or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty is not None and isatty())


def _cmd_run(args: argparse.Namespace, fix: bool) -> int:
    from newslint.engine import RunRequest, run
    from newslint.report import ReportOptions
    from newslint.reporters import write as write_report

    settings = _settings(args)
    every = _all_specs(settings, args.pack)
    specs = _selected(args, settings, every)
    settings = _checked_settings(settings, every, specs)
    specs = _with_known_codes(specs, every)
    if args.show_settings:
        from newslint.config import show_settings

        sys.stdout.write(show_settings(settings, specs, args))
        return EXIT_OK
    text_style = _text_style(args, sys.stdout)
    baseline = None
    if args.baseline is not None:
        from newslint.baseline import load_baseline

        baseline = load_baseline(args.baseline)  # None: not there yet, this run records it
    if args.output_file is not None:
        _check_output_file(args.output_file)  # before the run: nothing is fixed when the report cannot go
    if args.index is not None:
        from newslint.corpus_index import index_path_problem

        problem = index_path_problem(args.index, settings.root)
        if problem is not None:
            raise PackError(f"--index {args.index}: {problem}")
    diff = getattr(args, "diff", False)
    stdin_data = None
    if "-" in args.paths:
        from newslint.inputs import read_stdin

        stdin_data = read_stdin()
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
        render=None if args.statistics or baseline is not None or args.baseline is not None
        or (args.format in TEXT_FORMATS and text_style == "full")
        else {"json": "json", "jsonl": "json", "text": "text", "concise": "text"}.get(args.format),
        cache=not args.no_cache and not os.environ.get("NEWSLINT_NO_CACHE"),
        cache_root=args.cache_dir or (Path(os.environ["NEWSLINT_CACHE_DIR"])
                                      if os.environ.get("NEWSLINT_CACHE_DIR") else None),
        **_engine_options(args, diff),
    )
    output = run(request)
    from newslint import progress

    progress.end()  # (a corpus stage's line, if one is still shown, goes before the report)
    result = output.result
    result.dry_run = diff
    result.paths = tuple(args.stdin_filename if p == "-" else p for p in args.paths)
    if args.baseline is not None:
        from newslint.baseline import filter_new, load_baseline, save_baseline

        count = None

        if baseline is None:
            count = save_baseline(args.baseline, result.findings)
            print(f"newslint: recorded {count} findings in the baseline {args.baseline}; "
                  "from now on only new findings are reported", file=sys.stderr)
            baseline = load_baseline(args.baseline)
        result.findings, known = filter_new(result.findings, baseline or {})
        if known and not args.quiet and count is None:
            print(f"newslint: {known} findings in the baseline {args.baseline} not shown", file=sys.stderr)
    stdin_name = args.stdin_filename
    options = ReportOptions(
        statistics=args.statistics, quiet=args.quiet, version=__version__, text_style=text_style,
        color=_use_color(args, sys.stdout) if args.format in TEXT_FORMATS else False, verbose=args.verbose,
        stdin={stdin_name: stdin_data} if stdin_data is not None else {},
        show_source=not diff and not (fix and stdin_data is not None),
    )
    if output.stdout_text is not None:
        from newslint.engine.fixer import write_stdout

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
        from newslint.engine.fixer import write_stdout

        write_stdout(output.diff)
        report_stream = sys.stderr
    fmt = "text" if args.format in TEXT_FORMATS else args.format
    if fmt != "text":
        if result.nothing_checked:
            from newslint.reporters.text import no_files_message

            print(f"newslint: warning: {no_files_message(result)}", file=sys.stderr)
        for problem in result.problems:
            where = f"{problem.path}:record {problem.record}" if problem.record else problem.path
            print(f"{where}: {'warning' if problem.skipped else 'error'}: {problem.message}", file=sys.stderr)
    if args.output_file is not None:
        try:
            with args.output_file.open("w", encoding="utf-8", errors="backslashreplace") as handle:
                write_report(fmt, result, options, handle)
        except OSError as exc:
            print(f"newslint: error: -o {args.output_file}: cannot write the report: {exc.strerror or exc}",
                  file=sys.stderr)
            return EXIT_ERROR
    else:
        write_report(fmt, result, options, report_stream)
        report_stream.flush()
    if any(not p.skipped for p in result.problems):
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if diff:
        return EXIT_FINDINGS if output.diff else EXIT_OK
    threshold = Severity(args.fail_on) if args.fail_on else settings.fail_on
    return EXIT_FINDINGS if result.count_at_or_above(threshold) else EXIT_OK


def _engine_options(args: argparse.Namespace, diff: bool) -> dict:
    """``--engine``, ``--ray-address``, ``--output-dir`` and ``--shard-format``, checked."""
    if args.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            raise PackError('--engine ray: Ray is not installed (pip install "newslint[ray]")')
    if args.engine == "ray" and hasattr(args, "diff") and args.output_dir is None:
        raise PackError("fix --engine ray writes cleaned shards: give --output-dir (inputs are never modified)")
    if args.output_dir is not None:
        if "-" in args.paths or diff:
            raise PackError("--output-dir: not with standard input or --diff")
        if args.output_dir.exists() and not args.output_dir.is_dir():
            raise PackError(f"--output-dir {args.output_dir}: not a folder")
        if args.shard_format == "parquet":
            import importlib.util

            if importlib.util.find_spec("pyarrow") is None:
                raise PackError("--shard-format parquet: pyarrow is not installed")
    return {"engine": args.engine, "ray_address": args.ray_address, "output_dir": args.output_dir,
            "shard_format": args.shard_format}


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
    """Findings quote Chinese text: never die on a terminal or pipe that claims to be ASCII. Nor on
    text no encoder takes: a JSON string may hold a lone surrogate (``"\\udada"``), which findings
    quote and strict UTF-8 refuses (a traceback after the whole run); it is written as ``\\udada``,
    which a JSON reader reads back as the same character."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if not hasattr(stream, "reconfigure"):
            continue
        if encoding not in ("utf8", "utf8sig"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
        elif getattr(stream, "errors", None) != "backslashreplace":  # strict, or surrogateescape (C locale)
            stream.reconfigure(errors="backslashreplace")


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
