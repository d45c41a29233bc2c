"""Configuration: ``[tool.newslint]`` in ``pyproject.toml`` or ``.newslint.yaml``, found upward.

Like ruff, the nearest config file wins (no merging of several files), and command-line options
override it. Keys use kebab-case in files (``per-file-ignores``) and are normalised here.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import stat
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from newslint.model import Severity
from newslint.registry import CheckSpec, PackError

CONFIG_NAMES = (".newslint.yaml", ".newslint.yml", "pyproject.toml")

_KEYS = {
    "select", "ignore", "extend-select", "exclude", "per-file-ignores", "severity", "params", "packs",
    "jsonl", "fail-on", "include",
}
DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.jsonl", "*.ndjson")
DEFAULT_EXCLUDE = (".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".newslint_cache")


@dataclass
class Settings:
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    packs: list[Path] = field(default_factory=list)
    text_fields: list[str] = field(default_factory=lambda: ["text"])
    extra_fields: list[str] = field(default_factory=list)
    source_field: str = "source"
    fail_on: Severity = Severity.INFO
    source: Path | None = None
    root: Path = field(default_factory=Path.cwd)

    def excluded(self, path: Path) -> bool:
        """True when ``path`` matches an exclude glob (relative to the config's folder) or a VCS dir."""
        rel = _relative(path, self.root)
        parts = PurePosixPath(rel).parts
        if any(part in DEFAULT_EXCLUDE for part in parts):
            return True
        return any(_glob_match(rel, pattern) for pattern in self.exclude)

    def ignored_for(self, path: str) -> list[str]:
        rel = _relative(Path(path), self.root)
        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if _glob_match(rel, pattern):
                out.extend(codes)
        return out


def _relative(path: Path, root: Path) -> str:
    """``path`` relative to the config's folder, in POSIX form (string work only: called per file)."""
    absolute = os.path.abspath(path)
    base = _absolute_root(str(root))
    if absolute == base:
        return "."
    prefix = base.rstrip(os.sep) + os.sep
    if absolute.startswith(prefix):
        rel = absolute[len(prefix):]
        return rel.replace(os.sep, "/") if os.sep != "/" else rel
    return path.as_posix()


@functools.lru_cache(maxsize=8)
def _absolute_root(root: str) -> str:
    return os.path.abspath(root)


def _glob_match(rel: str, pattern: str) -> bool:
    """A glob matches the relative path, any of its parent folders, or (no slash) any component."""
    pattern = pattern.rstrip("/")
    if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern + "/*"):
        return True
    if "/" not in pattern:
        return any(fnmatch.fnmatch(part, pattern) for part in PurePosixPath(rel).parts)
    parts = PurePosixPath(rel).parts
    return any(fnmatch.fnmatch("/".join(parts[:i]), pattern) for i in range(1, len(parts)))


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a pyproject counts only with [tool.newslint])."""
    try:
        folder = start.resolve()
    except (OSError, RuntimeError):  # a symlink loop (RuntimeError before Python 3.13)
        folder = Path(os.path.abspath(start))
    if not is_folder(folder):  # a file (regular or not), or a path that does not exist
        folder = folder.parent
    for candidate_dir in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_dir / name
            if is_regular_file(candidate):
                if name == "pyproject.toml" and not _has_newslint_table(candidate):
                    continue
                return candidate
    return None


def _has_newslint_table(path: Path) -> bool:
    """Whether a pyproject has ``[tool.newslint]``. Most pyprojects never name newslint: their bytes
    say so without importing and running a TOML parser on every pre-commit run. A key spelled
    ``newslint`` without those bytes needs a ``\\u``/``\\U`` escape (a quoted key), so only a file
    with the word or such an escape is parsed (a broken one that names newslint is still an error)."""
    try:
        with path.open("rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise PackError(f"{path}: cannot read config: {exc}") from None
    if b"newslint" not in data and b"\\u" not in data and b"\\U" not in data:
        return False
    return "newslint" in _read_toml(path).get("tool", {})


def is_regular_file(path: Path) -> bool:
    """A regular file (never a FIFO or device); False for what cannot be looked at (a folder without
    permission on the way up is not an error: there is just no config there)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:  # TOML is UTF-8 only
        raise PackError(f"{path}: cannot read config: {exc}") from None
    except RecursionError:
        raise PackError(f"{path}: cannot read config: nested too deeply") from None


