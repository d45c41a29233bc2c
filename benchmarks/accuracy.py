"""Precision, recall and F1 per check code of ``newslint check`` on a labelled generated corpus.

Scoring is per document (the unit a user acts on): for a code, a document is a true positive if
the ground truth (:mod:`benchmarks.corpus`) expects that code there and newslint reported at least
one finding of it, a false positive if newslint reported it where it was not expected, a false
negative if it was expected and not reported. Documents whose label is uncertain for a code
(near-duplicates at gray edit rates) are left out for that code. Beside the table, the share of
injected spans overlapped by a finding of their code, recall per injection kind (to tell which
injected form a check misses), and a few examples of each error, so a shortfall can be traced to
the generator or to the check.

    python benchmarks/accuracy.py --docs 10000                 # generate, run, print the table
    python benchmarks/accuracy.py --corpus /tmp/nl-acc         # score an existing corpus

The clean text the generator builds documents from is *not* filtered by newslint (issue 12): a pool
sentence is dropped only by the independent filter (markup characters, controls, invisible code
points, header/footer labels; ``corpus._UNCLEAN``), so a sentence a check wrongly flags stays in the
clean documents and shows up as a false positive. ``--filtered-pool`` restores the old pool (also
dropping every sentence the document-scope checks flag), which hides exactly those false positives;
the run says how many sentences that filter would have removed and which checks flagged them.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    spans: int = 0  # injected spans of this code
    spans_hit: int = 0  # ... overlapped by a finding of this code
    fp_docs: list[str] = field(default_factory=list)
    fn_docs: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    scores: dict[str, Score]
    by_kind: dict[str, list[int]]  # injection kind -> [found, total]
    findings: dict[tuple[str, int | None], list]  # document key -> findings
    truth: list[dict]
    problems: list
    seconds: float
    unlabelled: Counter[str]


def honest_pool(sources: Sequence[Path] | None = None) -> tuple[dict[str, list[str]], Counter[str]]:
    """The generator's sentence pool, filtered only by the independent filter; and, for the record,
    how many of the kept sentences each document-scope check flags on its own (those sentences stay)."""
    from newslint.document import Format, text_document
    from newslint.linter import Linter
    from newslint.registry import Scope

    sources = tuple(sources or corpus.default_sources())
    linter = Linter([s for s in corpus.load_specs() if s.scope is not Scope.CORPUS])
    pool: dict[str, list[str]] = {"zh": [], "en": []}
    flagged: Counter[str] = Counter()
    for lang, sentences in corpus.generate.sentence_pool(sources).items():
        for sentence in sentences:
            if corpus._UNCLEAN.search(sentence):
                continue
            pool[lang].append(sentence)
            codes: set[str] = set()
            for text in (sentence + "\n", f"{corpus._CONTEXT[lang]}\n{sentence}\n"):
                doc = text_document("pool", text, 1, "text")
                doc.format = Format.PLAIN
                codes.update(f.code for f in linter.check(doc))
            flagged.update(codes)
            flagged["any"] += bool(codes)
    return pool, flagged


def run_newslint(paths: Sequence[Path], jobs: int | None = 1, codes: Sequence[str] = corpus.SCORED):
    """The library entry point, as the CLI calls it (no cache, no progress line)."""
    from newslint.config import Settings
    from newslint.engine import RunRequest, run

    request = RunRequest(paths=[str(p) for p in paths], settings=Settings(), specs=corpus.load_specs(codes),
                         jobs=jobs, cache=False, progress=False)
    return run(request).result


def evaluate(root: Path, jobs: int | None = 1, codes: Sequence[str] = corpus.SCORED) -> Evaluation:
    """Run newslint over ``root/docs`` (or ``root/corpus.jsonl``) and score it against ``root/truth.jsonl``."""
    truth = corpus.read_truth(root)
    target = root / "docs" if (root / "docs").is_dir() else root / "corpus.jsonl"
    started = time.perf_counter()
    result = run_newslint([target], jobs, codes)
    seconds = time.perf_counter() - started
    findings: dict[tuple[str, int | None], list] = defaultdict(list)
    for finding in result.findings:
        rel = Path(finding.path).resolve().relative_to(root.resolve()).as_posix()
        findings[(rel, finding.record)].append(finding)
    keys = {(row["path"], row["record"]) for row in truth}
    unlabelled = Counter(f.code for key, fs in findings.items() if key not in keys for f in fs)
    scores = {code: Score() for code in codes}
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in truth:
        got = findings.get((row["path"], row["record"]), [])
        got_codes = {f.code for f in got}
        for code, score in scores.items():
            if code in row["unscored"]:
                continue
            expected, reported = code in row["codes"], code in got_codes
            if expected and reported:
                score.tp += 1
            elif expected:
                score.fn += 1
                score.fn_docs.append(row["id"])
            elif reported:
                score.fp += 1
                score.fp_docs.append(row["id"])
            else:
                score.tn += 1
        for inj in row["injections"]:
            counts = by_kind[inj["kind"]]
            counts[1] += 1
            counts[0] += all(c in got_codes for c in inj["codes"])
            if inj["span"] is None:
                continue
            start, end = inj["span"]
            for code in inj["codes"]:
                if code in scores:
                    scores[code].spans += 1
                    scores[code].spans_hit += any(f.code == code and f.start < end and f.end > start for f in got)
    return Evaluation(scores, dict(by_kind), dict(findings), truth, list(result.problems), seconds, unlabelled)


def table(ev: Evaluation) -> str:
    lines = ["| code | docs expected | TP | FP | FN | precision | recall | F1 | spans hit |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for code, s in ev.scores.items():
        spans = f"{s.spans_hit}/{s.spans}" if s.spans else "–"
        lines.append(f"| {code} | {s.tp + s.fn} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.3f} | {s.recall:.3f} "
                     f"| {s.f1:.3f} | {spans} |")
    return "\n".join(lines)


def kind_table(ev: Evaluation) -> str:
    lines = ["| injection | docs | all expected codes found |", "|---|---:|---:|"]
    for kind, (found, total) in sorted(ev.by_kind.items()):
        lines.append(f"| {kind} | {total} | {found / total:.3f} |")
    return "\n".join(lines)


def examples(ev: Evaluation, code: str, limit: int = 5) -> str:
    """Misses and false alarms of one code, with what was injected and what was reported."""
    rows = {row["id"]: row for row in ev.truth}
    out = []
    score = ev.scores[code]
    for label, ids in (("FN", score.fn_docs), ("FP", score.fp_docs)):
        for doc_id in ids[:limit]:
            row = rows[doc_id]
            got = ev.findings.get((row["path"], row["record"]), [])
            kinds = ", ".join(i["kind"] for i in row["injections"]) or row["role"]
            msgs = "; ".join(f"{f.code} {f.message[:70]}" for f in got if f.code == code)[:300]
            where = row["path"] + (f":record {row['record']}" if row["record"] else "")
            line = f"  {label} {where} [{row['format']}/{row['lang']}] injected: {kinds}"
            out.append(line + (f" | {msgs}" if msgs else ""))
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpus", type=Path, help="score this existing corpus instead of generating one")
    parser.add_argument("--out", type=Path, help="where to generate (default: a temporary folder)")
    parser.add_argument("--jobs", type=int, default=None, help="newslint --jobs (default: automatic)")
    parser.add_argument("--quick", action="store_true", help="300 documents")
    parser.add_argument("--examples", type=int, default=3, help="errors shown per code (0: none)")
    parser.add_argument("--filtered-pool", action="store_true",
                        help="old behaviour: drop pool sentences newslint flags (hides its false positives)")
    args = parser.parse_args(argv)
    n = 300 if args.quick else args.docs
    with tempfile.TemporaryDirectory(prefix="nl-accuracy-") as tmp:
        root = args.corpus or args.out or Path(tmp)
        if args.corpus is None:
            started = time.perf_counter()
            if args.filtered_pool:
                pool = corpus.clean_pool()
            else:
                pool, flagged = honest_pool()
                print(f"clean pool: {len(pool['zh'])} zh + {len(pool['en'])} en sentences, not filtered by newslint; "
                      f"sentences a check flags on its own (kept): {dict(flagged)}")
            corpus.write_corpus(corpus.generate_docs(n, args.seed, pool=pool), root)
            print(f"generated {n} documents in {time.perf_counter() - started:.1f}s under {root}")
            if args.filtered_pool:
                print(f"pool sentences dropped: {dict(corpus.POOL_STATS)}")
        ev = evaluate(root, args.jobs)
        print(f"newslint checked {len(ev.truth)} documents in {ev.seconds:.1f}s; input problems: {len(ev.problems)}")
        print(table(ev))
        print()
        print(kind_table(ev))
        if ev.unlabelled:
            print(f"findings on documents without a label: {dict(ev.unlabelled)}")
        for code, s in ev.scores.items():
            if (s.fp or s.fn) and args.examples:
                print(f"\n{code}: P={s.precision:.3f} R={s.recall:.3f}")
                print(examples(ev, code, args.examples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
