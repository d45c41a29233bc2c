"""Anchors that survive machine translation, normalised so that both languages give the same keys.

A Chinese article and its English translation share few words, but they share *facts*: amounts,
percentages, dates, the countries and organisations named, and the Latin-script words the Chinese
text already holds (Wind, PMI, Mahsa Amini). Each is reduced to a key both sides compute the same way:

* amounts: ``n:<value>`` with Chinese units applied (1280亿 → 128000000000, 36万 → 360000, 4600万 →
  46000000, 两万 → 20000) and English scales read ("128 billion", "360,000", "46 million", "12 to 14
  million": the scale applies to both ends); currency words are dropped (the value is the anchor);
* percentages: ``p:<value>`` (97%, 97 percent, 百分之九十七);
* dates: ``d:<month>-<day>`` (2月10日, February 10, Feb. 10th, 10 February) and ``y:<year>-<month>``;
* countries, regions and organisations: ``c:<key>`` from a shipped table of Chinese and English forms
  (土耳其 / Turkey, Turkish, Türkiye);
* Latin words inside Chinese text: ``l:<word>``, matched against the English capitalised words.

Each key has a weight by kind (a small count or a country says little, an amount of five digits a
lot); pairing multiplies it by how rare the key is among the run's Chinese documents. Everything is
regular expressions over the text, no pypinyin: English documents pay one pass per kind.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator

_HAN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
               "九": 9}
_HAN_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_SCALE = {"万亿": 10 ** 12, "亿": 10 ** 8, "万": 10 ** 4, "千": 10 ** 3}
_EN_SCALE = {"trillion": 10 ** 12, "billion": 10 ** 9, "bn": 10 ** 9, "million": 10 ** 6, "mn": 10 ** 6,
             "thousand": 10 ** 3}

# A number in Chinese text: Arabic digits (with a decimal point or thousands commas) or Chinese numerals,
# then an optional scale (万, 亿, 万亿, 千). ``(?<![0-9.])`` keeps 2023-02-11 from giving -02. A lone
# numeral character is an amount only with a scale (一万), never alone (一个, 统一): the pattern skips
# those at C speed instead of handing every 一 of a text to the Python loop.
_ZH_NUMERAL = "[〇零一二两三四五六七八九十百千]"
# The character before is checked by hand (:func:`_zh_numbers`): a leading lookbehind runs at every position,
# a leading lookahead of one class lets the engine skip to digits and numerals.
_ZH_NUM = re.compile(
    rf"(?=[0-9〇零一二两三四五六七八九十百千])([0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|{_ZH_NUMERAL}{{2,}}"
    rf"|{_ZH_NUMERAL}(?!{_ZH_NUMERAL})(?=\s*(?:万亿|亿|万|千)))\s*(万亿|亿|万|千)?")
_ZH_PCT = re.compile(  # (the leading lookahead lets the engine skip to 百 and digits)
    r"(?=[百0-9])(?:百分之([0-9]+(?:\.[0-9]+)?|[〇零一二两三四五六七八九十百点]+)|([0-9]+(?:\.[0-9]+)?)\s*[%％])")
# (2023年)2月(10日): the pattern starts with a plain digit so that the engine skips to digits (an optional
# year group first made it try every position); the year's first digit is shared by both branches.
_ZH_DATE = re.compile(r"([0-9])(?:([0-9]{3})年([0-9]{1,2})|([0-9]?))月(?:([0-9]{1,2})[日号])?")
_ISO_DATE = re.compile(r"((?:19|20)[0-9]{2})[-/.]([01]?[0-9])[-/.]([0-3]?[0-9])(?![0-9])")  # a literal start: fast
_EN_NUM = re.compile(  # the character before is checked by hand: a leading lookbehind runs at every position
    r"([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?)"
    r"(?:\s*(?:-|–|to)\s*([0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?))?"
    r"(?:\s+(trillion|billion|million|thousand)|\s?(bn|mn)\b)?", re.I)
_EN_PCT = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(?:%|％|\s+per\s?cent\b)", re.I)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH_OF = {m: i for i, m in enumerate(_MONTHS, 1)} | {m[:3]: i for i, m in enumerate(_MONTHS, 1)} | {"sept": 9}
# (A match cannot start inside a run of letters: it takes the whole run, so no lookbehind is needed.)
_LATIN_IN_ZH = re.compile(r"[A-Za-z][A-Za-z0-9&'’\-]*[A-Za-z0-9]")
_EN_CAPWORD = re.compile(r"[A-Z][A-Za-z0-9&'’\-]*[A-Za-z0-9]")
_EN_ACRONYMS2 = ("EU", "UN", "UK", "AP", "DW", "US")  # entity words of two letters (a word boundary each side)
_EN_CAPWORD3 = re.compile(r"[A-Z][A-Za-z0-9&'’\-]+[A-Za-z0-9]")  # three characters or more
_LATIN_STOP = frozenset(("the", "and", "for", "news", "with", "from", "this", "that", "was", "are", "his", "her",
                         "its", "but", "not", "all", "new", "has", "have", "had", "our", "you", "she", "they"))

# Countries, regions and organisations: Chinese forms, English forms (lower case; adjectives included).
_ENTITIES = """
turkey 土耳其 | turkey turkish türkiye turkiye
syria 叙利亚 | syria syrian
iran 伊朗 | iran iranian
iraq 伊拉克 | iraq iraqi
israel 以色列 | israel israeli
palestine 巴勒斯坦 | palestine palestinian
gaza 加沙 | gaza
egypt 埃及 | egypt egyptian
saudi 沙特 | saudi
japan 日本 日方 | japan japanese
korea-s 韩国 韩方 | korea korean
korea-n 朝鲜 | dprk pyongyang
vietnam 越南 越方 | vietnam vietnamese viet
singapore 新加坡 新元 | singapore singaporean
brunei 文莱 | brunei
malaysia 马来西亚 | malaysia malaysian
indonesia 印度尼西亚 印尼 | indonesia indonesian
thailand 泰国 | thailand thai
philippines 菲律宾 | philippines philippine filipino
india 印度 | india indian
pakistan 巴基斯坦 | pakistan pakistani
afghanistan 阿富汗 | afghanistan afghan
myanmar 缅甸 | myanmar burma
cambodia 柬埔寨 | cambodia cambodian
laos 老挝 | laos lao
mongolia 蒙古 | mongolia mongolian
russia 俄罗斯 俄方 | russia russian moscow kremlin
ukraine 乌克兰 | ukraine ukrainian kyiv kiev
belarus 白俄罗斯 | belarus belarusian
poland 波兰 | poland polish
germany 德国 德方 | germany german berlin
france 法国 法方 | france french paris
britain 英国 英方 | britain british uk england english london
italy 意大利 | italy italian rome
spain 西班牙 | spain spanish madrid
portugal 葡萄牙 葡京 | portugal portuguese lisboa lisbon
netherlands 荷兰 | netherlands dutch holland
belgium 比利时 | belgium belgian brussels
switzerland 瑞士 | switzerland swiss
austria 奥地利 | austria austrian
sweden 瑞典 | sweden swedish
norway 挪威 | norway norwegian
finland 芬兰 | finland finnish
denmark 丹麦 | denmark danish
greece 希腊 | greece greek
hungary 匈牙利 | hungary hungarian
czech 捷克 | czech
serbia 塞尔维亚 | serbia serbian
kosovo 科索沃 | kosovo
usa 美国 美方 美联储 | usa us america american washington biden
canada 加拿大 | canada canadian
mexico 墨西哥 | mexico mexican
brazil 巴西 | brazil brazilian
argentina 阿根廷 | argentina argentine argentinian
chile 智利 | chile chilean
australia 澳大利亚 澳洲 | australia australian
newzealand 新西兰 | zealand
southafrica 南非 | africa
nigeria 尼日利亚 | nigeria nigerian
kenya 肯尼亚 | kenya kenyan
ethiopia 埃塞俄比亚 | ethiopia ethiopian
africa 非洲 | africa african
europe 欧洲 | europe european
asia 亚洲 | asia asian
eu 欧盟 | eu european-union
nato 北约 | nato
un 联合国 | un united-nations
who 世卫组织 世界卫生组织 | who
wto 世贸组织 | wto
imf 国际货币基金组织 | imf
asean 东盟 | asean
apec 亚太经合组织 | apec
g20 二十国集团 | g20
taiwan 台湾 台媒 台独 | taiwan taiwanese taipei
hongkong 香港 港澳 | hong-kong hongkong
macao 澳门 港澳 | macao macau macanese
tibet 西藏 | tibet tibetan
xinjiang 新疆 | xinjiang uyghur uygur uighur
kmt 国民党 | kmt kuomintang nationalist
dpp 民进党 | dpp progressive
cpc 中共 共产党 | cpc communist
xinhua 新华社 | xinhua
afp 法新社 | afp agence
reuters 路透社 | reuters
ap 美联社 | ap associated-press
cna 中央社 | cna central-news-agency
rfi 法广 | rfi
dw 德国之声 | dw deutsche-welle
nyt 纽约时报 | york-times
weibo 微博 | weibo
douyin 抖音 | douyin tiktok
wechat 微信 | wechat
"""


@functools.lru_cache(maxsize=1)
def _entity_tables() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str], dict[str, str]]:
    zh_of: dict[str, str] = {}
    en_of: dict[str, str] = {}
    for line in _ENTITIES.strip().splitlines():
        left, _, right = line.partition("|")
        key, *zh = left.split()
        for word in zh:
            zh_of.setdefault(word, key)
        for word in right.split():
            en_of[word.replace("-", " ")] = key
    zh_re = re.compile("|".join(map(re.escape, sorted(zh_of, key=len, reverse=True))))
    en_words = sorted(en_of, key=len, reverse=True)
    en_re = re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in en_words)
                       + r")(?![A-Za-z])", re.I)
    return zh_re, zh_of, en_re, en_of


def han_number(text: str) -> int | None:
    """The value of a Chinese numeral string (十二 → 12, 三千五百 → 3500, 二〇二三 → 2023); None if not one."""
    if not text:
        return None
    if all(c in _HAN_DIGITS for c in text):
        if len(text) == 1:
            return _HAN_DIGITS[text]
        if "两" in text or (len(text) < 4 and not set(text) & {"〇", "零"}):
            return None  # 七八 is an estimate; digit strings are years and codes (二〇二三)
        return int("".join(str(_HAN_DIGITS[c]) for c in text))
    total, current, last_unit = 0, None, 10 ** 9
    for i, c in enumerate(text):
        if c in _HAN_DIGITS:
            if current is not None and text[i - 1] not in "〇零":
                return None  # two digits in a row: 七八 (an estimate), not a numeral
            current = _HAN_DIGITS[c]
        elif c in _HAN_UNITS:
            unit = _HAN_UNITS[c]
            if unit >= last_unit or (current is None and not (i == 0 and c == "十")):
                return None  # 千千, 百十: words, not numerals
            total += (1 if current is None else current) * unit
            current, last_unit = None, unit
        else:
            return None
    return total + (current or 0)


def _key(value: float) -> str:
    if not math.isfinite(value):  # a run of 400 digits: an amount no translation will match anyway
        return "inf"
    if value == int(value):
        return str(int(value))
    return f"{value:.6g}"


def _weight(value: float, scaled: bool) -> float:
    if not math.isfinite(value) or value != int(value) or scaled:
        return 1.0
    if 1900 <= value <= 2100:
        return 0.4
    if value < 100:
        return 0.15
    return 1.0 if value >= 1000 or value % 10 else 0.6


def _add(out: dict[str, float], key: str, weight: float) -> None:
    if weight > out.get(key, 0.0):
        out[key] = weight


def _zh_numbers(text: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_ZH_NUM` that no digit, point or comma precedes, found as ``finditer``
    with a ``(?<![0-9.,])`` lookbehind would find them (a refused start is retried one further on)."""
    pos = 0
    while (m := _ZH_NUM.search(text, pos)) is not None:
        start = m.start()
        if start and text[start - 1] in "0123456789.,":
            pos = start + 1
            continue
        pos = m.end()
        yield m


