"""The fast paths of the corpus maps give what the plain computation gives.

Batched maps: a check that splits its map (``map_start`` per document, ``map_finish`` over a batch)
must give every document the summary it would get alone, whatever its neighbours in the batch.
NL403 sketches the words of a whole batch in one text, NL502 shingles and signs a whole batch at
once; a word, character pair or n-gram that crossed from one document into the next, or a hash
counted for the wrong document, changes a summary here.

NL403's line cleaning replaces full-width forms itself before asking whether NFKC is still needed:
the result must be NFKC's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newslint.config import Settings
from newslint.dedup import minhash
from newslint.detectors.corpus_boilerplate import _clean
from newslint.document import Document, text_document
from newslint.engine.corpus import map_task
from newslint.inputs import load
from newslint.packs import builtin_pack_paths, load_packs
from newslint.registry import build_detector

REPO = Path(__file__).resolve().parents[1]

# Short bodies (fewer units than an n-gram), Latin and CJK side by side, words at both ends of a
# document, identical documents, an empty one: the cases a batch boundary could break.
TEXTS = [
    "责任编辑：张三\n\n央行今日开展逆回购操作，市场流动性保持合理充裕。\n\n返回首页\n关注我们的微信公众号",
    "Markets rallied on Friday as investors weighed the central bank's decision.\n\nShare this article\nRead more",
    "短",
    "ab",
    "",
    "一二三四五六七八九十 mixed with English words and 数字 123\n[返回首页](../)\n海量资讯、精准解读，尽在新浪财经APP",
    "Markets rallied on Friday as investors weighed the central bank's decision.\n\nShare this article\nRead more",
    "word " * 40 + "\n结尾一行中文字符串，用于测试边界。",
    "\n".join(f"第{n}行：今日沪深两市成交额突破万亿元，北向资金净流入。" for n in range(30)),
]


def _documents() -> list[Document]:
    docs = [text_document("batch.jsonl", text, n + 1, "content") for n, text in enumerate(TEXTS)]
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        loaded = load(seed, Settings())
        docs.extend(loaded.documents)
    return docs


@pytest.fixture(scope="module")
def corpus_detectors() -> dict:
    specs = {s.code: s for s in load_packs(builtin_pack_paths())}
    return {code: build_detector(specs[code], trusted=True) for code in ("NL403", "NL501", "NL502")}


@pytest.mark.parametrize("code", ["NL403", "NL502"])
def test_a_batch_gives_each_document_its_own_summary(corpus_detectors: dict, code: str) -> None:
    detector = corpus_detectors[code]
    docs = [d for d in _documents() if detector.check.applies_to(d)]
    alone = [detector.map(doc) for doc in docs]
    batched = detector.map_finish([detector.map_start(doc) for doc in docs])
    assert batched == alone
    reversed_batch = detector.map_finish([detector.map_start(doc) for doc in reversed(docs)])
    assert reversed_batch[::-1] == alone
    made = 5 if code == "NL403" else 6  # the sketch, the signature: made, so the comparison is not vacuous
    assert sum(bool(s[made]) for s in alone) >= len(TEXTS) // 2


def test_the_engine_maps_a_task_as_documents_alone(corpus_detectors: dict) -> None:
    class Plan:  # what map_task reads of a CorpusPlan
        detectors = list(corpus_detectors.values())
        owners = [0, 1, 2]

    docs = _documents()
    mapped = map_task(Plan, docs, [])
    for n, detector in enumerate(Plan.detectors):
        assert mapped[n] == [(i, detector.map(doc)) for i, doc in enumerate(docs) if detector.check.applies_to(doc)]


def test_batched_signatures_are_each_texts_own() -> None:
    canons = ["", "a", "ab", "a b", "中", "中文", "中文字符", "x y z w v", "同一段文字" * 30,
              " ".join(f"w{n}" for n in range(500)), "同一段文字" * 30]
    for num_perm, cjk, word, seed in ((128, 4, 3, 1), (100, 2, 1, 7)):
        alone = [minhash.signature(minhash.shingle_hashes(c, cjk, word), num_perm, seed) for c in canons]
        batched = minhash.text_signatures(canons, num_perm, cjk, word, seed)
        assert [a is None for a in alone] == [b is None for b in batched] == [not c for c in canons]
        for a, b in zip(alone, batched, strict=True):
            assert a is None or np.array_equal(a, b)
        # a one-unit text's single shingle fills one bin; densification spreads it to all
        assert len(set(batched[1].tolist())) == 1


def test_signatures_estimate_jaccard() -> None:
    """The batched path keeps one-permutation hashing's estimate (here: exact shingle sets)."""
    words = [f"w{n}" for n in range(400)]
    a, b = " ".join(words[:300]), " ".join(words[100:])
    sig_a, sig_b = minhash.text_signatures([a, b], 256, 4, 1, 1)
    true = 200 / 400
    assert abs(float((sig_a == sig_b).mean()) - true) < 0.1


@pytest.mark.parametrize("text", [
    "（原标题：央行开展１０００亿元逆回购）",  # full-width punctuation and digits: the common case
    "ＡＢＣ　ｄｅｆ",
    "Ａ\u0301 and Ｃ\u0327",  # a full-width letter, then a mark that composes with its ASCII form
    "ﬁ ① Ⅻ ｶﾞ ㈱",  # other compatibility characters: NFKC itself
    "가\u11a8 \u1100\u1161",  # Hangul composition
    "plain ascii",
])
def test_line_cleaning_is_nfkc_then_casefold(text: str) -> None:
    import unicodedata

    assert _clean(text) == unicodedata.normalize("NFKC", text).casefold()


def _densified_by_hand(raw: list[int], num_perm: int, seed: int) -> list[int]:
    """The rule, bin by bin: an empty bin takes the first filled donor along its probe sequence,
    else the smallest filled value."""
    table = minhash._probe_table(num_perm, seed)
    filled = [v != minhash._EMPTY for v in raw]
    out = list(raw)
    for j in range(num_perm):
        if not filled[j]:
            donors = [int(table[a, j]) for a in range(minhash._PROBES) if filled[int(table[a, j])]]
            out[j] = raw[donors[0]] if donors else min(v for v, f in zip(raw, filled, strict=True) if f)
    return out


def test_densification_follows_the_probe_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # one shingle (every other bin borrows, some find no donor), a few, many: rows of one batch
    texts = ["短文本", "一二三四五六七八", "今天北京天气很好，阳光明媚，适合出游。" * 3]
    shingles = [minhash.shingle_hashes(t) for t in texts]
    hashes = np.concatenate(shingles)
    owners = np.concatenate([np.full(s.size, n, dtype=np.intp) for n, s in enumerate(shingles)])
    for num_perm, seed in ((128, 1), (100, 5)):
        densified = minhash.signatures(hashes, owners, len(texts), num_perm, seed)
        with monkeypatch.context() as patch:  # the bins before densification, from the same mixing
            patch.setattr(minhash, "_densify", lambda sig, *_: sig)
            raw = minhash.signatures(hashes, owners, len(texts), num_perm, seed)
        assert (raw == minhash._EMPTY).sum() > num_perm  # empty bins to fill
        for row, values in zip(densified, raw, strict=True):
            assert row.tolist() == _densified_by_hand(values.tolist(), num_perm, seed)
