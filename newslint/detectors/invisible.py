"""The ``invisible`` kind: characters that show as nothing, or that stand for something lost.

Scraped text picks up characters nobody can see: zero-width spaces and joiners from CMS editors
and anti-scraping tricks, byte-order marks glued into the middle by concatenating files, C0
control bytes, terminal colour escapes from a logging scraper. They split words for search and
deduplication, so the fix removes them (a vertical tab, Word's manual line break, becomes a
newline). Two kinds are kept on purpose:

* tab, LF, CR and form feed (a page break, which PDF extraction writes between pages);
* ZWJ / ZWNJ where they do a job: inside an emoji sequence (👨 ZWJ 👩 ZWJ 👧) and between letters of
  scripts that join (Arabic, Persian, the Indic scripts), where removing them changes the word.

C1 controls that are Windows-1252 characters (``\\x93`` for “) belong to NL101, whose fix restores
the character instead of deleting it; the five C1 bytes Windows-1252 leaves undefined are reported
here, unless they sit among Latin-1 letters, where they are GBK lead bytes of mojibake that NL101
decodes (deleting one first would misalign the rest).

Private-use code points (icon-font glyphs, or GBK's user-defined area after a bad decode), U+FFFD
and lone surrogates mark data that is already lost: they are reported with no fix, because deleting
them would hide the loss. Consecutive characters make one finding. Finding them costs one pass of
one compiled character class over the text, shared with NL101 (see ``rare_positions`` below).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from typing import ClassVar

from newslint.document import Document
from newslint.model import Applicability, Edit, Hit
from newslint.registry import CheckSpec, Detector, Param

REMOVABLE = "\u200b-\u200d\u2060\ufeff\x00-\x08\x0b\x0e-\x1f\x7f\x81\x8d\x8f\x90\x9d"
LOST = "\ufffd\ue000-\uf8ff\U000f0000-\U0010ffff\ud800-\udfff"
LOST_BMP = "\ufffd\ue000-\uf8ff\ud800-\udfff"  # LOST without the supplementary planes
# A lone character class is what CPython's regex engine scans fastest (hundreds of M chars/s);
# rare_positions scans it (with NL101's) once, and the run around each hit is matched at that position.
_START = re.compile(f"[{REMOVABLE}{LOST}]")
_RUN = re.compile(rf"(?P<gone>(?:\x1b\[[0-?]*[ -/]*[@-~]|[{REMOVABLE}])+)|(?P<lost>[{LOST}]+)")
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
_CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "VERTICAL TAB", 0x1B: "ESCAPE", 0x7F: "DELETE",
}
_JOINERS = frozenset("\u200c\u200d")
_C1 = frozenset("\x81\x8d\x8f\x90\x9d")
# Scripts where ZWJ/ZWNJ shape letters: Arabic, Syriac, Thaana, N'Ko, the Indic and Southeast
# Asian scripts, and the Arabic presentation forms.
_JOINING = ((0x0600, 0x08FF), (0x0900, 0x0DFF), (0x0F00, 0x109F), (0x1780, 0x17FF), (0xA8E0, 0xA8FF),
            (0xFB50, 0xFDFF), (0xFE70, 0xFEFE))


def _is_emoji(ch: str) -> bool:
    code = ord(ch)
    return (0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x2B00 <= code <= 0x2BFF
            or code in (0xFE0F, 0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122, 0x3030, 0x303D)
            or 0xE0020 <= code <= 0xE007F)


def _joins(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _JOINING) and (ch.isalpha() or unicodedata.category(ch) == "Mn")


def _describe(ch: str) -> str:
    code = ord(ch)
    if code in _CONTROL_NAMES:
        name = _CONTROL_NAMES[code]
    elif code < 0x20 or 0x7F <= code < 0xA0:
        name = "CONTROL"
    elif 0xD800 <= code <= 0xDFFF:
        name = "LONE SURROGATE"
    elif code == 0xFEFF:
        name = "BYTE ORDER MARK"
    else:
        name = unicodedata.name(ch, "PRIVATE USE" if unicodedata.category(ch) == "Co" else "UNNAMED")
    return f"U+{code:04X} {name}"


def describe_run(text: str) -> str:
    """``U+200B ZERO WIDTH SPACE ×3, U+2060 WORD JOINER`` for a run of characters."""
    counts: dict[str, int] = {}
    escapes = len(_ANSI.findall(text))
    if escapes:
        counts["terminal escape sequence"] = escapes
    for ch in _ANSI.sub("", text):
        key = _describe(ch)
        counts[key] = counts.get(key, 0) + 1
    parts = [f"{key} ×{n}" if n > 1 else key for key, n in counts.items()]
    if len(parts) > 4:
        parts = parts[:4] + [f"{len(parts) - 4} more"]
    return ", ".join(parts)


# -- rare characters, found in one pass for NL101 and NL103 -------------------------------------------
#
# NL101 (mojibake) and NL103 both start from characters that clean text almost never holds: Latin-1
# letters, C1 and C0 controls, private use, U+FFFD, zero-width characters, the rare CJK characters
# UTF-8-read-as-GBK starts with. Each used to scan the whole text with its own character class;
# CPython's regex engine scans a class at a few ns a character however many characters it holds, but
# pays that per class (and per range in it). So the union of both classes is scanned once per
# document text (cached on the text object, like html.py's scan), and each check then tests only the
# offsets found, with its own class: the same offsets, in the same order, as its own scan would find.
# The union has one range more for a text that can hold supplementary code points (the private-use
# planes U+F0000 and up): a text CPython stores with one or two bytes a character cannot, and
# ``sys.getsizeof`` tells which in O(1) (PEP 393).


def _header_size() -> int | None:
    """Bytes of a compact non-ASCII str besides its characters, or None if sizes do not tell widths."""
    try:
        header = sys.getsizeof("\u0100") - 4  # one 2-byte character and a 2-byte terminator
        checks = [(sys.getsizeof("\u0100" * 3), 8), (sys.getsizeof("\U00010000" * 3), 16),
                  (sys.getsizeof("\xe9" * 3), 4)]
    except TypeError:  # pragma: no cover - an implementation without getsizeof (PyPy)
        return None
    return header if all(size - header == data for size, data in checks) else None


_HEADER = _header_size()


def bmp_only(text: str) -> bool:
    """True when ``text`` certainly holds no code point above U+FFFF, decided in O(1).

    CPython stores a str with 1, 2 or 4 bytes a character (PEP 393); only the 4-byte form can hold
    a supplementary one, and ``sys.getsizeof`` shows the width. Anything unusual (a str subclass,
    another interpreter) makes the size larger or unknown, and the answer False: never wrong, at
    worst slower.
    """
    if text.isascii():
        return True
    if _HEADER is None:
        return False
    return sys.getsizeof(text) - _HEADER < 4 * (len(text) + 1)


_patterns: dict[bool, re.Pattern[str]] = {}
_ascii_rare: bytes | None = None


def _union(bmp: bool) -> re.Pattern[str]:
    """Every character NL101's trigger or NL103's start class holds (``bmp``: without U+10000 and up)."""
    global _ascii_rare
    pattern = _patterns.get(bmp)
    if pattern is None:
        from newslint.detectors.triggers import trigger_class

        pattern = _patterns[bmp] = re.compile(f"[{trigger_class()}{REMOVABLE}{LOST_BMP if bmp else LOST}]")
        _ascii_rare = bytes(code for code in range(128) if pattern.match(chr(code)))
    return pattern


def _ascii_clean(text: str) -> bool:
    """For an ASCII ``text``: does it hold none of the union's characters (its ASCII controls)?

    The regex engine scans a one-byte-a-character string at ~7 ns a character; deleting the
    controls with ``bytes.translate`` and comparing lengths takes ~1.3.
    """
    _union(True)
    assert _ascii_rare is not None
    return len(text.encode("ascii").translate(None, _ascii_rare)) == len(text)


_rare_cache: tuple[str, list[int]] | None = None


def rare_positions(text: str) -> list[int]:
    """Offsets of all the rare characters of ``text``, ascending (one scan per text object)."""
    global _rare_cache
    cached = _rare_cache
    if cached is not None and cached[0] is text:
        return cached[1]
    found: list[int] = []
    if not (text.isascii() and _ascii_clean(text)):
        found = [m.start() for m in _union(bmp_only(text)).finditer(text)]
    _rare_cache = (text, found)
    return found


def find_rare(chars: re.Pattern[str], text: str, start: int, end: int) -> int:
    """``chars.search(text, start, end).start()``, or -1, for a one-character class ``chars`` whose
    characters all belong to the union above (NL101's trigger, NL103's start class)."""
    found = rare_positions(text)
    index = bisect_left(found, start)
    while index < len(found):
        offset = found[index]
        if offset >= end:
            return -1
        if chars.match(text, offset):
            return offset
        index += 1
    return -1


class InvisibleDetector(Detector):
    kind: ClassVar[str] = "invisible"
    params: ClassVar[dict[str, Param]] = {
        "private_use": Param(bool, default=True, doc="report private-use code points (icon fonts, GBK user area)"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        self.private_use = bool(self.p["private_use"])

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        for region in self.regions(doc):
            position = region.start
            while (found := find_rare(_START, text, position, region.end)) >= 0:
                match = _RUN.match(text, found, region.end)
                assert match is not None
                start, end = match.span()
                position = end
                run = match.group()
                if match.lastgroup == "lost":
                    yield from self._lost(run, start)
                    continue
                if set(run) <= _JOINERS and self._joining(text, start, end):
                    continue
                if set(run) <= _C1 and self._in_latin1_run(text, start, end):
                    continue  # a GBK lead byte inside GBK-read-as-Latin-1 mojibake: NL101 repairs it
                yield Hit(start, end, {"kind": self._kind(run), "chars": describe_run(run), "note": ""},
                          (Edit(start, end, self._replacement(run)),))

    @staticmethod
    def _joining(text: str, start: int, end: int) -> bool:
        """A joiner that does a job: between emoji, or between letters of a joining script."""
        if start == 0 or end >= len(text):
            return False
        before, after = text[start - 1], text[end]
        if "\u200d" in text[start:end] and (_is_emoji(before) or 0x1F3FB <= ord(before) <= 0x1F3FF):
            return _is_emoji(after)
        return _joins(before) and _joins(after)

    @staticmethod
    def _in_latin1_run(text: str, start: int, end: int) -> bool:
        """Latin-1 letters within two characters: GBK pairs read as Latin-1 (a trail may be ASCII)."""
        return any("\x80" <= c <= "\xff" for c in text[max(0, start - 2):start] + text[end:end + 2])

    @staticmethod
    def _kind(run: str) -> str:
        if "\x1b[" in run:
            return "Terminal escape sequence"
        if all(c in "\u200b\u200c\u200d\u2060\ufeff" for c in run):
            return "Byte order mark inside the text" if set(run) == {"\ufeff"} else "Zero-width character"
        return "Control character"

    @staticmethod
    def _replacement(run: str) -> str:
        """Nothing, except Word's manual line break (vertical tab), which is a line break."""
        return "\n" if "\x0b" in run else ""

    def _lost(self, run: str, start: int) -> Iterator[Hit]:
        # Private-use and U+FFFD runs are separate findings: one is a glyph, the other a decoder's mark.
        for piece in re.finditer("\ufffd+|[\ud800-\udfff]+|[^\ufffd\ud800-\udfff]+", run):
            chars = piece.group()
            if chars[0] == "\ufffd":
                kind = "Replacement character"
            elif "\ud800" <= chars[0] <= "\udfff":
                kind = "Lone surrogate"
            elif not self.private_use:
                continue
            else:
                kind = "Private-use character"
            yield Hit(start + piece.start(), start + piece.end(),
                      {"kind": kind, "chars": describe_run(chars), "note": "; the original character is lost"},
                      applicability=Applicability.NONE)
