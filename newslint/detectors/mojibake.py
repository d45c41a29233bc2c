"""The ``mojibake`` kind: text that was decoded with the wrong codec, and how to undo it.

Mojibake is reversible when no byte was lost: encode the garbled text back with the codec that
wrongly decoded it, and decode the bytes with the right one. The hard part is deciding *when* to do
that, because every string survives some round trip. Like ftfy, we accept a repair only when it is
clearly better than the original, and we never guess about correct text:

* **UTF-8 read as a single-byte code page** (``cafÃ©``, ``â€œ``, ``åŒ—äº¬``; cp1251 ``РџСЂРёРІРµС‚``,
  MacRoman ``◊ë◊î``, cp1250 ``Ř±Ř``, cp437 ``─îe┼ítina``, CESU-8 emoji…) is ftfy's speciality, so ftfy
  decides, on the candidate spans only and with every option off except its encoding fixes (no width
  folding, no quote uncurling, no HTML unescaping, no normalisation): Chinese ``，（）：“”　`` and
  curly quotes are correct text and stay as they are. A *segment* is a stretch of a line made of
  characters some code page ftfy knows can produce (ASCII, Latin-1, the Windows code pages, MacRoman,
  cp437, U+FFFD); CJK text cuts segments, so mojibake inside a Chinese line is seen on its own. A
  segment goes to ftfy only if it holds a pair a UTF-8 sequence produces in one of those code pages (a
  lead byte's character, then a continuation byte's: ``Ã©``, ``Ð±``, ``◊ë``) or a C1 control.
  ftfy's repair is taken run by run (a run: the changed characters, widened to whole words) and only
  when it is *measurably better*: fewer of ftfy's mojibake signs (``badness``), none that the original
  did not have, none left in the repaired run, and the characters it produces read as one script
  (``չʾ``, Armenian and a modifier letter, is really 展示 in GBK and is not taken). A run ftfy repairs
  only in part (``┒(âŒ£Ë›âŒ£)┎``) is re-decoded whole with each code page; if none decodes it cleanly
  it is reported without a fix, so the re-check still sees it. A repair never deletes characters: an
  edit always replaces a run with its repair. A repair that shows U+FFFD is safe only when the loss
  was already there (``Ñ�`` → ``�``: no character lost that was not lost before).
* **C1 controls** (``\\x93撒谎\\x94``) are Windows-1252 read as Latin-1 and become its characters — but
  never alone when they sit inside a multi-byte sequence of some code page (``Р\\x98Р·`` is
  ``Из`` read as cp1251, not ``Р˜Р·``): that run is repaired whole or reported without a fix.
* **UTF-8 read as Windows-874** (``เธ เธฒเธฉเธฒ`` for ภาษา), which ftfy does not know: runs of
  ``เ`` + ``ธ``/``น`` + a continuation byte's character, two or more, that decode to Thai.
* **GBK read as Latin-1 / cp1252** (``±±¾©`` for 北京, the ``requests`` default for pages without a
  charset) is found as runs of Latin-1 letters shaped like GBK byte pairs, and goes first, so that
  ftfy never picks UTF-8-looking pieces out of it.
* **UTF-8 read as GBK** (``鍖椾含`` for 北京) is what a scraper produces when a page says
  ``charset=gb2312`` but is UTF-8. Such a run starts with a GBK pair whose lead byte is a UTF-8 lead
  (E0–F4) and whose trail byte is a continuation byte (80–BF): about 1,300 mostly rare characters.
  From each of them the run is re-encoded as GBK and decoded as UTF-8. A decoder's U+FFFD or ``?``
  stands for one byte it could not pair: that character is lost and the repair shows U+FFFD.
* **GBK shifted by a lost byte**: a byte was lost (or replaced by ``?``) and every pair after it is
  read one byte off until the next loss: ``…销毁。?；泼鳎合衷谖倚?布`` is ``…销毁。?�黄明：现在我�?布``.
  Each ``?`` directly followed by non-ASCII text starts a candidate; its GB18030 bytes are realigned by
  one (the first byte belongs to a character whose other byte is lost, and so does the last) and the two
  readings are compared by how ordinary their characters are (the frequency ranks of
  :mod:`newslint.charfreq`: real Chinese is made of common characters, the same bytes one off are
  spread over the whole table). A realignment far more ordinary than the text is certain; once a
  document holds a certain one, shorter pieces need less evidence. Text with a real ``?`` is safe:
  there the text as it stands is the ordinary reading. Pairs read one byte off also land in GBK's
  user-defined area (private use after a GB18030 decode), so runs holding such code points are tried
  too. The realignment is an unsafe fix (the characters at both ends are lost, shown as U+FFFD), offered
  only when it reads as ordinary text.
* ``锟斤拷`` (two U+FFFD, themselves read as GBK) and runs of ``烫`` / ``屯`` (MSVC's fill bytes
  0xCC / 0xCD) are lost data: reported, never "fixed".

"Clearly better" for the GBK cases is scored per character from the GB2312 levels, which order
Chinese characters by frequency: level 1 (the 3,755 common characters), ASCII and ordinary
punctuation cost 0; level 2 and common traditional characters (Big5 level 1) cost 1; symbols, kana in
Chinese and Latin-1 letters in a CJK run cost 2; GBK extension characters, C1 controls, private use
and U+FFFD cost 3. A repair must hold two or more CJK characters, average at most 0.3, and the
original must cost at least twice as much plus a margin. Once a line holds certain mojibake of one
kind, its short pieces (``涓�``, one character and a lost byte) are accepted with a looser rule. What
protects correct text most is the byte structure: the GBK bytes of real Chinese almost never form
valid UTF-8 for two characters in a row, and the few that do decode to rare characters.

Speed: one character class finds every line worth a look (a lone class is what CPython's regex
engine scans fastest, hundreds of M chars/s), so clean text costs one scan; ftfy, ~1 M chars/s on
Chinese, only ever sees candidate segments. The class holds Latin-1, the characters of continuation
bytes in the other code pages (``ѓ``, ``џ``, ``ś``, ``≠``, box drawing…; not the everyday punctuation
``–—‘’“”…•€``, so Chinese and English text with curly quotes is not visited), private use, the markers
of UTF-8 read as GBK, ``เ``, and 锟烫屯. The ``?`` of byte loss is found by one literal search.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, NamedTuple

from newslint.detectors.invisible import find_rare, rare_positions
from newslint.detectors.triggers import (
    _CODE_PAGES,
    _GBK_PUA,
    _continuation_chars,
    _markers,
    _page,
    trigger_class,
)
from newslint.document import Document
from newslint.model import Applicability, Edit, Hit
from newslint.registry import CheckSpec, Detector, Param

# Windows-1252 characters for bytes 0x80-0x9F (the five undefined bytes stay C1 controls).
_CP1252_HIGH = "€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ"
_CP1252_SPECIALS = "".join(c for c in _CP1252_HIGH if not "\x80" <= c <= "\x9f")
# A character back to its byte, whether it came from Latin-1 or Windows-1252 ("sloppy" cp1252).
_TO_LATIN1 = str.maketrans({c: chr(0x80 + i) for i, c in enumerate(_CP1252_HIGH) if c > "\xff"})

# GBK pairs seen as Latin-1 / cp1252: lead 81-FE, trail 40-7E or 80-FE.
_HIGH = "\x81-\xfe" + re.escape(_CP1252_SPECIALS)
_GBK_PAIR = f"[{_HIGH}][\x40-\x7e{_HIGH}]"
_GBK_AS_LATIN = re.compile(f"{_GBK_PAIR}(?:{_GBK_PAIR})*")
# Lost data: U+FFFD U+FFFD read as GBK, MSVC's uninitialised stack (0xCC) and heap (0xCD) bytes.
_FILL = {"锟斤拷": "UTF-8 replacement characters read as GBK", "烫": "MSVC fill bytes 0xCC read as GBK",
         "屯": "MSVC fill bytes 0xCD read as GBK"}
# Non-ASCII runs; a "?" between or after them may be a byte the wrong decoder could not read.
_NON_ASCII = re.compile(r"[^\x00-\x7f][^\x00-\x7f]*(?:\?+[^\x00-\x7f]+)*\?*")
_PUA_RE = re.compile(f"[{_GBK_PUA}]")
# A "?" directly followed by non-ASCII text: where a byte of GBK text may have been lost.
_QUESTION_PIECE = re.compile(r"\?([^\x00-\x7f?][^\x00-\x7f?]*)")
_SHIFTED = "GBK shifted by a lost byte"

# Everyday CJK and general punctuation that costs nothing (GB2312 row A1 is checked too).
_COMMON = set("，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕—…·　～－％＋＝／＠＃＆＊")
_WILD = -1  # a byte we know was there but not what it was (a decoder's U+FFFD)
_SHOW_MAX = 40

# -- the single-byte code pages UTF-8 gets misread as (ftfy's list, plus Windows-874 for Thai) ----------

# Python codec names of ftfy's CHARMAP_ENCODINGS, in ftfy's order; "sloppy": a byte the code page leaves
# undefined reads as the C1 control of the same number (what browsers and ftfy do).
_FTFY_NAMES = {"latin-1": "Latin-1", "sloppy-windows-1252": "cp1252", "windows-1252": "cp1252",
               "sloppy-windows-1251": "cp1251", "sloppy-windows-1250": "cp1250", "sloppy-windows-1253": "cp1253",
               "sloppy-windows-1254": "cp1254", "sloppy-windows-1257": "cp1257", "iso-8859-2": "ISO-8859-2",
               "macroman": "MacRoman", "cp437": "cp437"}


@functools.cache
def _byte_tables() -> tuple[dict[str, int], ...]:
    """Per code page (with Windows-874): character -> byte, for the bytes 0x80-0xFF."""
    return tuple({c: 0x80 + i for i, c in enumerate(_page(codec))} for codec in (*_CODE_PAGES, "cp874"))


@functools.cache
def _segment_chars() -> str:
    """Every character some code page produces from a byte 0x80-0xFF, plus U+FFFD (a lost byte)."""
    chars = set("".join(_page(codec) for codec in _CODE_PAGES)) | {"\ufffd"}
    return "".join(sorted(chars))


@functools.cache
def _segment_re() -> re.Pattern[str]:
    chars = "\x00-\x7f\x80-\xff" + re.escape("".join(c for c in _segment_chars() if c > "\xff"))
    return re.compile(f"[{chars}][{chars}]*")


_A0_LEADS = (0xC2, 0xC3, 0xC5, 0xCE, 0xD0, 0xD9, 0xE2, 0xE3, 0xF0)  # ftfy's ALTERED_UTF8_RE


class _Pairs(NamedTuple):
    """Per code page, the characters of its UTF-8 lead bytes (C2-F4), of its continuation bytes
    (80-BF, and U+FFFD for a lost one) and of the leads whose no-break-space continuation often
    became a space (ftfy's ``restore_byte_a0``); and one class of every lead, to scan with."""

    leads: tuple[frozenset[str], ...]
    conts: tuple[frozenset[str], ...]
    spaced: tuple[frozenset[str], ...]
    start: re.Pattern[str]


@functools.cache
def _pairs() -> _Pairs:
    leads, conts, spaced = [], [], []
    for codec in _CODE_PAGES:
        page = _page(codec)
        leads.append(frozenset(page[0x42:0x75]))
        conts.append(frozenset(page[:0x40] + "\ufffd"))
        # ftfy restores a lost no-break space in every code page; a space after a letter is only
        # worth a look where that is the classic case (Latin-1 / cp1252: ``voilÃ le``, ``à¸ à¸²``)
        a0 = "".join(page[b - 0x80] for b in _A0_LEADS) if codec in ("latin-1", "cp1252") else ""
        spaced.append(frozenset(a0))
    every_lead = "".join(sorted(set().union(*leads)))
    every_cont = "".join(sorted(set().union(*conts)))
    every_spaced = "".join(sorted(set().union(*spaced)))
    start = re.compile(f"[{re.escape(every_lead)}](?=[{re.escape(every_cont)}])|[{re.escape(every_spaced)}](?= )"
                       "|[\x80-\x9f]")
    return _Pairs(tuple(leads), tuple(conts), tuple(spaced), start)


# MacRoman reads the UTF-8 leads C7-D5 as everyday punctuation (« » … – — “ ” ‘ ’): such a pair
# (``’é`` in French ``L’été``) only counts next to another pair (``–ü—Ä`` for Пр read as MacRoman).
_MAC_PUNCTUATION_LEADS = frozenset(_page("mac-roman")[0x47:0x56])
_MAC = _CODE_PAGES.index("mac-roman")
_NEAR = 8  # characters either side of a pair where one of ftfy's signs must show


def _utf8_pair_at(text: str, index: int) -> bool:
    """Whether ``text[index]`` is a C1 control, or a UTF-8 lead byte's character followed by a
    continuation byte's in one of the code pages (or by a space where a no-break space was lost)."""
    ch = text[index]
    if "\x80" <= ch <= "\x9f":
        return True
    pairs = _pairs()
    following = text[index + 1:index + 2]
    for page, (leads, conts, spaced) in enumerate(zip(pairs.leads, pairs.conts, pairs.spaced, strict=True)):
        if ch not in leads or not (following in conts or following == " " and ch in spaced):
            continue
        if page != _MAC or ch not in _MAC_PUNCTUATION_LEADS:
            return True
        after = text[index + 2:index + 4]
        if len(after) == 2 and after[0] in leads and after[1] in conts:
            return True
    return False


# UTF-8 Thai (E0 B8 xx / E0 B9 xx) read as Windows-874: เ + ธ/น + a continuation byte's character.
_THAI_CONT = re.escape(_page("cp874")[:0x40])
_THAI_AS_CP874 = re.compile(f"เ[ธน][{_THAI_CONT} ](?:[\x20-\x7e]*?เ[ธน][{_THAI_CONT} ])+")
_LOST_A0 = re.compile(b"(?<=\xe0[\xb8\xb9]) ")  # a no-break space (byte A0) that became a space


@functools.cache
def _trigger() -> re.Pattern[str]:
    """One pass over the text finds every line worth a closer look. A lone character class is what
    CPython's regex engine scans fastest (hundreds of M chars/s, against ftfy's ~1 M on Chinese);
    the pass is shared with NL103 (:func:`newslint.detectors.invisible.rare_positions`)."""
    return re.compile(f"[{trigger_class()}]")


@functools.cache
def _single_byte_re() -> re.Pattern[str]:
    """The trigger characters that can start a look for single-byte mojibake (not the GBK markers)."""
    return re.compile(f"[\x80-\xff{re.escape(_continuation_chars())}]")


@functools.cache
def _marker_re() -> re.Pattern[str]:
    return re.compile(f"[{re.escape(_markers())}]")


@functools.cache
def _marker_or_pua_re() -> re.Pattern[str]:
    """Where a UTF-8-read-as-GBK or a shifted-GBK run can be: one class, one scan."""
    return re.compile(f"[{re.escape(_markers())}{_GBK_PUA}]")


@functools.cache
def _fill_re(min_fill: int) -> re.Pattern[str]:
    # Each branch starts with a literal character, so the engine skips to 锟/烫/屯 at C speed.
    return re.compile(f"锟斤拷(?:锟斤拷)*|烫(?:烫{{{min_fill - 1},}})|屯(?:屯{{{min_fill - 1},}})")


@functools.lru_cache(maxsize=65536)
def char_cost(ch: str) -> int:
    """How out of place ``ch`` is in Chinese news text (0 = ordinary, 3 = almost surely garbage)."""
    code = ord(ch)
    if code < 0x80:
        return 0 if ch.isprintable() or ch in "\t\r\n" else 3
    if ch in _COMMON:
        return 0
    if code < 0xA0 or ch == "\ufffd" or 0xE000 <= code <= 0xF8FF:
        return 3
    if code < 0x100:
        return 2  # Latin-1 letters and symbols, out of place in a CJK run
    try:
        data = ch.encode("gb2312")
    except UnicodeEncodeError:
        data = b""
    if data:
        lead = data[0]
        if 0xB0 <= lead <= 0xD7 or lead in (0xA1, 0xA3):
            return 0  # level-1 characters, punctuation, full-width ASCII
        if 0xD8 <= lead <= 0xF7:
            return 1  # level-2 characters
        return 2  # enumerations, kana, Greek, Cyrillic, pinyin, box drawing
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF:
        try:
            big5 = ch.encode("big5")
        except UnicodeEncodeError:
            return 3
        return 1 if 0xA4 <= big5[0] <= 0xC6 else 3  # Big5 level 1: common traditional characters
    return 2


def char_cost_sum(text: str) -> int:
    return sum(char_cost(c) for c in text if c != "\ufffd")


def _is_cjk(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def clearly_better(original: str, repair: str, context: bool = False) -> bool:
    """ftfy's rule for the Chinese cases: accept a repair only if it is plainly ordinary text.

    Two Chinese characters are enough when the original was clearly worse; three when it was only
    somewhat worse. With ``context`` (the line already holds certain mojibake of the same kind) a
    short piece is enough, even one whose bytes were all lost, if it repairs to Chinese."""
    known = [c for c in repair if c != "\ufffd"]
    kana = sum(1 for c in known if "\u3041" <= c <= "\u30ff")
    cjk = sum(1 for c in known if _is_cjk(c)) + kana
    # Kana are out of place in Chinese, ordinary in Japanese: free once the repair is Japanese.
    costs = [0 if kana >= 2 and "\u3041" <= c <= "\u30ff" else char_cost(c) for c in known]
    before = sum(char_cost(c) for c in original)
    if context:
        return (sum(costs) <= len(costs) and before >= 2 * sum(costs) + 1
                and all(_script(c) in ("", "cjk") for c in known))
    if not known or len(known) * 2 < len(repair):
        return False  # mostly lost
    if sum(costs) > 0.3 * len(costs) and not (cjk >= 6 and before >= 5 * sum(costs)):
        # rare characters: fine in a long repair only, or in one far more ordinary than the original
        # (大千和溥心畬书画作品展出: two rare characters of names, from eighteen garbage ones)
        return False
    return (cjk >= 3 and before >= 2 * sum(costs) + 1) or (cjk >= 2 and before >= 2 * sum(costs) + 2)


# Unicode name prefixes of the letters of Chinese, Japanese and Korean text.
_CJK_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "FULLWIDTH", "HALFWIDTH",
                          "IDEOGRAPHIC", "KANGXI"})


