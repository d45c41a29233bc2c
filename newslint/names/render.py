"""Where a translation renders each Chinese person, and whether that rendering is right.

Machine translation does not only misspell names: it turns 夏宾 into "Sharp", 何立峰 into "Any Li",
蔡奇 into "Yang Jiji" — renderings that share nothing with the right pinyin, so a search by surname
never finds them. The rendering is found by *where* it stands instead:

* **paragraphs**: a translation keeps the original's paragraphs, so the mention of a person in
  Chinese paragraph *i* is rendered in English paragraph *i* (when the counts differ, the paragraphs
  at the same relative position);
* **role words**: the title before the Chinese name has an English counterpart next to the
  rendering (记者夏宾 → "reporter Sharp", "Sharp, a financial journalist"; 副主席夏立言 → "Vice Chairman
  of the …, Shi Lian"; [责编:李絮枫] → "[Editor: Li Kao Feng]");
* **the only name left**: a paragraph that names one Chinese person, rendered as one unexplained
  name-shaped span ("Arfang spoke", "Mr. Ho", "Xia Li said").

A candidate is a run of capitalised words that is not an English word of the document (it occurs in
lower case elsewhere), not a title, organisation, country or month, and not the right rendering of
another person of the original. It is then judged against the person's accepted spellings: pinyin
with every reading of the given name, split or hyphenated syllables, either order, the surname alone,
and Wade–Giles or Hong Kong forms (Hsia Liyan, Li-Yen Hsia, Ho) — all of those are *format* at
worst and never reported as wrong. Anything else is wrong, and the note says how: the surname read
the common way (Ceng for 曾), a syllable missing (Tan Xu for 谈绪祥), a wrong given name (Ouyang
Xiaoqiang), or a different name entirely.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from newslint.names.data import PLACES, ROLE_WORDS, SURNAME_ALT, SURNAME_KEY, TITLE_KEYWORDS, _words
from newslint.names.romanize import Romanised, fold

_TOKEN = r"[A-Z][a-z]+(?:[-'’][A-Za-z][a-z]*)*"
_RUN = re.compile(rf"(?:\b(?:Mr|Ms|Mrs|Miss|Dr|Madam)\.?\s+)?{_TOKEN}(?:[ ]{_TOKEN})*")
_HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Miss|Dr|Madam)\.?\s+")
_SPEECH = re.compile(r"^(?:'s\b|’s\b)?\s*(?:said|says|spoke|noted|stated|pointed|told|added|stressed|attended|met|"
                     r"expressed|emphasi[sz]ed|introduced|explained|believes|thinks|participated|delivered|was|is|"
                     r"has|had|also)\b")
_BETWEEN_AFTER = re.compile(r"^[\s:：\[\]（）()]*(?:(?:[A-Z][A-Za-z'’\-]*|of|the|and|for|&|\([A-Z]+\))[\s,]*){0,8}"
                            r"[\s:：,]*$")
_BETWEEN_BEFORE = re.compile(r"^\s*,\s*(?:a|an|the)?\s*[A-Za-z'’\-\s]{0,45}$")
# "adviser of the Nationalist Party's official state policy foundation, Liu Chun-shan": the role's
# complement, then a comma, then the name
_BETWEEN_OF = re.compile(r"^\s+(?:of|at|for|from|with|in)\s[^.;:!?()\[\]\n]{0,80},\s*$")
_WORD = re.compile(r"[a-z]+")
_RUN_IN = re.compile(r",\s*(?:[A-Z][a-z]+\s*){1,3},")  # another name set off by commas in between

# Capitalised words that are never (part of) a person's name in these translations.
_STOP = frozenset(_words("""
the a an in on at as by for from to of with and but or it he she they we this that these those his her its their
our after before during according since when while if also however meanwhile today yesterday tomorrow there here
what who which where why how all some many more most other another each every no not one two three first second
new last next mr ms mrs miss dr madam q
vice chairman chairwoman chair director reporter journalist correspondent editor president minister secretary
general deputy executive chief head member members committee central party national people's republic council
commission bureau ministry department office agency news network daily times evening morning press forum
conference association foundation fund group company bank university institute center centre development reform
affairs state political politburo standing secretariat communist nationalist responsible source font financial
economic observation board premier governor mayor spokesperson spokesman adviser advisor consultant senior patient
commissioner representative ambassador professor doctor expert analyst leader leaders comrade government city
province county district town village street road area zone new-area prefecture municipal provincial
congress parliament assembly senate court police army school academy museum hospital
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday
china chinese beijing shanghai taiwan taiwanese hong kong macao macau mainland asia europe africa america
"""))


@dataclass(frozen=True)
class Rendering:
    """One mention of a Chinese person and the English span that renders it."""

    zh_index: int  # index into the Chinese summary's names
    start: int  # document offsets of the English span
    end: int
    surface: str
    verdict: str  # ok, format, wrong
    note: str = ""


# -- accepted spellings ---------------------------------------------------------------------------

_WG_WHOLE = {"zhi": "chih", "chi": "chih", "shi": "shih", "ri": "jih", "zi": "tzu", "ci": "tzu", "si": "ssu",
             "yi": "i", "you": "yu", "yan": "yen", "ye": "yeh", "yong": "yung", "er": "erh", "he": "ho",
             "ge": "ko", "ke": "ko", "e": "o"}
_WG_INITIAL = (("zh", "ch"), ("ch", "ch"), ("sh", "sh"), ("j", "ch"), ("q", "ch"), ("x", "hs"), ("z", "ts"),
               ("c", "ts"), ("r", "j"), ("b", "p"), ("d", "t"), ("g", "k"))
_WG_FINAL = (("iong", "iung"), ("ong", "ung"), ("ian", "ien"), ("ie", "ieh"), ("ui", "uei"), ("uo", "o"))


@functools.lru_cache(maxsize=4096)
def wade_giles(syllable: str) -> str:
    """An approximate Wade–Giles spelling of a toneless pinyin syllable, apostrophes dropped (xia → hsia)."""
    if syllable in _WG_WHOLE:
        return _WG_WHOLE[syllable]
    initial, rest = "", syllable
    for py, wg in _WG_INITIAL:
        if syllable.startswith(py):
            initial, rest = wg, syllable[len(py):]
            break
    else:
        for py in ("p", "t", "k", "m", "f", "n", "l", "h", "s", "w", "y"):
            if syllable.startswith(py):
                initial, rest = py, syllable[1:]
                break
    for py, wg in _WG_FINAL:
        if rest.endswith(py):
            rest = rest[: -len(py)] + wg
            break
    return initial + rest


@functools.lru_cache(maxsize=8192)
def _given_syllables(given: str) -> tuple[tuple[str, ...], ...]:
    from newslint.names.romanize import char_readings

    return tuple(tuple(sorted(char_readings(ch) or ("",))) for ch in given)


@functools.lru_cache(maxsize=8192)
def spellings(r: Romanised) -> tuple[frozenset[str], frozenset[str]]:
    """(surname spellings, given-name spellings) that are right or a format variant: pinyin (every
    reading), Wade–Giles, the shipped Hong Kong / Taiwan surname forms; folded."""
    surnames = {r.surname_key, *(fold(x) for x in SURNAME_ALT.get(r.surname, ()))}
    if len(r.surname) == 1:
        surnames.add(wade_giles(r.surname_key))
    given = set(r.given_keys)
    per_char = [tuple({v for s in readings for v in (s, wade_giles(s))}) for readings in _given_syllables(r.given)]
    for combo in itertools.islice(itertools.product(*per_char), 64):
        given.add("".join(combo))
    return frozenset(surnames), frozenset(given)


def judge(r: Romanised, surface: str) -> tuple[str, str]:
    """(verdict, note) of an English rendering of the person ``r``."""
    words = [w for w in re.split(r"[\s,]+", _HONORIFIC.sub("", surface).strip()) if w]
    if words and words[-1][-2:] in ("'s", "’s"):
        words[-1] = words[-1][:-2]
    toks = [fold(w) for w in words]
    if not toks:
        return "ok", ""
    surnames, given = spellings(r)
    sur_py = r.surname_key
    if len(toks) == 1:
        if toks[0] in surnames:
            return "format", "surname only"
        if toks[0] in given or (toks[0].startswith(tuple(surnames)) and toks[0][len(_prefix(toks[0], surnames)):]
                                in given):
            return "format", "given name only" if toks[0] in given else "written as one word"
    else:
        first, rest = toks[0], "".join(toks[1:])
        last, lead = toks[-1], "".join(toks[:-1])
        if first in surnames and rest in given:
            exact = (first == sur_py and len(toks) == 2 and rest in r.given_keys and "-" not in surface
                     and not (r.surname == r.given and r.surname not in SURNAME_KEY))  # 芳芳 is Fangfang
            return ("ok", "") if exact else ("format", "spelling or syllable split")
        if last in surnames and lead in given:
            return "format", "given name first"
    return "wrong", _why(r, toks)


def _prefix(word: str, options: frozenset[str]) -> str:
    return max((o for o in options if word.startswith(o)), key=len, default="")


def _why(r: Romanised, toks: list[str]) -> str:
    first, rest = toks[0], "".join(toks[1:])
    if first in r.surname_misreadings or (len(toks) > 1 and rest in r.given_keys and first != r.surname_key):
        if first in r.surname_misreadings:
            return f"surname {r.surname} read as '{first}'; as a surname it is '{r.surname_key}'"
        return f"wrong surname '{first}' for {r.surname} ({r.surname_key})"
    if first == r.surname_key and rest and any(g.startswith(rest) and g != rest for g in r.given_keys):
        return f"syllable missing from the given name {r.given} ({min(r.given_keys)})"
    if first == r.surname_key:
        return f"wrong given name for {r.given} ({min(r.given_keys)})"
    return "a different name"


# -- where the rendering stands -------------------------------------------------------------------

def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _window(i: int, zh_paras: list[tuple[int, int]], en_paras: list[tuple[int, int]], zh_len: int,
            en_len: int) -> list[int]:
    """The English paragraphs that render Chinese paragraph ``i``."""
    if len(zh_paras) == len(en_paras):
        return [i]
    lo, hi = zh_paras[i][0] / max(1, zh_len) - 0.04, zh_paras[i][1] / max(1, zh_len) + 0.04
    return [k for k, (s, e) in enumerate(en_paras) if s / max(1, en_len) < hi and e / max(1, en_len) > lo]


@functools.lru_cache(maxsize=1)
def _role_re() -> tuple[re.Pattern[str], tuple[str, ...]]:
    keys = tuple(sorted({*TITLE_KEYWORDS, *ROLE_WORDS}, key=len, reverse=True))
    return re.compile("|".join(map(re.escape, keys))), keys


def _roles(title_text: str) -> set[str]:
    """English role keywords for the Chinese title words right before a mention."""
    rx, _ = _role_re()
    out: set[str] = set()
    for m in rx.finditer(title_text):
        out.update(TITLE_KEYWORDS.get(m.group(), ()))
        out.update(ROLE_WORDS.get(m.group(), ()))
    return out


def _candidates(text: str, start: int, end: int, lower_words: frozenset[str]) -> list[tuple[int, int, str]]:
    """Runs of capitalised words in ``text[start:end]`` that can be a person's name."""
    out = []
    for m in _RUN.finditer(text, start, end):
        honorific = _HONORIFIC.match(m.group())
        tokens = list(re.finditer(_TOKEN, m.group()))
        run: list[re.Match[str]] = []
        for t in [*tokens, None]:
            word = t.group().lower() if t is not None else ""
            base = word.removesuffix("'s").removesuffix("’s")
            if base.endswith("men"):
                base = base[:-3] + "man"  # Chairmen, Congressmen
            elif base.endswith("s") and base[:-1] in _STOP:
                base = base[:-1]  # Reporters, Ministers
            if t is not None and base not in _STOP and base not in lower_words and not (
                    honorific and t.start() < honorific.end()):
                run.append(t)
                continue
            if run:
                s0 = m.start() + run[0].start()
                if honorific and run[0].start() == honorific.end():
                    s0 = m.start()
                e0 = m.start() + run[-1].end()
                if e0 - s0 > 1 and len(run) <= 3:
                    out.append((s0, e0, text[s0:e0]))
                run = []
    return out


