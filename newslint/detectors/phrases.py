"""The ``phrases`` kind: a list of literal strings (ad lines, sponsor stubs, site signatures).

The list is compiled into one regex shaped as a trie, so matching costs one pass whatever the number
of phrases (a plain ``a|b|c`` alternation retries every branch at every position). ``boundary: word``
adds word boundaries only on the Latin ends of a phrase, never next to CJK characters, where ``\\b``
would never match.

Phrases are escaped literals, so the regex cannot backtrack exponentially; but a phrase of 10,000
``a`` against a long run of ``a`` still costs text length times phrase length. A user pack's phrases
are therefore matched with the same time limit as its patterns (``compile_generated``; ARCHITECTURE.md,
"Bounded patterns").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar

from newslint.detectors.pattern import compile_generated
from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import CheckSpec, Detector, PackError, Param


def trie_regex(phrases: list[str], ignore_case: bool = False) -> str:
    """A regex source matching any of ``phrases``, longest first, built as a character trie."""
    trie: dict = {}
    for phrase in phrases:
        node = trie
        for char in phrase.lower() if ignore_case else phrase:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = []
        optional = "" in node
        for char in sorted(k for k in node if k):
            branches.append(re.escape(char) + render(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if optional:
            return f"(?:{body})?"
        return body

    return render(trie)


def _is_word_char(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char == "_")


class PhrasesDetector(Detector):
    kind: ClassVar[str] = "phrases"
    params: ClassVar[dict[str, Param]] = {
        "phrases": Param(list, required=True, doc="literal strings to find"),
        "ignore_case": Param(bool, default=False),
        "boundary": Param(str, default="none", doc="'none', or 'word' for word boundaries at Latin ends"),
        "replacement": Param(str, default=None, doc="text that replaces each phrase; '' deletes it"),
        "whole_line": Param(bool, default=False, doc="report (and delete) the whole line holding the phrase"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        phrases = self.p["phrases"]
        if not phrases or not all(isinstance(x, str) and x for x in phrases):
            raise PackError("phrases must be a non-empty list of non-empty strings")
        if self.p["boundary"] not in ("none", "word"):
            raise PackError("boundary must be 'none' or 'word'")
        groups: list[str] = []
        for phrase in phrases:
            source = re.escape(phrase)
            if self.p["boundary"] == "word":
                if _is_word_char(phrase[0]):
                    source = r"\b" + source
                if _is_word_char(phrase[-1]):
                    source += r"\b"
            groups.append(source)
        flat = "|".join(sorted(groups, key=len, reverse=True))  # the longest phrase first, as the trie
        try:
            self.regex = self._compile(flat if self.p["boundary"] == "word" else None)
        except RecursionError:
            # A trie as deep as a long phrase nests too deep for the regex compilers (or for
            # trie_regex itself): the flat alternation finds the same matches, one branch at a time.
            self.regex = self._compile(flat)

    def _compile(self, source: str | None) -> Any:
        if source is None:
            source = trie_regex(self.p["phrases"], self.p["ignore_case"])
        if self.p["whole_line"]:
            source = rf"^[^\n]*?(?:{source})[^\n]*(?:\r?\n|\Z)"
        return compile_generated(source, (re.I if self.p["ignore_case"] else 0) | re.M)

    def detect(self, doc: Document) -> Iterator[Hit]:
        replacement = self.p["replacement"]
        whole_line = self.p["whole_line"]
        for region in self.regions(doc):
            for match in self.regex.finditer(doc.text, region.start, region.end):
                start, end = match.span()
                if start == end:
                    continue
                text = match.group(0).rstrip("\r\n") if whole_line else match.group(0)
                edits = None if replacement is None else (Edit(start, end, replacement),)
                yield Hit(start, start + len(text) if not edits else end, {"match": text}, edits)
