"""Bytes to text, and how sure we are that the text is what the bytes say.

UTF-8 is tried strictly first because nearly every modern scrape is UTF-8 and the check is exact and fast.
Bytes that are *mostly* UTF-8 (valid multi-byte sequences, a few invalid bytes) are damaged UTF-8: they
are decoded as UTF-8 with U+FFFD for the bad bytes, never as some other codec that happens to accept
every byte (cp737 reads anything, as Greek).

For the rest, chardet's guess is one candidate among the codecs scraped news actually comes in (GB18030,
Big5-HKSCS, Shift-JIS, EUC-JP, EUC-KR, the Windows code pages), each widened to its superset. Every
candidate that decodes the bytes strictly gives a *reading*, and a reading is judged by what it says,
not by chardet's score, which is a few percent on short files:

- CJK text: the share of its characters that are common ones (:mod:`newslint.charfreq`, measured on
  real text). Real Chinese, Japanese or Korean is 90 %+ common characters even in a 10-character title;
  the same bytes read with a wrong CJK codec land on characters spread over the codec's table, a third
  of them common at best, plus kana, bopomofo, box drawing or Cyrillic in the middle of a sentence.
- Alphabetic text: every word holding a letter above U+007F must be in one script, cased like a word
  (no ``Ã`` after a lowercase letter) and its accented letters must be those of one language.

The decoding is *certain* when exactly one reading is plausible (or all plausible readings are the same
text), on enough characters. Anything else — no plausible reading, two different plausible readings, too
little text — is uncertain: the best reading is used for checking, but :attr:`Decoded.lossless` is
false, so no fix ever writes the file back (``runner`` refuses lossy documents), and NL102 names the
candidates instead of converting. Bytes that decode only with replacement characters are lossy too.
"""

from __future__ import annotations

import codecs
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple


class BinaryInputError(ValueError):
    """The bytes are not text in any encoding we handle."""


class Decoded(NamedTuple):
    text: str
    encoding: str
    confidence: float
    bom: bool
    # The text can be written back without loss: every byte decoded, with a codec we are certain of.
    lossless: bool
    # The codec is certain (False: the text is the best of several readings, or of none that reads well).
    certain: bool = True
    # Other codecs whose reading is plausible too (when not certain), best first.
    candidates: tuple[str, ...] = ()
    # Why the decoding is not certain ("" when it is).
    reason: str = ""


_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "euc-cn": "gb18030",
    "hz-gb-2312": "hz",
    "big5": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "cp932": "cp932",
    "euc-jp": "euc_jis_2004",
    "euc_jp": "euc_jis_2004",
    "euc_jis_2004": "euc_jis_2004",
    "euc-kr": "cp949",
    "euc_kr": "cp949",
    "cp949": "cp949",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "windows-1252": "cp1252",
    "ascii": "utf-8",
}

# Codecs every non-UTF-8 file is read with besides chardet's guess: the CJK codecs of news sites, and
# the Windows code pages of Western, Central European, Cyrillic, Greek, Turkish and Baltic text.
_CJK_CODECS = ("gb18030", "big5hkscs", "cp950", "cp932", "shift_jis_2004", "euc_jis_2004", "cp949")
_ALPHABETIC_CODECS = ("cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1257", "koi8_r")

_SNIFF = 8192
_SAMPLE = 200_000  # characters of a reading that are judged (a 4 MB slice need not be read 12 times)