@functools.lru_cache(maxsize=65536)
def _script(ch: str) -> str:
    """A coarse script group, to tell a plausible UTF-8 reading from an accidental one: ``""`` for
    what goes with anything (ASCII, digits, punctuation, symbols, combining marks), ``"latin"``,
    ``"cjk"`` (Han, kana, hangul, full-width forms), else the script's name (``"cyrillic"``,
    ``"devanagari"``…); ``"other"`` for modifier letters and unnamed letters."""
    code = ord(ch)
    if code < 0x80 or 0x2000 <= code <= 0x2BFF or code in (0xA0, 0xD7, 0xF7) or 0xA1 <= code <= 0xBF:
        return ""  # ASCII, punctuation and symbols go with anything
    if 0x3400 <= code <= 0x9FFF or 0xF900 <= code <= 0xFAFF or 0x3000 <= code <= 0x303F:
        return "cjk"
    category = unicodedata.category(ch)
    if category[0] not in "LM":
        return ""  # digits, punctuation, symbols, U+FFFD
    try:
        word = unicodedata.name(ch).split()[0]
    except ValueError:
        return "other"
    if word in _CJK_SCRIPTS:
        return "cjk"
    if word == "COMBINING":
        return ""  # a combining mark of no script in particular (U+0300-U+036F)
    if word == "MODIFIER":
        return "other"  # ʾ ˆ: in mojibake, not in words
    return word.lower()  # "latin", "cyrillic", "devanagari"…


