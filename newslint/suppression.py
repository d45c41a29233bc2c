"""Inline suppression comments in Markdown and HTML bodies.

``<!-- newslint: disable NL201 -->`` … ``<!-- newslint: enable NL201 -->`` switch checks off for a
stretch of text (no codes: all checks); ``<!-- newslint: disable-next-line NL104 -->`` covers the
next line only. Codes may be prefixes (``NL2``) or names. These comments are never findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIRECTIVE = re.compile(
    r"<!--\s*newslint:\s*(?P<action>disable-next-line|disable|enable)\b(?P<codes>[^>]*?)\s*-->"
)


@dataclass(frozen=True)
class Suppressed:
    start: int
    end: int
    codes: frozenset[str] | None  # None: every check

    def covers(self, code: str, name: str, offset: int) -> bool:
        if not self.start <= offset < self.end:
            return False
        if self.codes is None:
            return True
        return name in self.codes or any(code.startswith(c) for c in self.codes)


def _codes(raw: str) -> frozenset[str] | None:
    items = [c for c in re.split(r"[\s,]+", raw.strip()) if c]
    return frozenset(items) or None


def suppressed_ranges(text: str) -> list[Suppressed]:
    if "newslint:" not in text:
        return []
    ranges: list[Suppressed] = []
    open_since: dict[frozenset[str] | None, int] = {}
    for match in DIRECTIVE.finditer(text):
        action = match.group("action")
        codes = _codes(match.group("codes"))
        if action == "disable-next-line":
            line_start = text.find("\n", match.end())
            if line_start == -1:
                continue
            line_end = text.find("\n", line_start + 1)
            ranges.append(Suppressed(line_start + 1, len(text) if line_end == -1 else line_end, codes))
        elif action == "disable":
            open_since.setdefault(codes, match.start())
        else:
            keys = list(open_since) if codes is None else [codes]
            for key in keys:
                if key in open_since:
                    ranges.append(Suppressed(open_since.pop(key), match.end(), key))
    ranges.extend(Suppressed(start, len(text), key) for key, start in open_since.items())
    return ranges


def directive_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the directive comments themselves, which no check should report."""
    if "newslint:" not in text:
        return []
    return [m.span() for m in DIRECTIVE.finditer(text)]
