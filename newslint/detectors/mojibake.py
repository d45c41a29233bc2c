"""The ``mojibake`` kind: text that was decoded with the wrong codec, and how to undo it.

Mojibake is reversible when no byte was lost: encode the garbled text back with the codec that
wrongly decoded it, and decode the bytes with the right one. The hard part is deciding *when* to do
that, because every string survives some round trip. Like ftfy, we accept a repair only when it is
clearly better than the original, and we never guess about correct text:

* **UTF-8 read as cp1252 / Latin-1** (``cafÃ©``, ``â€œ``, ``åŒ—äº¬``) is ftfy's speciality, so ftfy
  decides, with every option off except its encoding fixes (no width folding, no quote uncurling, no
  normalisation): Chinese ``，（）：“”　`` and curly quotes are correct text and stay as they are.
  ftfy only sees lines where a regex finds a pair this mojibake produces (a UTF-8 lead byte as a
  Latin-1 letter, then a continuation byte: ``Ã©``, ``â€``), and a repair it proposes must read as
  one script (``չʾ``, Armenian and a modifier letter, is really 展示 in GBK and is not taken).
  Stray C1 controls (``\x93撒谎\x94``) are Windows-1252 read as Latin-1 and become its characters.
* **GBK read as Latin-1 / cp1252** (``±±¾©`` for 北京, the ``requests`` default for pages without a
  charset) is found as runs of Latin-1 letters shaped like GBK byte pairs, and goes first, so that
  ftfy never picks UTF-8-looking pieces out of it.
* **UTF-8 read as GBK** (``鍖椾含`` for 北京) is what a scraper produces when a page says
  ``charset=gb2312`` but is UTF-8. Such a run starts with a GBK pair whose lead byte is a UTF-8 lead
  (E0–F4) and whose trail byte is a continuation byte (80–BF): about 1,300 mostly rare characters.
  From each of them the run is re-encoded as GBK and decoded as UTF-8. A decoder's U+FFFD or ``?``
  stands for one byte it could not pair: that character is lost and the repair shows U+FFFD.
* **GBK shifted by a lost byte** (``胆子?薄！暗ㄗ印钡拇笮`` in SogouC): after a dropped byte every
  pair is read one byte off, which lands some pairs in GBK's user-defined area (private use after a
  GB18030 decode). Runs holding such code points are tried with the orphan first byte dropped.
* ``锟斤拷`` (two U+FFFD, themselves read as GBK) and runs of ``烫`` / ``屯`` (MSVC's fill bytes
  0xCC / 0xCD) are lost data: reported, never "fixed".

"Clearly better" is scored per character from the GB2312 levels, which order Chinese characters by
frequency: level 1 (the 3,755 common characters), ASCII and ordinary punctuation cost 0; level 2
and common traditional characters (Big5 level 1) cost 1; symbols, kana in Chinese and Latin-1
letters in a CJK run cost 2; GBK extension characters, C1 controls, private use and U+FFFD cost 3.
A repair must hold two or more CJK characters, average at most 0.3, and the original must cost at
least twice as much plus a margin. Once a line holds certain mojibake of one kind, its short pieces
(``涓�``, one character and a lost byte) are accepted with a looser rule. What protects correct text
most is the byte structure: the GBK bytes of real Chinese almost never form valid UTF-8 for two
characters in a row, and the few that do decode to rare characters.

Speed: one character class finds every line worth a look (a lone class is what CPython's regex
engine scans fastest, hundreds of M chars/s), so clean text costs one scan; ftfy, ~1 M chars/s on
Chinese, only ever sees candidate lines.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from newslint.detectors.invisible import find_rare, rare_positions
from newslint.document import Document
from newslint.model import Applicability, Edit, Hit
from newslint.registry import CheckSpec, Detector, Param

# Windows-1252 characters for bytes 0x80-0x9F (the five undefined bytes stay C1 controls).
_CP1252_HIGH = "€\x81‚ƒ„…†‡ˆ‰Š‹Œ\x8dŽ\x8f\x90‘’“”•–—˜™š›œ\x9džŸ"
_CP1252_SPECIALS = "".join(c for c in _CP1252_HIGH if not "\x80" <= c <= "\x9f")
# A character back to its byte, whether it came from Latin-1 or Windows-1252 ("sloppy" cp1252).
_TO_LATIN1 = str.maketrans({c: chr(0x80 + i) for i, c in enumerate(_CP1252_HIGH) if c > "\xff"})
# C1 controls that are Windows-1252 characters read as Latin-1, and what they should be.
_C1_TO_CP1252 = {chr(0x80 + i): c for i, c in enumerate(_CP1252_HIGH) if c > "\xff"}
_C1_CLASS = "[" + "".join(_C1_TO_CP1252) + "]"
# Written ``[x][x]*``, not ``[x]+``: a pattern that starts with a character class lets the regex engine
# skip to candidates at C speed (a leading repeat or branch makes it try a match at every position).
_C1_RUN = re.compile(_C1_CLASS + _C1_CLASS + "*")

_CONT = "\x80-\xbf" + re.escape(_CP1252_SPECIALS)
# A UTF-8 lead byte seen as Latin-1 (Â..ô) then a continuation byte, or ftfy's "Ã " (a0 lost).
_UTF8_AS_LATIN = re.compile(f"[\xc2-\xf4](?:[{_CONT}]|(?<=[\xc2\xc3]) )")
# GBK pairs seen as Latin-1 / cp1252: lead 81-FE, trail 40-7E or 80-FE.
_HIGH = "\x81-\xfe" + re.escape(_CP1252_SPECIALS)
_GBK_PAIR = f"[{_HIGH}][\x40-\x7e{_HIGH}]"
_GBK_AS_LATIN = re.compile(f"{_GBK_PAIR}(?:{_GBK_PAIR})*")
# Lost data: U+FFFD U+FFFD read as GBK, MSVC's uninitialised stack (0xCC) and heap (0xCD) bytes.
_FILL = {"锟斤拷": "UTF-8 replacement characters read as GBK", "烫": "MSVC fill bytes 0xCC read as GBK",
         "屯": "MSVC fill bytes 0xCD read as GBK"}
# Non-ASCII runs; a "?" between or after them may be a byte the wrong decoder could not read.
_NON_ASCII = re.compile(r"[^\x00-\x7f][^\x00-\x7f]*(?:\?+[^\x00-\x7f]+)*\?*")
_GBK_PUA = "\ue000-\ue765"  # GBK's user-defined areas as GB18030 decodes them
_PUA_RE = re.compile(f"[{_GBK_PUA}]")

# Everyday CJK and general punctuation that costs nothing (GB2312 row A1 is checked too).
_COMMON = set("，。、；：？！“”‘’（）《》〈〉【】「」『』〔〕—…·　～－％＋＝／＠＃＆＊")
_WILD = -1  # a byte we know was there but not what it was (a decoder's U+FFFD)
_SHOW_MAX = 40


@functools.cache
def _markers() -> str:
    """Characters a UTF-8 run read as GBK starts with: GBK lead E0–F4, trail 80–BF."""
    chars = []
    for lead in range(0xE0, 0xF5):
        for trail in range(0x80, 0xC0):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes((lead, trail)).decode("gbk"))
    return "".join(sorted(set(chars)))


@functools.cache
def trigger_class() -> str:
    """The characters of every line worth a closer look (the inside of a regex class)."""
    return f"\x80-\xff{_GBK_PUA}{re.escape(_markers())}锟烫屯"


@functools.cache
def _trigger() -> re.Pattern[str]:
    """One pass over the text finds every line worth a closer look. A lone character class is what
    CPython's regex engine scans fastest (hundreds of M chars/s, against ftfy's ~1 M on Chinese);
    the pass is shared with NL103 (:func:`newslint.detectors.invisible.rare_positions`)."""
    return re.compile(f"[{trigger_class()}]")


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


def _script(ch: str) -> str:
    """A coarse script group, to tell a plausible UTF-8 reading from an accidental one."""
    code = ord(ch)
    if code < 0x80 or 0x2000 <= code <= 0x2BFF or code in (0xA0, 0xD7, 0xF7) or 0xA1 <= code <= 0xBF:
        return ""  # ASCII, punctuation and symbols go with anything
    if code <= 0x17F or 0x300 <= code <= 0x36F or 0x1E00 <= code <= 0x1EFF or code in (0x192, *range(0x218, 0x21C)):
        return "latin"
    for name, low, high in (("greek", 0x370, 0x3FF), ("cyrillic", 0x400, 0x4FF), ("hebrew", 0x590, 0x5FF),
                            ("arabic", 0x600, 0x6FF), ("cjk", 0x2E80, 0x9FFF), ("cjk", 0xAC00, 0xD7AF),
                            ("cjk", 0xF900, 0xFAFF), ("cjk", 0xFF00, 0xFFEF)):
        if low <= code <= high:
            return name
    return "other"


def plausible(text: str) -> bool:
    """Could ``text`` be what someone wrote? One script (Latin, Cyrillic, CJK…) plus punctuation;
    ``չʾ`` (Armenian and a modifier letter, really 展示 in GBK) is not."""
    scripts = [s for s in map(_script, text) if s]
    kinds = set(scripts)
    if not kinds:
        return True
    if len(kinds) > 1 or "other" in kinds:
        return False
    return kinds <= {"latin", "cjk"} or len(scripts) >= 2


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
        raw = segment.encode("gb18030")
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
            raw = ch.encode("gb18030")
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
                yield from self._line(text, line_start, line_end, rare)

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
        rejected: list[re.Match[str]] = []
        certain = False
        for m in _GBK_AS_LATIN.finditer(line):
            hit = self._gbk_as_latin(m.group(), start + m.start())
            if hit:
                add(hit)
                certain = True
            else:
                rejected.append(m)
        if certain and rejected:
            # Next to certain GBK-as-Latin-1 mojibake, a short run (one character) is mojibake too.
            for m in rejected:
                hit = self._gbk_as_latin(m.group(), start + m.start(), context=True)
                if hit:
                    add(hit)
        if any("\xc2" <= c <= "\xf4" for c in rare) and _UTF8_AS_LATIN.search(line):
            for hit in self._ftfy(line, start):
                if free(hit.start - start, hit.end - start):
                    add(hit)
        c1_runs = _C1_RUN.finditer(line) if not rare.isdisjoint(_C1_TO_CP1252) else ()
        for m in c1_runs:
            if free(m.start(), m.end()):
                repair = "".join(_C1_TO_CP1252[c] for c in m.group())
                add(self._hit(start + m.start(), m.group(), repair, "Windows-1252 read as Latin-1"))
        either = _marker_or_pua_re()
        if any(either.match(c) for c in rare):  # the line holds a marker or a GBK user-area character
            for hit in self._gbk(line, start, free):
                add(hit)
        hits.sort(key=lambda h: h.start)
        yield from hits

    def _hit(self, start: int, original: str, repair: str, codecs: str,
             applicability: Applicability | None = None) -> Hit:
        if applicability is None and "\ufffd" in repair:
            applicability = Applicability.UNSAFE
        args: dict[str, Any] = {"codecs": codecs, "text": show(original), "repair": show(repair)}
        return Hit(start, start + len(original), args, (Edit(start, start + len(original), repair),),
                   applicability)

    # -- UTF-8 read as cp1252 / Latin-1: ftfy decides ----------------------------------------------

    def _ftfy(self, line: str, offset: int) -> Iterator[Hit]:
        fixed, plan = ftfy_encoding_fix(line)
        if fixed == line:
            return
        codecs = _describe_plan(plan)
        import difflib

        ops = difflib.SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes()
        for tag, a0, a1, b0, b1 in ops:
            if tag == "equal" or a0 == a1:
                continue
            if not plausible(fixed[b0:b1]):
                continue  # ftfy's reading of something else (GBK read as Latin-1, say)
            yield self._hit(offset + a0, line[a0:a1], fixed[b0:b1], codecs)

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
    """ftfy's explanation as a codec pair: ``UTF-8 read as cp1252``."""
    names = {"latin-1": "Latin-1", "sloppy-windows-1252": "cp1252", "windows-1252": "cp1252"}
    wrong = []
    for action, what in plan:
        if action == "encode":
            wrong.append(names.get(what, what.replace("sloppy-", "")))
        elif action == "apply" and what == "decode_inconsistent_utf8":
            wrong.append("cp1252")
    if not wrong:
        return "Windows-1252 read as Latin-1" if ("transcode", "fix_c1_controls") in plan else "UTF-8 read as cp1252"
    label = f"UTF-8 read as {wrong[0]}"
    return label + (" (twice)" if len(wrong) > 1 else "")