def plausible(text: str, lone: bool = False) -> bool:
    """Could ``text`` be what someone wrote? One script (Latin, Cyrillic, CJK, Devanagari…) plus
    punctuation; ``չʾ`` (Armenian and a modifier letter, really 展示 in GBK) is not. A lone letter of
    a script other than Latin or CJK is not enough to tell, unless ``lone`` (it sits in a word of
    ASCII letters and digits: ``10μs``)."""
    scripts = [s for s in map(_script, text) if s]
    kinds = set(scripts)
    if not kinds:
        return True
    if len(kinds) > 1 or "other" in kinds:
        return False
    return kinds <= {"latin", "cjk"} or len(scripts) >= 2 or lone


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x20 or 0x7F <= code < 0xA0:
        return f"\\x{code:02x}"
    if 0xE000 <= code <= 0xF8FF or 0xD800 <= code <= 0xDFFF or 0x200B <= code <= 0x200F or code == 0xFEFF:
        return f"\\u{code:04x}"  # private use, surrogates, zero-width: invisible in a terminal
    return ch


def show(text: str) -> str:
    """Text for a message: controls and invisible characters escaped, long runs shortened."""
    out = "".join(map(_escape, text))
    if len(out) > _SHOW_MAX:
        out = out[: _SHOW_MAX - 12] + "…" + out[-11:]
    return out