def _near_role(text: str, cand: tuple[int, int, str], roles: set[str], para: tuple[int, int]) -> bool:
    low = text[para[0]:para[1]].lower()
    s, e = cand[0] - para[0], cand[1] - para[0]
    for role in roles:
        i = low.rfind(role, 0, s)
        between = text[para[0] + i + len(role):cand[0]] if i >= 0 else ""
        if i >= 0 and s - (i + len(role)) <= 70 and _BETWEEN_AFTER.match(between):
            return True
        if i >= 0 and s - (i + len(role)) <= 90 and _BETWEEN_OF.match(between) and not _RUN_IN.search(
                between[between.find(" ", 1):]):
            return True
        j = low.find(role, e)
        if j >= 0 and j - e <= 50 and _BETWEEN_BEFORE.match(text[cand[1]:para[0] + j]):
            return True
    return False


def _name_shaped(text: str, cand: tuple[int, int, str]) -> bool:
    from newslint.names.english import syllabify

    if _HONORIFIC.match(cand[2]):
        return True
    from newslint.names.data import EN_SURNAMES

    words = [fold(w.removesuffix("'s").removesuffix("’s")) for w in cand[2].split()]
    if len(words) >= 2 and all(syllabify(w) for w in words):
        return True
    if len(words) == 1 and words[0] in EN_SURNAMES:
        return True
    return bool(_SPEECH.match(text[cand[1]:cand[1] + 40]))