def load_config(path: Path) -> Settings:
    if path.name == "pyproject.toml":
        raw = _read_toml(path).get("tool", {}).get("newslint", {})
    else:
        from newslint.document import YamlError, load_yaml

        try:
            raw = load_yaml(path.read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise PackError(f"{path}: cannot read config: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise PackError(f"{path}: cannot read config: not UTF-8") from None
        except YamlError as exc:
            raise PackError(f"{path}: cannot read config: {exc}") from None
    if not isinstance(raw, Mapping):
        raise PackError(f"{path}: config must be a mapping")
    return settings_from_mapping(raw, path)


def _strings(value: Any, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PackError(f"{path}: '{key}' must be a list of strings")
    return list(value)


def settings_from_mapping(raw: Mapping[str, Any], path: Path) -> Settings:
    raw = {str(k).replace("_", "-"): v for k, v in raw.items()}
    unknown = set(raw) - _KEYS
    if unknown:
        raise PackError(f"{path}: unknown config key(s): {', '.join(sorted(unknown))}")
    base = path.parent
    settings = Settings(source=path, root=base)
    if "select" in raw:
        settings.select = _strings(raw["select"], "select", path)
    settings.extend_select = _strings(raw.get("extend-select", []), "extend-select", path)
    settings.ignore = _strings(raw.get("ignore", []), "ignore", path)
    settings.exclude = _strings(raw.get("exclude", []), "exclude", path)
    if "include" in raw:
        settings.include = _strings(raw["include"], "include", path)
    pfi = raw.get("per-file-ignores", {})
    if not isinstance(pfi, Mapping):
        raise PackError(f"{path}: 'per-file-ignores' must map globs to lists of codes")
    settings.per_file_ignores = {str(k): _strings(v, f"per-file-ignores.{k}", path) for k, v in pfi.items()}
    severity = raw.get("severity", {})
    if not isinstance(severity, Mapping):
        raise PackError(f"{path}: 'severity' must map codes to error/warning/info")
    for code, level in severity.items():
        try:
            settings.severity[str(code)] = Severity(level)
        except ValueError:
            raise PackError(f"{path}: severity of {code} must be error, warning or info") from None
    params = raw.get("params", {})
    if not isinstance(params, Mapping) or not all(isinstance(v, Mapping) for v in params.values()):
        raise PackError(f"{path}: 'params' must map check codes to parameter mappings")
    settings.params = {str(k): dict(v) for k, v in params.items()}
    from newslint.packs import expand_pack_paths

    try:
        settings.packs = expand_pack_paths(_strings(raw.get("packs", []), "packs", path), base)
    except PackError as exc:
        raise PackError(f"{path}: packs: {exc}") from None
    jsonl = raw.get("jsonl", {})
    if not isinstance(jsonl, Mapping):
        raise PackError(f"{path}: 'jsonl' must be a mapping")
    jsonl = {str(k).replace("_", "-"): v for k, v in jsonl.items()}
    if set(jsonl) - {"text-fields", "extra-fields", "source-field"}:
        raise PackError(f"{path}: 'jsonl' takes text-fields, extra-fields and source-field")
    if "source-field" in jsonl:
        if not isinstance(jsonl["source-field"], str):
            raise PackError(f"{path}: jsonl.source-field must be a field name")
        settings.source_field = jsonl["source-field"]
    if "text-fields" in jsonl:
        settings.text_fields = _strings(jsonl["text-fields"], "jsonl.text-fields", path)
    settings.extra_fields = _strings(jsonl.get("extra-fields", []), "jsonl.extra-fields", path)
    if "fail-on" in raw:
        try:
            settings.fail_on = Severity(raw["fail-on"])
        except ValueError:
            raise PackError(f"{path}: fail-on must be error, warning or info") from None
    return settings


def check_selectors(settings: Settings, specs: Sequence[CheckSpec]) -> Settings:
    """Every code, prefix or name the config file gives must match a known check (any pack, selected
    or not); the error names the file and the key. Returns the settings with ``severity`` keyed by
    exact code (a name or prefix there applies to every check it matches) and ``per-file-ignores``
    kept to what can match this run's checks (the rest is checked here, then has nothing to do).

    Called with all loaded checks before selection, so a config that ignores ``NL402`` for some
    files while ``select`` leaves NL402 out is valid, as it is in ruff."""
    from newslint.selection import matches

    if settings.source is None:
        return settings
    where = settings.source

    def check(selectors: Sequence[str], key: str) -> None:
        for selector in selectors:
            if not any(matches(selector, s) for s in specs):
                raise PackError(f"{where}: {key}: {selector!r} matches no check (see `newslint rules`)")

    check(settings.select or (), "select")
    check(settings.extend_select, "extend-select")
    check(settings.ignore, "ignore")
    for glob, codes in settings.per_file_ignores.items():
        check(codes, f"per-file-ignores.{glob}")
    exact: dict[str, Severity] = {}
    broad: dict[str, Severity] = {}  # a prefix or name: an exact code given too wins
    for key, level in settings.severity.items():
        check([key], f"severity.{key}")
        for spec in specs:
            if matches(key, spec):
                (exact if key.upper() == spec.code else broad)[spec.code] = level
    return replace(settings, severity={**broad, **exact})


def known_selectors(specs: Sequence[CheckSpec]) -> list[str]:
    """Every check's code and name: what a suppression may name (its prefixes match too)."""
    return sorted({s.code for s in specs} | {s.name for s in specs})


def show_settings(settings: Settings, specs: Sequence[CheckSpec], args: Any = None) -> str:
    """``--show-settings``: what this run would use, as YAML (ruff's ``--show-settings``): the config
    file it came from, every option after the command line was applied, and the checks selected."""
    import json

    def value(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    severity = {s.code: settings.severity.get(s.code, s.severity).value for s in specs}
    fail_on = getattr(args, "fail_on", None) or settings.fail_on.value
    jsonl = {"text-fields": settings.text_fields, "extra-fields": settings.extra_fields,
             "source-field": settings.source_field}
    lines = [
        "# newslint --show-settings",
        f"config-file: {value(str(settings.source) if settings.source else None)}",
        f"root: {value(str(settings.root))}",
        f"checks: {value([f'{s.code} {s.name}' for s in specs])}",
        f"select: {value(settings.select)}",
        f"extend-select: {value(settings.extend_select)}",
        f"ignore: {value(settings.ignore)}",
        f"include: {value(settings.include)}",
        f"exclude: {value(settings.exclude)}",
        f"per-file-ignores: {value(settings.per_file_ignores)}",
        f"severity: {value(severity)}",
        f"params: {value({s.code: dict(s.params) for s in specs if s.params and s.code in settings.params})}",
        f"packs: {value([str(p) for p in settings.packs])}",
        f"jsonl: {value(jsonl)}",
        f"fail-on: {value(fail_on)}",
    ]
    if args is not None:
        for option in ("format", "jobs", "index", "cache_dir", "no_cache", "unsafe_fixes", "baseline"):
            if hasattr(args, option):
                raw = getattr(args, option)
                shown = str(raw) if isinstance(raw, Path) else raw
                lines.append(f"{option.replace('_', '-')}: {value(shown)}")
    return "\n".join(lines) + "\n"
