"""Finding Chinese person names without a segmenter or a model.

The evidence is what news text itself gives (the "D0" hybrid of the research notes, measured at
precision 1.00 / recall 0.81–0.97 where jieba's 'nr' tag alone reaches 0.66 / 0.75):

* a title right before the name (市委书记蔡奇, 常务副市长崔述强, 责任编辑：王翔);
* a byline (本报记者刘菲菲武红利 → 刘菲菲, 武红利);
* a postfix cue (习近平同志, 李强总理);
* a ``、`` list next to a name already found (蔡奇、陈吉宁);
* then every name found is propagated through the whole document (蔡奇代表…, 丛亮讲话…).

Every candidate must start with a shipped surname. Whether the name has 2 or 3 characters is decided
by what follows: 3 characters are tried first and need punctuation or a boundary word after them
(崔述强|作); if both lengths qualify, 2 wins only when the third character is a function word
(王宁|说). The document then votes: 蔡奇强 is dropped when 蔡奇 is also a name. Place names that start
with a surname (张家湾, 宋庄镇, 通州区) are rejected by their suffix, ordinary words (强调, 全市, 常务)
by a stoplist of two-character words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newslint.names.data import (
    BOUNDARY_WORDS,
    COMMON_WORDS,
    COMPOUND_SURNAMES,
    FUNCTION_CHARS,
    GIVEN_STOP,
    MOTION_CHARS,
    NOT_IN_GIVEN,
    PLACE_ABBREVIATIONS,
    PLACE_SUFFIXES,
    POSTFIX,
    SURNAMES_1,
    TITLES,
)

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
_TITLE_RE = re.compile("(?:" + "|".join(map(re.escape, TITLES)) + r")[：:\s　]{0,2}")
_POSTFIX_RE = re.compile("|".join(map(re.escape, sorted(POSTFIX, key=len, reverse=True))))
_BYLINE_RE = re.compile(rf"(?:记者|通讯员|摄影|撰文|文/|图/)[：:\s　]{{0,2}}([{_HAN}]{{2,9}})")
# a second name of a byline set off by a space: （记者汤一亮　庄胜春）, 通讯员　胡勇　孔猛
_BYLINE_NEXT = re.compile(rf"[ 　]+([{_HAN}]{{2,3}})(?=[）)\s　]|$)")
# a quotation attributed to a speaker: ”庞飒说, ”关大力认为
_SPEECH = ("表示", "说", "认为", "称", "指出", "强调", "介绍", "坦言", "透露", "告诉", "回答", "分析")
_QUOTED_RE = re.compile(rf"[”」』]([{_HAN}]{{2,4}}?)(?={'|'.join(_SPEECH)})")
# a credit at the end of a paragraph: （余乐）, （中国台湾网　刘海伟）
_CREDIT_RE = re.compile(rf"[（(](?:[^（）()\n]{{0,12}}[ 　])?([{_HAN}]{{2,3}})[）)](?=\s*(?:$|<|\n))")
# a headline that opens with the speaker: 叶檀：央行降息… (not a label such as 来源： or 原标题：)
_LABELS = frozenset(("来源", "原标题", "标题", "导读", "摘要", "提示", "快讯", "声明", "公告", "通知", "附件", "关于",
                     "链接", "相关", "图片", "视频", "注释", "简介", "主题", "时间", "地点", "电话", "地址"))
_HEADLINE_RE = re.compile(rf"(?:^|[>\n])([{_HAN}]{{2,3}})[：:]")
_CLAUSE_SPEAKER_RE = re.compile(rf"(?:^|[，。；！？\n　])([{_HAN}]{{2,3}}?)(?={'|'.join(_SPEECH)})")
_CLAUSE_START = re.compile(r"[，。；：！？、,.;:!?\s　（）()“”\"'<>》《]")
_NOT_NAME_AFTER = ("女士", "先生", "某")
_TITLE_MODIFIERS = frozenset("第前现原副新总代任")
_COUNTING = frozenset("一这那每某两几各该此位名")  # 一位女士, 这位先生: a person, not a surname
_HONORIFIC_RE = re.compile("[" + "".join(sorted(SURNAMES_1)) + "](?:先生|女士|小姐)")
# what may stand right before a surname + honorific: a person noun or a clause start (看房人孙先生, 的郑女士)
_BEFORE_HONORIFIC = frozenset("人的是者员友民客户生师长主和与及、向对给被让跟")
# a doubled given name after a person noun (女生芳芳, 网友乐乐): how nicknames and children are named
_PERSON_NOUNS = ("女生", "男生", "女孩", "男孩", "姑娘", "小伙", "网友", "市民", "村民", "居民", "博主", "主播",
                 "店主", "创作者", "小朋友", "宝宝", "女儿", "儿子")
_DOUBLED_RE = re.compile("(?:" + "|".join(_PERSON_NOUNS) + r")([\u4e00-\u9fff])\1")
_LEAD_WORDS = frozenset("向和于")
_EXTRA_NOT_IN_GIVEN = frozenset("副总常组办团级届班处科长位批项个名次年月日号")


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


@dataclass
class ChineseName:
    """One person found in a Chinese document: the name, where it occurs, and its title context."""

    name: str
    positions: list[int] = field(default_factory=list)
    title: str = ""
    evidence: str = ""


def _surname_len(text: str, i: int) -> int:
    if text[i:i + 2] in COMPOUND_SURNAMES:
        return 2
    if i < len(text) and text[i] in SURNAMES_1:
        return 1
    return 0


def _boundary_after(text: str, j: int) -> bool:
    """True when a name may end before ``text[j]``: punctuation, non-Han, a boundary word or a title."""
    if j >= len(text):
        return True
    ch = text[j]
    if not _is_han(ch):
        return True
    if text.startswith(BOUNDARY_WORDS, j):
        return True
    return bool(text.startswith(TITLES, j)) or bool(text.startswith(POSTFIX, j))


def _verb_after(text: str, end: int) -> bool:
    """True when an aspect particle follows (查阅了, 相握着): the candidate is a verb, not a name."""
    nxt = text[end:end + 1]
    return nxt in ("着", "过") or (nxt == "了" and text[end + 1:end + 2] != "解")


def _amount(name: str) -> bool:
    return len(name) >= 2 and name[-1] == "元" and name[-2] in "万千百亿"


# 长 ends titles (科长, 行长, 厂长: 王厂长 is not a name) but opens given names (蒲长城, 李长春): it is
# accepted as the first of two given-name characters, never alone or last. 年 ends time words (周年,
# 同年, 去年, 青年) but also given names (余彭年, 许小年): accepted as the second of two characters
# when the first does not make a time or age word of it.
_GIVEN_FIRST_OK = frozenset("长")
_GIVEN_LAST_OK = frozenset("年")
_TIME_BEFORE_NIAN = frozenset("去今明前后同当次隔新全半每往近早晚常长多历连翌上下本该那这成青少老中壮童幼周余数几整某"
                              "一二三四五六七八九十百千两")


def _given_char_ok(given: str, k: int) -> bool:
    c = given[k]
    if not _is_han(c) or c in NOT_IN_GIVEN:
        return False
    if c not in _EXTRA_NOT_IN_GIVEN:
        return True
    if len(given) != 2:
        return False
    if k == 0:
        return c in _GIVEN_FIRST_OK
    return c in _GIVEN_LAST_OK and given[0] not in _TIME_BEFORE_NIAN


def _given_ok(given: str) -> bool:
    return bool(given) and all(_given_char_ok(given, k) for k in range(len(given)))


def _shape_ok(text: str, start: int, end: int, slen: int) -> bool:
    """Reject candidates that are words or places rather than names."""
    name = text[start:end]
    if not _given_ok(name[slen:]):
        return False
    if name[:2] in COMMON_WORDS or name[slen:] in GIVEN_STOP or name.startswith(TITLES, slen):
        return False
    if text.startswith(PLACE_SUFFIXES, end) and not text.startswith(BOUNDARY_WORDS, end):
        return False
    if text.startswith(_NOT_NAME_AFTER, end) or "某" in name:
        return False
    if text[end:end + 1] in ("·", "‧", "•", "・", "-") or text[start - 1:start] in ("·", "‧", "•", "・"):
        return False  # 胡里奥·里奥斯: a transliterated foreign name
    if _amount(name) or _verb_after(text, end):
        return False  # 余万元: an amount; 查阅了: a verb
    if len(name) == 2 and name[0] in MOTION_CHARS and name[1] in PLACE_ABBREVIATIONS:
        return False  # 来澳考察: "come to Macao", not a person
    return not (len(name) == 3 and name[1] == "家" and slen == 1 and name[2] in "湾庄店桥口港屯营村坡沟务")


def name_at(text: str, start: int) -> str | None:
    """The name starting at ``start``, deciding between 2 and 3 characters (4 with a compound surname)."""
    slen = _surname_len(text, start)
    if not slen:
        return None
    long_end, short_end = start + slen + 2, start + slen + 1
    ok_long = long_end <= len(text) and _shape_ok(text, start, long_end, slen) and _boundary_after(text, long_end)
    ok_short = _shape_ok(text, start, short_end, slen) and _boundary_after(text, short_end)
    if ok_long and ok_short:
        return text[start:short_end] if text[short_end] in FUNCTION_CHARS else text[start:long_end]
    if ok_long:
        return text[start:long_end]
    if ok_short:
        return text[start:short_end]
    return None


def _split_byline(run: str) -> list[str]:
    """刘菲菲武红利 → [刘菲菲, 武红利]: split a run of names at surnames, 2–3 characters each."""
    n = len(run)
    if n <= 3:
        return [run] if _surname_len(run, 0) and _given_ok(run[_surname_len(run, 0):]) else []
    for first in (3, 2):
        rest = run[first:]
        if not _surname_len(run, 0) or not _given_ok(run[_surname_len(run, 0):first]):
            continue
        if 2 <= len(rest) <= 3 and _surname_len(rest, 0) and _given_ok(rest[_surname_len(rest, 0):]):
            return [run[:first], rest]
        if len(rest) > 3:
            tail = _split_byline(rest)
            if tail:
                return [run[:first], *tail]
    return []


def _title_context(text: str, start: int) -> str:
    """The org+title chain directly before a mention (市委常委、常务副市长), up to the clause start."""
    begin = max(0, start - 40)
    chunk = text[begin:start].rstrip("：: 　")
    cut = 0
    for m in _CLAUSE_START.finditer(chunk):
        if m.group(0) != "、":
            cut = m.end()
    return chunk[cut:].strip("：: 　")


def extract_names(text: str) -> list[ChineseName]:
    """Person names in ``text`` with every mention's offset and the title context of the first titled one."""
    found: dict[str, ChineseName] = {}

    def add(name: str, pos: int, evidence: str, title: str = "") -> None:
        entry = found.setdefault(name, ChineseName(name, evidence=evidence))
        if title and not entry.title:
            entry.title = title

    for m in _TITLE_RE.finditer(text):
        name = name_at(text, m.end())
        if name:
            add(name, m.end(), "title", _title_context(text, m.end()))
    for m in _BYLINE_RE.finditer(text):
        run = m.group(1)
        if run.endswith(("摄", "报道")):
            run = run[:-1] if run.endswith("摄") else run[:-2]
        cut = len(run)
        for i in range(len(run)):
            if text.startswith(BOUNDARY_WORDS, m.start(1) + i) and i >= 2:
                cut = i
                break
        offset = m.start(1)
        names = _split_byline(run[:cut])
        if names and cut == len(run):
            nxt = _BYLINE_NEXT.match(text, m.end(1))
            if nxt and _surname_len(nxt.group(1), 0) and _given_ok(nxt.group(1)[_surname_len(nxt.group(1), 0):]):
                names.append(nxt.group(1))
        for name in names:
            end = text.find(name, offset) + len(name)
            offset = end
            if name[:2] in COMMON_WORDS or _verb_after(text, end):
                continue  # 记者查阅了, 与记者相握: the reporter does something, no name follows
            add(name, m.start(1), "byline", "记者")
    for m in _POSTFIX_RE.finditer(text):
        p = m.start()
        if p and (text[p - 1] in _TITLE_MODIFIERS or text[p - 2:p - 1] == "第"):
            continue  # 党第一书记, 由现任总理: the cue is a title with its modifier, no name before it
        for length in (3, 2, 4):
            s = p - length
            if s < 0:
                continue
            slen = _surname_len(text, s)
            if not slen or (length == 4 and slen != 2) or length - slen not in (1, 2):
                continue
            if length == 3 and text[s] in _LEAD_WORDS and _surname_len(text, s + 1):
                continue  # 向雷锋同志: 向 is the preposition, 雷锋 the name
            if _shape_ok(text, s, p, slen):
                add(text[s:p], s, "postfix")
                break
    _speakers(text, found)
    _lists(text, found)
    _known_by_surname(text, found)
    for m in _DOUBLED_RE.finditer(text):
        if _boundary_after(text, m.end()) and m.group(1) not in NOT_IN_GIVEN:
            add(m.group(1) * 2, m.start(1), "doubled")
    # the document votes: 蔡奇强 is not a name when 蔡奇 is one
    for name in list(found):
        if len(name) == 3 and name[:2] in found:
            del found[name]
    for entry in found.values():
        entry.positions = [m.start() for m in re.finditer(re.escape(entry.name), text)]
    return sorted(found.values(), key=lambda e: e.positions[0] if e.positions else 0)


