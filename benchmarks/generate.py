"""Deterministic labelled corpus for duplicate detection (and scale) benchmarks.

Documents are assembled from sentences of real scraped news (``seeds/`` and ``../shared/corpus``,
Chinese and English), so shingle statistics, lengths and punctuation are those of real news:

* **original** articles: 6–20 sentences of one language drawn without replacement from the pool,
  grouped into paragraphs (``　　`` indentation for Chinese);
* **format** copies (edit rate 0): the same text re-saved as HTML ``<p>`` paragraphs with
  entities, full-width digits, a different indentation, or a Markdown nav footer — identical after
  normalisation, so NL501 material;
* **near** copies at known edit rates: span substitutions, insertions and deletions of characters
  (Chinese) or words (English) touching ``rate × length`` units, half of them also with a new
  header and footer line, as re-crawls have;
* **topic** articles: a different article sharing about a third of its sentences with an original
  (same event, same quotes and figures, different write-up) — must *not* be reported.

Ground truth is written beside the corpus (``truth.jsonl``: one line per document with its family,
role and edit rate). :func:`true_pairs` turns it into the set of pairs a detector should report:
members of one family whose edit rate is at most ``max_rate``; documents with a rate between
``max_rate`` and ``gray_rate`` are excluded from scoring (reasonable people differ on them).

Use as a module (``generate(...)``, ``write(...)``, ``read_truth(...)``, ``true_pairs(...)``) or a CLI::

    python benchmarks/generate.py --docs 100000 --seed 0 --out /tmp/corpus [--format jsonl|files]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCES = (REPO / "seeds", REPO.parent / "shared" / "corpus")
NEAR_RATES = (0.01, 0.02, 0.05, 0.08, 0.15, 0.25, 0.5)
MAX_RATE = 0.10  # near copies up to this rate are duplicates
GRAY_RATE = 0.30  # between MAX_RATE and this, not scored (0.5 copies are rewrites: negatives)

_ZH_SPLIT = re.compile(r"(?<=[。！？；])")
_EN_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CODE = re.compile(r"[{};$<>=\\]")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_ZH_HEADERS = ("来源：{}网 记者 {}", "（{}讯 通讯员 {}）", "{}财经 {}报道")
_ZH_FOOTERS = ("责任编辑：{}", "海量资讯、精准解读，尽在新浪财经APP", "（本文来自{}，作者{}）")
_EN_HEADERS = ("By {} staff, {}", "{} ({}) -", "Originally published by {} on {}")
_EN_FOOTERS = ("Follow us on {} for more news.", "RELATED: {} {}", "Share Pin It More Galleries ADVERTISEMENT")
_FILLERS = ("新华", "上海", "北京", "Reuters", "AP", "王蒙", "李明", "Twitter", "Monday", "2021-12-08")


@dataclass
class Doc:
    id: str
    text: str
    family: int
    role: str  # original | format | near | topic
    rate: float
    lang: str


def sentence_pool(sources: Sequence[Path] = DEFAULT_SOURCES) -> dict[str, list[str]]:
    """Distinct sentences of the source texts, by language (``zh``/``en``), in a stable order."""
    sys.path.insert(0, str(REPO))
    from newslint.config import Settings
    from newslint.dedup.normalize import body_text, compile_boilerplate, drop_boilerplate, strip_markup
    from newslint.inputs import load

    boiler = compile_boilerplate(None)
    seen: set[str] = set()
    pool: dict[str, list[str]] = {"zh": [], "en": []}
    files = sorted(p for root in sources if root.is_dir() for p in root.rglob("*") if p.is_file())
    for path in files:
        if path.suffix not in (".txt", ".md", ".html") or path.name in ("SOURCES.md", "result.txt"):
            continue
        source = load(path, Settings())
        for doc in getattr(source, "documents", []):
            text = drop_boilerplate(strip_markup(body_text(doc)[0]), boiler)
            for line in text.splitlines():
                line = " ".join(line.split())
                if not line:
                    continue
                han = len(_HAN.findall(line))
                lang = "zh" if han > len(line) * 0.3 else "en" if line.isascii() else None
                if lang is None:
                    continue
                parts = _ZH_SPLIT.split(line) if lang == "zh" else _EN_SPLIT.split(line)
                for sentence in parts:
                    sentence = sentence.strip()
                    size = len(_HAN.findall(sentence)) if lang == "zh" else len(sentence.split())
                    if not (10 if lang == "zh" else 6) <= size <= (150 if lang == "zh" else 60):
                        continue  # fragments, and run-ons (a code listing) that would dominate an article
                    if sentence in seen or len(_CODE.findall(sentence)) > 2:
                        continue
                    seen.add(sentence)
                    pool[lang].append(sentence)
    return pool


def _article(rng: random.Random, sentences: list[str], lang: str) -> str:
    paragraphs, i = [], 0
    while i < len(sentences):
        step = rng.randint(1, 4)
        chunk = sentences[i : i + step]
        i += step
        paragraphs.append(("\u3000\u3000" + "".join(chunk)) if lang == "zh" else " ".join(chunk))
    return "\n".join(paragraphs) + "\n"


def _units(text: str, lang: str) -> list[str]:
    return list(text) if lang == "zh" else re.split(r"(\s+)", text)


def _edit(rng: random.Random, text: str, lang: str, rate: float, donor: str) -> str:
    """Span edits (substitute/insert/delete) touching about ``rate`` of the units of ``text``."""
    units = _units(text, lang)
    donor_units = [u for u in _units(donor, lang) if u.strip()]
    editable = [i for i, u in enumerate(units) if u.strip()]
    budget = max(1, round(rate * len(editable)))
    touched = 0
    while touched < budget and units:
        span = min(rng.randint(1, 3 if lang == "zh" else 2), budget - touched)
        at = rng.randrange(len(units))
        if not units[at].strip():
            continue
        op = rng.random()
        new = [rng.choice(donor_units) for _ in range(span)]
        if lang == "en":
            new = [w for x in new for w in (x, " ")][:-1]
        if op < 0.5:
            units[at : at + (span if lang == "zh" else 2 * span - 1)] = new
        elif op < 0.75:
            units[at:at] = new + ([] if lang == "zh" else [" "])
        else:
            del units[at : at + (span if lang == "zh" else 2 * span - 1)]
        touched += span
    return "".join(units)


def _reframe(rng: random.Random, text: str, lang: str) -> str:
    headers, footers = (_ZH_HEADERS, _ZH_FOOTERS) if lang == "zh" else (_EN_HEADERS, _EN_FOOTERS)
    header = rng.choice(headers).format(rng.choice(_FILLERS), rng.choice(_FILLERS))
    footer = rng.choice(footers).format(rng.choice(_FILLERS), rng.choice(_FILLERS))
    return f"{header}\n{text}{footer}\n"


def _reformat(rng: random.Random, text: str, lang: str) -> str:
    """A copy that differs only in markup, width, indentation or a nav footer."""
    choice = rng.randrange(4)
    lines = [line for line in text.splitlines() if line.strip()]
    if choice == 0:
        return "<div>\n" + "\n".join(f"<p>{line.replace('，', '&#65292;')}</p>" for line in lines) + "\n</div>\n"
    if choice == 1:
        return text.translate(_FULLWIDTH)
    if choice == 2:
        return "\n\n".join("    " + line.strip("\u3000 ") for line in lines) + "\n"
    return text + "\n[返回首页](//finews.example.com/)｜[返回列表](//finews.example.com/news/)\n"


def generate(
    n_docs: int,
    seed: int = 0,
    sources: Sequence[Path] = DEFAULT_SOURCES,
    near_share: float = 0.3,
    format_share: float = 0.05,
    topic_share: float = 0.1,
    zh_share: float = 0.7,
    rates: Sequence[float] = NEAR_RATES,
    pool: dict[str, list[str]] | None = None,
) -> list[Doc]:
    """``n_docs`` labelled documents, the same for the same arguments (seeded, source order fixed)."""
    rng = random.Random(seed)
    pool = pool or sentence_pool(sources)
    if not pool["zh"] or not pool["en"]:
        raise SystemExit("no source sentences found (are seeds/ and ../shared/corpus present?)")
    docs: list[Doc] = []
    family = 0
    while len(docs) < n_docs:
        lang = "zh" if rng.random() < zh_share else "en"
        sentences = rng.sample(pool[lang], min(rng.randint(6, 20), len(pool[lang])))
        text = _article(rng, sentences, lang)
        docs.append(Doc(f"d{len(docs):07d}", text, family, "original", 0.0, lang))
        roll = rng.random()
        if roll < format_share:
            docs.append(Doc(f"d{len(docs):07d}", _reformat(rng, text, lang), family, "format", 0.0, lang))
        elif roll < format_share + near_share:
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                rate = rng.choice(rates)
                donor = rng.choice(pool[lang])
                copy = _edit(rng, text, lang, rate, donor)
                if rng.random() < 0.5:
                    copy = _reframe(rng, copy, lang)
                docs.append(Doc(f"d{len(docs):07d}", copy, family, "near", rate, lang))
        elif roll < format_share + near_share + topic_share:
            keep = rng.sample(sentences, max(2, len(sentences) // 3))
            others = rng.sample(pool[lang], len(sentences) - len(keep))
            mixed = keep + others
            rng.shuffle(mixed)
            family += 1  # a different article: its own family
            docs.append(Doc(f"d{len(docs):07d}", _article(rng, mixed, lang), family, "topic", 0.0, lang))
        family += 1
    return docs[:n_docs]


def write(docs: Iterable[Doc], out: Path, fmt: str = "jsonl") -> Path:
    """Write the corpus (``corpus.jsonl`` or one ``.txt`` per document under ``docs/``) and ``truth.jsonl``."""
    out.mkdir(parents=True, exist_ok=True)
    docs = list(docs)
    if fmt == "jsonl":
        with (out / "corpus.jsonl").open("w", encoding="utf-8") as fh:
            for doc in docs:
                fh.write(json.dumps({"id": doc.id, "text": doc.text}, ensure_ascii=False) + "\n")
    else:
        folder = out / "docs"
        for i in range(0, len(docs), 1000):
            (folder / f"{i // 1000:04d}").mkdir(parents=True, exist_ok=True)
        for i, doc in enumerate(docs):
            (folder / f"{i // 1000:04d}" / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
    with (out / "truth.jsonl").open("w", encoding="utf-8") as fh:
        for doc in docs:
            row = asdict(doc)
            del row["text"]
            fh.write(json.dumps(row) + "\n")
    return out


def read_truth(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def true_pairs(truth: Sequence[dict], max_rate: float = MAX_RATE, gray_rate: float = GRAY_RATE) -> tuple[set, set]:
    """``(pairs, excluded)``: index pairs that are duplicates, and indexes not scored (gray rates)."""
    families: dict[int, list[int]] = {}
    excluded: set[int] = set()
    for index, row in enumerate(truth):
        if row["rate"] <= max_rate:
            families.setdefault(row["family"], []).append(index)
        elif row["rate"] <= gray_rate:
            excluded.add(index)
    pairs = {pair for members in families.values() for pair in combinations(members, 2)}
    return pairs, excluded


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--format", choices=("jsonl", "files"), default="jsonl")
    args = parser.parse_args(argv)
    docs = generate(args.docs, args.seed)
    write(docs, args.out, args.format)
    print(f"wrote {len(docs)} documents to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
