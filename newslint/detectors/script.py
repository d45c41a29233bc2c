"""Script checks: the ``cjk-punctuation-in-latin`` and ``script-mixing`` kinds.

``cjk-punctuation-in-latin``: machine-translated or re-typed English keeps the source's full-width
punctuation (``Noodles。 It``, ``word，word``). A full-width mark is only wrong when the sentence around
it is Latin: it is flagged when no CJK ideograph, kana or hangul occurs within ``window`` characters
on its line and it sits between Latin letters or digits. Chinese text, Chinese text quoting English
names (``Apple，Google和微软``) and clean Chinese punctuation are never flagged.

``script-mixing``: a traditional character in simplified text (``新浪财经－国內``) or the reverse. The
text is converted both ways with OpenCC (phrase-aware, so ``乾隆`` stays ``乾隆``); a character that
one conversion changes belongs to that script only, a character neither changes is shared and never
counts. The document's script is decided from the whole of the regions checked, and only when one
side clearly dominates. Japanese (kana present) is left alone: its kanji are not simplified Chinese.

What is *not* reported, although OpenCC would convert it:

- a character of the document script's own national character set: GB2312 is the character set of
  simplified Chinese, so its characters are ordinary in simplified text even where OpenCC calls them
  traditional (乾 in 乾坤 and in the company name 广发乾和, 薹 in 蒜薹, 吒 in 哪吒, 夥, 摺…: sixteen of
  them); in traditional text the same holds for Big5 (后, 台, 干, 里 are traditional characters too).
  Only next to a character that is not (於 in 對於) is such a character part of a word of the other
  script, and reported with it;
- a character inside mojibake or other damaged text: a span NL101 reports (鐨, 紝 in UTF-8 read as GBK,
  the pairs of GBK read one byte off), or a stretch where few of the characters around it are common
  Chinese ones (:mod:`newslint.charfreq`): real text of either script is mostly common characters,
  garbage is not, and garbage is not traditional Chinese.

The conversion is offered as an unsafe fix only where it is unambiguous: a traditional character has
one simplified form; a simplified character whose traditional form depends on the word (发 is 發 or
髮, 汇 is 匯, 彙 or 滙) only where a phrase OpenCC knows decides it (头发 -> 頭髮). Otherwise the finding
names the choices and has no fix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any, ClassVar

from newslint.document import Document
from newslint.model import Edit, Hit
from newslint.registry import CheckSpec, Detector, PackError, Param

_ASIAN = re.compile(
    r"[\u1100-\u11ff\u2e80-\u2fdf\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN = re.compile(r"[A-Za-z]")

_DEFAULT_MAP = {
    "。": ".", "，": ",", "；": ";", "：": ":", "！": "!", "？": "?", "（": "(", "）": ")", "、": ",",
}
_SPACE_AFTER = set(".,;:!?)")
_WORD = re.compile(r"[A-Za-z]{2,}")


def _markup_spans(text: str) -> list[tuple[int, int]]:
    """Disjoint sorted spans of comments, style/script blocks and tags (nested ones merged)."""
    from newslint.detectors.boilerplate import _HIDDEN, _TAG

    spans = sorted([m.span() for m in _HIDDEN.finditer(text)] + [m.span() for m in _TAG.finditer(text)])
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    import bisect

    index = bisect.bisect_right(spans, (offset, 1 << 62)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


class CjkPunctuationDetector(Detector):
    kind: ClassVar[str] = "cjk-punctuation-in-latin"
    params: ClassVar[dict[str, Param]] = {
        "map": Param(dict, default=_DEFAULT_MAP, doc="full-width mark -> ASCII replacement"),
        "window": Param(int, default=24, doc="characters either side (same line) that must hold no CJK"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        mapping: dict[str, Any] = self.p["map"]
        valid = all(isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in mapping.items())
        if not mapping or not valid:
            raise PackError("map must map single full-width characters to ASCII strings")
        self.map = dict(mapping)
        marks = "[" + re.escape("".join(self.map)) + "]"
        # A mark right after a non-ASCII character (other than a no-break space) is Chinese text's own
        # punctuation: the lookbehind drops it inside the regex engine, so the Python loop below only
        # sees marks after ASCII (in Chinese text the engine skips its every ，。 at C speed).
        self.regex = re.compile(f"{marks}(?<![^\\x00-\\x7f\\xa0]{marks})")

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        window = self.p["window"]
        hidden: list[tuple[int, int]] | None = None  # computed at the first candidate mark
        for region in self.regions(doc):
            for match in self.regex.finditer(text, region.start, region.end):
                i = match.start()
                if hidden is None:
                    hidden = _markup_spans(text) if "<" in text else []
                if hidden and _inside(hidden, i):
                    continue  # an attribute or a comment: the HTML checks' business, not prose
                line_start = text.rfind("\n", region.start, i) + 1
                line_end = text.find("\n", i, region.end)
                if line_end < 0:
                    line_end = region.end
                left = text[max(line_start, i - window):i]
                right = text[i + 1:min(line_end, i + 1 + window)]
                if _ASIAN.search(left) or _ASIAN.search(right):
                    continue
                before, after = left.rstrip(), right.lstrip()
                if not before or not after:
                    continue
                if not (before[-1].isascii() and (before[-1].isalnum() or before[-1] in ")\"'%")):
                    continue
                if not (after[0].isascii() and (after[0].isalnum() or after[0] in "(\"'")):
                    continue
                if not (_LATIN.search(left) and _LATIN.search(right)):
                    continue
                if len(_WORD.findall(left)) + len(_WORD.findall(right)) < 3:
                    continue  # a label such as ID：quanshangcn, not an English sentence
                mark = match.group(0)
                replacement = self.map[mark]
                if replacement in _SPACE_AFTER and right[:1].isascii() and right[:1].isalpha():
                    replacement += " "
                if replacement == "(" and left[-1:].isascii() and left[-1:].isalnum():
                    replacement = " ("
                yield Hit(i, i + 1, {"mark": mark, "ascii": replacement.strip()}, (Edit(i, i + 1, replacement),))


_converters: dict[str, Any] = {}


_SURROGATES = re.compile("[\ud800-\udfff]+")


def _convert(config: str, text: str) -> str:
    converter = _converters.get(config)
    if converter is None:
        import opencc  # lazy: pre-commit on one file must start fast

        converter = _converters[config] = opencc.OpenCC(config)
    if text.isascii() or not _SURROGATES.search(text):
        return converter.convert(text)
    # opencc takes UTF-8, which cannot carry a lone surrogate (a JSONL record's "\ud800"): convert the
    # text between them and keep them where they were, so offsets still line up
    pieces: list[str] = []
    at = 0
    for match in _SURROGATES.finditer(text):
        pieces.append(converter.convert(text[at:match.start()]) if match.start() > at else "")
        pieces.append(match.group())
        at = match.end()
    pieces.append(converter.convert(text[at:]) if at < len(text) else "")
    return "".join(pieces)


_CHUNK = 64


def _differences(a: str, b: str) -> list[int]:
    """Offsets where the equal-length ``a`` and ``b`` differ. Chunks are compared first (memcmp in C):
    the odd characters of a document are few, and only chunks holding one are compared by character."""
    out: list[int] = []
    for i in range(0, len(a), _CHUNK):
        j = i + _CHUNK
        if a[i:j] != b[i:j]:
            out.extend(k for k in range(i, min(j, len(a))) if a[k] != b[k])
    return out


def _count_differences(a: str, b: str) -> int:
    """How many characters of the equal-length ``a`` and ``b`` differ, in a few big-integer operations
    (s2t changes a third of simplified text's characters: too many to compare one by one)."""
    x = int.from_bytes(a.encode("utf-32-le", "surrogatepass"), "little")
    x ^= int.from_bytes(b.encode("utf-32-le", "surrogatepass"), "little")
    if not x:
        return 0
    # Fold each 32-bit lane onto its lowest bit: that bit is then set iff the lane (character) differs.
    for shift in (16, 8, 4, 2, 1):
        x |= x >> shift
    return (x & int.from_bytes(b"\x01\x00\x00\x00" * len(a), "little")).bit_count()


def _changed_count(config: str, text: str) -> int:
    """``len(_changed(config, text))``, without building the list."""
    converted = _convert(config, text)
    if converted == text:
        return 0
    if len(converted) == len(text):
        return _count_differences(text, converted)
    return len(_changed(config, text))


def _changed(config: str, text: str) -> list[tuple[int, str]]:
    """Offsets (into ``text``) of characters the conversion changes, with their converted form."""
    converted = _convert(config, text)
    if converted == text:
        return []
    if len(converted) == len(text):
        return [(i, converted[i]) for i in _differences(text, converted)]
    # A conversion that changed the length (rare): fall back to character by character.
    out = []
    for i, char in enumerate(text):
        if _HAN.match(char):
            other = _convert(config, char)
            if other != char:
                out.append((i, other))
    return out


_TRADITIONAL_ONLY: re.Pattern[str] | None = None
_HAN_BLOCKS = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))