# A reading is plausible at this share of common characters / well-formed letters; another reading
# counts against it from a lower share already ("no other codec gives a plausible text").
_CJK_PLAUSIBLE = 0.85
_CJK_RIVAL = 0.6
_ALPHA_PLAUSIBLE = 0.9
_ALPHA_RIVAL = 0.75
# Evidence needed to be certain: CJK characters, or letters/punctuation above U+007F.
_CJK_MIN = 8
_ALPHA_MIN = 2
# A file is damaged UTF-8 when valid multi-byte sequences outnumber invalid bytes this many times.
_UTF8_DAMAGE_RATIO = 10


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    # Many C0 controls other than tab/newline/formfeed/escape: an image, archive or compiled file.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(head) > 0 and controls / len(head) > 0.1


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when the bytes look like UTF-16 without a byte-order mark: NUL in most
    bytes of one parity and almost none of the other. Such bytes of Latin text are valid UTF-8 (NUL is a
    character), and read as UTF-8 a fix would delete the NULs and every character whose bytes fall below
    0x80 (U+2018 ‘ is ``18 20``): a fuzz-found loss."""
    head = data[:_SNIFF]
    half = len(head) // 2
    if half < 4 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd >= 0.4 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> Decoded:
    """Decode file bytes; raise :class:`BinaryInputError` for non-text input."""
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:  # read as UTF-16 for checking, never written back (no mark says it is): lossy, uncertain
            return Decoded(text, utf16, 0.9, False, False, False, (utf16,), "UTF-16 without a byte-order mark")
    bom = data.startswith(codecs.BOM_UTF8)
    body = data[3:] if bom else data
    try:
        return Decoded(body.decode("utf-8"), "utf-8", 1.0, bom, True)
    except UnicodeDecodeError:
        pass
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16", 1.0, False, True)
        except UnicodeDecodeError as exc:
            raise BinaryInputError(f"UTF-16 byte-order mark but undecodable bytes ({exc.reason})") from exc
    if _looks_binary(data):
        raise BinaryInputError("binary file (NUL or control bytes), not text")
    damaged = _damaged_utf8(body)
    if damaged is not None:
        valid, invalid = damaged
        text = body.decode("utf-8", errors="replace")
        reason = f"damaged UTF-8: {invalid} invalid byte{'s' if invalid != 1 else ''} among {valid} valid characters"
        return Decoded(text, "utf-8", valid / (valid + invalid), bom, False, True, (), reason)
    import chardet  # lazy: it costs start-up time, and UTF-8 files never need it

    guess = chardet.detect(data)
    name = (guess.get("encoding") or "").lower()
    if not name:
        raise BinaryInputError("no text encoding fits these bytes")
    return assess(data, _superset(name), float(guess.get("confidence") or 0.0))


def _superset(name: str) -> str:
    name = name.lower()
    encoding = _SUPERSETS.get(name, name)
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return "cp1252"


def _damaged_utf8(data: bytes) -> tuple[int, int] | None:
    """(valid non-ASCII characters, invalid bytes) when ``data`` is UTF-8 with a few bad bytes, else None."""
    text = data.decode("utf-8", errors="surrogateescape")
    invalid = len(_ESCAPED.findall(text))
    valid = len(_NON_ASCII.findall(text)) - invalid
    if invalid and valid >= _UTF8_DAMAGE_RATIO * invalid:
        return valid, invalid
    return None


_ESCAPED = re.compile(r"[\udc80-\udcff]")


class Reading(NamedTuple):
    """One codec's reading of the bytes, and how much it looks like text."""

    encoding: str
    text: str
    score: float  # share of common CJK characters, or of well-formed accented letters
    evidence: int  # how many characters the score rests on
    cjk: bool

    @property
    def plausible(self) -> bool:
        return self.score >= (_CJK_PLAUSIBLE if self.cjk else _ALPHA_PLAUSIBLE)

    @property
    def rival(self) -> bool:
        return self.score >= (_CJK_RIVAL if self.cjk else _ALPHA_RIVAL)


def readings(data: bytes, first: str | None = None) -> list[Reading]:
    """Every strict decoding of ``data`` by ``first`` and the usual codecs, one per distinct text, best first."""
    order = [first] if first else []
    order += [c for c in (*_CJK_CODECS, *_ALPHABETIC_CODECS) if c != first]
    seen: dict[str, int] = {}
    out: list[Reading] = []
    for encoding in order:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if text in seen:
            continue
        seen[text] = len(out)
        score, evidence, cjk = judge(text[:_SAMPLE])
        out.append(Reading(encoding, text, score, evidence, cjk))
    out.sort(key=lambda r: (not r.plausible, -r.score * min(1.0, r.evidence / _CJK_MIN if r.cjk else 1.0)))
    return out


def assess(data: bytes, guess: str, confidence: float = 0.0) -> Decoded:
    """Decode non-UTF-8 ``data``: the one plausible reading if there is one, else the best guess, lossy."""
    found = readings(data, guess)
    if not found:
        text = data.decode(guess, errors="replace")
        return Decoded(text, guess, confidence, False, False, False, (), "no codec decodes every byte")
    best = found[0]
    rivals = [r for r in found[1:] if _rivals(best, r)]
    minimum = _CJK_MIN if best.cjk else _ALPHA_MIN
    if best.plausible and not rivals and best.evidence >= minimum:
        return Decoded(best.text, best.encoding, best.score, False, True)
    if not best.plausible:
        reason = f"no codec gives a plausible text (best: {best.encoding}, {best.score:.0%} {_unit(best)})"
    elif rivals:
        names = ", ".join(f"{r.encoding} ({r.score:.0%})" for r in rivals[:3])
        reason = f"{best.encoding} ({best.score:.0%} {_unit(best)}) and also {names} read as text"
    else:
        reason = f"too little text to be sure ({best.evidence} characters that tell codecs apart)"
    candidates = tuple(r.encoding for r in (best, *rivals))
    return Decoded(best.text, best.encoding, best.score, False, False, False, candidates, reason)


