"""Duplicate detection (NL501 exact, NL502 near): normalisation, signatures, LSH, clusters, real corpus.

The corpus phase is exercised directly through ``map``/``reduce`` (what the runner does per
document and once at the end). Real duplicates come from ``../shared/corpus`` (skipped when absent)
and the seeds.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from newslint import registry
from newslint.config import Settings
from newslint.datafile import dump_body, loads_body

# Until the kinds are in BUILTIN_KINDS and the entry points (see the report), register them here.
from newslint.dedup.lsh import UnionFind, candidate_pairs, optimal_bands  # noqa: E402
from newslint.dedup.minhash import jaccard_estimate, shingle_hashes, signature, text_signature  # noqa: E402
from newslint.dedup.normalize import canonical, compile_boilerplate, normalize  # noqa: E402
from newslint.document import Document, file_document, text_document
from newslint.inputs import load
from newslint.packs import load_pack  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = REPO / "seeds"
SOGOU = "sogouc-reduced-gbk-finance/C000008"


def seed_path(number: int) -> Path:
    return next(SEEDS.glob(f"{number:03d}_*.txt"))


@pytest.fixture(scope="module")
def specs():
    return {s.code: s for s in load_pack(REPO / "checks" / "duplicates.yml")}


def detectors(specs, **near_params):
    exact = registry.detector_class("exact-duplicate")(specs["NL501"])
    near_spec = specs["NL502"]
    if near_params:
        near_spec = replace(near_spec, params={**near_spec.params, **near_params})
    return exact, registry.detector_class("near-duplicate")(near_spec)


def run(specs, docs: list[Document], **near_params) -> dict[str, dict[int, object]]:
    """Map every document through both checks (as the runner does), reduce; hits by code and doc index."""
    exact, near = detectors(specs, **near_params)
    summaries: dict[str, list] = {"NL501": [], "NL502": []}
    for index, doc in enumerate(docs):
        summaries["NL501"].append((index, exact.map(doc)))
        summaries["NL502"].append((index, near.map(doc)))
    return {
        "NL501": dict(exact.reduce(summaries["NL501"])),
        "NL502": dict(near.reduce(summaries["NL502"])),
    }


def clusters(docs: list[Document], hits: dict[str, dict[int, object]], codes=("NL501", "NL502")) -> UnionFind:
    where = {(d.path, d.record): i for i, d in enumerate(docs)}
    uf = UnionFind(len(docs))
    for code in codes:
        for index, hit in hits[code].items():
            uf.union(index, where[(hit.args["kept_path"], hit.args["kept_record"])])
    return uf


def load_docs(paths: list[Path]) -> list[Document]:
    out: list[Document] = []
    for path in paths:
        source = load(path, Settings())
        out.extend(source.documents)
    return out


# -- normalisation -------------------------------------------------------------------------------


def test_canonical_ignores_markup_width_punctuation_and_indentation():
    plain = "　　北京，老百姓（603883）涨停：记者报道。\n　　第二段。"
    variants = [
        "<div><p>　　北京&#65292;老百姓（６０３８８３）涨停：记者报道。</p>\n<p>第二段。</p></div>",
        "    北京, 老百姓(603883)涨停:记者报道.\n\n    第二段",
        "北京，老百姓（603883）\n涨停：记者报道。第二段。\n[返回首页](//finews.example.com/)｜[返回列表](../)",
    ]
    rules = compile_boilerplate()
    expected = normalize(plain, rules)
    assert expected == "北京老百姓603883涨停记者报道第二段"
    for variant in variants:
        assert normalize(variant, rules) == expected


def test_canonical_keeps_latin_word_boundaries():
    assert canonical("Hello,   World! It's “NEWS”") == "hello world it s news"
    assert canonical("Hello World") != canonical("HelloWorld")


def test_boilerplate_lines_are_dropped_but_not_text_that_mentions_them():
    rules = compile_boilerplate()
    body = "　　正文第一段，内容足够长。\n责任编辑：王蒙\n海量资讯、精准解读，尽在新浪财经APP"
    assert normalize(body, rules) == "正文第一段内容足够长"
    assert "编辑" in normalize("　　本报编辑部今天发布消息说，编辑工作很辛苦。", rules)


def test_chinese_is_shingled_by_characters_never_split_on_non_word():
    text = canonical("北京城市副中心，高质量发展！")
    assert text == "北京城市副中心高质量发展"
    assert shingle_hashes(text, cjk_ngram=4).size == len(text) - 3
    english = canonical("The city sub-center, high quality development!")
    assert shingle_hashes(english, word_ngram=3).size == len(english.split()) - 2


# -- signatures and LSH --------------------------------------------------------------------------


def _edited(text: str, every: int) -> str:
    return "".join("某" if i % every == 0 else c for i, c in enumerate(text))


def test_signature_estimates_jaccard():
    text = normalize(load(seed_path(4), Settings()).documents[0].text)
    assert len(text) > 500
    for every in (7, 15, 40):
        other = _edited(text, every)
        a, b = set(shingle_hashes(text).tolist()), set(shingle_hashes(other).tolist())
        true = len(a & b) / len(a | b)
        estimate = jaccard_estimate(text_signature(text, 256), text_signature(other, 256))
        assert abs(estimate - true) < 0.1, (every, true, estimate)


def test_signature_is_deterministic_across_processes():
    text = normalize(load(seed_path(1), Settings()).documents[0].text)
    here = text_signature(text).tobytes().hex()
    code = (
        "import sys; from newslint.dedup.minhash import text_signature; "
        "print(text_signature(sys.stdin.read()).tobytes().hex())"
    )
    there = subprocess.run(
        [sys.executable, "-c", code], input=text, capture_output=True, text=True, check=True,
        env={"PYTHONHASHSEED": "12345", "PATH": ""}, cwd=REPO,
    ).stdout.strip()
    assert there == here


def test_short_text_signature_is_densified():
    sig = signature(shingle_hashes(canonical("北京城市副中心高质量发展")), 128)
    assert sig is not None and sig.size == 128 and (sig != 0xFFFFFFFF).all()
    assert signature(shingle_hashes(""), 128) is None


def test_lsh_candidates_and_banding():
    np = pytest.importorskip("numpy")
    base = np.arange(128, dtype=np.uint32)
    sigs = np.stack([base, base, base + 1000, base.copy()])
    sigs[3, :64] += 5000  # half the bands still agree with rows 0 and 1
    pairs = {tuple(p) for p in candidate_pairs(sigs, 32, 4).tolist()}
    assert pairs == {(0, 1), (0, 3), (1, 3)}
    bands, rows = optimal_bands(0.4, 128)
    assert bands * rows <= 128
    datasketch = pytest.importorskip("datasketch")
    lsh = datasketch.MinHashLSH(threshold=0.4, num_perm=128)
    assert (lsh.b, lsh.r) == (bands, rows)


def test_band_pairs_match_a_reference_and_stay_linear():
    """Band by band merging gives exactly the distinct (previous, member) and (head, member) pairs of
    every bucket of every band, sorted; a bucket of m documents yields fewer than 2m pairs."""
    np = pytest.importorskip("numpy")
    from newslint.dedup.lsh import pairs_from_columns, pairs_from_keys

    rng = np.random.default_rng(7)
    keys = rng.integers(0, 40, size=(300, 6), dtype=np.uint32)  # many collisions in every band
    expected: set[tuple[int, int]] = set()
    for b in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for row, key in enumerate(keys[:, b].tolist()):
            buckets.setdefault(key, []).append(row)
        for members in buckets.values():
            for previous, member in zip(members, members[1:], strict=False):
                expected.add((previous, member))
                expected.add((members[0], member))
    pairs = pairs_from_keys(keys)
    assert [tuple(p) for p in pairs.tolist()] == sorted(expected)
    narrow = pairs_from_columns(lambda b: keys[:, b], len(keys), keys.shape[1], np.int32)
    assert narrow.dtype == np.int32 and narrow.tolist() == pairs.tolist()
    one_bucket = np.zeros((1000, 2), dtype=np.uint32)
    assert len(pairs_from_keys(one_bucket)) < 2 * 1000


def test_summary_is_picklable(specs):
    exact, near = detectors(specs)
    doc = load(seed_path(1), Settings()).documents[0]
    for summary in (exact.map(doc), near.map(doc)):
        assert pickle.loads(pickle.dumps(summary)) == summary  # to and from worker processes
        assert loads_body(dump_body(summary)) == summary  # in the spool, the cache and the index
    summary = near.map(doc)
    assert summary.path == doc.path and summary.record is None and len(summary.signature) == 4 * 128


# -- the checks ----------------------------------------------------------------------------------


def _article() -> list[str]:
    text = load(seed_path(4), Settings()).documents[0].text
    body = normalize(text)
    return [body[i : i + 60] for i in range(0, 600, 60)]


def test_front_matter_is_not_part_of_the_body(specs):
    body = "\n".join(_article()) + "\n"
    one = file_document("a.md", "---\ntitle: one\ndate: 2021\n---\n" + body, fmt=load_format())
    two = file_document("b.md", "---\ntitle: two\ntags: x\n---\n\n" + body, fmt=load_format())
    hits = run(specs, [one, two])
    assert set(hits["NL501"]) == {1}
    hit = hits["NL501"][1]
    assert hit.args["kept"] == "a.md"
    assert two.text[hit.start : hit.end] == _article()[0]
    assert hits["NL502"] == {}


def load_format():
    from newslint.document import Format

    return Format.MARKDOWN


def test_jsonl_records_name_the_kept_record(specs):
    paragraphs = _article()
    docs = [
        text_document("dump.jsonl", "\n".join(paragraphs), 1, "text"),
        text_document("dump.jsonl", "\n".join(paragraphs[::-1]), 2, "text"),
        text_document("dump.jsonl", "\n".join(paragraphs) + "\n", 3, "text"),
        text_document("other.md", "\n".join(paragraphs[:-1] + ["完全不同的一段话，作为结尾出现在这里。"]), None, None),
    ]
    hits = run(specs, docs)
    assert set(hits["NL501"]) == {2}
    assert hits["NL501"][2].args["kept"] == "dump.jsonl:record 1"
    assert set(hits["NL502"]) == {3}  # record 2 has every paragraph, but in another order: ratio too low
    near = hits["NL502"][3]
    assert near.args["kept"] == "dump.jsonl:record 1"
    assert 0.85 <= float(near.args["similarity"]) < 1


def test_keep_longest_reports_the_shorter_copies(specs):
    paragraphs = _article()
    full = "\n".join(paragraphs)
    docs = [text_document("x.jsonl", "\n".join(paragraphs[:-1]), 1, "text"), text_document("x.jsonl", full, 2, "text")]
    assert set(run(specs, docs)["NL502"]) == {1}
    assert set(run(specs, docs, keep="longest")["NL502"]) == {0}


def test_clusters_are_connected_components(specs):
    p = _article()
    swap_a, swap_b = "这一段是后来改写的内容，与原文完全不同。" * 2, "另一段也被编辑替换成了新的文字说明。" * 2
    a = "\n".join(p)
    b = "\n".join(p[:8] + [swap_a, p[9]])
    c = "\n".join([swap_b] + p[1:8] + [swap_a, p[9]])
    from rapidfuzz import fuzz

    ab, bc, ac = (fuzz.ratio(normalize(x), normalize(y)) / 100 for x, y in ((a, b), (b, c), (a, c)))
    threshold = round((min(ab, bc) + ac) / 2, 3)
    assert ac < threshold <= min(ab, bc)
    docs = [text_document("c.jsonl", t, i + 1, "text") for i, t in enumerate((a, b, c))]
    hits = run(specs, docs, verify_threshold=threshold, threshold=0.3)
    assert set(hits["NL502"]) == {1, 2}
    assert {h.args["kept"] for h in hits["NL502"].values()} == {"c.jsonl:record 1"}
    assert float(hits["NL502"][2].args["similarity"]) < threshold  # reported through B, with its own score


def test_same_topic_and_translation_are_not_duplicates(specs):
    docs = load_docs([seed_path(0), seed_path(1), seed_path(4)])
    hits = run(specs, docs)
    assert hits == {"NL501": {}, "NL502": {}}


def test_pack_params_are_validated(specs):
    from newslint.packs import PackError, parse_check

    entry = {"code": "NL502", "name": "near-duplicate", "kind": "near-duplicate", "message": "m"}
    for params in ({"keep": "last"}, {"verify": "jaro"}, {"bands": 64, "rows": 4}, {"bands": 4}):
        with pytest.raises(PackError):
            parse_check({**entry, "params": params}, Path("p.yml"), 1)


# -- acceptance on the shared corpus -------------------------------------------------------------

EXACT_GROUPS = [
    [f"{SOGOU}/{n}.txt" for n in group]
    for group in ((29, 30), (61, 66, 68, 69), (73, 74, 75, 77, 80, 81), (106, 110, 113), (112, 114, 116))
] + [
    ["newspaper3k-test-fixtures/text/pixable.com1.txt", "newspaper3k-test-fixtures/text/pixable.com2.txt"],
    ["newspaper3k-test-fixtures/text/thekitchn.com1.txt", "newspaper3k-test-fixtures/text/thekitchn.com2.txt"],
    [
        "eastmoney-jekyll-finews/_posts/2021-12-08-202112082206672930.md",
        "eastmoney-jekyll-finews/old_post/2021-12-08-202112082206672930.md",
    ],
]
NEAR_PAIRS = [
    [f"{SOGOU}/{a}.txt", f"{SOGOU}/{b}.txt"]
    for a, b in ((111, 112), (105, 106), (235, 266), (366, 367), (329, 330), (224, 226))
] + [
    [
        "sina-finance-hexo-rsshub-page/1-5月上海市房地产开发投资同比下降180%.md",
        "sina-finance-hexo-rsshub-page/1-5月上海房地产开发投资比去年同期下降180%。.md",
    ]
]
# Other real copies in the corpus, found and checked by hand: 142 is a third copy of 235/266, and
# the sitepoint text is the extraction of the saved sitepoint page.
ALSO_DUPLICATES = {f"{SOGOU}/142.txt", "newspaper3k-test-fixtures/text/sitepoint.com2.txt",
                   "newspaper3k-test-fixtures/html/sitepoint.com2.html"}


@pytest.fixture(scope="module")
def corpus_run(specs):
    corpus = SHARED / "corpus"
    if not corpus.is_dir():
        pytest.skip("../shared/corpus is not present (it is only beside the project's own checkout)")
    paths = sorted(p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".html"))
    paths = [p for p in paths if p.name != "SOURCES.md"] + sorted(SEEDS.glob("*.txt"))
    docs = load_docs(paths)
    names = {}
    for i, d in enumerate(docs):
        path = Path(d.path)
        names[i] = path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name
    return docs, names, run(specs, docs)


def _index(names: dict[int, str], name: str) -> int:
    return next(i for i, n in names.items() if n == name)


def test_corpus_exact_groups_are_nl501(corpus_run):
    docs, names, hits = corpus_run
    uf = clusters(docs, hits, codes=("NL501",))
    for group in EXACT_GROUPS:
        roots = {uf.find(_index(names, name)) for name in group}
        assert len(roots) == 1, group
        flagged = [name for name in group if _index(names, name) in hits["NL501"]]
        assert len(flagged) >= len(group) - 1, group


def test_corpus_near_pairs_are_nl502_or_identical(corpus_run):
    docs, names, hits = corpus_run
    uf = clusters(docs, hits)
    for a, b in NEAR_PAIRS:
        assert uf.find(_index(names, a)) == uf.find(_index(names, b)), (a, b)
    sina_copy = _index(names, NEAR_PAIRS[-1][1])
    assert sina_copy in hits["NL502"]
    assert float(hits["NL502"][sina_copy].args["similarity"]) >= 0.8


def test_corpus_reports_nothing_else(corpus_run):
    docs, names, hits = corpus_run
    expected = {name for group in EXACT_GROUPS + NEAR_PAIRS for name in group} | ALSO_DUPLICATES
    flagged = {names[i] for code in hits for i in hits[code]}
    kept = {Path(h.args["kept_path"]).name for code in hits for h in hits[code].values()}
    assert flagged <= expected, flagged - expected
    assert not any(name.startswith(("000_", "001_", "004_")) for name in flagged | kept)


def test_corpus_hits_point_at_the_body(corpus_run):
    docs, names, hits = corpus_run
    copy = _index(names, "eastmoney-jekyll-finews/old_post/2021-12-08-202112082206672930.md")
    hit = hits["NL501"][copy]
    assert docs[copy].text[hit.start : hit.end] == "离岸人民币兑美元升至6.3512，为2018年以来最高水平。"
    assert hit.args["kept_path"].endswith("_posts/2021-12-08-202112082206672930.md")


# -- the labelled benchmark corpus ---------------------------------------------------------------


@pytest.fixture(scope="module")
def generator():
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared/corpus is not present (the generator draws sentences from it)")
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    return generate


def test_generator_is_deterministic_and_labelled(generator, tmp_path):
    pool = generator.sentence_pool()
    first = generator.generate(300, seed=7, pool=pool)
    assert first == generator.generate(300, seed=7, pool=pool)
    assert first != generator.generate(300, seed=8, pool=pool)
    assert {d.role for d in first} == {"original", "format", "near", "topic"}
    assert {d.lang for d in first} == {"zh", "en"}
    generator.write(first, tmp_path)
    truth = generator.read_truth(tmp_path / "truth.jsonl")
    assert [row["id"] for row in truth] == [d.id for d in first]
    pairs, excluded = generator.true_pairs(truth)
    assert pairs and all(first[a].family == first[b].family for a, b in pairs)
    assert all(0.1 < first[i].rate <= 0.3 for i in excluded)


def test_generated_corpus_precision_and_recall(specs, generator):
    docs = generator.generate(3000, seed=3)
    documents = [text_document("gen.jsonl", d.text, i + 1, "text") for i, d in enumerate(docs)]
    hits = run(specs, documents)
    uf = clusters(documents, hits)
    truth, excluded = generator.true_pairs([{"family": d.family, "rate": d.rate} for d in docs])
    predicted = {
        (a, b) for members in uf.groups().values() for i, a in enumerate(members) for b in members[i + 1 :]
    }
    predicted = {p for p in predicted if not excluded & set(p)}
    truth = {p for p in truth if not excluded & set(p)}
    true_positives = len(predicted & truth)
    assert true_positives / len(predicted) >= 0.98
    assert true_positives / len(truth) >= 0.95
    topic = [i for i, d in enumerate(docs) if d.role == "topic"]
    assert topic and not any(i in hits["NL502"] or i in hits["NL501"] for i in topic)
