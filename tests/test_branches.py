"""``detectors.branches``: a list of regexes searched as their alternation, branch by branch."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newslint.detectors.branches import BranchSearch, LiteralScan, required_literals

SOURCES = [
    r"(?:下载|安装)\S{0,4}(?:APP|客户端)",
    r"(?<![A-Za-z])[Ff]ollow us",
    r"返回\S{0,3}顶部",
    r"follow",  # ties with branch 1 at the same start: branch 1 wins, though this one is shorter
    r"(?:>>|》》)\s*$",
    r"\d{4}年",  # no required literal but 年
    r"[^\s>]\s*>\s*[^\s>]{1,4}\s*>",  # a breadcrumb: needs ">"
]


def _search(sources: list[str]) -> BranchSearch:
    combined = re.compile("|".join(f"(?P<_j{i}>{s})" for i, s in enumerate(sources)))
    return BranchSearch(sources, [re.compile(s) for s in sources], combined)


def _alternation_answer(sources: list[str], text: str) -> tuple[int, int, int] | None:
    match = re.compile("|".join(f"(?P<_j{i}>{s})" for i, s in enumerate(sources))).search(text)
    return None if match is None else (match.start(), match.end(), int(match.lastgroup[2:]))


def _answer(found: tuple[re.Match[str], int] | None) -> tuple[int, int, int] | None:
    return None if found is None else (found[0].start(), found[0].end(), found[1])


def test_leftmost_match_wins_over_a_lower_branch():
    assert _answer(_search(SOURCES).search("返回顶部 then 下载新浪APP")) == (0, 4, 2)


def test_a_tie_goes_to_the_lower_branch():
    assert _answer(_search(SOURCES).search("x follow us")) == (2, 11, 1)
    assert _answer(_search([SOURCES[3], SOURCES[1]]).search("x follow us")) == (2, 8, 0)


def test_candidates_are_the_branches_whose_literals_occur():
    search = _search(SOURCES)
    found = search.candidates(["返回首页", "FOLLOW us", "a > b > c", "plain words", "2024年"])
    assert found == [frozenset({2}), frozenset({1, 3}), frozenset({6}), frozenset(), frozenset({5})]


def test_a_literal_across_two_joined_texts_belongs_to_neither():
    search = _search([r"返\n回"])  # (the texts are joined with line breaks)
    assert search.candidates(["返", "回顶部", "返\n回"]) == [frozenset(), frozenset(), frozenset({0})]


def test_group_references_search_the_whole_alternation():
    sources = [r"(a)\1", r"b"]
    combined = re.compile(r"(?P<_j0>(a)\2)|(?P<_j1>b)")
    search = BranchSearch(sources, [re.compile(s) for s in sources], combined)
    assert search.candidates(["aa"]) == [None]
    assert _answer(search.search("xaab")) == (1, 3, 0)


def test_required_literals_are_lowercased_and_needed():
    assert required_literals(r"(?:APP|App|客户端)\s*下载") in (frozenset({"app", "客户端"}), frozenset({"下载"}))
    assert required_literals(r"\d+\s*\w") is None


PIECES = ["返回", "顶部", "下载", "APP", "客户端", "Follow us", "follow", ">", ">>", "》》", " ", "x", "2024", "年",
          "\n"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_same_answer_as_the_alternation(text: str):
    assert _answer(_search(SOURCES).search(text)) == _alternation_answer(SOURCES, text)


def test_case_insensitive_parts_give_literals_without_the_letters_re_folds_further():
    # re folds ſ to s under IGNORECASE, str.lower does not: a literal holding that s could miss a match
    assert required_literals(r"(?i:source)\s*:") == frozenset({"ource"})
    assert required_literals(r"(?<![A-Za-z])(?i:all rights reserved)") == frozenset({"all r"})
    assert required_literals(r"(?i:ski)") is None  # every letter folds to a non-ASCII one too
    assert required_literals(r"(?i:版权 ALL)") == frozenset({"版权 all"})
    assert required_literals(r"(?i:(?-i:Sİ)x)") == frozenset({"sİ".lower()})
    assert re.compile(r"(?i:source)").search("ſource")
    search = BranchSearch([r"source"], [re.compile(r"source", re.I)], re.compile(r"(?P<_j0>source)", re.I))
    assert _answer(search.search("ſource")) == (0, 6, 0)


FOLDED_SOURCES = [r"(?<![A-Za-z])(?i:all rights reserved)", r"(?i:sign up)\s*(?:now|today)", r"(?i:kiosk)",
                  r"(?i:版权所有 co)", r"(?i:(?-i:Ab)cd)"]
# whole matches in other cases, with the letters re folds further (ſ, K KELVIN SIGN, ı, İ), and fragments
FOLDED_PIECES = ["ALL RIGHTS RESERVED", "all rightſ reserved", "All Rİghts Reserved", "ſign up now", "SIGN UP today",
                 "\u212aiosk", "KIOſK", "kıosk", "版权所有 CO", "Abcd", "AbCD", "ABcd", "all", " ", "ſ", "x", "up"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(FOLDED_PIECES), max_size=12).map("".join))
def test_scoped_case_insensitive_branches_give_the_alternations_answer(text: str):
    assert _answer(_search(FOLDED_SOURCES).search(text)) == _alternation_answer(FOLDED_SOURCES, text)


def test_a_capital_sigma_is_no_literal():
    assert "ΟΔΟΣ".lower().endswith("ς")  # (so the literal σ would not be found)
    assert required_literals("ΟΔΟΣ") == frozenset({"οδο"})


def test_verbose_patterns_are_read_with_their_flag():
    assert required_literals("back  to  top", re.X) == frozenset({"backtotop"})


WIDGET_LINES = [
    "收藏 | 分享 | 打印", "今天08:23举报赞188回复", "08-30 06:31 Wind EnRA+A-", "Share this: Share",
    "字体:【大中小】", "微信 微博 QQ空间", "Font size: Large Medium Small", "12 shares Comments (3)",
    "公司表示将分享收益", "The company said it would share data.", "2019-09-07 13:43", "Sign in | Register",
]


def test_junk_widgets_against_their_candidates_match_as_the_whole_list():
    from newslint.packs import builtin_pack_paths, load_packs
    from newslint.registry import build_detector

    spec = next(s for s in load_packs(builtin_pack_paths()) if s.code == "NL304")
    detector = build_detector(spec, trusted=True)
    candidates = detector.widget_search.candidates(WIDGET_LINES)
    assert all(c is not None and len(c) < len(detector.widget_search.sources) for c in candidates)
    found = [detector._widget_line(text, c) for text, c in zip(WIDGET_LINES, candidates, strict=True)]
    assert found == [detector._widget_line(text, None) for text in WIDGET_LINES]
    assert sum(f is not None for f in found) >= 8


LITERAL_PIECES = ["ab", "b", "abc", "扫码", "码", "😀", "\ud800", "\ud83d", "\ude00", "\ufffd", "\n", "x", "A"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(LITERAL_PIECES), max_size=6).map("".join), max_size=5))
def test_literal_scan_finds_what_find_finds(texts: list[str]):
    """Every literal in every text, overlapping ones too, none across two texts; lone surrogates
    (JSON text may hold them) in the texts and in a literal, never confused with U+FFFD or with the
    character a pair of them would make."""
    literals = ["ab", "b", "abc", "扫码", "码x", "😀a", "\ud800b", "b\nx", "x\n", "\ufffd", "\ud83d\ude00"]
    assert LiteralScan(literals).present(texts) == [
        {i for i, literal in enumerate(literals) if literal in text} for text in texts]


def test_texts_past_a_chunk_are_scanned(monkeypatch):
    from newslint.detectors import branches

    monkeypatch.setattr(branches, "_CHUNK_BYTES", 8)
    texts = ["xxab", "b", "abxxxxxxxxxx", "", "ab", "x"]
    assert LiteralScan(["ab", "b"]).present(texts) == [{0, 1}, {1}, {0, 1}, set(), {0, 1}, set()]


def test_a_text_with_a_lone_surrogate_is_scanned():
    assert _search(SOURCES).candidates(["\ud800返回顶部", "x"]) == [frozenset({2}), frozenset()]