def _rivals(best: Reading, other: Reading) -> bool:
    """Whether ``other`` reads as text too: plausible itself, or near enough to ``best`` that the gap could
    be chance — three standard errors of a share measured on this many characters (a 61 % reading is
    no rival to a 99 % one over 150 characters, but may be over 15)."""
    if other.plausible:
        return True
    if not other.rival:
        return False
    evidence = max(1, min(best.evidence, other.evidence))
    return best.score - other.score < 3 * math.sqrt(0.25 / evidence)


def _unit(reading: Reading) -> str:
    return "common CJK characters" if reading.cjk else "well-formed letters"


# -- judging a reading ------------------------------------------------------------------------------


def _common_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    from newslint.charfreq import JA, KO, ZH, ZH_TRADITIONAL

    return frozenset(ZH + ZH_TRADITIONAL), frozenset(JA), frozenset(KO)


_COMMON: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None
_LETTERS: list[tuple[str, frozenset[str]]] | None = None

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK_LETTER = re.compile(r"[\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7a3]")
# Characters a wrong CJK codec produces and real CJK prose hardly has: half-width katakana (Shift-JIS
# single bytes), bopomofo, box drawing, Cyrillic and Greek, private use, C1 controls, Hangul jamo.
_CJK_ODD = re.compile(
    r"[\uff61-\uff9f\u3100-\u312f\u31a0-\u31bf\u2500-\u257f\u0370-\u03ff\u0400-\u04ff"
    r"\ue000-\uf8ff\x80-\x9f\u3130-\u318f]"
)
# Punctuation and symbols of CJK text: CJK punctuation, full-width forms, circled numbers, arrows,
# geometric shapes, stars, general punctuation, middle dot.
_CJK_SIGN = re.compile(
    r"[\u3000-\u303f\uff01-\uff60\uffe0-\uffe6\u2460-\u24ff\u2190-\u21ff\u25a0-\u26ff\u2010-\u203b\xb7]"
)
_WORD = re.compile(r"[^\W\d_]+")


def judge(text: str) -> tuple[float, int, bool]:
    """(score, evidence, is CJK) of one reading; see the module docstring."""
    non_ascii = _NON_ASCII.findall(text)
    if not non_ascii:
        return 1.0, 0, False
    counts = Counter(non_ascii)
    cjk = sum(n for c, n in counts.items() if _CJK_LETTER.match(c))
    if not cjk and all(_CJK_SIGN.match(c) for c in counts):
        # Only the punctuation and symbols of CJK text (``、``, ``★``, ``《``): a reading as good as any
        # other, which proves nothing (no letter to judge), so it stands against every other reading.
        return 1.0, 0, True
    if cjk * 2 >= len(non_ascii):
        return _judge_cjk(counts, cjk)
    return _judge_alphabetic(text, counts)


def _judge_cjk(counts: Counter[str], cjk: int) -> tuple[float, int, bool]:
    global _COMMON
    if _COMMON is None:
        _COMMON = _common_sets()
    zh, ja, ko = _COMMON
    odd = sum(n for c, n in counts.items() if _CJK_ODD.match(c))
    judged = cjk + odd
    best = max(sum(n for c, n in counts.items() if c in zh), sum(n for c, n in counts.items() if c in ko)) / judged
    # Japanese: kana alone prove nothing (GB2312 and EUC-KR have the same kana rows as EUC-JP, so
    # EUC-JP read as GBK keeps its kana): its kanji must be common kanji too.
    kanji = sum(n for c, n in counts.items() if c >= "\u3400" and _CJK_LETTER.match(c) and c < "\uac00")
    ja_hits = sum(n for c, n in counts.items() if c in ja)
    ja_score = ja_hits / judged
    if kanji >= 4:
        kanji_hits = sum(n for c, n in counts.items() if c in ja and "\u3400" <= c < "\uac00")
        ja_score = min(ja_score, kanji_hits / kanji)
    return max(best, ja_score), cjk, True