def zh_anchors(text: str) -> dict[str, float]:
    """Normalised anchors of a Chinese text: ``{key: weight}`` (Latin words as ``l:<word>``)."""
    out: dict[str, float] = {}
    dated: set[int] = set()
    for m in _ZH_DATE.finditer(text):
        first, year_rest, month_after_year, month_rest, day = m.groups()
        year = first + year_rest if year_rest else None
        month = int(month_after_year if year_rest else first + month_rest)
        if not 1 <= month <= 12:
            continue
        if day and 1 <= int(day) <= 31:
            _add(out, f"d:{month}-{int(day)}", 0.8)
        if year:
            _add(out, f"y:{year}-{month}", 0.6)
        dated.update(range(m.start(), m.end()))
    for m in _ISO_DATE.finditer(text):
        if m.start() and text[m.start() - 1].isdigit():
            continue
        _add(out, f"d:{int(m.group(2))}-{int(m.group(3))}", 0.8)
        dated.update(range(m.start(), m.end()))
    pct: set[int] = set()
    for m in _ZH_PCT.finditer(text):
        raw = m.group(1) or m.group(2)
        if m.group(1) and not raw[0].isdigit():
            whole, _, frac = raw.partition("点")
            value = han_number(whole)
            if value is None:
                continue
            raw = f"{value}.{''.join(str(_HAN_DIGITS.get(c, 0)) for c in frac)}" if frac else str(value)
        _add(out, f"p:{_key(float(raw))}", 0.7)
        pct.update(range(m.start(), m.end()))
    for m in _zh_numbers(text):
        if m.start() in dated or m.start() in pct:
            continue
        raw, scale = m.group(1), m.group(2)
        if raw[0].isdigit():
            value = float(raw.replace(",", ""))
        else:
            if not scale and len(raw) < 2:
                continue  # 一, 两: words, not amounts
            parsed = han_number(raw)
            if parsed is None:
                continue
            value = float(min(parsed, 10**300))  # (a float holds no larger integer)
        if scale:
            value *= _ZH_SCALE[scale]
        _add(out, f"n:{_key(value)}", _weight(value, bool(scale)))
    zh_re, zh_of, _, _ = _entity_tables()
    for m in zh_re.finditer(text):
        _add(out, f"c:{zh_of[m.group()]}", 0.3)
    for word in dict.fromkeys(w.lower() for w in _LATIN_IN_ZH.findall(text)):  # each word once, in order
        if len(word) >= 3 and word not in _LATIN_STOP:
            _add(out, f"l:{word}", 0.8)
    return out