def _traditional_only() -> re.Pattern[str]:
    """A character class of the ideographs opencc's t2s changes on their own (4,000-odd).

    Most documents are all simplified: one regex scan then replaces a full opencc conversion. A
    character that both scripts share is never odd (the issue's rule), so character-level is the
    right test. The list is computed once per opencc version and kept in the user cache folder.
    """
    global _TRADITIONAL_ONLY
    if _TRADITIONAL_ONLY is None:
        _TRADITIONAL_ONLY = re.compile("[" + _traditional_chars() + "]")
    return _TRADITIONAL_ONLY


def _traditional_chars() -> str:
    import os
    from pathlib import Path

    import opencc  # importlib.metadata.version() would cost 40 ms here

    opencc_version = getattr(opencc, "__version__", "unknown")
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    stored = Path(base) / "newslint" / f"opencc-{opencc_version}-t2s-chars.txt"
    try:
        chars = stored.read_text(encoding="utf-8")
        if chars:
            return chars
    except OSError:
        pass
    candidates = [chr(c) for start, end in _HAN_BLOCKS for c in range(start, end)]
    converted = _convert("t2s", "\n".join(candidates)).split("\n")  # newlines: no phrase spans two chars
    if len(converted) != len(candidates):  # pragma: no cover - defensive: fall back to one by one
        converted = [_convert("t2s", c) for c in candidates]
    chars = "".join(a for a, b in zip(candidates, converted, strict=True) if a != b)
    try:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(chars, encoding="utf-8")
    except OSError:
        pass
    return chars


