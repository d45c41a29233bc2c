"""Loading and validating YAML check packs.

A pack is a YAML file with a ``checks:`` list (see ARCHITECTURE.md). Everything is validated at
load time, Vale's lesson: a rule with a typo, an unknown kind or a regex that can never match is an
error naming the file and the check, not a rule that silently finds nothing.
"""

from __future__ import annotations

import functools
import os
import re
import string
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from newslint.document import Format, Role
from newslint.model import Applicability, Scope, Severity
from newslint.registry import CheckDoc, CheckSpec, Example, PackError, Param, build_detector, detector_class

_CODE = re.compile(r"^[A-Z]{1,4}[0-9]{3}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_CHECK_KEYS = {
    "code", "name", "kind", "severity", "fix", "message", "summary", "docs", "params", "examples",
    "scope", "enabled", "regions", "formats", "tags",
}


def builtin_pack_paths() -> list[Path]:
    """The packs shipped with newslint (``checks/`` in a checkout, ``newslint.checks`` in a wheel).

    Listed from the package's folder when it is one (a checkout, a wheel, an editable install):
    ``importlib.resources`` is only needed for a zipped install, and importing it (with ``zipfile``)
    costs a one-file pre-commit run more than listing a folder does."""
    folder = _checks_folder()
    if folder is not None:
        return sorted(Path(folder, name) for name in os.listdir(folder) if name.endswith((".yml", ".yaml")))
    from importlib.resources import files

    root = files("newslint.checks")
    return sorted(Path(str(p)) for p in root.iterdir() if str(p).endswith((".yml", ".yaml")))


def _checks_folder() -> str | None:
    """The folder of the ``newslint.checks`` package, found (not imported) the way Python would
    import it; None when it does not live in a folder (a zip), so the caller asks
    ``importlib.resources``. Same path as ``importlib.resources.files`` gives a regular package."""
    import importlib.util

    spec = importlib.util.find_spec("newslint.checks")
    origin = spec.origin if spec is not None else None
    if not origin or not spec.has_location:
        return None
    folder = os.path.dirname(origin)
    return folder if os.path.isdir(folder) else None


@functools.lru_cache(maxsize=1)
def _shipped_packs() -> frozenset[str]:
    """The shipped packs' paths, as ``load_packs`` records them and resolved (symlinks, ``..``)."""
    paths = builtin_pack_paths()
    return frozenset(str(p) for p in paths) | frozenset(os.path.realpath(p) for p in paths)


def shipped_file(pack: str) -> bool:
    """Whether ``pack`` (a path, as ``CheckSpec.pack`` holds it) is one of the packs shipped with newslint."""
    known = _shipped_packs()
    return bool(pack) and (pack in known or os.path.realpath(pack) in known)


# The parameters each check of a shipped pack file was loaded with, by (pack, code).
_SHIPPED_PARAMS: dict[tuple[str, str], Mapping[str, Any]] = {}


def _remember_shipped(specs: Iterable[CheckSpec]) -> None:
    for spec in specs:
        if shipped_file(spec.pack):
            _SHIPPED_PARAMS[(spec.pack, spec.code)] = spec.params


def shipped(spec: CheckSpec) -> bool:
    """Whether ``spec`` is a check exactly as a pack shipped with newslint declares it.

    Such checks' patterns are reviewed with the code and run on the stdlib ``re``, unbounded; any
    other check gets bounded patterns: one from a user pack (even one that overrides a shipped code),
    and a shipped check whose parameters a config's ``params:`` changed (it keeps the shipped pack's
    path, not its patterns). Decided by the file the check was read from and the parameters that
    file gave it, as this process loaded them; never by code or name. A spec built any other way
    (by hand, in a process that loaded no pack) counts as not shipped: bounded, which is safe."""
    known = _SHIPPED_PARAMS.get((spec.pack, spec.code))
    return known is not None and known == spec.params


def _yaml_load(text: str, path: Path) -> Any:
    """A pack's YAML, within the limits every YAML newslint reads has (size, alias expansion, depth)."""
    from newslint.document import YamlError, load_yaml

    try:
        return load_yaml(text)
    except YamlError as exc:
        raise PackError(f"{path}: not valid YAML: {exc}") from None