_AFTER_MONTH = re.compile(
    r"\.?[ \t]+(?:([0-9]{1,2})(?:st|nd|rd|th)?(?![0-9])(?:,?[ \t]+([0-9]{4}))?|(?:of[ \t]+)?([0-9]{4}))")
_BEFORE_MONTH = re.compile(r"(?<![0-9])([0-9]{1,2})(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?$")


@functools.lru_cache(maxsize=1)
def _entity_phrases() -> dict[str, list[tuple[str, str]]]:
    """First word → [(whole phrase, key)] of the English entity forms (longest first)."""
    out: dict[str, list[tuple[str, str]]] = {}
    for phrase, key in _entity_tables()[3].items():
        out.setdefault(phrase.split()[0], []).append((phrase, key))
    for options in out.values():
        options.sort(key=lambda t: -len(t[0]))
    return out


_MONTH_RE = re.compile(r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b")


_ACRONYM_WORDS = frozenset(w.lower() for w in _EN_ACRONYMS2)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"  # what ``\b`` counts as a word character


def _has_word(text: str, word: str) -> bool:
    """True when ``word`` stands in ``text`` between word boundaries (``\bword\b``), found with
    ``str.find``: a pattern opening with ``\b`` tries every position of the text."""
    i = text.find(word)
    while i >= 0:
        end = i + len(word)
        if not (i and _is_word_char(text[i - 1])) and not (end < len(text) and _is_word_char(text[end])):
            return True
        i = text.find(word, i + 1)
    return False


def en_anchors(text: str) -> tuple[dict[str, float], frozenset[str]]:
    """Normalised anchors of an English text: ``({key: weight}, capitalised words)`` (see
    :func:`zh_anchors`; the words, lower-cased, are matched against the Latin words of a Chinese
    text). Months, countries and Latin words are all capitalised: the set of capitalised words is
    built once (at C speed) and only its few months and entity words are looked at again."""
    out: dict[str, float] = {}
    words = {w.lower() for w in set(_EN_CAPWORD3.findall(text))}
    # EU, UN, UK: entity words only; a substring test first (a pattern opening with \b tries every position)
    words.update(w.lower() for w in _EN_ACRONYMS2 if _has_word(text, w))
    dated: set[int] = set()
    if not words.isdisjoint(_MONTH_OF):
        for m in _MONTH_RE.finditer(text):
            month = _MONTH_OF.get(m.group().lower())
            if not month:
                continue
            after = _AFTER_MONTH.match(text, m.end())
            day = year = None
            if after:
                day, year = after.group(1), after.group(2) or after.group(3)
                dated.add(after.start(1) if after.group(1) else after.start(3))
            before = None if day else _BEFORE_MONTH.search(text, max(0, m.start() - 12), m.start())
            if before:
                day = before.group(1)
                dated.add(before.start(1))
            if day and 1 <= int(day) <= 31:
                _add(out, f"d:{month}-{int(day)}", 0.8)
            if year:
                _add(out, f"y:{year}-{month}", 0.6)
    phrases = _entity_phrases()
    for word in words & phrases.keys():
        for phrase, key in phrases[word]:
            if " " in phrase and not re.search(r"\b" + r"\s+".join(map(re.escape, phrase.split())) + r"\b", text,
                                               re.I):
                continue
            if phrase in ("who", "un", "ap") and phrase.upper() not in text:
                continue  # the pronoun, the prefix, a word
            out[f"c:{key}"] = 0.3
            break
    pct: set[int] = set()
    if "%" in text or "％" in text or "per cent" in text or "percent" in text:
        for m in _EN_PCT.finditer(text):
            _add(out, f"p:{_key(float(m.group(1)))}", 0.7)
            pct.add(m.start())
    for m in _EN_NUM.finditer(text):
        if m.start() in pct or m.start() in dated:
            continue
        if m.start() and (text[m.start() - 1].isalnum() and text[m.start() - 1].isascii()
                          or text[m.start() - 1] in ".,"):
            continue
        if len(m.group(1)) == 4 and text[m.end(1):m.end(1) + 1] in ("-", "/", "."):
            iso = _ISO_DATE.match(text, m.start())  # 2023-02-11, read here rather than in a pass of its own
            if iso:
                _add(out, f"d:{int(iso.group(2))}-{int(iso.group(3))}", 0.8)
                continue
        scale_word = (m.group(3) or m.group(4) or "").lower()
        if not scale_word and text[m.end():m.end() + 1].isascii() and text[m.end():m.end() + 1].isalpha():
            continue  # 5G, 3rd
        scale = _EN_SCALE.get(scale_word, 1)
        for raw in (m.group(1), m.group(2)):
            if raw:
                value = float(raw.replace(",", "")) * scale
                _add(out, f"n:{_key(value)}", _weight(value, scale > 1))
    return out, frozenset(words - _LATIN_STOP - _ACRONYM_WORDS)  # the capitalised words all have three letters
