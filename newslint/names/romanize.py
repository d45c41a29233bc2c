"""Romanising Chinese person names, and folding English renderings for comparison.

pypinyin has no surname mode, so the surname is read from a shipped table (单 Shan, 曾 Zeng, 解 Xie…)
and only the given name goes through pypinyin. A rendering is judged against a *set* of accepted
spellings: every heteronym reading of the given name (张朝阳 is Zhang Chaoyang although the phrase
dictionary says zhao), ü written as ü/v/u/yu, and a split or hyphenated given name. The preferred
form follows GB/T 28039-2011: "Surname Givenname", compound surname as one word, an apostrophe before
a non-initial syllable starting with a, o or e (Li Jin'an).

pypinyin is imported on first use only: English-only runs never load it (≈0.3 s and 50 MB).
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

from newslint.names.data import COMPOUND_SURNAMES, SURNAME_KEY, SURNAME_MISREADINGS, SURNAME_READING

MAX_READINGS = 16
_HONORIFICS = {"先生": "Mr.", "女士": "Ms.", "小姐": "Ms.", "太太": "Mrs."}


@dataclass(frozen=True)
class Romanised:
    """A Chinese name's preferred English form and the folded keys that count as right."""

    surname: str
    given: str
    preferred: str
    surname_key: str
    given_keys: frozenset[str]
    surname_misreadings: tuple[str, ...] = ()

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(f"{self.surname_key} {g}" for g in self.given_keys)


@functools.lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """Lower case, accents and ü folded to u, apostrophes/hyphens/spaces inside a name removed."""
    text = unicodedata.normalize("NFD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[’'`\-‐\s]", "", text)
    text = re.sub(r"(?<=[ln])(?:yu|v)", "u", text)
    return text


def split_name(name: str) -> tuple[str, str]:
    """Surname and given name, compound surnames first (欧阳晓辉 → 欧阳 + 晓辉)."""
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]


@functools.lru_cache(maxsize=1)
def _pypinyin():
    import pypinyin  # lazy: only a document with Chinese names to romanise pays for it

    return pypinyin


def _join(syllables: list[str]) -> str:
    out = ""
    for i, syl in enumerate(syllables):
        if i and syl[:1] in ("a", "o", "e"):
            out += "'"
        out += syl
    return out


@functools.lru_cache(maxsize=8192)
def romanise(name: str) -> Romanised:
    """The preferred English form and the accepted keys of a Chinese person name (孙先生, a person
    known by surname and honorific, is "Mr. Sun"; 芳芳, a doubled given name, is "Fangfang")."""
    py = _pypinyin()
    honorific = _HONORIFICS.get(name[-2:]) if len(name) >= 3 else None
    if honorific:
        sur = SURNAME_READING.get(name[:-2]) or "".join(py.lazy_pinyin(name[:-2], style=py.Style.NORMAL,
                                                                       v_to_u=True))
        return Romanised(surname=name[:-2], given="", preferred=f"{honorific} {sur.capitalize()}",
                         surname_key=fold(sur), given_keys=frozenset({""}),
                         surname_misreadings=tuple(fold(r) for r in SURNAME_MISREADINGS.get(name[:-2], ())))
    surname, given = split_name(name)
    sur = SURNAME_READING.get(surname) or "".join(
        py.lazy_pinyin(surname, style=py.Style.NORMAL, v_to_u=True)
    )
    preferred_syllables = py.lazy_pinyin(given, style=py.Style.NORMAL, v_to_u=True)
    readings = py.pinyin(given, style=py.Style.NORMAL, heteronym=True, v_to_u=True)
    keys = {fold("".join(preferred_syllables))}
    for combo in itertools.islice(itertools.product(*readings), MAX_READINGS):
        keys.add(fold("".join(combo)))
    preferred = f"{sur.capitalize()} {_join(preferred_syllables).capitalize()}"
    if len(name) == 2 and name[0] == name[1] and name[0] not in SURNAME_KEY:
        preferred = f"{sur}{sur}".capitalize()  # a doubled given name, no surname: Fangfang
    return Romanised(
        surname=surname,
        given=given,
        preferred=preferred,
        surname_key=fold(sur),
        given_keys=frozenset(keys),
        surname_misreadings=tuple(fold(r) for r in SURNAME_MISREADINGS.get(surname, ())),
    )


def surname_keys(surname: str) -> frozenset[str]:
    """Folded romanisations of a surname character, without pypinyin when the table knows it."""
    reading = SURNAME_READING.get(surname)
    if reading is None:
        py = _pypinyin()
        reading = "".join(py.lazy_pinyin(surname, style=py.Style.NORMAL, v_to_u=True))
    return frozenset({fold(reading)})


def toneless(text: str) -> list[str]:
    """Toneless pinyin syllables of ``text`` (Han characters only; others skipped)."""
    py = _pypinyin()
    return [s for s in py.lazy_pinyin(text, style=py.Style.NORMAL, v_to_u=True, errors="ignore") if s]


_TONES = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuuuuuunnnm")


@functools.lru_cache(maxsize=1)
def _char_readings() -> dict[int, str]:
    from pypinyin.pinyin_dict import pinyin_dict  # the single-character table only: no phrase matching

    return pinyin_dict


@functools.lru_cache(maxsize=32768)
def char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one Han character (ü folded to u), from pypinyin's character table."""
    raw = _char_readings().get(ord(ch))
    if not raw:
        return ()
    return tuple({r.translate(_TONES) for r in raw.split(",")})