def _entity_words() -> frozenset[str]:
    from newslint.names.anchors import _entity_tables

    return frozenset(w for key in _entity_tables()[3] for w in key.split())


_CLAUSE = re.compile(r"[与和、，,；;。：:！？\s（）()【】\[\]]")


def _title_before(para: str, first: int, names: list[str]) -> str:
    """The title chain right before a mention, cut at the previous clause mark or person."""
    chunk = para[max(0, first - 14):first]
    cut = max((m.end() for m in _CLAUSE.finditer(chunk)), default=0)
    for name in names:
        i = chunk.rfind(name)
        if i >= 0:
            cut = max(cut, i + len(name))
    return chunk[cut:]


# Characters of transliterated foreign names (冯德莱恩, 里奥斯, 梅萨米): a run of three or more of them,
# or Han text around a middle dot, is a foreign person the Chinese name list does not hold.
_TRANSLIT = frozenset(
    "阿埃艾爱安奥巴拜班邦贝本比彼宾波伯布查达戴丹德迪蒂东杜多厄恩尔法菲费芬弗福盖冈戈格古哈海汉豪赫亨胡华"
    "霍基吉加贾杰金卡凯坎康科克肯库夸奎拉莱兰朗劳勒雷里利莉林琳卢鲁路伦罗洛玛迈麦曼梅蒙米明摩莫默穆纳娜奈南"
    "内尼涅纽努诺欧帕潘佩皮普奇齐乔琴萨塞桑森沙尚舍施什斯苏索塔泰坦特滕图托瓦万威韦维温沃乌西希谢辛休雅亚扬耶"
    "伊因英尤约泽扎詹兹佐")