def load_pack(path: Path) -> list[CheckSpec]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError(f"{path}: cannot read pack: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise PackError(f"{path}: pack is not UTF-8") from exc
    data = _yaml_load(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("checks"), list):
        raise PackError(f"{path}: a pack is a mapping with a 'checks' list")
    specs = []
    for index, entry in enumerate(data["checks"], 1):
        try:
            specs.append(parse_check(entry, path, index))
        except (TypeError, ValueError, AttributeError) as exc:  # a value of the wrong type (null, a number…)
            raise PackError(f"{path}: check #{index}: invalid value ({exc})") from None
    _remember_shipped(specs)
    return specs


def load_packs(paths: Iterable[Path], cached: bool = False) -> list[CheckSpec]:
    """Load packs in order; a later check with the same code replaces an earlier one (user override).

    ``cached``: reuse the validated result of an earlier run when no pack file (nor newslint itself)
    changed — parsing YAML and compiling every check costs more than a one-file pre-commit run.
    """
    paths = list(paths)
    if cached:
        from newslint.cache import spec_cache_get, spec_cache_put

        hit = spec_cache_get(paths)
        if hit is not None:
            _remember_shipped(hit)  # the spec cache lives in the user's own cache folder, not the project
            return hit
        specs = load_packs(paths)
        spec_cache_put(paths, specs)
        return specs
    by_code: dict[str, CheckSpec] = {}
    names: dict[str, str] = {}
    for path in paths:
        for spec in load_pack(path):
            owner = names.get(spec.name)
            if owner is not None and owner != spec.code:
                raise PackError(f"{path}: check {spec.code}: name {spec.name!r} is already used by {owner}")
            by_code[spec.code] = spec
            names[spec.name] = spec.code
    return sorted(by_code.values(), key=lambda s: s.code)


def expand_pack_paths(entries: Iterable[str | Path], base: Path) -> list[Path]:
    """User pack entries may be files or folders of ``*.yml``; relative to the config's folder."""
    out: list[Path] = []
    for entry in entries:
        path = Path(entry)
        if not path.is_absolute():
            path = base / path
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir() if p.suffix in (".yml", ".yaml")))
        elif path.is_file():
            out.append(path)
        else:
            raise PackError(f"{path}: pack not found")
    return out


def _enum(value: Any, enum_type: type, what: str, where: str) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        allowed = ", ".join(m.value for m in enum_type)
        raise PackError(f"{where}: {what} must be one of {allowed}, not {value!r}") from None


def parse_check(entry: Any, path: Path, index: int) -> CheckSpec:
    where = f"{path}: check #{index}"
    if not isinstance(entry, dict):
        raise PackError(f"{where}: each check is a mapping")
    code = entry.get("code")
    if isinstance(code, str):
        where = f"{path}: check {code}"
    unknown = set(entry) - _CHECK_KEYS
    if unknown:
        raise PackError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    for key in ("code", "name", "kind", "message"):
        if not isinstance(entry.get(key), str) or not entry[key]:
            raise PackError(f"{where}: '{key}' is required and must be a string")
    if not _CODE.match(code):
        raise PackError(f"{where}: code must look like NL123")
    template_problem = message_template_problem(entry["message"])
    if template_problem:
        raise PackError(f"{where}: message {entry['message']!r}: {template_problem}")
    if not _NAME.match(entry["name"]):
        raise PackError(f"{where}: name {entry['name']!r} must be kebab-case")
    try:
        cls = detector_class(entry["kind"])
    except PackError as exc:
        raise PackError(f"{where}: {exc}") from None
    severity = _enum(entry.get("severity", "warning"), Severity, "severity", where)
    fix = _enum(entry.get("fix", "none"), Applicability, "fix", where)
    scope = _enum(entry.get("scope", cls.scope.value), Scope, "scope", where)
    if scope is not cls.scope:
        raise PackError(f"{where}: kind {entry['kind']!r} runs at {cls.scope.value} scope, not {scope.value}")
    params = validate_params(entry.get("params") or {}, cls.params, where)
    roles = frozenset(_enum(r, Role, "regions entry", where) for r in entry.get("regions", ["body"]))
    formats = entry.get("formats")
    docs = entry.get("docs") or {}
    if not isinstance(docs, dict):
        raise PackError(f"{where}: docs must be a mapping of what/why/example/fix")
    spec = CheckSpec(
        code=code,
        name=entry["name"],
        kind=entry["kind"],
        severity=severity,
        fix=fix,
        message=entry["message"],
        summary=str(entry.get("summary") or docs.get("what", "")).strip().split("\n")[0],
        docs=CheckDoc(**{k: str(docs.get(k, "")).strip() for k in ("what", "why", "example", "fix")}),
        params=params,
        pack=str(path),
        scope=scope,
        enabled_by_default=bool(entry.get("enabled", True)),
        roles=roles,
        formats=frozenset(_enum(f, Format, "formats entry", where) for f in formats) if formats else None,
        examples=parse_examples(entry.get("examples") or {}, where),
        tags=tuple(entry.get("tags") or ()),
    )
    try:
        build_detector(spec, shipped_file(path))  # compile now: a bad regex or table fails at load, naming the check
    except PackError as exc:
        raise PackError(f"{where}: {exc}") from None
    except (ValueError, TypeError, re.error, RecursionError) as exc:
        raise PackError(f"{where}: invalid parameters: {exc}") from None
    return spec


