"""The Hyperscan candidate pass finds exactly the name and place spans the ``re`` scans find.

The pass is an optional speed-up (``newslint[fast]``): a wrong candidate set would silently change
NL602's and NL601's findings only on machines that have it. Each test runs both paths on the same
text and compares every span.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newslint.names import candidates as cand
from newslint.names.english import name_spans, place_spans

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

needs_hyperscan = pytest.mark.skipif(importlib.util.find_spec("hyperscan") is None,
                                     reason="the optional hyperscan package is not installed")


def _both(text: str, start: int = 0, end: int | None = None) -> tuple[tuple, tuple]:
    """(spans with Hyperscan, spans with re) of one text."""
    out = []
    for enabled in (True, False):
        was = cand.use_hyperscan(enabled)
        try:
            out.append((name_spans(text, start, end), place_spans(text, start, end)))
        finally:
            cand.use_hyperscan(was)
    return out[0], out[1]


def _real_texts() -> list[str]:
    paths = sorted((REPO / "seeds").glob("*.txt"))
    for folder in ("corpus", "real"):
        root = SHARED / folder
        if root.is_dir():
            paths += sorted(p for p in root.rglob("*") if p.suffix in (".txt", ".md", ".html", ".jsonl"))[:400]
    return [p.read_bytes()[:200_000].decode("utf-8", "replace") for p in paths]


@needs_hyperscan
def test_the_hyperscan_pass_is_in_use_when_installed():
    was = cand.use_hyperscan(True)
    try:
        assert cand.candidates("Xi Jinping met Cai Qi in Xiong’an New Area.", 0, 44) == ([0, 15], [38])
    finally:
        cand.use_hyperscan(was)


@needs_hyperscan
def test_real_texts_give_the_same_spans_on_both_paths():
    texts = _real_texts()
    found = 0
    for text in texts:
        fast, slow = _both(text)
        assert fast == slow
        found += len(slow[0]) + len(slow[1])
        if len(text) > 300:  # a body region that cuts names and nouns in two
            assert _both(text, 101, len(text) - 97)[0] == _both(text, 101, len(text) - 97)[1]
    assert found > 50  # the seeds alone hold dozens of names and places


EDGES = [
    "Xi Jinping Cai Qi attended", "Ouyang Xiaohui and Ou Yang", "Lü Wei met Lüqiu Ming", "记者Cui Yan报道",
    "Cui Shu Qiang said", "Wang Li Ming", "He Said He Lifeng", "Xiong’an New Area", "Xiong an new   district",
    "İ Xiong’an New Area", "\u212aunming city", "NEW AREA of Xiongan New AREA", "Hebei Province's capital",
    "Zhang Yancun's", "Zhang YANCUN", "the city", "capacity", "Beijing an important city", "Xiongan\nNew Area",
    "(Xi Jinping)", "“Cai Qi”", "Xi", "Xi ", "Xi J", "city", " city", "X", "", "Li Shufeng’s", "Xi\u2019an City",
]


@needs_hyperscan
@pytest.mark.parametrize("text", EDGES)
def test_edge_cases_give_the_same_spans(text):
    fast, slow = _both(text)
    assert fast == slow
    for start in range(len(text) + 1):
        fast, slow = _both(text, start, len(text) - start // 2)
        assert fast == slow, (text, start)


def test_negative_and_reversed_bounds_read_as_re_reads_them():
    text = "Xi Jinping and Cai Qi in Xiong’an New Area"
    for start, end in ((-6, None), (-100, 5), (30, 10), (0, 10_000)):
        fast, slow = _both(text, start, end)
        assert fast == slow
    assert [s.surface for s in _both(text, -6)[1][0]] == ["Xi Jinping", "Cai Qi"]


def test_a_place_after_a_dotted_capital_i_is_found_where_it_is():
    """U+0130 lower-cases to two characters: the generic noun's position must still be the text's."""
    was = cand.use_hyperscan(False)
    try:
        spans = place_spans("İzmir and Xiong’an New Area")
    finally:
        cand.use_hyperscan(was)
    assert [(s.start, s.surface) for s in spans] == [(10, "Xiong’an New Area")]


PIECES = ["Xi", "Cai", "Ouyang", "Lü", "Zhang", "Jinping", "Qi", "Yan", "Cun", "an", "city", "City", "New", "Area",
          "area", "district", "town", "ship", "’", "'", "s", " ", " ", " ", "  ", "\n", ",", ".", "İ", "\u212a", "é",
          "中", "-", "(", "Hebei", "Province", "Xiongan", "new"]


@needs_hyperscan
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.integers(0, 10), st.integers(0, 10))
@needs_hyperscan
def test_random_texts_give_the_same_spans(pieces, cut_start, cut_end):
    text = "".join(pieces)
    start = min(cut_start, len(text))
    end = max(start, len(text) - cut_end)
    fast, slow = _both(text, start, end)
    assert fast == slow


@needs_hyperscan
def test_a_memoised_scan_is_not_reused_for_another_range():
    text = "Xi Jinping visited Hebei Province. " * 3
    was = cand.use_hyperscan(True)
    try:
        whole = cand.candidates(text, 0, len(text))
        part = cand.candidates(text, 35, len(text))
    finally:
        cand.use_hyperscan(was)
    assert whole is not None and part is not None
    assert whole[0] == [0, 35, 70] and part[0] == [35, 70]


@needs_hyperscan
def test_threads_sharing_the_scratch_space_get_the_same_spans():
    """The Python API may be called from threads: a scan that finds the scratch space in use falls
    back to the re scans instead of failing."""
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"Reporter Cui Yan{i} visited Xiong’an New Area with Zhang Yancun. " * 200 for i in range(40)]
    expected = [(name_spans(t), place_spans(t)) for t in texts]
    was = cand.use_hyperscan(True)
    try:
        with ThreadPoolExecutor(8) as pool:
            got = list(pool.map(lambda t: (name_spans(t), place_spans(t)), texts))
            scanned = list(pool.map(lambda t: cand.candidates(t, 0, len(t)), texts * 3))
    finally:
        cand.use_hyperscan(was)
    assert got == expected
    assert all(found is not None for found in scanned)  # no scan fell back to re
