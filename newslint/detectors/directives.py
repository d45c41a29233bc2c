"""Unknown checks named in suppressions (NL001): a ``<!-- newslint: disable NL2O1 -->`` with a typo
silently suppresses nothing, so the finding it was meant for comes back, or worse, a later rename
leaves comments that no longer do anything. Reported: every code, prefix or name in a directive
comment, or in a JSONL record's ``newslint_disable`` field, that matches no check loaded by the run
(selected or not: the check learns them through its ``known`` parameter, which the command line
fills in; without it, the shipped checks are what is known).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from newslint.document import Document, Format
from newslint.model import Hit
from newslint.registry import Detector, Param
from newslint.suppression import DIRECTIVE

_CODE = re.compile(r"[^\s,]+")


class DirectiveDetector(Detector):
    kind: ClassVar[str] = "suppression-directive"
    params: ClassVar[dict[str, Param]] = {
        "known": Param((list, type(None)), None, doc="codes and names a suppression may use "
                                                      "(filled in by the command line)"),
    }

    _known: tuple[frozenset[str], frozenset[str]] | None = None

    def known(self, selector: str) -> bool:
        if self._known is None:  # (on first use: loading the shipped packs builds this check too)
            known = self.p.get("known")
            if known is None:
                known = _shipped_selectors()
            self._known = (frozenset(k.upper() for k in known if _looks_like_code(k)),
                           frozenset(k for k in known if not _looks_like_code(k)))
        codes, names = self._known
        if selector == "ALL" or selector in names:
            return True
        upper = selector.upper()
        return any(code.startswith(upper) for code in codes)

    def detect(self, doc: Document) -> Iterator[Hit]:
        if doc.disabled:
            for code in doc.disabled:
                if not self.known(code):
                    yield Hit(0, 0, {"code": code, "where": "this record's newslint_disable field"})
        if doc.format is Format.JSONL or "newslint:" not in doc.text:
            return
        for match in DIRECTIVE.finditer(doc.text):
            base = match.start("codes")
            for code in _CODE.finditer(match.group("codes")):
                if not self.known(code.group(0)):
                    yield Hit(base + code.start(), base + code.end(),
                              {"code": code.group(0), "where": "a newslint suppression comment"})


def _looks_like_code(selector: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z]+\d+", selector))


def _shipped_selectors() -> list[str]:
    from newslint.packs import builtin_pack_paths, load_packs

    specs = load_packs(builtin_pack_paths(), cached=True)
    return [s.code for s in specs] + [s.name for s in specs]