_TRANSLIT_RUN = re.compile("[" + "".join(sorted(_TRANSLIT)) + "]{3,}|[\u4e00-\u9fff]·[\u4e00-\u9fff]")


def _right_part(r: Romanised, c: tuple[int, int, str]) -> tuple[int, int, str] | None:
    """``c``, or the run of its words, that is a right (or format-variant) rendering of ``r``."""
    if judge(r, c[2])[0] != "wrong":
        return c
    words = list(re.finditer(r"\S+", c[2]))
    for size in range(len(words) - 1, 0, -1):
        for i in range(len(words) - size + 1):
            dropped = [w.group() for w in words[:i] + words[i + size:]]
            if not all(fold(w) in PLACES for w in dropped):
                continue  # only a place name may have joined the run ("Guangdong Fangfang")
            s0, e0 = words[i].start(), words[i + size - 1].end()
            if judge(r, c[2][s0:e0])[0] != "wrong":
                return (c[0] + s0, c[0] + e0, c[2][s0:e0])
    return None


def _foreign(para: str) -> bool:
    return bool(_TRANSLIT_RUN.search(para))


def _opens(text: str, c: tuple[int, int, str], start: int) -> bool:
    lead = text[start:c[0]].strip(" \t\"“”'‘’«»-—")
    return not lead or lead in ("Mr.", "Ms.", "Mrs.")


def _shaped(text: str, c: tuple[int, int, str]) -> bool:
    return _name_shaped(text, c)


