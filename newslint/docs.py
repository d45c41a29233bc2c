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
    return "\n".join(parts) + "\n"