def _speaker_ok(text: str, start: int, end: int) -> bool:
    slen = _surname_len(text, start)
    return bool(slen) and end - start - slen in (1, 2) and _shape_ok(text, start, end, slen)


def _speakers(text: str, found: dict[str, ChineseName]) -> None:
    """Speakers: a name right after a closing quotation mark and before a speech verb (”庞飒说), and a
    name that opens a clause before a speech verb at least twice in the document (，陈恒表示 …
    ，陈恒指出): once is too weak (，官方认为), twice is how an article quotes its source."""
    for m in _QUOTED_RE.finditer(text):
        if _speaker_ok(text, m.start(1), m.end(1)):
            found.setdefault(m.group(1), ChineseName(m.group(1), evidence="quoted"))
    seen: dict[str, int] = {}
    for m in _CLAUSE_SPEAKER_RE.finditer(text):
        if _speaker_ok(text, m.start(1), m.end(1)):
            seen[m.group(1)] = seen.get(m.group(1), 0) + 1
    for m in _HEADLINE_RE.finditer(text):
        if _speaker_ok(text, m.start(1), m.end(1)) and m.group(1) not in TITLES:
            seen[m.group(1)] = seen.get(m.group(1), 0) + 1
    for name, count in seen.items():
        if count >= 2 or (count == 1 and name in _headline_names(text) and name not in _LABELS):
            found.setdefault(name, ChineseName(name, evidence="speaker"))
    for m in _CREDIT_RE.finditer(text):
        if _speaker_ok(text, m.start(1), m.end(1)) and m.group(1) not in TITLES:
            found.setdefault(m.group(1), ChineseName(m.group(1), evidence="credit"))