def validate_params(given: Any, declared: Mapping[str, Param], where: str) -> dict[str, Any]:
    if not isinstance(given, dict):
        raise PackError(f"{where}: params must be a mapping")
    unknown = set(given) - set(declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise PackError(f"{where}: unknown parameter(s) {', '.join(sorted(unknown))} (known: {known})")
    out: dict[str, Any] = {}
    for name, param in declared.items():
        if name in given:
            value = given[name]
            # the default itself is always allowed: a config override re-validates a check's merged params
            if not isinstance(value, param.types) and not (value is None and param.default is None):
                raise PackError(f"{where}: parameter {name!r} has the wrong type ({type(value).__name__})")
            out[name] = value
        elif param.required:
            raise PackError(f"{where}: parameter {name!r} is required")
        else:
            out[name] = param.default
    return out


def parse_examples(raw: Any, where: str) -> tuple[Example, ...]:
    """``examples: {flagged: [...], clean: [...]}``; an entry is a string or ``{text, fixed, format, encoding}``."""
    if not isinstance(raw, dict) or set(raw) - {"flagged", "clean"}:
        raise PackError(f"{where}: examples must be a mapping with 'flagged' and/or 'clean' lists")
    out: list[Example] = []
    for key in ("flagged", "clean"):
        for item in raw.get(key) or []:
            if isinstance(item, str):
                item = {"text": item}
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise PackError(f"{where}: each {key} example needs a 'text' string")
            fmt = _enum(item.get("format", "plain"), Format, "example format", where)
            fixed = item.get("fixed")
            if fixed is not None and not isinstance(fixed, str):
                raise PackError(f"{where}: an example's 'fixed' must be a string")
            encoding = item.get("encoding", "utf-8")
            if not isinstance(encoding, str):
                raise PackError(f"{where}: an example's 'encoding' must be a codec name")
            out.append(Example(text=item["text"], flagged=key == "flagged", fixed=fixed, format=fmt,
                               encoding=encoding))
    return tuple(out)


def message_template_problem(message: str) -> str | None:
    """Why a check's message template cannot be rendered, or None. Fields are plain names
    (``{line}``), filled from what a hit reports; braces meant as text are doubled (``{{``). No
    attribute or index lookups, conversions or format specs: a pack is data, and its template must
    neither fail at report time nor reach into the objects behind a hit's values."""
    try:
        parts = list(string.Formatter().parse(message))
    except ValueError as exc:
        return f"{exc} (write a literal brace as '{{{{' or '}}}}')"
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if not name.isidentifier():
            return f"field {{{name}}} must be a plain name such as {{line}}"
        if spec or conversion:
            return f"field {{{name}}} takes no conversion or format spec"
    return None