def _utf8_at(data: list[int], start: int) -> tuple[list[str], list[int], bool]:
    """Decode UTF-8 from ``start``: the characters, the byte end of each, and whether the data ran
    out inside a sequence (a dangling tail). A sequence with an unknown byte decodes to U+FFFD."""
    chars: list[str] = []
    ends: list[int] = []
    i, n = start, len(data)
    while i < n:
        lead = data[i]
        if 0xC2 <= lead <= 0xDF:
            size = 2
        elif 0xE0 <= lead <= 0xEF:
            size = 3
        elif 0xF0 <= lead <= 0xF4:
            size = 4
        elif 0 <= lead < 0x80 and i > start:
            size = 1  # an ASCII byte that was a GBK trail byte
        else:
            break
        tail = data[i + 1:i + size]
        if any(b != _WILD and not 0x80 <= b <= 0xBF for b in tail):
            break
        if i + size > n:
            return chars, ends, True
        if _WILD in tail:
            chars.append("\ufffd")
        else:
            try:
                chars.append(bytes(data[i:i + size]).decode("utf-8"))
            except UnicodeDecodeError:
                break
        i += size
        ends.append(i)
    return chars, ends, False


def _gbk_runs(line: str, start: int, end: int) -> Iterator[tuple[int, int, list[int], Sequence[int]]]:
    """Runs of ``line[start:end]`` that are GBK double-byte characters (or U+FFFD / "?", one lost
    byte), with their bytes and where each character starts (one entry more than characters)."""
    segment = line[start:end]
    if "?" not in segment and "\ufffd" not in segment:
        raw = segment.encode("gb18030", errors="replace")  # a lone surrogate (JSONL "\ud800") is no pair
        if len(raw) == 2 * len(segment):  # the usual case, at C speed
            yield start, end, list(raw), range(0, len(raw) + 1, 2)
            return
    data: list[int] = []
    starts: list[int] = [0]
    run_start = start
    for index in range(start, end):
        ch = line[index]
        if ch in "\ufffd?":
            data.append(_WILD)
        else:
            raw = b"" if "\ud800" <= ch <= "\udfff" else ch.encode("gb18030")
            if len(raw) != 2:
                if data:
                    yield run_start, index, data, starts
                data, starts, run_start = [], [0], index + 1
                continue
            data.extend(raw)
        starts.append(len(data))
    if data:
        yield run_start, end, data, starts


def _utf8_repairs(run: str, data: list[int], starts: Sequence[int]) -> Iterator[tuple[int, int, str]]:
    """Candidate repairs ``(first, stop, repair)``: from each marker character, the longest stretch
    of whole characters whose bytes decode as UTF-8 (a sequence cut off at the end is lost)."""
    markers = _marker_re()
    index = 0
    while (m := markers.search(run, index)) is not None:
        first = m.start()
        chars, ends, dangling = _utf8_at(data, starts[first])
        if dangling:
            yield first, len(run), "".join(chars) + "\ufffd"
            return
        # Whole mojibake characters only: back off to a sequence that ends on a character boundary,
        # and off a tail that decodes to out-of-place characters: mojibake spliced into real text
        # (鏃讹紝…粡营前景) goes on decoding the real text's GBK bytes (营前 → "Ӫǰ") until one fails.
        stop = 0
        while ends:
            stop = bisect.bisect_left(starts, ends[-1])
            if starts[stop] == ends[-1] and (len(chars) == 1 or chars[-1] == "\ufffd" or char_cost(chars[-1]) < 2):
                break
            ends.pop()
            chars.pop()
        if not ends:
            index = first + 1
            continue
        yield first, stop, "".join(chars)
        index = stop


# -- single-byte code pages: ftfy's judgement on candidate segments ------------------------------------


def _signs(text: str, repaired: bool = False) -> Counter[str]:
    """ftfy's mojibake signs in ``text`` (the matches of its ``badness`` expression). In a repair
    (``repaired``) U+FFFD is data already lost, accounted for apart, not a sign."""
    from ftfy.badness import BADNESS_RE

    if repaired:
        text = text.replace("\ufffd", "\x00")
    return Counter(m.group() for m in BADNESS_RE.finditer(text))


def _measurably_better(before: str, after: str) -> bool:
    """Fewer of ftfy's mojibake signs, and none that ``before`` did not have."""
    old, new = _signs(before), _signs(after, repaired=True)
    return sum(new.values()) < sum(old.values()) and not new - old


_WORD_BREAKS = frozenset(" \t\r\n\f\v")  # not U+00A0: a no-break space is often part of the mojibake (Â\xa0)


class _Run(NamedTuple):
    """A changed stretch of a segment, widened to whole words: ``segment[start:end]`` -> ``repair``;
    ``produced`` is what the repair wrote (its characters that were not in the original)."""

    start: int
    end: int
    repair: str
    produced: str
    kept: tuple[str, ...]  # the stretches of the run it left as they were


_DIFF_CELLS = 4_000_000  # difflib costs up to len(a) × len(b) steps (repetitive text): a larger diff is cut first


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """``difflib`` opcodes turning ``a`` into ``b``. Beyond :data:`_DIFF_CELLS` (a 197,000-character
    run of ``<table>`` tags with one C1 control in it took minutes) the common prefix and suffix are cut
    first, at C speed, and only the middle is diffed; a middle still too large is one replaced stretch
    (coarser runs: the repair covers more, or the checks on it refuse it)."""
    import difflib

    if len(a) * len(b) <= _DIFF_CELLS:
        return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    prefix = _common_length(a, b)
    suffix = _common_length(a[prefix:][::-1], b[prefix:][::-1])
    a_end, b_end = len(a) - suffix, len(b) - suffix
    ops: list[tuple[str, int, int, int, int]] = [("equal", 0, prefix, 0, prefix)] if prefix else []
    if (a_end - prefix) * (b_end - prefix) <= _DIFF_CELLS:
        middle = difflib.SequenceMatcher(None, a[prefix:a_end], b[prefix:b_end], autojunk=False).get_opcodes()
        ops += [(tag, a0 + prefix, a1 + prefix, b0 + prefix, b1 + prefix) for tag, a0, a1, b0, b1 in middle]
    else:
        ops.append(("replace", prefix, a_end, prefix, b_end))
    if suffix:
        ops.append(("equal", a_end, len(a), b_end, len(b)))
    merged: list[tuple[str, int, int, int, int]] = []
    for op in ops:  # adjacent equal stretches as one, as difflib gives them
        if merged and op[0] == "equal" == merged[-1][0]:
            merged[-1] = ("equal", merged[-1][1], op[2], merged[-1][3], op[4])
        elif op[1] != op[2] or op[3] != op[4]:
            merged.append(op)
    return merged