def _headline_names(text: str) -> set[str]:
    """Names that open a headline (叶檀：…): one more mention anywhere in the text confirms them."""
    return {m.group(1) for m in _HEADLINE_RE.finditer(text)}


def _known_by_surname(text: str, found: dict[str, ChineseName]) -> None:
    """Persons the article names by surname and honorific only (看房人孙先生, 郑女士说): 孙先生 is a
    person whose English rendering is "Mr. Sun". Not when a full name precedes (张三丰先生)."""
    for m in _HONORIFIC_RE.finditer(text):
        s = m.start()
        if s and text[s - 1] in _COUNTING:
            continue
        if s and _is_han(text[s - 1]) and (_surname_len(text, s - 1) or s >= 2 and _surname_len(text, s - 2)):
            if any(n.endswith(text[s - 1:s + 1]) or n.endswith(text[s - 2:s + 1]) for n in found):
                continue
            if s >= 2 and text[s - 2:s + 1] in found or s >= 1 and text[s - 1:s + 1] in found:
                continue
            if text[s - 1] not in _BEFORE_HONORIFIC:
                continue
        found.setdefault(m.group(), ChineseName(m.group(), evidence="honorific"))


def _lists(text: str, found: dict[str, ChineseName]) -> None:
    """Names in ``、`` lists next to a name already found (蔡奇、陈吉宁依次察看)."""
    for _ in range(10):
        added = False
        for name in list(found):
            for m in re.finditer(re.escape(name) + "、", text):
                cand = name_at(text, m.end())
                if cand and cand not in found:
                    found[cand] = ChineseName(cand, evidence="list")
                    added = True
            for m in re.finditer("、" + re.escape(name), text):
                s = m.start()
                for length in (3, 2):
                    if s - length >= 0 and (s - length == 0 or not _is_han(text[s - length - 1])
                                            or text[s - length - 1] in "，。：；"):
                        cand = text[s - length:s]
                        slen = _surname_len(cand, 0)
                        if (slen and _given_ok(cand[slen:]) and cand[:2] not in COMMON_WORDS and cand not in found
                                and not _amount(cand)):
                            found[cand] = ChineseName(cand, evidence="list")
                            added = True
                            break
        if not added:
            break
