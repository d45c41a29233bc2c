"""Deterministic labelled corpora for the accuracy and speed harness (issue 6), at any size.

Extends :mod:`benchmarks.generate` (which builds the duplicate families): it reuses its sentence
pool (real news of ``seeds/`` and ``../shared/corpus``, decoded by ``newslint.inputs``) and its
span edits for near-duplicates at known edit rates, and adds documents in every input format
(plain ``.txt``, Markdown with front matter, HTML fragment, JSONL records) with problems of every
check family injected at known places.

Heuristic for a trustworthy label:

* the base text must be clean, so a pool sentence is kept only if it passes an independent filter
  (no markup characters, controls, invisible or private-use code points) *and* the document-scope
  checks find nothing in it alone; how many sentences each check removed is kept in
  :data:`POOL_STATS` so real-text false positives are visible, not hidden;
* every injection uses the exact forms of the pack examples and docs (``checks/*.yml``) and
  declares every code its form is documented to trigger (a Sina ticker span is NL301 *and* NL201
  in plain text, NL301 alone in an HTML file, where tags are the format);
* mojibake is only injected where the codec round trip is exact (strict decode, no C1 controls,
  no NBSP/soft hyphen), so the injected span is mojibake and nothing else;
* duplicate families are copies of clean originals, placed after them in run order, so the
  expected NL501/NL502 finding is on the copy (``keep: first``); copies at gray edit rates are not
  scored for NL502, copies at 0.5 are negatives.

Ground truth (``truth.jsonl`` beside the corpus): one line per document with its path, record,
format, language, expected ``codes``, ``unscored`` codes, and the injections with their spans
(code-point offsets into the document text: the decoded file, or the JSONL field value).

    python benchmarks/corpus.py --docs 10000 --out /tmp/nl-acc            # mixed formats
    python benchmarks/corpus.py --mb 1000 --layout jsonl --out /tmp/nl-1g  # one big JSONL
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

import generate  # noqa: E402  (the duplicates generator: sentence pool, span edits, rates)

SEEDS = REPO / "seeds"
SHARED_CORPUS = REPO.parent / "shared" / "corpus"
# The codes the ground truth labels; findings of other codes are counted but not scored.
SCORED = ("NL101", "NL102", "NL103", "NL104", "NL105", "NL106", "NL201", "NL202", "NL203",
          "NL301", "NL302", "NL401", "NL402", "NL404", "NL501", "NL502")
FOUNDATION = ("NL101", "NL102", "NL103", "NL104", "NL201", "NL202", "NL203")
MARKUP_FORMATS = ("plain", "markdown", "jsonl")  # where tags, entities, comments are problems
EXT = {"plain": ".txt", "markdown": ".md", "html": ".html"}

_UNCLEAN = re.compile(
    "[<>&{}\\\\`|#*\\[\\]\x00-\x08\x0b-\x1f\x7f-\xa0\xad\u200b-\u200f\u2028-\u202e\u2060-\u206f"
    "\ufeff\ufffd\ue000-\uf8ff\u3040-\u30ff]|https?:|www\\.|^\\s*[-+>]"  # kana: Japanese is not zh
    "|^(?:本文|文章|稿件)?(?:来源|编辑|原标题|原题|免责声明|风险提示|版权声明|作者)|^(?:Source|Editor|Original title)"
)
# Neutral context lines: a pool sentence is also checked as the last line after one of these,
# where position-dependent checks (leading/trailing boilerplate) see it as they will in a document.
_CONTEXT = {"zh": "\u3000\u3000国家统计局今日发布了最新的经济数据，各项指标总体平稳。",
            "en": "The statistics office published its latest figures on Monday."}
POOL_STATS: Counter[str] = Counter()
_POOL_CACHE: dict[tuple, dict[str, list[str]]] = {}


def default_sources() -> tuple[Path, ...]:
    """Seeds always; ``../shared/corpus`` when present (the seeds alone are enough to generate)."""
    return (SEEDS, SHARED_CORPUS) if SHARED_CORPUS.is_dir() else (SEEDS,)


def load_specs(codes: Sequence[str] = SCORED) -> list:
    """The built-in checks with these codes (packs without any of them are not even parsed)."""
    from newslint.packs import builtin_pack_paths, load_pack

    wanted = set(codes)
    specs = []
    for path in builtin_pack_paths():
        if path.stem in ("names", "glossary-example"):
            continue  # corpus name checks: not labelled here, and their pack is being edited
        specs.extend(s for s in load_pack(path) if s.code in wanted)
    return sorted(specs, key=lambda s: s.code)


def clean_pool(sources: Sequence[Path] | None = None) -> dict[str, list[str]]:
    """Sentences of :func:`generate.sentence_pool` that are clean by an independent filter and by
    every document-scope check; the reason each rejected sentence was dropped goes to POOL_STATS."""
    sources = tuple(sources or default_sources())
    if sources in _POOL_CACHE:
        return _POOL_CACHE[sources]
    from newslint.document import Format, text_document
    from newslint.linter import Linter
    from newslint.registry import Scope

    linter = Linter([s for s in load_specs() if s.scope is not Scope.CORPUS])
    pool: dict[str, list[str]] = {"zh": [], "en": []}
    for lang, sentences in generate.sentence_pool(sources).items():
        for sentence in sentences:
            if _UNCLEAN.search(sentence):
                POOL_STATS["independent-filter"] += 1
                continue
            codes: set[str] = set()
            for text in (sentence + "\n", f"{_CONTEXT[lang]}\n{sentence}\n"):
                doc = text_document("pool", text, 1, "text")
                doc.format = Format.PLAIN
                codes.update(f.code for f in linter.check(doc))
            if codes:
                POOL_STATS.update(f"flagged:{c}" for c in codes)
                continue
            pool[lang].append(sentence)
    _POOL_CACHE[sources] = pool
    return pool


# -- injections ---------------------------------------------------------------------------------

@dataclass
class Body:
    """A document being assembled: paragraphs, and the injections made into them."""

    lang: str
    fmt: str
    paragraphs: list[str]
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    injections: list[dict] = field(default_factory=list)
    encoding: str = "utf-8"
    inserted: set[str] = field(default_factory=set)  # paragraphs an injection added: never spliced into

    def note(self, kind: str, codes: Sequence[str], needle: str | None, last: bool = False) -> None:
        self.injections.append({"kind": kind, "codes": sorted(codes), "needle": needle, "last": last})


def _mid(rng: random.Random, body: Body) -> int:
    """A paragraph of the source text (not one an injection added, which a splice would break)."""
    own = [i for i, p in enumerate(body.paragraphs) if p not in body.inserted]
    return rng.choice(own) if own else rng.randrange(len(body.paragraphs))


def _insert(rng: random.Random, body: Body, piece: str, lo: int = 0) -> None:
    body.paragraphs.insert(rng.randrange(lo, len(body.paragraphs)) if lo < len(body.paragraphs) else lo, piece)
    body.inserted.add(piece)


_HAN = re.compile("[\u4e00-\u9fff]")
_PLAIN_SPAN = re.compile("[\u4e00-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’0-9A-Za-z .,%]+")
_MARKUP = re.compile(r"<[^<>]*>|&#?\w+;|\x1b\[\d*m")


def _splice(rng: random.Random, body: Body, piece: str, zh_only_boundary: bool = True) -> None:
    """Insert ``piece`` inside a paragraph, at a sentence-internal punctuation or word boundary."""
    i = _mid(rng, body)
    para = body.paragraphs[i]
    inside = {k for m in _MARKUP.finditer(para) for k in range(m.start() + 1, m.end())}
    cuts = [m.end() for m in re.finditer("[，、；：]" if body.lang == "zh" else " ", para) if m.end() not in inside]
    if not cuts:  # no punctuation: anywhere between two characters of text, never inside markup
        cuts = [k for k in range(1, len(para)) if k not in inside] or [len(para)]
    at = rng.choice(cuts)
    body.paragraphs[i] = para[:at] + piece + para[at:]


def _window(rng: random.Random, text: str, transform: Callable[[str], str | None], sizes=(12, 10, 8, 6, 4),
            min_han: int = 0):
    """A span of ``text`` whose transform is exact, as ``(start, end, new)``; None if there is none.

    ``min_han``: the span must hold that many Han characters (a 2-character mojibake run inside
    Chinese text is ambiguous even to a reader, and not what a mis-decoded page looks like)."""
    han = [m.start() for m in re.finditer("[\u4e00-\u9fff]", text)]
    for size in sizes:
        starts = [s for s in han if s + size <= len(text)]
        rng.shuffle(starts)
        for start in starts[:30]:
            if min_han and len(_HAN.findall(text, start, start + size)) < min_han:
                continue
            if not _PLAIN_SPAN.fullmatch(text, start, start + size):
                continue  # another injection (an invisible character, markup) would be swallowed
            new = transform(text[start : start + size])
            if new is not None:
                return start, start + size, new
    return None


def _utf8_as_gbk(s: str) -> str | None:
    try:
        out = s.encode("utf-8").decode("gbk")
    except UnicodeDecodeError:
        return None
    return out if _plain_mojibake(out, s) else None


def _gbk_as_latin1(s: str) -> str | None:
    try:
        raw = s.encode("gbk")
    except UnicodeEncodeError:
        return None
    if any(0x80 <= b <= 0xA0 or b == 0xAD for b in raw):
        return None  # C1 controls, NBSP, soft hyphen: other checks' material, not an exact label
    out = raw.decode("latin-1")
    return out if _plain_mojibake(out, s) else None


def _utf8_as_cp1252(s: str) -> str | None:
    try:
        out = s.encode("utf-8").decode("cp1252")
    except UnicodeDecodeError:
        return None
    return out if _plain_mojibake(out, s) and not re.search("[\xa0\xad]", out) else None


def _plain_mojibake(out: str, original: str) -> bool:
    return out != original and not _UNCLEAN.search(out) and not re.search(r"\s", out)


def inj_mojibake(codec: str) -> Callable[[random.Random, Body], bool]:
    transform = {"utf8-as-gbk": _utf8_as_gbk, "gbk-as-latin1": _gbk_as_latin1,
                 "utf8-as-cp1252": _utf8_as_cp1252}[codec]

    def inject(rng: random.Random, body: Body) -> bool:
        if body.lang == "en":
            if codec != "utf8-as-cp1252":
                return False
            i = _mid(rng, body)
            words = body.paragraphs[i].split(" ")
            plain = [k for k, w in enumerate(words) if re.fullmatch(r"[A-Za-z]+[,.]?", w)]
            if not plain:
                return False
            j = rng.choice(plain)
            accented = rng.choice(("café", "résumé", "naïve", "Zürich", "São Paulo", "façade", "“quoted’"))
            moj = accented.encode("utf-8").decode("cp1252")  # all exact: no undefined cp1252 byte
            words[j] = moj
            body.paragraphs[i] = " ".join(words)
            body.note(f"mojibake:{codec}", ["NL101"], moj)
            return True
        for _ in range(5):
            i = _mid(rng, body)
            found = _window(rng, body.paragraphs[i], transform, min_han=4)
            if found:
                start, end, new = found
                para = body.paragraphs[i]
                body.paragraphs[i] = para[:start] + new + para[end:]
                body.note(f"mojibake:{codec}", ["NL101"], new)
                return True
        return False

    return inject


_CONTROLS = ("\x01", "\x02", "\x08", "\x0b", "\x1b[31m", "\x7f")
_INVISIBLE = ("\u200b", "\u2060", "\ufeff", "\u200b\u200b", "\ue003", "\ufffd\ufffd")


def inj_control(rng: random.Random, body: Body) -> bool:
    piece = rng.choice(_CONTROLS)
    _splice(rng, body, piece)
    body.note("control", ["NL103"], piece)
    return True


def inj_invisible(rng: random.Random, body: Body) -> bool:
    piece = rng.choice(_INVISIBLE)
    if body.lang == "zh" and rng.random() < 0.3:
        piece = "\u200d"  # a ZWJ between two Han characters (never part of an emoji sequence)
    _splice(rng, body, piece)
    body.note("invisible", ["NL103"], piece)
    return True


_ENTITIES_ZH = ("&nbsp;", "&nbsp;&nbsp;", "&amp;", "&quot;", "&ldquo;", "&#12288;", "&#x4e2d;&#22269;", "&amp;nbsp;")
_ENTITIES_EN = ("&nbsp;", "&amp;", "&quot;", "&rsquo;", "&mdash;", "&#39;", "&amp;amp;")


def inj_entity(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    piece = rng.choice(_ENTITIES_ZH if body.lang == "zh" else _ENTITIES_EN)
    if body.lang == "en" and piece == "&amp;":
        piece = "AT&amp;T "
    _splice(rng, body, piece)
    body.note("entity", ["NL104"], piece)
    return True


_TAGS = (
    ("wrap", "<p>", "</p>"),
    ("wrap", '<p cms-style="font-L">', "</p>"),
    ("wrap", '<font cms-style="font-L">', "</font>"),
    ("inline", "<br>", None),
    ("inline", "<br />", None),
    ("word", "<strong>", "</strong>"),
    ("para", '<div class="img_wrapper"><img src="https://n.sinaimg.cn/a.jpg" alt data-link '
             'referrerpolicy="no-referrer"><span class="img_descr"></span></div>', None),
)


def inj_tag(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    how, open_, close = rng.choice(_TAGS)
    i = _mid(rng, body)
    para = body.paragraphs[i]
    if how == "wrap":
        body.paragraphs[i] = open_ + para + close
    elif how == "inline":
        _splice(rng, body, open_)
    elif how == "word":
        words = para.split(" ") if body.lang == "en" else None
        if words and len(words) > 2:
            j = rng.randrange(len(words))
            words[j] = f"{open_}{words[j]}{close}"
            body.paragraphs[i] = " ".join(words)
        else:
            body.paragraphs[i] = open_ + para[:6] + close + para[6:]
    else:
        _insert(rng, body, open_)
    body.note(f"tag:{how}", ["NL201"], open_)
    return True


_COMMENTS = ("<!-- 正文下iframe -->", "<!-- 文末二维码 start -->", "<!-- 总声明-->", "<!-- ad slot -->")


def inj_comment(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    piece = rng.choice(_COMMENTS)
    if rng.random() < 0.5:
        _insert(rng, body, piece)
    else:
        i = _mid(rng, body)
        body.paragraphs[i] += piece
    body.note("comment", ["NL202"], piece)
    return True


_CSS = (
    "<style>\n.appendQr_wrap{border:1px solid #E6E6E6;padding:8px;}\n.appendQr_normal{float:left;}\n</style>",
    '<script type="text/javascript">var _hmt = _hmt || []; if (a < b) {x();}</script>',
    ".badge { width: 250px; height: 80px; } .badge .avatar img { margin: 10px 0 0 10px }",
    ".app-kaihu-qr span {font-size: 18px; line-height: 31px;display: block;}",
)


def inj_css(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    piece = rng.choice(_CSS)
    _insert(rng, body, piece)
    body.note("css", ["NL203"], piece)
    return True


_SINA = [("sh603883", "老百姓"), ("sz300750", "宁德时代"), ("sh600482", "中国动力"), ("sh600519", "贵州茅台")]
_EM = [("106.NIO", "106,NIO", "蔚来"), ("1.600160", "1,600160", "巨化股份"), ("0.300059", "0,300059", "东方财富")]


def inj_ticker(rng: random.Random, body: Body) -> bool:
    if body.lang != "zh":
        return False
    markup = body.fmt in MARKUP_FORMATS
    form = rng.randrange(5)
    if form == 0:
        code, name = rng.choice(_SINA)
        piece = (f'<span id="stock_{code}"><a href="https://finance.sina.com.cn/realstock/company/{code}/nc.shtml" '
                 f'class="keyword" target="_blank">{name}</a></span><span id="quote_{code}"></span>')
        codes = ["NL301", "NL201"]
    elif form == 1:
        piece = ('<span id="usstock_JPM"><a href="http://stock.finance.sina.com.cn/usstock/quotes/JPM.html" '
                 'class="keyword f_st">摩根大通</a></span><span id="quote_JPM">(<font color="green">115.395</font>, '
                 '<font color="green">2.79</font>)</span>')
        codes = ["NL301", "NL201"]
    elif form == 2:
        a, b = rng.sample(_SINA, 2)
        piece = f"<!-- news_keyword_pub,stock,{a[0]}&{b[0]} -->"
        codes = ["NL301", "NL202"]
    elif form == 3:
        code, data, name = rng.choice(_EM)
        piece = (f'<span id="stock_{code}"><a href="http://quote.eastmoney.com/unify/r/{code}" class="keytip" '
                 f'data-code="{data}">{name}</a></span><span id="quote_{code}"></span>')
        codes = ["NL301", "NL201"]
    else:
        code, data, name = rng.choice(_EM)
        piece = (f'<span web="1" href="http://quote.eastmoney.com/unify/r/{code}" class="em_stock_key_common" '
                 f'data-code="{data}">{name}</span>')
        codes = ["NL301", "NL201"]
    if form == 2:
        i = _mid(rng, body)
        body.paragraphs[i] += piece
    else:
        _splice(rng, body, piece)
    body.note(f"ticker:{'sina' if form < 3 else 'eastmoney'}", codes if markup else ["NL301"], piece)
    return True


_ADS_ZH = ("海量资讯、精准解读，尽在新浪财经APP", "股民福利来了！十大金股送给你，带你掘金“黄金坑”！点击查看>>",
           "深度报告 权威内参 来自“证券通”www.KL178.com")
_ADS_EN = ("Share Pin It More Galleries ADVERTISEMENT",)


def inj_ad(rng: random.Random, body: Body) -> bool:
    if len(body.paragraphs) < 2:
        return False
    if body.lang == "zh":
        piece = rng.choice(_ADS_ZH)
        _insert(rng, body, piece, lo=1)  # never the last line: trailing boilerplate skips promos there
    else:
        piece = _ADS_EN[0]
        _splice(rng, body, piece + " ")
    body.note("ad-stub", ["NL302"], piece)
    return True


_NAMES_ZH = ("王翔", "李琳琳", "史建磊", "刘菲菲")
_SITES_ZH = ("新华网", "人民网", "北京晚报", "新京报", "央视新闻")


def inj_leading(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    if body.lang == "zh":
        if rng.random() < 0.5:
            title = body.paragraphs[-1].strip("\u3000 ")[:rng.randint(8, 20)].rstrip("，、；：")
            piece = f"原标题：{title}"
        else:
            piece = f"来源：{rng.choice(_SITES_ZH)}"
        body.header.append(piece)
    else:
        if rng.random() < 0.5:
            piece = "Original title: " + " ".join(body.paragraphs[-1].split()[:6]).rstrip(",;:")
            body.header.append(piece)
        else:
            piece = f" date 2023-{rng.randint(1, 12):02d}-{rng.randint(10, 28):02d} "
            body.paragraphs[0] = piece + body.paragraphs[0]
    body.note("leading-boilerplate", ["NL401"], piece)
    return True


def inj_trailing(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    if body.lang == "zh":
        piece = rng.choice((
            f"责任编辑：{rng.choice(_NAMES_ZH)}",
            f"（文章来源：{rng.choice(_SITES_ZH)}）",
            "[返回东财滚动新闻](//finews.withounder.com/emnews/)｜[返回首页](//finews.withounder.com/)",
            f"本文来源：{rng.choice(_SITES_ZH)}",
            "免责声明：本文来自腾讯新闻客户端自媒体，不代表腾讯网的观点和立场。",
        ))
    else:
        piece = rng.choice(("Theme: Overlay by Kaira Extra Text", "Editor in responsibility: Wang Xiang",
                            "Proudly powered by WordPress"))
    body.footer.append(piece)
    body.note("trailing-boilerplate", ["NL402"], piece)
    return True


def inj_repeat(rng: random.Random, body: Body) -> bool:
    if body.fmt not in MARKUP_FORMATS:
        return False
    long_enough = [i for i, p in enumerate(body.paragraphs)
                   if i and p not in body.inserted and len(p.strip("\u3000 ")) >= 30]
    if not long_enough:
        return False
    i = rng.choice(long_enough)
    body.paragraphs.insert(rng.randrange(i + 1, len(body.paragraphs) + 1), body.paragraphs[i])
    body.note("repeated-paragraph", ["NL404"], body.paragraphs[i], last=True)
    return True


_S2T = None


def _to_traditional(text: str) -> str:
    global _S2T
    if _S2T is None:
        import opencc

        try:
            _S2T = opencc.OpenCC("s2t")
        except Exception:  # the other opencc distribution wants the config file name
            _S2T = opencc.OpenCC("s2t.json")
    return _S2T.convert(text)


def inj_traditional(rng: random.Random, body: Body) -> bool:
    if body.lang != "zh" or body.fmt not in MARKUP_FORMATS:
        return False

    whole = "".join(body.paragraphs)
    specific = sum(a != b for a, b in zip(whole, _to_traditional(whole), strict=False))

    def convert(span: str) -> str | None:
        # NL106 leaves a document alone when neither script dominates (the odd one > max_ratio 0.2
        # of the main one): keep the converted characters well under that, or the label is wrong.
        new = _to_traditional(span)
        changed = sum(a != b for a, b in zip(span, new, strict=False))
        ok = len(new) == len(span) and 4 <= changed <= 0.1 * (specific - changed)
        return new if ok else None

    for _ in range(5):
        i = _mid(rng, body)
        found = _window(rng, body.paragraphs[i], convert, sizes=(6, 10, 14))
        if found:
            start, end, new = found
            para = body.paragraphs[i]
            body.paragraphs[i] = para[:start] + new + para[end:]
            body.note("traditional", ["NL106"], new)
            return True
    return False


def inj_cjk_punct(rng: random.Random, body: Body) -> bool:
    if body.lang != "en" or body.fmt not in MARKUP_FORMATS:
        return False
    candidates = [(i, m) for i, p in enumerate(body.paragraphs) for m in re.finditer(r"(?<=[a-z]), (?=[a-z])", p)]
    if not candidates:
        return False
    i, m = rng.choice(candidates)
    para = body.paragraphs[i]
    body.paragraphs[i] = para[: m.start()] + "，" + para[m.end():]
    body.note("cjk-punctuation", ["NL105"], para[m.start() - 6 : m.start()] + "，")
    return True


def inj_gbk_file(rng: random.Random, body: Body) -> bool:
    if body.lang != "zh" or body.fmt == "jsonl":
        return False
    body.encoding = "gbk"
    body.note("non-utf8-file:gbk", ["NL102"], None)
    return True


INJECTIONS: dict[str, Callable[[random.Random, Body], bool]] = {
    "mojibake-utf8-as-gbk": inj_mojibake("utf8-as-gbk"),
    "mojibake-gbk-as-latin1": inj_mojibake("gbk-as-latin1"),
    "mojibake-utf8-as-cp1252": inj_mojibake("utf8-as-cp1252"),
    "non-utf8-file": inj_gbk_file,
    "control": inj_control,
    "invisible": inj_invisible,
    "entity": inj_entity,
    "cjk-punctuation": inj_cjk_punct,
    "traditional": inj_traditional,
    "tag": inj_tag,
    "comment": inj_comment,
    "css": inj_css,
    "ticker": inj_ticker,
    "ad-stub": inj_ad,
    "leading-boilerplate": inj_leading,
    "trailing-boilerplate": inj_trailing,
    "repeated-paragraph": inj_repeat,
}


_LATE = ["leading-boilerplate", "trailing-boilerplate", "repeated-paragraph"]


# -- documents ------------------------------------------------------------------------------------

@dataclass
class LabelledDoc:
    id: str
    fmt: str  # plain | markdown | html | jsonl
    lang: str
    text: str  # the document text (file text, or the JSONL field value)
    codes: list[str]
    unscored: list[str]
    injections: list[dict]
    family: int
    role: str  # clean | injected | original | exact | near
    rate: float = 0.0
    encoding: str = "utf-8"
    title: str = ""


def _paragraphs(rng: random.Random, sentences: list[str], lang: str) -> list[str]:
    out, i = [], 0
    while i < len(sentences):
        step = rng.randint(1, 3)
        chunk = sentences[i : i + step]
        i += step
        out.append(("\u3000\u3000" + "".join(chunk)) if lang == "zh" else " ".join(chunk))
    return out


def render(body: Body, title: str) -> str:
    """The document text in its format; spans of the injections are located in this text."""
    lines = [*body.header, *body.paragraphs, *body.footer]
    if body.fmt == "html":
        return '<div class="article">\n' + "".join(f"<p>{line}</p>\n" for line in lines) + "</div>\n"
    sep = "\n\n" if body.fmt == "markdown" or body.lang == "en" else "\n"
    text = sep.join(lines) + "\n"
    if body.fmt == "markdown":
        front = f'---\ntitle: "{title}"\ndate: 2021-12-08 10:00:00 +0800\ncategories: [新闻]\n---\n\n'
        return front + text
    return text


def _locate(text: str, injections: list[dict]) -> list[dict]:
    out = []
    for inj in injections:
        needle = inj.pop("needle")
        last = inj.pop("last")
        at = -1 if needle is None else (text.rfind(needle) if last else text.find(needle))
        out.append({**inj, "span": [at, at + len(needle)] if needle is not None and at >= 0 else None})
    return out


def generate_docs(
    n_docs: int | None = None,
    seed: int = 0,
    pool: dict[str, list[str]] | None = None,
    target_bytes: int | None = None,
    formats: Sequence[str] = ("plain", "markdown", "html", "jsonl"),
    clean_share: float = 0.35,
    dup_share: float = 0.08,
    zh_share: float = 0.7,
) -> Iterator[LabelledDoc]:
    """Labelled documents, the same for the same arguments; stop at ``n_docs`` or ``target_bytes``.

    Formats are chosen per run of 8 documents for JSONL (so JSONL records group into files in run
    order) and per document otherwise. Duplicate families follow their original immediately.
    """
    rng = random.Random(seed)
    pool = pool or clean_pool()
    langs = [lang for lang in ("zh", "en") if pool[lang]]
    if not langs:
        raise SystemExit("no clean source sentences found (is seeds/ present?)")
    count = size = family = 0
    group_fmt, group_left = None, 0
    kinds = list(INJECTIONS)

    def done() -> bool:
        return (n_docs is not None and count >= n_docs) or (target_bytes is not None and size >= target_bytes)

    while not done():
        if group_left == 0:
            group_left = 8
            group_fmt = "jsonl" if "jsonl" in formats and rng.random() < 0.35 else None
        group_left -= 1
        fmt = group_fmt or rng.choice([f for f in formats if f != "jsonl"] or ["jsonl"])
        lang = "zh" if ("zh" in langs and (rng.random() < zh_share or "en" not in langs)) else "en"
        sentences = rng.sample(pool[lang], min(rng.randint(5, 14), len(pool[lang])))
        body = Body(lang, fmt, _paragraphs(rng, sentences, lang))
        title = sentences[0].strip("\u3000 ")[:16].replace('"', "")
        roll = rng.random()
        role = "clean"
        if roll >= clean_share + dup_share:
            role = "injected"
            wanted = 1 if rng.random() < 0.7 else 2
            chosen = list(dict.fromkeys(rng.choice(kinds) for _ in range(wanted)))
            # Whole-paragraph forms last, so a later splice cannot break a repeated pair or a header.
            for kind in sorted(chosen, key=lambda k: _LATE.index(k) if k in _LATE else -1):
                INJECTIONS[kind](rng, body)
            if not body.injections:
                role = "clean"
        elif roll >= clean_share:
            role = "original"
        text = render(body, title)
        if body.encoding != "utf-8":
            try:
                text.encode(body.encoding)
            except UnicodeEncodeError:  # another injection put in what GBK cannot hold
                body.encoding = "utf-8"
                body.injections = [i for i in body.injections if i["kind"] != "non-utf8-file:gbk"]
        injections = _locate(text, body.injections)
        codes = sorted({c for inj in injections for c in inj["codes"]})
        doc = LabelledDoc(f"d{count:08d}", fmt, lang, text, codes, [], injections, family, role,
                          encoding=body.encoding, title=title)
        yield doc
        count += 1
        size += len(text.encode("utf-8"))
        if role == "original" and not done():
            plain_text = "\n".join(body.paragraphs) + "\n"
            copies = [("exact", 0.0)] if rng.random() < 0.4 else []
            copies += [("near", rng.choice(generate.NEAR_RATES)) for _ in range(rng.choice((1, 1, 2)))]
            for kind, rate in copies:
                if done():
                    break
                if kind == "exact":
                    copy_text, codes, unscored = text, ["NL501"], []
                else:
                    edited = generate._edit(rng, plain_text, lang, rate, rng.choice(pool[lang]))
                    copy = Body(lang, fmt, [p for p in edited.split("\n") if p.strip()])
                    copy_text = render(copy, title)
                    codes = ["NL502"] if rate <= generate.MAX_RATE else []
                    unscored = ["NL502"] if generate.MAX_RATE < rate <= generate.GRAY_RATE else []
                yield LabelledDoc(f"d{count:08d}", fmt, lang, copy_text, codes, unscored, [], family, kind, rate,
                                  title=title)
                count += 1
                size += len(copy_text.encode("utf-8"))
        family += 1


# -- writing --------------------------------------------------------------------------------------

def _truth_row(doc: LabelledDoc, path: str, record: int | None) -> dict:
    return {"id": doc.id, "path": path, "record": record, "format": doc.fmt, "lang": doc.lang,
            "codes": doc.codes, "unscored": doc.unscored, "injections": doc.injections,
            "family": doc.family, "role": doc.role, "rate": doc.rate, "encoding": doc.encoding}


def _record(doc: LabelledDoc) -> str:
    return json.dumps({"id": doc.id, "title": doc.title, "text": doc.text}, ensure_ascii=False) + "\n"


def write_corpus(docs: Iterator[LabelledDoc] | Sequence[LabelledDoc], out: Path, layout: str = "mixed",
                 chunk: int = 1000) -> Path:
    """Write ``out/docs/`` (mixed: one folder per ``chunk`` documents, JSONL runs grouped into one
    file named after their first id, so discovery order is id order) or ``out/corpus.jsonl``
    (layout ``jsonl``: every document a record), and ``out/truth.jsonl``. Streams: any size."""
    out.mkdir(parents=True, exist_ok=True)
    truth = (out / "truth.jsonl").open("w", encoding="utf-8")
    try:
        if layout == "jsonl":
            with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
                for number, doc in enumerate(docs, 1):
                    fh.write(_record(doc))
                    truth.write(json.dumps(_truth_row(doc, "corpus.jsonl", number), ensure_ascii=False) + "\n")
            return out
        handle, handle_path, record, last_id = None, "", 0, -1
        for index, doc in enumerate(docs):
            folder = out / "docs" / f"c{index // chunk:04d}"
            if index % chunk == 0:
                folder.mkdir(parents=True, exist_ok=True)
            if doc.fmt == "jsonl":
                if handle is None or index != last_id + 1 or index % chunk == 0:
                    if handle is not None:
                        handle.close()
                    handle_path = (folder / f"{doc.id}.jsonl").relative_to(out).as_posix()
                    handle = (out / handle_path).open("w", encoding="utf-8")
                    record = 0
                record += 1
                last_id = index
                handle.write(_record(doc))
                truth.write(json.dumps(_truth_row(doc, handle_path, record), ensure_ascii=False) + "\n")
                continue
            path = folder / f"{doc.id}{EXT[doc.fmt]}"
            path.write_bytes(doc.text.encode(doc.encoding))
            truth.write(json.dumps(_truth_row(doc, path.relative_to(out).as_posix(), None), ensure_ascii=False) + "\n")
        if handle is not None:
            handle.close()
    finally:
        truth.close()
    return out


def read_truth(out: Path) -> list[dict]:
    return generate.read_truth(out / "truth.jsonl")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=None, help="number of documents (default 10000)")
    parser.add_argument("--mb", type=float, default=None, help="or: stop at this many MB of text")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layout", choices=("mixed", "jsonl"), default="mixed")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    n_docs = args.docs if args.docs or args.mb else 10000
    target = int(args.mb * 1e6) if args.mb else None
    formats = ("jsonl",) if args.layout == "jsonl" else ("plain", "markdown", "html", "jsonl")
    docs = generate_docs(n_docs, args.seed, target_bytes=target, formats=formats)
    write_corpus(docs, args.out, args.layout)
    rows = read_truth(args.out)
    print(f"wrote {len(rows)} documents to {args.out}; pool filter: {dict(POOL_STATS)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