def _common_length(a: str, b: str) -> int:
    """Length of the common prefix of ``a`` and ``b``: a binary search over slice comparisons (C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


def _runs(segment: str, fixed: str) -> list[_Run]:
    """The runs ``fixed`` differs from ``segment`` in. Each changed stretch is widened to the words it
    touches, so an edit always replaces a run with its repair: ``Ñ�`` -> ``�`` is one edit, never the
    deletion of ``Ñ`` next to an unchanged ``�``."""
    ops = _opcodes(segment, fixed)
    changed = [(a0, a1) for tag, a0, a1, _, _ in ops if tag != "equal"]
    spans: list[list[int]] = []
    for a0, a1 in changed:
        low, high = a0, a1
        while True:
            while low > 0 and segment[low - 1] not in _WORD_BREAKS:
                low -= 1
            while high < len(segment) and segment[high] not in _WORD_BREAKS:
                high += 1
            grown = False
            for c0, c1 in changed:
                if c0 < high and c1 > low and (c0 < low or c1 > high):
                    low, high, grown = min(low, c0), max(high, c1), True
            if not grown:
                break
        if spans and low <= spans[-1][1]:
            spans[-1] = [min(spans[-1][0], low), max(spans[-1][1], high)]
        else:
            spans.append([low, high])
    runs = []
    for low, high in spans:
        lows, highs, produced, kept = [], [], [], []
        for tag, a0, a1, b0, b1 in ops:
            if tag == "equal":
                if a0 <= low <= a1:
                    lows.append(b0 + low - a0)
                if a0 <= high <= a1:
                    highs.append(b0 + high - a0)
                if a0 < high and low < a1:
                    kept.append(segment[max(a0, low):min(a1, high)])
                continue
            lows.extend(b for a, b in ((a0, b0), (a1, b1)) if a == low)
            highs.extend(b for a, b in ((a0, b0), (a1, b1)) if a == high)
            if low <= a0 and a1 <= high:
                produced.append(fixed[b0:b1])
        runs.append(_Run(low, high, fixed[min(lows):max(highs)], "".join(produced), tuple(kept)))
    return runs


def _encode_page(text: str, table: dict[str, int]) -> bytes | None:
    """``text`` as the bytes a code page read it from, or None if some character is not in it."""
    out = bytearray()
    for ch in text:
        if ch < "\x80":
            out.append(ord(ch))
        elif (byte := table.get(ch)) is not None:
            out.append(byte)
        else:
            return None
    return bytes(out)


def _decode_utf8(data: bytes) -> str | None:
    """Strict UTF-8, or CESU-8 / Java's modified UTF-8 (surrogate pairs encoded one by one, ``C0 80``)
    through ftfy's ``utf-8-variants`` codec."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if b"\xed" not in data and b"\xc0" not in data:
        return None
    import ftfy.bad_codecs  # noqa: F401 - registers utf-8-variants

    try:
        return data.decode("utf-8-variants")
    except UnicodeDecodeError:
        return None


_PAGE_NAMES = ("Latin-1", "cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257", "ISO-8859-2", "MacRoman",
               "cp437")


def _whole_run(run: str) -> tuple[str, str] | None:
    """``run`` re-decoded whole: the first code page whose bytes for it are clean UTF-8 that shows no
    mojibake sign and reads as one script, as ``(repair, codecs)``; None if there is none or ``run``
    shows no sign to begin with (nothing to be measurably better than)."""
    if "\ufffd" in run or not _signs(run):
        return None
    for name, table in zip(_PAGE_NAMES, _byte_tables(), strict=False):
        data = _encode_page(run, table)
        if data is None:
            continue
        text = _decode_utf8(data)
        if text is None or text == run or _signs(text):
            continue
        if plausible("".join(c for c in text if c > "\x7f")):
            return text, f"UTF-8 read as {name}"
    return None


def _run_codecs(original: str, repair: str, fallback: str) -> str:
    """The code page that misread this very run (ftfy's plan is the segment's), or ``fallback``."""
    for name, table in zip(_PAGE_NAMES, _byte_tables(), strict=False):
        data = _encode_page(original, table)
        if data is not None and _decode_utf8(data) == repair:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return f"CESU-8 read as {name}"
            return f"UTF-8 read as {name}"
    return fallback


def _complete(kept: Sequence[str]) -> bool:
    """Whether a repair is done: no character sequence it left as it was (``kept``, the unchanged
    stretches) that some code page would still read as a whole UTF-8 sequence (a lead byte's
    character, then as many continuation bytes' as it needs). ftfy repairs a segment as a whole and
    may leave a piece that did not decode with the rest, which its own signs do not show:
    ``â”’(⌣˛⌣)┎``. What the repair wrote is not checked: ``Рёв`` is Russian, not cp1251."""
    return all(_decodable(piece) is None for piece in kept)


def _decodable(text: str) -> str | None:
    """The first stretch of ``text`` that a code page reads as a whole UTF-8 sequence, or None."""
    if text.isascii():
        return None
    for table in _byte_tables()[:-1]:  # ftfy's code pages (Windows-874 is checked by its own pattern)
        data = [table.get(c, -1) if c > "\x7f" else ord(c) for c in text]
        for i, lead in enumerate(data):
            if not 0xC2 <= lead <= 0xF4:
                continue
            size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            tail = data[i + 1:i + size]
            if len(tail) == size - 1 and all(0x80 <= b <= 0xBF for b in tail):
                with contextlib.suppress(UnicodeDecodeError):
                    bytes(data[i:i + size]).decode("utf-8")
                    return text[i:i + size]
    return None


def _lossy(original: str, repair: str) -> Applicability | None:
    """A repair showing U+FFFD is safe when the loss was already there (``Ñ�`` -> ``�``: as many lost
    characters as the original shows, or fewer), unsafe when it is new."""
    lost = repair.count("\ufffd")
    if not lost:
        return None
    return Applicability.SAFE if original.count("\ufffd") >= lost else Applicability.UNSAFE


def _in_multibyte(text: str, index: int) -> bool:
    """Whether the C1 control at ``index`` is a continuation byte of a whole UTF-8 (or CESU-8) sequence
    in some code page: ``Р\\x98`` is D0 98 (``И``) in cp1251, so the C1 is part of a run, not a
    Windows-1252 character read as Latin-1."""
    for table in _byte_tables():
        for lead_at in range(max(0, index - 3), index):
            lead = table.get(text[lead_at])
            if lead is None or not 0xC2 <= lead <= 0xF4:
                continue
            size = 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
            if lead_at + size <= index:
                continue
            tail = [table.get(c) for c in text[lead_at + 1:lead_at + size]]
            if len(tail) == size - 1 and all(b is not None and 0x80 <= b <= 0xBF for b in tail):
                return True
    return False


_C1_PLAN = frozenset({("encode", "latin-1"), ("decode", "windows-1252"), ("transcode", "fix_c1_controls")})


# -- GBK shifted by a lost byte: which reading is more ordinary? -----------------------------------------

# The punctuation of running Chinese text: as frequent as the commonest characters.
_SENTENCE_PUNCTUATION = frozenset("，。、；：？！“”‘’（）《》—…·　")