def _letter_sets() -> list[tuple[str, frozenset[str]]]:
    from newslint.charfreq import LETTERS

    return [(lang, frozenset(letters)) for lang, letters in LETTERS.items()]


def _script(c: str) -> str:
    name = unicodedata.name(c, "")
    return name.split(" ", 1)[0] if name else "?"


def _judge_alphabetic(text: str, counts: Counter[str]) -> tuple[float, int, bool]:
    """Share of characters above U+007F that sit well: letters in one-script, well-cased words whose accents
    one language explains, and the punctuation and signs of ordinary prose."""
    global _LETTERS
    if _LETTERS is None:
        _LETTERS = _letter_sets()
    total = sum(counts.values())
    # Controls, private use, unassigned, and symbols prose does not use (box drawing, ``¤``, ``¬``…).
    bad = sum(n for c, n in counts.items() if not c.isalpha() and not _PROSE_SIGN.match(c))
    letters: Counter[str] = Counter()
    misplaced = 0
    for word in _words_with_accents(text):
        scripts = {_script(c) for c in word if c > "\x7f"}
        ascii_letters = any(c < "\x80" for c in word)
        accents = sum(1 for c in word if c > "\x7f")
        if (
            len(scripts) > 1
            or (ascii_letters and scripts - {"LATIN"})
            or _miscased(word)
            or (len(word) > _LONGEST_WORD and accents > 1)
        ):
            misplaced += accents
            continue
        letters.update(c.lower() for c in word if c > "\x7f")
    # Signs glued between letters (``Ã©t``, ``â€œ``): the signature of a wrong single-byte codec.
    glued = sum(len(m.group(0)) for m in _GLUED.finditer(text))
    accented = sum(letters.values())
    upper = sum(n for c, n in counts.items() if c.isupper())
    if accented >= 20 and upper * 2 > accented and not _mostly_upper_ascii(text):
        # Accented letters mostly capitals in lower-case prose: a KOI8-R / cp1251 swap reads like that.
        misplaced += upper
    misfit = 0
    if accented:
        fit = max(sum(n for c, n in letters.items() if c in alphabet) for _, alphabet in _LETTERS)
        misfit = accented - fit
    score = 1.0 - (bad + misplaced + glued + misfit) / max(total, 1)
    # What tells codecs apart: accented letters in good words, and typographic punctuation (dashes,
    # curly quotes); Latin-1 signs (``¡¢``, ``£``) are what CJK punctuation becomes in a wrong codec.
    evidence = accented - misfit + sum(n for c, n in counts.items() if "\u2010" <= c <= "\u205e")
    return max(score, 0.0), evidence, False


# Signs above U+007F that ordinary prose uses: no-break space, ¡¢£¥§©«®°±²³´µ¶·¹º»¼½¾¿×÷, general
# punctuation (dashes, curly quotes, ellipsis, bullets), currency signs, ™ and №.
_PROSE_SIGN = re.compile(
    r"[\xa0-\xa3\xa5\xa7\xa9\xab\xad\xae\xb0-\xb7\xb9-\xbf\xd7\xf7\u2000-\u206f\u20a0-\u20cf\u2116\u2122]"
)
_GLUED = re.compile(r"(?<=[^\W\d_])[^\w\s\x00-\x7f\u2018-\u201f\u2013\u2014\u2026\u00b7\u00ad]+(?=[^\W\d_])")
# Longer words with several accented letters are runs of CJK bytes read as letters, not words.
_LONGEST_WORD = 24


def _mostly_upper_ascii(text: str) -> bool:
    sample = text[:20_000]
    upper = sum(1 for c in sample if "A" <= c <= "Z")
    lower = sum(1 for c in sample if "a" <= c <= "z")
    return upper > lower


def _words_with_accents(text: str) -> Iterable[str]:
    for match in _WORD.finditer(text):
        word = match.group(0)
        if not word.isascii():
            yield word


def _miscased(word: str) -> bool:
    """An upper-case accented letter after a lower-case letter (``cafÃ``)."""
    return any(cur > "\x7f" and cur.isupper() and prev.islower() for prev, cur in zip(word, word[1:], strict=False))


def encode_text(text: str, encoding: str, bom: bool) -> bytes:
    """Encode for writing back: keep the file's encoding and BOM unless a fix changed them."""
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom and encoding == "utf-8" else data
