"""The markup checks: NL104 html-entity, NL201 html-tag, NL202 html-comment, NL203 style-or-script.

Everything runs through the real pack (checks/markup.yml) and the real linter, on the seeds, on
real scraped posts from ../shared/corpus, and on small fixtures cut from them.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newslint.decoding import decode_bytes
from newslint.document import Document, Format, detect_format, file_document, text_document
from newslint.linter import Linter
from newslint.model import Applicability, Severity
from newslint.packs import load_pack
from newslint.registry import CheckSpec
from newslint.selftest import run_examples

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"
SHARED = Path(__file__).resolve().parents[2] / "shared"
PACK = REPO / "checks" / "markup.yml"
CODES = ("NL104", "NL201", "NL202", "NL203")


@pytest.fixture(scope="module")
def specs() -> dict[str, CheckSpec]:
    return {spec.code: spec for spec in load_pack(PACK)}


@pytest.fixture(scope="module")
def linter(specs: dict[str, CheckSpec]) -> Linter:
    return Linter(list(specs.values()))


def only(specs: dict[str, CheckSpec], *codes: str) -> Linter:
    return Linter([specs[code] for code in codes])


def seed_path(number: int) -> Path:
    return next(SEEDS.glob(f"{number:03d}_*.txt"))


def load(path: Path) -> Document:
    decoded = decode_bytes(path.read_bytes())
    return file_document(str(path), decoded.text, detect_format(path.name, decoded.text), decoded.encoding)


def doc_of(text: str, fmt: Format = Format.PLAIN) -> Document:
    return file_document("t.txt", text, fmt)


def codes_of(linter: Linter, doc: Document) -> set[str]:
    return {finding.code for finding in linter.check(doc)}


def fixed(linter: Linter, text: str, fmt: Format = Format.PLAIN) -> str:
    outcome = linter.fix(doc_of(text, fmt))
    assert outcome.converged
    return outcome.text


def corpus() -> Path:
    root = SHARED / "corpus"
    if not root.is_dir():
        pytest.skip("../shared/corpus is not present (it is only beside the project's own checkout)")
    return root


_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^<>]+>")


def paragraph_texts(html: str) -> list[str]:
    """The text of each <p> of the original (comments dropped first, inner tags removed)."""
    body = _COMMENT.sub("", html)
    texts = []
    for inner in re.findall(r"<p\b[^>]*>(.*?)</p>", body, re.S | re.I):
        text = _TAG.sub("", inner).strip(" \t\r\n")
        if text.strip():
            texts.append(text)
    return texts


def assert_clean_fix(linter: Linter, doc: Document) -> str:
    """Fix to a fixpoint; check convergence, idempotence, front matter and the shape of the result."""
    outcome = linter.fix(doc)
    assert outcome.converged, doc.path
    assert not [f for f in outcome.remaining if f.code in CODES and f.fixable
                and f.fix.applicability is Applicability.SAFE], doc.path
    again = linter.fix(file_document(doc.path, outcome.text, doc.format))
    assert again.text == outcome.text, f"{doc.path}: a second fix changed the text"
    front = doc.front_matter()
    if front is not None:
        assert outcome.text[front.start:front.end] == doc.text[front.start:front.end]
    return outcome.text


# -- the pack ---------------------------------------------------------------------------------------------


def test_pack_declares_the_four_checks(specs: dict[str, CheckSpec]) -> None:
    expected = {
        "NL104": ("html-entity", "html-entity", Severity.WARNING),
        "NL201": ("html-tag", "html-tag", Severity.WARNING),
        "NL202": ("html-comment", "html-comment", Severity.WARNING),
        "NL203": ("style-or-script", "style-or-script", Severity.ERROR),
    }
    assert set(specs) == set(expected)
    for code, (name, kind, severity) in expected.items():
        spec = specs[code]
        assert (spec.name, spec.kind, spec.severity, spec.fix.value) == (name, kind, severity, "safe")
        assert spec.formats == frozenset({Format.PLAIN, Format.MARKDOWN, Format.JSONL})
        for part in ("what", "why", "example", "fix"):
            assert len(getattr(spec.docs, part)) > 40, f"{code} docs.{part} is too thin"
        flagged = [e for e in spec.examples if e.flagged]
        clean = [e for e in spec.examples if not e.flagged]
        assert len(flagged) >= 6 and len(clean) >= 4, code
        assert sum(e.fixed is not None for e in flagged) >= 6, code


def test_pack_examples_pass(specs: dict[str, CheckSpec]) -> None:
    count, failures = run_examples(specs.values())
    assert count >= 60
    assert not failures, "\n".join(str(f) for f in failures)


def test_detector_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, newslint.detectors.html; "
        "print(sorted(m for m in ('html', 'html.entities', 'ftfy', 'chardet', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the seeds --------------------------------------------------------------------------------------------


def test_seed_findings(linter: Linter) -> None:
    found = {number: codes_of(linter, load(seed_path(number))) for number in range(5)}
    assert found[1] == {"NL104", "NL201", "NL202", "NL203"}
    assert found[4] == {"NL201"}
    assert found[0] == found[2] == found[3] == set()


def test_seed_001_findings_name_what_they_found(linter: Linter) -> None:
    findings = linter.check(load(seed_path(1)))
    messages = [f.message for f in findings]
    assert "leftover HTML markup </a></span><span …></span>" in messages  # the ticker injection, one finding
    assert any(m.startswith("HTML comment <!--article_adlist[") and "more" in m for m in messages)
    assert "leftover <style> block in text" in messages
    (entity,) = [f for f in findings if f.code == "NL104"]
    assert "&#123; &#125;" in entity.message and "NL203" in entity.message
    assert entity.fix is None  # NL203 owns the CSS block: NL104 never edits inside it


@pytest.mark.parametrize("number", [1, 4])
def test_fixing_seed_keeps_every_paragraph(linter: Linter, number: int) -> None:
    doc = load(seed_path(number))
    text = assert_clean_fix(linter, doc)
    assert not [f for f in linter.check(file_document(doc.path, text, doc.format)) if f.code in CODES]
    paragraphs = paragraph_texts(doc.text)
    assert len(paragraphs) >= 9
    for paragraph in paragraphs:
        assert paragraph in text, paragraph[:40]
    body = text[doc.front_matter().end:]
    assert "<p" not in body and "</" not in body and "&#" not in body and "-->" not in body
    assert "\n\n\n" not in body  # never more than one blank line
    assert not re.search(r"[ \t]$", body, re.M)  # no trailing spaces left where tags were
    # Paragraph indents survive: as many lines start with 　　 as original paragraphs did.
    indented = sum(p.startswith("\u3000\u3000") for p in paragraphs)
    assert len(re.findall(r"^\u3000\u3000\S", body, re.M)) == indented


def test_fixed_seed_001_reads_as_text(linter: Linter) -> None:
    doc = load(seed_path(1))
    text = assert_clean_fix(linter, doc)
    body = text[doc.front_matter().end:]
    assert body.startswith("\n\u3000\u3000原标题：城市副中心高质量发展重点划定！")
    assert "一定要给老百姓带来实实在在的获得感" in body  # the ticker link dissolved into the sentence
    assert "appendQr" not in body and "border:1px" not in body
    assert body.endswith("\n\n责任编辑：王翔\n")


def test_crlf_seed_stays_crlf(linter: Linter) -> None:
    lf = load(seed_path(4))
    crlf = file_document("004.txt", lf.text.replace("\n", "\r\n"), Format.MARKDOWN)
    assert crlf.newline == "\r\n"
    out = assert_clean_fix(linter, crlf)
    assert out.count("\n") == out.count("\r\n")
    assert out == assert_clean_fix(linter, lf).replace("\n", "\r\n")


# -- NL201 html-tag ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "if a < b and c > d then",
        "x<y, a<b and I <3 Beijing",
        "List<String> and Map<K, V>",
        "see <http://finance.eastmoney.com/news/11060,202112082206672930.html>",
        "<mailto:editor@example.com> or <editor@example.com>",
        "an empty link line:\n\n<>\n",
        "《<蒙特利尔议定书>基加利修正案》",
        "a<b and c>d",
        "<notatag>, <y and z>",
    ],
)
def test_not_tags(specs: dict[str, CheckSpec], text: str) -> None:
    assert codes_of(only(specs, "NL201"), doc_of(text)) == set()


def test_markdown_code_is_not_markup(linter: Linter) -> None:
    text = (
        "写 `<div>` 或 ``<p>`x`</p>``：\n\n"
        "```html\n<p>&nbsp;</p><!-- c --><style>a{}</style>\n```\n\n~~~\n<br>\n~~~\n"
    )
    assert linter.check(doc_of(text, Format.MARKDOWN)) == []
    # Outside code the same markup is flagged.
    assert codes_of(linter, doc_of("<p>&nbsp;x</p><!-- c -->", Format.MARKDOWN)) == {"NL104", "NL201", "NL202"}


def test_html_pages_are_not_checked(linter: Linter) -> None:
    page = "<!doctype html><html><body><p>正文&nbsp;</p><!-- c --><style>a{b:c}</style></body></html>"
    doc = file_document("page.html", page, detect_format("page.html", page))
    assert doc.format is Format.HTML
    assert linter.check(doc) == []


def test_one_finding_per_run_of_adjacent_tags(specs: dict[str, CheckSpec]) -> None:
    text = (
        "给<span id=\"stock_sh603883\"><a href=\"x\" class=\"keyword\">老百姓</a></span>"
        "<span id=\"quote_sh603883\"></span>带来"
    )
    findings = only(specs, "NL201").check(doc_of(text))
    assert [f.message for f in findings] == [
        "leftover HTML markup <span …><a …>",
        "leftover HTML markup </a></span><span …></span>",
    ]


def test_tag_fix_layout(specs: dict[str, CheckSpec]) -> None:
    tags = only(specs, "NL201")
    empty_paragraphs = "<p>　　第一段。</p>\n<p>　</p>\n<p>&nbsp;</p>\n<p>　　第二段。</p>\n"
    assert fixed(tags, empty_paragraphs) == "　　第一段。\n\n　　第二段。\n"
    assert fixed(tags, "<p>　　<font cms-style=\"font-L\">缩进保留</font></p>") == "　　缩进保留"
    assert fixed(tags, "第一行<br>第二行<br/><br />第三行") == "第一行\n\n第二行\n\n第三行"
    assert fixed(tags, "See <a href=\"x\">the report</a> <img src=\"y\"> now.") == "See the report now."
    assert fixed(tags, "文字<o:p></o:p>继续") == "文字继续"
    assert fixed(tags, "&lt;p&gt;被转义的标签&lt;/p&gt;") == "被转义的标签"
    assert fixed(tags, "a&amp;lt;br /&amp;gt;b") == "a\n\nb"


def test_jsonl_field_gets_no_trailing_newline(specs: dict[str, CheckSpec]) -> None:
    doc = text_document("news.jsonl", "<p>第一段</p><p>第二段</p>", 3, "content")
    outcome = only(specs, "NL201").fix(doc)
    assert outcome.text == "第一段\n\n第二段"


def test_suppression_directives_are_never_findings_and_never_removed(linter: Linter) -> None:
    text = (
        "<!-- newslint: disable NL201 -->\n<p>保留</p>\n<!-- newslint: enable NL201 -->\n"
        "<!-- newslint: disable-next-line NL104 -->\n甲&nbsp;乙\n<!-- 广告 -->\n<p>删除</p>\n"
    )
    findings = linter.check(doc_of(text))
    assert [(f.code, f.location.line) for f in findings] == [("NL202", 6), ("NL201", 7), ("NL201", 7)]
    out = fixed(linter, text)
    assert out == (
        "<!-- newslint: disable NL201 -->\n<p>保留</p>\n<!-- newslint: enable NL201 -->\n"
        "<!-- newslint: disable-next-line NL104 -->\n甲&nbsp;乙\n\n删除\n"
    )


# -- NL202 html-comment and NL203 style-or-script ------------------------------------------------------------


def test_adjacent_removals_never_stack_blank_lines(linter: Linter) -> None:
    assert fixed(linter, "正文。</p><!-- c -->\n\n下一段") == "正文。\n\n下一段"
    assert fixed(linter, "正文。<!-- c --></p>下一段") == "正文。\n\n下一段"
    text = (
        "正文。</p>\n\n\n<!-- a -->\n\n<style>.x{a:b}</style>\n\n\n"
        "<div class=\"q\">\n\n</div>\n\n<!-- b -->\n\n\n下一段。\n"
    )
    assert fixed(linter, text) == "正文。\n\n下一段。\n"


def test_prose_mention_of_script_does_not_swallow_paragraphs(linter: Linter) -> None:
    text = (
        "Insert a simple <script> tag where the badge should go.\n\n"
        "We re-use the template from earlier.\n\n"
        "Embedding it is simple:\n\n<div><script src=\"/js/jim\"></script></div>\n"
    )
    out = fixed(linter, text)
    assert "We re-use the template from earlier." in out and "Embedding it is simple:" in out
    # the tag the sentence is about stays (reported, unsafe); the embed code line is residue-shaped: removed
    assert "a simple <script> tag where" in out and "<div>" not in out and 'src="/js/jim"' not in out


def test_css_rules_outside_tags(specs: dict[str, CheckSpec]) -> None:
    css = only(specs, "NL203")
    hexo = ".appendQr_wrap&#123;border:1px solid #E5E5E5;padding:10px 10px 0 10px;&#125;\n"
    assert fixed(css, "正文。\n" + hexo + "下一段。\n") == "正文。\n下一段。\n"
    (finding,) = css.check(doc_of(hexo))
    assert finding.message == "leftover CSS rule .appendQr_wrap{…} in text"
    for text in ("集合 {1, 2, 3}", "{{ username }}", '{"a": 1}', "Use the .badge class {see below}."):
        assert css.check(doc_of(text)) == [], text


def test_entities_in_css_belong_to_nl203(specs: dict[str, CheckSpec]) -> None:
    text = "正文。\n<style>\n.a&#123;color:red;&#125;\n.b&#123;float:left;&#125;\n</style>\n下一段&nbsp;。\n"
    entities = only(specs, "NL104").check(doc_of(text))
    assert [(f.location.line, f.fixable) for f in entities] == [(3, False), (6, True)]
    # NL104 alone never edits inside the block; with NL203 the block goes and nothing is left.
    assert "&#123;" in fixed(only(specs, "NL104"), text)
    assert fixed(only(specs, "NL104", "NL203"), text) == "正文。\n下一段 。\n"


# -- NL104 html-entity ----------------------------------------------------------------------------------------


def test_entity_decisions(specs: dict[str, CheckSpec]) -> None:
    entity = only(specs, "NL104")
    named = "AT&amp;T、&quot;五子&quot;、&ldquo;双碳&rdquo;、&#x4e2d;&#22269;"
    assert fixed(entity, named) == 'AT&T、"五子"、“双碳”、中国'
    assert fixed(entity, "1.3&nbsp;万亿") == "1.3 万亿"  # a plain space, never U+00A0
    assert fixed(entity, "&nbsp&nbsp&nbsp&nbsp路演嘉宾:\r\n&nbsp;&nbsp;问题:\r\n") == "路演嘉宾:\r\n问题:\r\n"
    assert fixed(entity, "a&amp;nbsp;b &amp;amp;lt;3") == "a b <3"  # escaped twice: decoded all the way
    assert fixed(entity, "零宽&#8203;空格&#xFEFF;与&#13;回车&shy;") == "零宽空格与回车"
    assert fixed(entity, "👨&zwj;👩 &lrm;") == "👨\u200d👩 \u200e"  # kept: NL103 judges them in context
    assert fixed(entity, "全角&#12288;空格") == "全角\u3000空格"
    message = entity.check(doc_of("x&amp;nbsp;y"))[0].message
    assert message == "HTML entity &amp;nbsp; left in text (a space, escaped twice)"


@pytest.mark.parametrize(
    "text",
    [
        "AT&T, M&Ms, Q&A and Tom & Jerry",
        "https://example.com/?a=1&copy=2&para=3&nbsp=4",
        "&foo; &; &#; &#x; and & alone",
        "“双碳”目标（2030年）：　　全角标点与‘弯引号’都是正确的文本。",
    ],
)
def test_not_entities(specs: dict[str, CheckSpec], text: str) -> None:
    assert only(specs, "NL104").check(doc_of(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        "&lt;p&gt;段落&lt;/p&gt;",
        "&amp;lt;br /&amp;gt;",
        "&#60;div class=&quot;x&quot;&#62;",
        "&#38;lt;p&#38;gt;",
        "<p&gt;半转义",
        "&lt;!-- 注释 --&gt;",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<!-- 注释 --&gt;",
    ],
)
def test_entity_fix_never_creates_markup(specs: dict[str, CheckSpec], text: str) -> None:
    """Escaped markup is reported by the markup checks; NL104 leaves it, so no check fixes into another."""
    markup = only(specs, "NL201", "NL202", "NL203")
    before = markup.check(doc_of(text))
    assert before, "the escaped markup itself is a finding"
    assert only(specs, "NL104").check(doc_of(text)) == []
    assert fixed(only(specs, "NL104"), text) == text


_FRAGMENTS = st.sampled_from(
    [
        "<p>", "</p>", "<br>", "<span class=\"k\">", "</span>", "<a href=\"x?a=1&amp;b=2\">", "</a>", "<img src=x>",
        "<!-- c -->", "<!--", "-->", "<style>", "</style>", "<script>", "</script>", ".a&#123;color:red;&#125;",
        "{", "}", "&lt;", "&gt;", "&amp;", "&nbsp;", "&nbsp", "&#60;", "&#38;", "lt;", "gt;", "p", "div",
        "`", "```", "~~~", " ", "  ", "\n", "\n\n", "\r\n", "\t", "\u3000\u3000", "正文", "text", "<", ">", "&",
        "=", "\"", "/", "!",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=30).map("".join))
def test_fixing_converges_and_is_idempotent_on_any_mix(text: str) -> None:
    specs = {spec.code: spec for spec in load_pack(PACK)}
    linter = Linter(list(specs.values()))
    for fmt in (Format.PLAIN, Format.MARKDOWN):
        doc = file_document("t.md", text, fmt)
        outcome = linter.fix(doc)
        assert outcome.converged
        # (what is left may carry an unsafe fix: markup the text talks about, see ``talked_about``)
        assert not [f for f in outcome.remaining if f.fixable and f.fix.applicability is Applicability.SAFE]
        assert linter.fix(file_document("t.md", outcome.text, fmt)).text == outcome.text
        # NL104 alone never turns text into a tag or comment that NL201/NL202 would then report.
        markup = Linter([specs["NL201"], specs["NL202"]])
        decoded = Linter([specs["NL104"]]).fix(doc).text
        assert len(markup.check(file_document("t.md", decoded, fmt))) <= len(markup.check(doc))


# -- the shared corpus ----------------------------------------------------------------------------------------


def corpus_files() -> list[Path]:
    root = corpus()
    return sorted(
        [*(root / "sina-finance-hexo-rsshub-page").glob("*.md"), *(root / "eastmoney-jekyll-finews").rglob("*.md"),
         *(root / "newspaper3k-test-fixtures" / "text").glob("*.txt"),
         *(root / "sogouc-reduced-gbk-finance").rglob("*.txt")]
    )


def test_corpus_fixes_converge_and_are_idempotent(linter: Linter) -> None:
    files = corpus_files()
    assert len(files) >= 80
    flagged = 0
    for path in files:
        doc = load(path)
        flagged += bool(linter.check(doc))
        assert_clean_fix(linter, doc)
    assert flagged >= 10


def test_corpus_sina_posts_keep_every_paragraph(linter: Linter) -> None:
    posts = sorted((corpus() / "sina-finance-hexo-rsshub-page").glob("*.md"))
    assert len(posts) == 5
    for path in posts:
        doc = load(path)
        assert {"NL201", "NL202", "NL203"} <= codes_of(linter, doc), path.name
        text = assert_clean_fix(linter, doc)
        body = text[doc.front_matter().end:]
        assert "<" not in body.replace("<<", "") and "&#12" not in body and "\n\n\n" not in body, path.name
        for paragraph in paragraph_texts(doc.text):
            assert paragraph in text, f"{path.name}: {paragraph[:40]}"


def test_corpus_eastmoney_escaped_brackets_become_text(linter: Linter) -> None:
    path = next((corpus() / "eastmoney-jekyll-finews" / "_posts").glob("-2022*.md"))
    text = assert_clean_fix(linter, load(path))
    assert "《<蒙特利尔议定书>基加利修正案》" in text
    assert "\n<>\n" in text  # the empty link line is no tag
    assert "<http" not in text or text.count("<http") == load(path).text.count("<http")


def test_corpus_clean_english_prose_is_not_flagged(linter: Linter) -> None:
    texts = corpus() / "newspaper3k-test-fixtures" / "text"
    prose = [p for p in sorted(texts.glob("*.txt")) if p.name != "sitepoint.com2.txt"]  # sitepoint is code
    assert len(prose) >= 30
    for path in prose:
        assert linter.check(load(path)) == [], path.name
    # The one with real (flattened) HTML in it is flagged.
    assert {"NL201", "NL203"} <= codes_of(linter, load(texts / "sitepoint.com2.txt"))


def test_corpus_sogou_entities(linter: Linter) -> None:
    folder = corpus() / "sogouc-reduced-gbk-finance" / "C000008"
    doc = load(folder / "370.txt")
    findings = linter.check(doc)
    assert findings and {f.code for f in findings} == {"NL104"}
    text = assert_clean_fix(linter, doc)
    assert text.startswith("路演嘉宾:\r\n山东鲁能物资集团有限公司")
    assert "&nbsp" not in text
    assert "神州行•畅听" in assert_clean_fix(linter, load(folder / "94.txt"))


# -- speed ------------------------------------------------------------------------------------------------------


# -- markup the text is about ------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "To embed it, the host page needs a simple <script> tag where the badge should appear.\n",
    "The template wraps our badge in a <div> :\n",
    "Use the <iframe> element for that.\n",
    "<!-- /views/badge.twig --> <title>{{ username }}</title>\n",
    "$app->get('/js/{name}', function ($request) { return preg_replace('/<!--.*?-->/s', '', $html); });\n",
])
def test_markup_the_text_talks_about_is_reported_but_never_removed_safely(specs, text: str) -> None:
    """A tutorial or tech story quotes markup as its subject; the safe fix used to delete it (a by-eye
    review of ../shared/corpus: 12 of sitepoint.com2.txt's tags and comments)."""
    found = only(specs, "NL201", "NL202", "NL203").check(doc_of("Intro line.\n" + text))
    assert found and all(f.fix is not None and f.fix.applicability is Applicability.UNSAFE for f in found)


@pytest.mark.parametrize("text", [
    'Read the <a href="https://example.com/story">full story</a> here.\n',
    '点击<a href="http://finance.sina.com.cn/x.shtml" target="_blank">这里</a>查看详情。\n',
    '<script type="text/javascript">var _hmt = _hmt || []; if (a < b) {x();}</script>\n',
    "央行今日宣布降准。<br/><br/>\n",
])
def test_markup_left_by_a_scraper_is_still_removed_safely(specs, text: str) -> None:
    found = only(specs, "NL201", "NL202", "NL203").check(doc_of("央行今日宣布降准0.5个百分点。\n" + text))
    assert found and all(f.fix is not None and f.fix.applicability is Applicability.SAFE for f in found)