@functools.cache
def _simplified_forms() -> dict[str, frozenset[str]]:
    """Simplified character -> the traditional characters OpenCC simplifies to it (compatibility
    ideographs left out: they are the same characters)."""
    chars = [c for c in _traditional_chars() if not "\uf900" <= c <= "\ufaff"]
    converted = _convert("t2s", "\n".join(chars)).split("\n")
    forms: dict[str, set[str]] = {}
    for trad, simp in zip(chars, converted, strict=False):
        forms.setdefault(simp, set()).add(trad)
    return {k: frozenset(v) for k, v in forms.items()}


@functools.lru_cache(maxsize=8192)
def _in_charset(ch: str, codec: str) -> bool:
    try:
        ch.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


# A document's script -> the national character set whose characters are ordinary in it.
_CHARSETS = {"simplified": "gb2312", "traditional": "big5"}


@functools.cache
def _common_chinese() -> frozenset[str]:
    from newslint.charfreq import ZH, ZH_TRADITIONAL

    return frozenset(ZH) | frozenset(ZH_TRADITIONAL)


_WINDOW = 10  # characters either side (same line) whose commonness tells text from garbage
_GARBLED_MIN, _GARBLED_SHARE = 4, 0.5


def _garbled(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` sits among characters that are not ordinary Chinese: few common
    characters among the ideographs around it, or lost ones (U+FFFD, private use)."""
    left = text.rfind("\n", max(0, start - _WINDOW), start) + 1
    right = text.find("\n", end, end + _WINDOW)
    around = text[max(left, start - _WINDOW):start] + text[end:end + _WINDOW if right < 0 else right]
    if any(c == "\ufffd" or "\ue000" <= c <= "\uf8ff" for c in around):
        return True
    ideographs = _HAN.findall(around)
    if len(ideographs) < _GARBLED_MIN:
        return False
    common = _common_chinese()
    return sum(1 for c in ideographs if c in common) < _GARBLED_SHARE * len(ideographs)


_mojibake: Detector | None = None


def _mojibake_spans(doc: Document) -> list[tuple[int, int]]:
    """Spans NL101's detector (with its default parameters) calls mojibake."""
    global _mojibake
    if _mojibake is None:
        from newslint.detectors.mojibake import MojibakeDetector
        from newslint.document import Role
        from newslint.model import Applicability, Severity
        from newslint.registry import CheckDoc, CheckSpec

        defaults = {name: param.default for name, param in MojibakeDetector.params.items()}
        spec = CheckSpec(
            code="NL101", name="mojibake", kind="mojibake", severity=Severity.ERROR, fix=Applicability.SAFE,
            message="", summary="", docs=CheckDoc(), params=defaults, pack="",
            roles=frozenset({Role.BODY, Role.FRONT_MATTER}),
        )
        _mojibake = MojibakeDetector(spec)
    return [(hit.start, hit.end) for hit in _mojibake.detect(doc)]


class ScriptMixingDetector(Detector):
    kind: ClassVar[str] = "script-mixing"
    params: ClassVar[dict[str, Param]] = {
        "min_chars": Param(int, default=4, doc="script-specific characters needed to decide the document's script"),
        "max_ratio": Param(float, default=0.2, doc="the odd script may be at most this share of the main one"),
    }

    def detect(self, doc: Document) -> Iterator[Hit]:
        regions = self.regions(doc)
        text = doc.text
        pieces = [(r.start, text[r.start:r.end]) for r in regions]
        if not any(_HAN.search(p) for _, p in pieces):
            return
        traditional_only = _traditional_only()
        if not any(traditional_only.search(p) for _, p in pieces):
            return  # no character that exists only in traditional script: nothing odd in simplified text
        kana = sum(len(_KANA.findall(p)) for _, p in pieces)
        if kana and kana * 10 > sum(len(_HAN.findall(p)) for _, p in pieces):
            return  # Japanese (the ideographs are only counted when there is kana)
        traditional: list[tuple[int, str]] = []
        simplified: list[tuple[int, str]] = []
        for base, piece in pieces:
            traditional.extend((base + i, c) for i, c in _changed("t2s", piece))
        if not traditional:
            return  # all simplified (or shared): nothing odd, and the s2t pass can be skipped
        # Only the count of simplified-only characters is needed unless they are the odd ones.
        simplified_count = sum(_changed_count("s2t", piece) for _, piece in pieces)
        main, odd, target = simplified_count, traditional, "simplified"
        if len(traditional) > simplified_count:
            for base, piece in pieces:
                simplified.extend((base + i, c) for i, c in _changed("s2t", piece))
            main, odd, target = len(traditional), simplified, "traditional"
        if not odd or main < self.p["min_chars"] or len(odd) > self.p["max_ratio"] * main:
            return
        odd_script = "traditional" if target == "simplified" else "simplified"
        # Adjacent odd characters (a whole word such as 國內) make one finding.
        runs: list[list[tuple[int, str]]] = []
        for offset, converted in sorted(odd):
            if runs and runs[-1][-1][0] + 1 == offset:
                runs[-1].append((offset, converted))
            else:
                runs.append([(offset, converted)])
        # Characters of the document script's own character set are ordinary there (乾 in 广发乾和), unless
        # they are part of a word of the other script (於 in 對於)
        charset = _CHARSETS[target]
        runs = [run for run in runs if not all(_in_charset(text[o], charset) for o, _ in run)]
        damaged = _mojibake_spans(doc) if runs else []
        for run in runs:
            start, end = run[0][0], run[-1][0] + 1
            if any(s < end and start < e for s, e in damaged) or _garbled(text, start, end):
                continue  # mojibake (鐨, 紝…) or garbage is not traditional Chinese: NL101 reports it
            args = {
                "chars": text[start:end],
                "converted": "".join(c for _, c in run),
                "script": odd_script,
                "document_script": target,
            }
            choices = [self._choices(text[o], c, target) for o, c in run]
            if all(len(c) == 1 for c in choices):
                yield Hit(start, end, args, tuple(Edit(o, o + 1, c) for o, c in run))
                continue
            options = "".join(c[0] if len(c) == 1 else "[" + "/".join(c) + "]" for c in choices)
            yield Hit(start, end, args, message=(
                f"{odd_script} '{text[start:end]}' in {target} Chinese text; its {target} form "
                f"depends on the word ('{options}'), no fix"))

    @staticmethod
    def _choices(char: str, converted: str, target: str) -> list[str]:
        """The forms ``char`` can take in the ``target`` script: one when the conversion is certain.
        A traditional character has one simplified form; a simplified one may have several (发 is 發
        or 髮), and then only a phrase OpenCC knows decides (头发 -> 頭髮: the phrase and the character
        alone convert differently)."""
        if target == "simplified":
            return [converted]
        if _convert("s2t", char) != converted:
            return [converted]  # decided by a phrase
        forms = _simplified_forms().get(char, frozenset())
        return sorted(forms) if len(forms) > 1 else [converted]
