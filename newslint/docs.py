"""Rule documentation generated from the packs: ``newslint rules``, ``newslint explain`` and the
README's rule table all read the same CheckSpec, so the docs can never drift from the checks."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from newslint.registry import CheckSpec

FIX_MARK = {"safe": "safe", "unsafe": "unsafe", "none": "—"}


def _pack_name(spec: CheckSpec) -> str:
    return Path(spec.pack).stem


def rules_text(specs: Sequence[CheckSpec]) -> str:
    rows = [("CODE", "NAME", "SEVERITY", "FIX", "SCOPE", "PACK", "SUMMARY")]
    for s in specs:
        default = "" if s.enabled_by_default else " (off by default)"
        rows.append((s.code, s.name, s.severity.value, s.fix.value, s.scope.value, _pack_name(s), s.summary + default))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)) + "  " + r[-1] for r in rows]
    return "\n".join(lines) + "\n"


def rules_markdown(specs: Sequence[CheckSpec]) -> str:
    lines = [
        "| Code | Name | Severity | Fix | Scope | Pack | What it finds |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in specs:
        summary = s.summary.replace("|", "\\|")
        if not s.enabled_by_default:
            summary += " *(off by default)*"
        lines.append(
            f"| {s.code} | `{s.name}` | {s.severity.value} | {FIX_MARK[s.fix.value]} | {s.scope.value} "
            f"| {_pack_name(s)} | {summary} |"
        )
    return "\n".join(lines) + "\n"


def rules_json(specs: Sequence[CheckSpec]) -> str:
    data = [
        {
            "code": s.code,
            "name": s.name,
            "kind": s.kind,
            "severity": s.severity.value,
            "fix": s.fix.value,
            "scope": s.scope.value,
            "pack": _pack_name(s),
            "enabled_by_default": s.enabled_by_default,
            "summary": s.summary,
            "docs": {"what": s.docs.what, "why": s.docs.why, "example": s.docs.example, "fix": s.docs.fix},
        }
        for s in specs
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def explain(spec: CheckSpec) -> str:
    """ruff-style rule doc: what it does, why it matters, an example, what the fix does."""
    fix = {
        "safe": "A safe fix is available (`newslint fix`).",
        "unsafe": "An unsafe fix is available (`newslint fix --unsafe-fixes`); review the result.",
        "none": "No automatic fix.",
    }[spec.fix.value]
    parts = [
        f"# {spec.name} ({spec.code})",
        f"Severity: {spec.severity.value} · Scope: {spec.scope.value} · Kind: {spec.kind} · "
        f"Pack: {_pack_name(spec)}" + ("" if spec.enabled_by_default else " · off by default"),
        "",
        "## What it finds",
        spec.docs.what or spec.summary,
    ]
    if spec.docs.why:
        parts += ["", "## Why it matters", spec.docs.why]
    if spec.docs.example:
        parts += ["", "## Example", "```", spec.docs.example, "```"]
    parts += ["", "## Fix", fix]
    if spec.docs.fix:
        parts.append(spec.docs.fix)
    rows = parameter_rows(spec)
    if rows:
        parts += ["", "## Parameters", "Set them under `params:` in your config "
                  f"(`params: {{{spec.code}: {{{rows[0][0]}: …}}}}`).", ""]
        for name, types, default, value, doc in rows:
            line = f"- `{name}` ({types}): default {default}"
            if value != default:
                line += f"; here {value}"
            if doc:
                line += f" — {doc}"
            parts.append(line)
    return "\n".join(parts) + "\n"


def parameter_rows(spec: CheckSpec) -> list[tuple[str, str, str, str, str]]:
    """``(name, types, default, value in this check, doc)`` for each parameter of the check's kind;
    the default is the kind's unless the check's pack gives its own (then that is the default a
    config's ``params:`` overrides)."""
    from newslint.registry import PackError, detector_class

    try:
        declared = detector_class(spec.kind).params
    except PackError:
        return []
    rows = []
    for name, param in sorted(declared.items()):
        types = param.types if isinstance(param.types, tuple) else (param.types,)
        type_names = " or ".join(t.__name__ for t in types)
        value = spec.params.get(name, param.default)
        rows.append((name, type_names, _shown(param.default) + (" (required)" if param.required else ""),
                     _shown(value), param.doc))
    return rows


def _shown(value: object, limit: int = 120) -> str:
    """A parameter value in one line, cut when long (a phrase list can hold hundreds of entries)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text) > limit:
        count = f" ({len(value)} entries)" if isinstance(value, (list, tuple, dict)) else ""
        text = text[:limit - 1] + "…" + count
    return f"`{text}`"
