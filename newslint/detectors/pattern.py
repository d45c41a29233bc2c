"""The ``pattern`` kind: a regular expression, its named groups as message arguments, and an
optional replacement template (``\\g<name>``) as the fix.

Patterns are checked at load for ``\\b`` next to a CJK character: Python's ``\\b`` sits between a
word and a non-word character, and CJK ideographs are word characters, so ``\\b北京\\b`` inside
Chinese text never matches. Such a rule would silently find nothing (Vale #1154), so it is refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import CheckSpec, Detector, PackError, Param

_FLAGS = {"IGNORECASE": re.I, "MULTILINE": re.M, "DOTALL": re.S, "VERBOSE": re.X}
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_GROUP_OPEN = re.compile(r"\((?:\?(?:[:=!>]|P<\w+>|<\w+>|<[=!]))?")


def cjk_boundary_problem(pattern: str) -> str | None:
    """Return a description if ``\\b`` in ``pattern`` stands right next to a CJK character."""
    for match in re.finditer(r"(?<!\\)(?:\\\\)*\\b", pattern):
        after = _GROUP_OPEN.sub("", pattern[match.end():match.end() + 12]).lstrip("[")
        before = pattern[max(0, match.start() - 12):match.start()].rstrip("()|?:*+")
        if (after and _CJK.match(after[0])) or (before and _CJK.match(before[-1])):
            return (
                "\\b next to a CJK character can never match inside Chinese text "
                "(ideographs are word characters); drop the \\b or use lookarounds"
            )
    return None


def compile_pattern(source: str, flags: list[str] | None = None) -> re.Pattern[str]:
    value = 0
    for name in flags or []:
        if name.upper() not in _FLAGS:
            raise PackError(f"unknown regex flag {name!r} (known: {', '.join(_FLAGS)})")
        value |= _FLAGS[name.upper()]
    problem = cjk_boundary_problem(source)
    if problem:
        raise PackError(f"pattern {source!r}: {problem}")
    try:
        return re.compile(source, value)
    except re.error as exc:
        raise PackError(f"bad regex {source!r}: {exc}") from None


class PatternDetector(Detector):
    kind: ClassVar[str] = "pattern"
    params: ClassVar[dict[str, Param]] = {
        "pattern": Param(str, required=True, doc="Python regular expression; named groups become message arguments"),
        "flags": Param(list, default=[], doc="IGNORECASE, MULTILINE, DOTALL, VERBOSE"),
        "replacement": Param(str, default=None, doc="fix template, e.g. '\\g<text>'; empty string deletes"),
        "group": Param(str, default=None, doc="report and replace only this named group"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        self.regex = compile_pattern(self.p["pattern"], self.p["flags"])
        group = self.p["group"]
        if group is not None and group not in self.regex.groupindex:
            raise PackError(f"group {group!r} is not a named group of the pattern")
        if self.p["replacement"] is not None:
            try:
                self.regex.sub(self.p["replacement"], "")
            except (re.error, IndexError) as exc:
                raise PackError(f"bad replacement {self.p['replacement']!r}: {exc}") from None

    def detect(self, doc: Document) -> Iterator[Hit]:
        replacement = self.p["replacement"]
        group = self.p["group"]
        for region in self.regions(doc):
            for match in self.regex.finditer(doc.text, region.start, region.end):
                start, end = match.span(group) if group else match.span()
                if start == end or start < 0:
                    continue
                args: dict[str, object] = {k: v for k, v in match.groupdict().items() if v is not None}
                args["match"] = match.group(0)
                # The template expands against the whole match but replaces only the reported span.
                edits = None if replacement is None else (Edit(start, end, match.expand(replacement)),)
                yield Hit(start, end, args, edits)
