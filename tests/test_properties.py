"""Property tests: ``check`` never crashes on arbitrary bytes; ``fix`` is idempotent on arbitrary text.

Run with every built-in check selected, so each detector meets random input, including broken
encodings, lone surrogates' neighbours, control characters, markup fragments and CRLF mixes.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newslint.config import Settings
from newslint.decoding import BinaryInputError
from newslint.document import file_document
from newslint.inputs import read_source
from newslint.linter import Linter
from newslint.packs import builtin_pack_paths, load_packs

SPECS = [s for s in load_packs(builtin_pack_paths()) if s.scope.value == "document"]
LINTER = Linter(SPECS)

# Fragments that make random text look like scraped news: markup, entities, CJK, mojibake, blanks.
FRAGMENTS = st.sampled_from([
    "<p>", "</p>", "<div class='a'>", "</div>", "<br/>", "<!-- c -->", "<style>.a{x:1}</style>",
    "&nbsp;", "&#123;", "&amp;", "&lt;p&gt;", "北京", "，", "。", "　　", "“", "”", "\u200b", "\ufeff",
    "\r\n", "\n", "\n\n", "---\n", "title: x\n", "Ã©", "鍖椾含", "±±¾©", "锟斤拷", "\ue0e5", "\ufffd",
    "<span id=\"stock_sh603883\"><a href=\"x\">老百姓</a></span>", "a < b", "<http://x.cn>", " ", "Café",
])
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=30).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.sampled_from(["a.txt", "a.md", "a.html", "a.jsonl"]))
def test_check_never_crashes_on_bytes(data: bytes, name: str) -> None:
    try:
        source = read_source(None, data, name, Settings())
    except BinaryInputError:
        return
    for doc in source.documents:
        for finding in LINTER.check(doc):
            assert 0 <= finding.start <= finding.end <= len(doc.text)
            assert finding.location.line >= 1 and finding.location.column >= 1


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from(["a.txt", "a.md"]), st.booleans())
def test_fix_is_idempotent(text: str, name: str, unsafe: bool) -> None:
    source = read_source(None, text.encode("utf-8", "surrogatepass"), name, Settings()) if text else None
    if source is None or not source.documents:
        return
    doc = source.documents[0]
    first = LINTER.fix(doc, unsafe=unsafe)
    assert first.converged, repr(text)
    again = LINTER.fix(file_document(doc.path, first.text, doc.format), unsafe=unsafe)
    assert again.text == first.text, repr(text)


def test_property_suite_covers_the_builtin_checks() -> None:
    codes = {s.code for s in SPECS}
    if not {"NL101", "NL201"} <= codes:
        pytest.skip("built-in packs not present yet")
    assert len(SPECS) >= 7


# Patterns whose every match starts with a literal (the pattern kind then tries them only there):
# a top-level alternation of groups (NL605's shape), phrases, a lookbehind before the literal, a
# literal that overlaps itself, and a prefix that is dense in the text (the plain scan takes over).
LITERAL_PATTERNS = [
    "(?P<a>·)[ \\t]*(?P<m>[A-Za-z]{0,5})[ \\t]+(?P<d>·)|(?P<o>（)[ \\t]+(?P<i>[^（）\\n]{0,9}?)[ \\t]*(?P<c>）)",
    "北京晚报|Share this|责任编辑：\\S+",
    "(?<=a)ab+",
    "aa",
    "a[^a]{0,3}?b|（",
]
LITERAL_TEXT = st.lists(st.sampled_from(["·", "（", "）", " ", "\t", "a", "b", "ab", "J", "北京晚报", "Share this",
                                         "责任编辑：", "x", "\n", "aa"]), max_size=400).map("".join)


@settings(max_examples=300, deadline=None)
@given(LITERAL_TEXT, st.sampled_from(LITERAL_PATTERNS), st.booleans(), st.integers(0, 8))
def test_matching_only_at_literals_finds_what_finditer_finds(text: str, pattern: str, trusted: bool,
                                                              pad: int) -> None:
    from pathlib import Path

    from newslint.detectors import pattern as pattern_module
    from newslint.packs import parse_check
    from newslint.registry import build_detector

    spec = parse_check({"code": "NL951", "name": "literal-pattern", "kind": "pattern", "message": "m",
                        "params": {"pattern": pattern}}, Path("test.yml"), 0)
    detector = build_detector(spec, trusted=trusted)
    assert detector.prefixes  # the path under test
    start, end = min(pad, len(text)), max(min(pad, len(text)), len(text) - pad)
    expected = [m.span() for m in detector.regex.finditer(text, start, end)]
    assert [m.span() for m in detector._matches(text, start, end)] == expected
    long_text = text * (pattern_module._LONG_REGION // max(1, len(text)) + 1)  # the Literal.find path
    expected = [m.span() for m in detector.regex.finditer(long_text, 0, len(long_text))]
    assert [m.span() for m in detector._matches(long_text, 0, len(long_text))] == expected


URL_TEXT = st.lists(st.sampled_from(["//", "/", "http:", "https:", "HTTPS:", "httpſ:", "h", "www.", "WwW.", "ww",
                                     "w", ".", "a", "K", "北京", " ", "\n", ")", "）", "<", "'", "x.cn", "_"]),
                    max_size=60).map("".join)


@settings(max_examples=500, deadline=None)
@given(URL_TEXT)
def test_dropping_urls_only_where_they_can_start_equals_the_whole_pattern(text: str) -> None:
    from newslint.dedup.normalize import _URL, drop_urls

    assert drop_urls(text) == _URL.sub(" ", text)


JSON_TEXT = st.text(alphabet=st.sampled_from(['"', "\\", "\n", "\t", "\x00", "\x1f", "\x7f", "\u2028", "é", "北",
                                               "\U0001f600", "\ud800", "a", " ", "/", "<"]), max_size=12)
POSITION = st.builds(lambda line, column: __import__("newslint.model", fromlist=["Position"]).Position(line, column),
                     st.integers(1, 5), st.integers(1, 30))


@st.composite
def findings(draw: st.DrawFn) -> object:
    from newslint.model import Applicability, Edit, Finding, Fix, Severity

    start = draw(st.integers(0, 40))
    end = start + draw(st.integers(0, 10))
    fix = None
    if draw(st.booleans()):
        edits = tuple(Edit(a, a + draw(st.integers(0, 12)), draw(JSON_TEXT))
                      for a in draw(st.lists(st.integers(0, 60), max_size=3)))
        fix = Fix(edits, draw(st.sampled_from(list(Applicability))), draw(st.sampled_from(["", "why"])),
                  draw(st.sampled_from([None, "gb18030"])))
    location = draw(POSITION)
    same_line = draw(st.booleans())
    end_location = type(location)(location.line, location.column + end - start) if same_line else draw(POSITION)
    return Finding(draw(st.sampled_from(["NL101", "NL403"])), draw(JSON_TEXT), draw(st.sampled_from(list(Severity))),
                   draw(JSON_TEXT), draw(JSON_TEXT), start, end, location, end_location,
                   draw(st.none() | st.integers(0, 10**6)), draw(st.none() | JSON_TEXT), fix)


@settings(max_examples=400, deadline=None)
@given(findings())
def test_a_findings_json_line_is_json_dumps_of_its_object(finding: object) -> None:
    import json

    from newslint.reporters.jsonfmt import finding_json, finding_object

    assert finding_json(finding) == json.dumps(finding_object(finding), ensure_ascii=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["，", "（", "）", "：", "　", "Ａ", "～", "！", "\uff5f", "\u3001"]),
                          st.text(max_size=4)), max_size=20).map("".join))
def test_narrowing_wide_forms_equals_translating_with_the_table(text: str) -> None:
    """NL403's full-width forms, replaced kind by kind: the same text as ``str.translate`` with the table."""
    from newslint.detectors.corpus_boilerplate import _WIDE, _narrow

    assert _narrow(text) == text.translate({ord(char): narrow for char, narrow in _WIDE.items()})