def renderings(en_text: str, en_offset: int, zh_text: str, names: list[str], titles: list[str],
               romans: list[Romanised]) -> list[Rendering]:
    """Each mention of each Chinese person (``names``, romanised as ``romans``) with the English span
    that renders it, found by paragraph, role word and elimination, and judged."""
    zh_paras, en_paras = paragraphs(zh_text), paragraphs(en_text)
    if not zh_paras or len(zh_paras) != len(en_paras):
        return []  # paragraphs that do not correspond one to one give no safe place to look
    lower_words = frozenset(_WORD.findall(en_text)) | _entity_words()
    rx, _ = _role_re()
    out: list[Rendering] = []
    used: set[tuple[int, int]] = set()
    for p, (zs, ze) in enumerate(zh_paras):
        para = zh_text[zs:ze]
        mentions = []
        for n, name in enumerate(names):
            for m in re.finditer(re.escape(name), para):
                mentions.append((m.start(), n))
        if not mentions:
            continue
        mentions.sort()
        window = _window(p, zh_paras, en_paras, len(zh_text), len(en_text))
        cands = [c for k in window for c in _candidates(en_text, *en_paras[k], lower_words)]
        if not cands:
            continue
        w_start, w_end = en_paras[window[0]][0], en_paras[window[-1]][1]
        explained: dict[tuple[int, int], int] = {}
        for k, c in enumerate(cands):
            for n in range(len(names)):
                part = _right_part(romans[n], c)
                if part is not None:
                    explained[(part[0], part[1])] = n
                    cands[k] = part  # "Guangdong Fangfang": the place joined the run, Fangfang is right
                    break
        order = list(dict.fromkeys(n for _, n in mentions))
        picked: dict[int, tuple[int, int, str]] = {}
        for n in order:
            mine = [c for c in cands if explained.get((c[0], c[1])) == n]
            for c in mine:
                verdict, note = judge(romans[n], c[2])
                out.append(Rendering(n, en_offset + c[0], en_offset + c[1], c[2], verdict, note))
            if mine:
                picked[n] = mine[0]
        todo = [n for n in order if n not in picked]
        if not todo:
            continue
        free = [c for c in cands if (c[0], c[1]) not in explained and (c[0], c[1]) not in used]
        # 1. role words: the candidate next to the English counterpart of the title before the mention
        title_roles = {m.end(): _roles(m.group()) for m in rx.finditer(para)}
        for n in todo:
            first = min(pos for pos, k in mentions if k == n)
            roles = _roles(_title_before(para, first, names))
            pick = [c for c in free if roles and any(_near_role(en_text, c, roles, en_paras[k]) for k in window)]
            if len(pick) > 1:
                shaped = [c for c in pick if _shaped(en_text, c)]
                pick = shaped if shaped else pick
            if len(pick) == 1:
                picked[n] = pick[0]
                free.remove(pick[0])
        todo = [n for n in order if n not in picked]
        # roles of titles that belong to no person of the list (首相 before a Japanese name): their
        # English counterparts mark spans that render someone else
        others: set[str] = set()
        for pos, roles in title_roles.items():
            if not any(0 <= first - pos <= 4 for first, _ in mentions):
                others |= roles
        free = [c for c in free if not (others and any(_near_role(en_text, c, others, en_paras[k])
                                                        for k in window))]
        # 2. a paragraph that opens with the person opens with the rendering ("夏立言与宋涛…" → "Xi Linlian
        # spoke…")
        for n in todo:
            if min(pos for pos, k in mentions if k == n) == 0:
                opening = [c for c in free if _opens(en_text, c, w_start)]
                if len(opening) == 1 and _shaped(en_text, opening[0]):
                    picked[n] = opening[0]
                    free.remove(opening[0])
        todo = [n for n in todo if n not in picked]
        # 3. elimination, only where the paragraph names no one else (a transliterated foreign name
        # such as 冯德莱恩 has a rendering too): as many spans left as persons, in the same order and place
        if todo and not _foreign(para):
            shaped = [c for c in free if _shaped(en_text, c)]
            rest = free if len(free) == len(todo) else shaped
            if len(rest) == len(todo):
                ordered = sorted(todo, key=lambda k: min(p_ for p_, x in mentions if x == k))
                for n, c in zip(ordered, rest, strict=True):
                    first = min(pos for pos, k in mentions if k == n)
                    zh_rel = first / max(1, len(para))
                    en_rel = (c[0] - w_start) / max(1, w_end - w_start)
                    if abs(zh_rel - en_rel) <= (0.3 if len(todo) == 1 else 0.7):
                        picked[n] = c
        for n, c in picked.items():
            if (c[0], c[1]) in explained:
                continue
            used.add((c[0], c[1]))
            verdict, note = judge(romans[n], c[2])
            out.append(Rendering(n, en_offset + c[0], en_offset + c[1], c[2], verdict, note))
    return out