@functools.cache
def _ranks() -> dict[str, int]:
    from newslint.charfreq import ZH, ZH_TRADITIONAL

    ranks = {c: i for i, c in enumerate(ZH)}
    for c in ZH_TRADITIONAL:
        ranks.setdefault(c, len(ZH) // 2)  # traditional forms of the list's characters: mid-list
    return ranks


@functools.lru_cache(maxsize=65536)
def _log_frequency(ch: str) -> float | None:
    """About the log-probability of ``ch`` in Chinese text: Zipf's law over the frequency ranks of
    :mod:`newslint.charfreq` (the 2,000 characters that make 98 % of running text), much lower for
    the rest of the table, lowest for symbols, kana, Greek or box drawing among Chinese. None for
    ASCII and full-width letters and digits, which both readings share alike."""
    code = ord(ch)
    if code < 0x80 or 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return None
    if ch in _SENTENCE_PUNCTUATION:
        return -4.0
    rank = _ranks().get(ch)
    if rank is not None:
        return -math.log(rank + 50) - 1.5
    if _is_cjk(ch):
        return -13.0
    if 0xFF00 <= code <= 0xFF65:
        return -10.0  # other full-width symbols (＝＃＋): not garbage, not common either
    return -14.0


class _Reading(NamedTuple):
    mean: float  # mean log-frequency of the characters scored
    scored: int
    ideographs: int
    common: int  # characters of the frequency list, and sentence punctuation


def _reading(text: str) -> _Reading:
    values = [v for v in map(_log_frequency, text) if v is not None]
    if not values:
        return _Reading(0.0, 0, 0, 0)
    ranks = _ranks()
    return _Reading(sum(values) / len(values), len(values), sum(1 for c in text if _is_cjk(c)),
                    sum(1 for c in text if c in ranks or c in _SENTENCE_PUNCTUATION))


def _realigned(piece: str) -> str | None:
    """``piece``'s GB18030 bytes read one byte off: its first byte belongs to a character whose other
    byte was lost, and so does its last. None when it is not all two-byte characters or the bytes do
    not pair up."""
    try:
        data = piece.encode("gb18030")
    except UnicodeEncodeError:  # a lone surrogate (JSONL "\ud800")
        return None
    if len(data) != 2 * len(piece):
        return None
    try:
        return data[1:-1].decode("gb18030")
    except UnicodeDecodeError:
        return None


# Evidence (difference of mean log-frequency) that a piece is shifted. Certain on its own: a
# realignment with two or more ideographs that reads this much better; one with a single ideograph
# needs more, the piece must end at another "?" (both of its ends lost) and hold no common character.
# Next to a certain one in the same document less is enough, and a lone character between two "?" is
# lost too (its realignment reads nothing).
_CERTAIN_GAIN, _CERTAIN_FLOOR = 3.0, -9.5
_SINGLE_GAIN = 4.0
_CONTEXT_GAIN = 1.5
# The realignment is offered as a fix only when this share of what it reads is common.
_ORDINARY_SHARE = 0.7


class _Piece(NamedTuple):
    start: int
    end: int
    repair: str | None  # None: nothing left to read (a lone character between two lost bytes)
    gain: float
    before: _Reading
    after: _Reading
    closed: bool  # another "?" right after it


def _loss_pieces(text: str, start: int, end: int) -> Iterator[_Piece]:
    """Every "?" + non-ASCII piece of ``text[start:end]`` whose realignment reads better than it, and
    every lone character between two "?"."""
    for m in _QUESTION_PIECE.finditer(text, start, end):
        piece = m.group(1)
        closed = text.startswith("?", m.end(1))
        if len(piece) == 1:
            if closed and len(piece.encode("gb18030", errors="replace")) == 2:
                nothing = _Reading(0.0, 0, 0, 0)
                yield _Piece(m.start(1), m.end(1), None, 0.0, nothing, nothing, True)
            continue
        shifted = _realigned(piece)
        if shifted is None:
            continue
        before, after = _reading(piece), _reading(shifted)
        if not before.scored or not after.ideographs:
            continue
        gain = after.mean - before.mean
        if gain >= _CONTEXT_GAIN:
            yield _Piece(m.start(1), m.end(1), "\ufffd" + shifted + "\ufffd", gain, before, after, closed)


def _certain_loss(piece: _Piece) -> bool:
    after = piece.after
    if piece.repair is None or after.mean < _CERTAIN_FLOOR:
        return False
    if after.ideographs >= 2:
        return piece.gain >= _CERTAIN_GAIN
    # one ideograph: both ends lost, nothing common in the piece (a real word nearly always holds a
    # common character), and a large gain
    return piece.closed and not piece.before.common and piece.gain >= _SINGLE_GAIN


class MojibakeDetector(Detector):
    kind: ClassVar[str] = "mojibake"
    params: ClassVar[dict[str, Param]] = {
        "min_fill_run": Param(int, default=3, doc="shortest run of 烫 or 屯 reported as MSVC fill bytes"),
    }

    def __init__(self, check: CheckSpec) -> None:
        super().__init__(check)
        self.min_fill = max(2, int(self.p["min_fill_run"]))
        self.trigger = _trigger()

    def detect(self, doc: Document) -> Iterator[Hit]:
        text = doc.text
        if text.isascii():
            return  # every trigger character is non-ASCII (an O(1) test in CPython)
        for region in self.regions(doc):
            hits: list[Hit] = []
            position = region.start
            while (found := find_rare(self.trigger, text, position, region.end)) >= 0:
                line_start = max(text.rfind("\n", region.start, found) + 1, region.start)
                line_end = text.find("\n", found + 1, region.end)
                if line_end == -1:
                    line_end = region.end
                position = line_end
                # The line's rare characters (every pattern below but GBK-as-Latin-1 starts with one).
                offsets = rare_positions(text)
                rare = {text[i] for i in offsets[bisect.bisect_left(offsets, line_start):
                                                 bisect.bisect_left(offsets, line_end)]}
                hits.extend(self._line(text, line_start, line_end, rare))
            if text.find("?", region.start, region.end) >= 0:
                hits.extend(self._byte_loss(text, region.start, region.end, hits))
            hits.sort(key=lambda h: h.start)
            yield from hits

    # -- one line ---------------------------------------------------------------------------------

    def _line(self, text: str, start: int, end: int, rare: set[str]) -> Iterator[Hit]:
        """Hits in ``text[start:end]``, one line; ``rare`` holds the line's characters of the rare
        class (see ``rare_positions``): a pattern whose every match starts with one of them is not
        run on a line without one."""
        line = text[start:end]
        taken: list[tuple[int, int]] = []
        hits: list[Hit] = []

        def free(a: int, b: int) -> bool:
            return all(b <= s or a >= e for s, e in taken)

        def add(hit: Hit) -> None:
            taken.append((hit.start - start, hit.end - start))
            hits.append(hit)

        fills = _fill_re(self.min_fill).finditer(line) if not rare.isdisjoint("锟烫屯") else ()
        for m in fills:
            what = _FILL[m.group()[:3] if m.group().startswith("锟") else m.group()[0]]
            add(Hit(start + m.start(), start + m.end(), {"codecs": what, "text": show(m.group())},
                    applicability=Applicability.NONE,
                    message=f'Lost data ({what}): "{show(m.group())}"; the original text cannot be recovered'))
        # GBK read as Latin-1: candidates, until UTF-8 read as a code page has had its say (both read
        # Latin-1 letters; the explanation that repairs a whole segment wins)
        gbk: list[Hit] = []
        rejected: list[re.Match[str]] = []
        for m in _GBK_AS_LATIN.finditer(line):
            hit = self._gbk_as_latin(m.group(), start + m.start())
            if hit:
                gbk.append(hit)
            else:
                rejected.append(m)
        if gbk and rejected:
            # Next to certain GBK-as-Latin-1 mojibake, a short run (one character) is mojibake too.
            for m in rejected:
                hit = self._gbk_as_latin(m.group(), start + m.start(), context=True)
                if hit:
                    gbk.append(hit)
        if "เ" in rare:
            for hit in self._thai(line, start, free):
                add(hit)
        single = any(_single_byte_re().match(c) for c in rare)
        whole: list[tuple[int, int]] = []  # segments ftfy repaired completely, over GBK candidates
        if single and gbk:
            for m in _segment_re().finditer(line):
                if any(h.start - start < m.end() and m.start() < h.end - start for h in gbk):
                    rivals = [(h.start - start, h.end - start) for h in gbk]
                    complete = self._complete_segment(line, m.start(), m.end(), start, rivals)
                    if complete is not None:
                        whole.append(m.span())
                        for hit in complete:
                            add(hit)
        for hit in gbk:
            if all(hit.end - start <= a or hit.start - start >= b for a, b in whole):
                add(hit)
        if single:
            for hit in self._single_byte(line, start, taken + whole):
                add(hit)
        either = _marker_or_pua_re()
        if any(either.match(c) for c in rare):  # the line holds a marker or a GBK user-area character
            for hit in self._gbk(line, start, free):
                add(hit)
        hits.sort(key=lambda h: h.start)
        yield from hits

    def _hit(self, start: int, original: str, repair: str, codecs: str,
             applicability: Applicability | None = None) -> Hit:
        if not repair:
            return self._unrepaired(start, original, codecs, "the repair would delete it")
        if applicability is None and "\ufffd" in repair:
            applicability = Applicability.UNSAFE
        args: dict[str, Any] = {"codecs": codecs, "text": show(original), "repair": show(repair)}
        return Hit(start, start + len(original), args, (Edit(start, start + len(original), repair),),
                   applicability)

    @staticmethod
    def _unrepaired(start: int, original: str, codecs: str, why: str) -> Hit:
        """Mojibake without a certain repair: reported, so a re-check never passes over it, with no fix."""
        return Hit(start, start + len(original), {"codecs": codecs, "text": show(original), "repair": ""},
                   applicability=Applicability.NONE,
                   message=f'Mojibake ({codecs}): "{show(original)}" has no certain repair ({why})')

    # -- UTF-8 read as a single-byte code page: ftfy decides, run by run ---------------------------------

    def _single_byte(self, line: str, offset: int, taken: list[tuple[int, int]]) -> Iterator[Hit]:
        # The pairs a UTF-8 sequence leaves in a code page: one scan of the line with one class (and a
        # lookahead class), then each candidate checked page by page; most lines have none.
        candidates = [m.start() for m in _pairs().start.finditer(line) if _utf8_pair_at(line, m.start())]
        if not candidates:
            return
        # ftfy acts only on text showing one of its mojibake signs; mojibake shows one next to its
        # pairs, while a pair in correct text (Пё in Russian, ół in Polish) usually has none nearby.
        from ftfy.badness import BADNESS_RE

        candidates = [c for c in candidates if BADNESS_RE.search(line[max(0, c - _NEAR):c + _NEAR])]
        if not candidates:
            return
        for m in _segment_re().finditer(line):
            if not any(m.start() <= c < m.end() for c in candidates):
                continue
            # Cut the segment where an earlier hit has taken characters.
            cuts = sorted((s, e) for s, e in taken if s < m.end() and e > m.start())
            at = m.start()
            for low, high in [*cuts, (m.end(), m.end())]:
                if low > at and any(at <= c < low for c in candidates):
                    yield from self._segment(line, at, low, offset)
                at = max(at, high)

    def _complete_segment(self, line: str, begin: int, end: int, offset: int,
                          rivals: list[tuple[int, int]]) -> list[Hit] | None:
        """The hits of ftfy's repair of ``line[begin:end]`` if it repairs the whole segment: measurably
        better, no sign left, every non-ASCII character of the ``rivals`` (GBK-as-Latin-1 candidates,
        offsets in ``line``) re-decoded, one script, not C1 controls alone; else None."""
        segment = line[begin:end]
        fixed, plan = ftfy_encoding_fix(segment)
        if fixed == segment or set(plan) <= _C1_PLAN or not _measurably_better(segment, fixed):
            return None
        if _signs(fixed, repaired=True):
            return None
        kept = [(a0, a1) for tag, a0, a1, _, _ in _opcodes(segment, fixed) if tag == "equal"]
        if not _complete([segment[a0:a1] for a0, a1 in kept]):
            return None
        for low, high in rivals:
            for index in range(max(low, begin), min(high, end)):
                if line[index] > "\x7f" and any(a0 <= index - begin < a1 for a0, a1 in kept):
                    return None  # part of the GBK reading is left as it was: ftfy explains only a piece
        runs = [r for r in _runs(segment, fixed) if r.repair != segment[r.start:r.end]]
        if not plausible("".join(r.produced for r in runs)):
            return None
        codecs = _describe_plan(plan)
        return [self._hit(offset + begin + r.start, segment[r.start:r.end], r.repair,
                          _run_codecs(segment[r.start:r.end], r.repair, codecs),
                          _lossy(segment[r.start:r.end], r.repair)) for r in runs]

    def _segment(self, line: str, begin: int, end: int, offset: int) -> Iterator[Hit]:
        """``line[begin:end]``, a segment; ``offset``: where the line starts in the document."""
        segment = line[begin:end]
        fixed, plan = ftfy_encoding_fix(segment)
        if fixed == segment:
            return
        codecs = _describe_plan(plan)
        better = _measurably_better(segment, fixed)
        c1_alone = set(plan) <= _C1_PLAN
        runs = _runs(segment, fixed)
        # A lone letter of a script is plausible in a word of ASCII letters (10μs) or among runs that
        # all read as that script (the Ukrainian word і between others)
        coherent = plausible("".join(r.produced for r in runs if r.repair != segment[r.start:r.end]))
        for run in runs:
            original = segment[run.start:run.end]
            at = offset + begin + run.start
            if run.repair == original:
                continue
            if c1_alone and any("\x80" <= line[i] <= "\x9f" and _in_multibyte(line, i)
                                for i in range(begin + run.start, begin + run.end)):
                # C1 controls inside a multi-byte sequence: part of that run, never a cp1252 slip alone
                whole = _whole_run(original)
                if whole:
                    yield self._hit(at, original, *whole)
                else:
                    yield self._unrepaired(at, original, "C1 controls inside multi-byte mojibake",
                                           "the run does not decode whole")
                continue
            lone = coherent or any(c.isascii() and c.isalnum() for c in original)
            if not plausible(run.produced, lone=lone):
                continue  # ftfy's reading of something else (GBK read as Latin-1, say)
            if better and not _signs(run.repair, repaired=True) and _complete(run.kept):
                yield self._hit(at, original, run.repair, _run_codecs(original, run.repair, codecs),
                                _lossy(original, run.repair))
                continue
            # ftfy repaired the run only in part (``â”’(⌣˛⌣)┎``: its first character did not decode with
            # the rest of the segment), or not measurably: the run re-decoded whole, or reported as it is
            whole = _whole_run(original)
            if whole:
                yield self._hit(at, original, *whole)
            elif _signs(original):
                yield self._unrepaired(at, original, codecs, "only part of it decodes")

    # -- UTF-8 read as Windows-874 (Thai) ---------------------------------------------------------------

    def _thai(self, line: str, offset: int, free: Any) -> Iterator[Hit]:
        table = _byte_tables()[-1]
        for m in _THAI_AS_CP874.finditer(line):
            if not free(m.start(), m.end()):
                continue
            data = _encode_page(m.group(), table)
            text = _decode_utf8(data) if data is not None else None
            if text is None and data is not None:
                text = _decode_utf8(_LOST_A0.sub(b"\xa0", data))
            if text is None or sum(1 for c in text if _script(c) == "thai") < 2 or not plausible(text):
                continue
            yield self._hit(offset + m.start(), m.group(), text, "UTF-8 read as Windows-874")

    # -- GBK shifted by a lost byte, found from the "?" that stands for it ------------------------------

    def _byte_loss(self, text: str, start: int, end: int, hits: Sequence[Hit]) -> list[Hit]:
        taken = sorted((h.start, h.end) for h in hits)
        pieces = [p for p in _loss_pieces(text, start, end)
                  if not any(s < p.end and p.start < e for s, e in taken)]
        if not any(_certain_loss(p) for p in pieces):
            return []
        out = []
        for piece in pieces:
            original = text[piece.start:piece.end]
            if piece.repair is None:
                out.append(self._unrepaired(piece.start, original, _SHIFTED,
                                            "both of its bytes belong to characters that are lost"))
            elif piece.after.common >= _ORDINARY_SHARE * piece.after.scored:
                out.append(self._hit(piece.start, original, piece.repair, _SHIFTED, Applicability.UNSAFE))
            else:
                out.append(self._unrepaired(piece.start, original, _SHIFTED,
                                            f'its realignment "{show(piece.repair)}" is not ordinary text either'))
        return out

    # -- GBK read as Latin-1 / cp1252 ----------------------------------------------------------------

    def _gbk_as_latin(self, run: str, offset: int, context: bool = False) -> Hit | None:
        if len(run) < (2 if context else 4):
            return None
        data = run.translate(_TO_LATIN1).encode("latin-1")
        if not context:
            try:
                if plausible(data.decode("utf-8")):
                    return None  # UTF-8 read as Latin-1: ftfy's case
            except UnicodeDecodeError:
                pass
        try:
            repair = data.decode("gbk")
        except UnicodeDecodeError:
            return None
        if not clearly_better(run, repair, context=context):
            return None
        codecs = "GBK read as cp1252" if any(c > "\xff" for c in run) else "GBK read as Latin-1"
        return self._hit(offset, run, repair, codecs)

    # -- UTF-8 read as GBK, and GBK shifted by a lost byte --------------------------------------------

    def _gbk(self, line: str, offset: int, free: Any) -> Iterator[Hit]:
        # The non-ASCII runs holding a marker or a GBK user-area character. Every non-ASCII character
        # lies in some run, so the first run ending after the next such character holds it.
        either = _marker_or_pua_re()
        runs: list[tuple[int, int, list[int], Sequence[int]]] = []
        found = either.search(line)
        if found is not None:
            for m in _NON_ASCII.finditer(line):
                if m.end() <= found.start():
                    continue
                runs.extend(_gbk_runs(line, m.start(), m.end()))
                found = either.search(line, m.end())
                if found is None:
                    break
        candidates: list[tuple[int, int, int, str]] = []  # run index, start, end, repair
        for index, (run_start, run_end, data, starts) in enumerate(runs):
            for first, stop, repair in _utf8_repairs(line[run_start:run_end], data, starts):
                candidates.append((index, run_start + first, run_start + stop, repair))
        good = [c for c in candidates if free(c[1], c[2]) and clearly_better(line[c[1]:c[2]], c[3])]
        if good:
            # Next to certain mojibake, short pieces (one character and a lost byte) are mojibake too.
            good = [c for c in candidates if c in good or (
                free(c[1], c[2]) and clearly_better(line[c[1]:c[2]], c[3], context=True))]
        for _, begin, finish, repair in good:
            yield self._hit(offset + begin, line[begin:finish], repair, "UTF-8 read as GBK")
        done = {c[0] for c in good}
        for index, (run_start, run_end, data, starts) in enumerate(runs):
            if index in done or not free(run_start, run_end) or not _PUA_RE.search(line, run_start, run_end):
                continue
            # Shifted GBK starts right after a lost byte, or at the start of the run; pairs read
            # one byte off land in GBK's user-defined area, so only runs holding some are tried.
            piece = 0
            for wild in [*(i for i in range(len(starts) - 1) if data[starts[i]] == _WILD), len(starts) - 1]:
                if wild - piece >= 6:
                    hit = self._shifted(line[run_start + piece:run_start + wild],
                                        data[starts[piece]:starts[wild]], offset + run_start + piece)
                    if hit:
                        yield hit
                piece = wild + 1

    def _shifted(self, segment: str, data: list[int], offset: int) -> Hit | None:
        """A byte was lost before ``segment``: its first byte is an orphan, the rest pairs up one off."""
        body = bytes(data[1:])
        dangling = len(body) % 2 == 1
        if dangling:
            body = body[:-1]
        try:
            decoded = body.decode("gb18030")
        except UnicodeDecodeError:
            return None
        repair = "\ufffd" + decoded + ("\ufffd" if dangling else "")
        if not clearly_better(segment, repair) or char_cost_sum(segment) < 2 * char_cost_sum(repair) + 6:
            return None
        return self._hit(offset, segment, repair, "GBK shifted by a lost byte", Applicability.UNSAFE)


_FTFY_CONFIG: Any = None


def ftfy_encoding_fix(text: str) -> tuple[str, list[tuple[str, str]]]:
    """ftfy's encoding repair and nothing else (no width folding, uncurling, normalisation…)."""
    global _FTFY_CONFIG
    import ftfy

    if _FTFY_CONFIG is None:
        _FTFY_CONFIG = ftfy.TextFixerConfig(
            unescape_html=False,
            remove_terminal_escapes=False,
            fix_encoding=True,
            restore_byte_a0=True,
            replace_lossy_sequences=True,
            decode_inconsistent_utf8=True,
            fix_c1_controls=True,
            fix_latin_ligatures=False,
            fix_character_width=False,
            uncurl_quotes=False,
            fix_line_breaks=False,
            fix_surrogates=False,
            remove_control_chars=False,
            normalization=None,
            explain=True,
        )
    fixed, plan = ftfy.fix_encoding_and_explain(text, _FTFY_CONFIG)
    return fixed, [tuple(step) for step in plan or []]


def _describe_plan(plan: list[tuple[str, str]]) -> str:
    """ftfy's explanation as a codec pair: ``UTF-8 read as cp1252``, ``UTF-8 read as MacRoman``,
    ``CESU-8 read as Latin-1``."""
    wrong = []
    for action, what in plan:
        if action == "encode":
            wrong.append(_FTFY_NAMES.get(what, what.replace("sloppy-", "")))
        elif action == "apply" and what == "decode_inconsistent_utf8":
            wrong.append("cp1252")
    if not wrong:
        return "Windows-1252 read as Latin-1" if ("transcode", "fix_c1_controls") in plan else "UTF-8 read as cp1252"
    if wrong[0] == "Latin-1" and ("decode", "windows-1252") in plan:
        return "Windows-1252 read as Latin-1"
    source = "CESU-8" if ("decode", "utf-8-variants") in plan else "UTF-8"
    label = f"{source} read as {wrong[0]}"
    return label + (" (twice)" if len(wrong) > 1 else "")
