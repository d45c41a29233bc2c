"""``--baseline FILE``: adopt newslint on a large corpus without fixing everything first.

The first run with a baseline file that does not exist records every finding in it; later runs
report only findings that are not in it (ruff's and flake8-baseline's idea). The file is JSON, sorted,
one entry per line, so it can be committed and reviewed.

A finding is recorded by what does not move when text is added above it: the file, the JSONL field,
the check and the message with any line/column/record numbers in it blanked out — never its line or
record number. Identical entries are counted, so a file that had two ``&nbsp;`` findings and now has
three reports one. Editing the text a finding quotes makes it new, which is the point.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from newslint.atomic import atomic_write
from newslint.model import Finding
from newslint.registry import PackError

VERSION = 1
_NUMBERS = re.compile(r"(?<=[:#])\d+|\b(?:record|line|doc|column|col)\s+\d+", re.I)

Key = tuple[str, str, str, str]


def fingerprint(finding: Finding) -> Key:
    """``(path, field, code, message)`` with positions blanked: stable when lines shift."""
    message = _NUMBERS.sub(lambda m: re.sub(r"\d+", "N", m.group(0)), finding.message)
    return (finding.path, finding.field_name or "", finding.code, message)


def load_baseline(path: Path) -> Counter[Key] | None:
    """The recorded findings, or None when the file does not exist yet (this run records it)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"--baseline {path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            raise ValueError(f"not a newslint baseline (version {VERSION})")
        out: Counter[Key] = Counter()
        for entry in data["findings"]:
            key = (entry["path"], entry.get("field") or "", entry["code"], entry["message"])
            if not all(isinstance(part, str) for part in key) or not isinstance(entry.get("count", 1), int):
                raise ValueError("an entry of the wrong type")
            out[key] += entry.get("count", 1)
        return out
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise PackError(f"--baseline {path}: not a newslint baseline file: {exc}") from None


def save_baseline(path: Path, findings: Iterable[Finding]) -> int:
    counts = Counter(fingerprint(f) for f in findings)
    entries = [
        {"path": p, "field": field or None, "code": code, "message": message, "count": n}
        for (p, field, code, message), n in sorted(counts.items())
    ]
    lines = ",\n".join("    " + json.dumps(e, ensure_ascii=False, sort_keys=True) for e in entries)
    body = f'{{\n  "version": {VERSION},\n  "tool": "newslint",\n  "findings": [\n{lines}\n  ]\n}}\n'
    if not entries:
        body = f'{{\n  "version": {VERSION},\n  "tool": "newslint",\n  "findings": []\n}}\n'
    try:
        atomic_write(path, body.encode("utf-8", "backslashreplace"))  # a lone surrogate: a \\udxxx JSON escape
    except OSError as exc:
        raise PackError(f"--baseline {path}: cannot write: {exc.strerror or exc}") from None
    return sum(counts.values())


def filter_new(findings: Iterable[Finding], baseline: Counter[Key]) -> tuple[list[Finding], int]:
    """The findings not accounted for by the baseline, in report order, and how many were."""
    left = Counter(baseline)
    new: list[Finding] = []
    known = 0
    for finding in findings:
        key = fingerprint(finding)
        if left[key] > 0:
            left[key] -= 1
            known += 1
        else:
            new.append(finding)
    return new, known
