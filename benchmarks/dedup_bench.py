"""Duplicate-detection benchmark (not a test): quality and speed of NL501/NL502 on a labelled corpus.

On a corpus from :mod:`benchmarks.generate` (same seed, same run) it prints:

* pair precision / recall / F1 of NL501+NL502 against the ground truth;
* signature + LSH throughput of ``newslint.dedup`` against ``datasketch`` ``MinHash`` +
  ``MinHashLSH`` with the same ``num_perm`` and threshold (and the same bands × rows), both from
  the same canonical texts and shingles, and the F1 each gets after the same rapidfuzz verification;
* a rapidfuzz all-pairs baseline on a slice (quadratic: shown for scale, extrapolated);
* peak memory (max RSS) of the process.

Run: ``python benchmarks/dedup_bench.py --docs 20000 [--slice 2000] [--skip-datasketch]``.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

import generate  # noqa: E402

from newslint import registry  # noqa: E402

PACK = Path(os.environ.get("NEWSLINT_DEDUP_PACK", REPO / "checks" / "duplicates.yml"))


def _specs(params: dict) -> tuple:
    from newslint.packs import load_pack

    specs = {s.code: s for s in load_pack(PACK)}
    exact, near = specs["NL501"], specs["NL502"]
    if params:
        from dataclasses import replace

        near = replace(near, params={**near.params, **params})
    return exact, near


def clusters_to_pairs(n: int, links: list[tuple[int, int]]) -> set[tuple[int, int]]:
    from newslint.dedup.lsh import UnionFind

    uf = UnionFind(n)
    for a, b in links:
        uf.union(a, b)
    return {pair for members in uf.groups().values() for pair in combinations(members, 2)}


def score(predicted: set, truth: set, excluded: set) -> tuple[float, float, float]:
    predicted = {p for p in predicted if p[0] not in excluded and p[1] not in excluded}
    truth = {p for p in truth if p[0] not in excluded and p[1] not in excluded}
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def verify_and_cluster(n: int, texts: list[str], pairs, threshold: float) -> set:
    """The same rapidfuzz verification and components for any candidate generator."""
    from rapidfuzz import fuzz

    from newslint.dedup.lsh import UnionFind

    uf = UnionFind(n)
    cutoff = threshold * 100
    for a, b in pairs:
        if uf.find(a) == uf.find(b) or not texts[a] or not texts[b]:
            continue
        if texts[a] == texts[b] or fuzz.ratio(texts[a], texts[b], score_cutoff=cutoff) >= cutoff:
            uf.union(a, b)
    return {pair for members in uf.groups().values() for pair in combinations(members, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--slice", type=int, default=2000, help="documents for the rapidfuzz all-pairs baseline")
    parser.add_argument("--skip-datasketch", action="store_true")
    parser.add_argument("--errors", type=int, default=0, help="list this many false positives/negatives")
    parser.add_argument("--param", action="append", default=[], help="override a NL502 param, NAME=VALUE")
    args = parser.parse_args(argv)
    overrides = {k: eval(v) for k, v in (p.split("=", 1) for p in args.param)}  # noqa: S307 - bench CLI

    from newslint.dedup.minhash import shingle_hashes, signature
    from newslint.document import text_document

    t0 = time.perf_counter()
    docs = generate.generate(args.docs, args.seed)
    truth_rows = [{"family": d.family, "rate": d.rate} for d in docs]
    truth, excluded = generate.true_pairs(truth_rows)
    documents = [text_document("corpus.jsonl", d.text, i + 1, "text") for i, d in enumerate(docs)]
    n = len(documents)
    print(f"corpus: {n} docs ({sum(d.lang == 'zh' for d in docs)} zh), {len(truth)} true pairs, "
          f"{len(excluded)} gray docs excluded; generated in {time.perf_counter() - t0:.1f}s")

    exact_spec, near_spec = _specs(overrides)
    exact = registry.detector_class(exact_spec.kind)(exact_spec)
    near = registry.detector_class(near_spec.kind)(near_spec)
    p = near.p
    bands, rows = near.banding()
    print(f"NL502 params: num_perm={p['num_perm']} threshold={p['threshold']} bands×rows={bands}×{rows} "
          f"cjk_ngram={p['cjk_ngram']} word_ngram={p['word_ngram']} verify={p['verify']}≥{p['verify_threshold']}")

    # -- newslint end to end (map + reduce) --------------------------------------------------------
    # as the runner does (engine.corpus.map_task): each document through NL501 then the start of NL502
    # (which reuses the canonical text), then NL502's signatures for the whole batch at once
    exact_sums, started = [], []
    t_exact_map = t_near_map = 0.0
    for i, d in enumerate(documents):
        t = time.perf_counter()
        exact_sums.append((i, exact.map(d)))
        t_mid = time.perf_counter()
        started.append(near.map_start(d))
        t_exact_map += t_mid - t
        t_near_map += time.perf_counter() - t_mid
    t = time.perf_counter()
    near_sums = list(enumerate(near.map_finish(started)))
    t_near_map += time.perf_counter() - t
    t = time.perf_counter()
    exact_hits = list(exact.reduce(exact_sums))
    near_hits = list(near.reduce(near_sums))
    t_reduce = time.perf_counter() - t
    index_of = {d.record: i for i, d in enumerate(documents)}
    links = [(i, index_of[h.args["kept_record"]]) for i, h in exact_hits + near_hits]
    ours = clusters_to_pairs(n, links)
    pr, rc, f1 = score(ours, truth, excluded)
    print(f"\nnewslint NL501+NL502: precision {pr:.4f} recall {rc:.4f} F1 {f1:.4f} "
          f"({len(exact_hits)} NL501, {len(near_hits)} NL502 hits)")
    print(f"  map: exact (normalise + digest) {t_exact_map:.2f}s, near (signature) {t_near_map:.2f}s, "
          f"{n / (t_exact_map + t_near_map):,.0f} docs/s; reduce (both) {t_reduce:.2f}s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory so far (corpus text + documents + both summaries): {rss:,.0f} MiB")
    if args.errors:
        predicted = {q for q in ours if q[0] not in excluded and q[1] not in excluded}
        scored = {q for q in truth if q[0] not in excluded and q[1] not in excluded}
        for label, wrong in (("false positive", predicted - scored), ("false negative", scored - predicted)):
            for a, b in sorted(wrong)[: args.errors]:
                da, db = docs[a], docs[b]
                print(f"  {label}: {a} ({da.role} {da.rate} fam {da.family}) ~ "
                      f"{b} ({db.role} {db.rate} fam {db.family})")

    # -- signature + LSH only, ours vs datasketch, from the same canonical texts -----------------
    texts = [s.text or "" for _, s in near_sums]
    valid = [i for i, s in near_sums if s.signature is not None]
    from newslint.dedup.lsh import candidate_pairs

    np = __import__("numpy")
    t = time.perf_counter()
    shingles = [shingle_hashes(texts[i], p["cjk_ngram"], p["word_ngram"]) for i in valid]
    t_shingle = time.perf_counter() - t
    t = time.perf_counter()
    sigs = np.stack([signature(s, p["num_perm"], p["seed"]) for s in shingles])
    pairs = candidate_pairs(sigs, bands, rows)
    t_ours = time.perf_counter() - t
    our_pairs = [(valid[a], valid[b]) for a, b in pairs.tolist()]
    ours_v = verify_and_cluster(n, texts, our_pairs, p["verify_threshold"])
    print(f"\nsignature+LSH on {len(valid)} docs (shingling {t_shingle:.2f}s, shared by both):")
    print(f"  newslint  : {t_ours:.2f}s  {len(valid) / t_ours:,.0f} docs/s, {len(our_pairs)} candidate pairs, "
          f"F1 after verification {score(ours_v, truth, excluded)[2]:.4f}")
    if not args.skip_datasketch:
        from datasketch import MinHash, MinHashLSH

        t = time.perf_counter()
        lsh = MinHashLSH(threshold=p["threshold"], num_perm=p["num_perm"])
        ds_pairs: set[tuple[int, int]] = set()
        for position, i in enumerate(valid):
            m = MinHash(num_perm=p["num_perm"], seed=p["seed"])
            m.update_batch([x.tobytes() for x in shingles[position]])
            for j in lsh.query(m):
                ds_pairs.add((j, i))
            lsh.insert(i, m)
        t_ds = time.perf_counter() - t
        ds_v = verify_and_cluster(n, texts, sorted(ds_pairs), p["verify_threshold"])
        print(f"  datasketch: {t_ds:.2f}s  {len(valid) / t_ds:,.0f} docs/s, {len(ds_pairs)} candidate pairs, "
              f"bands×rows={lsh.b}×{lsh.r}, F1 after verification {score(ds_v, truth, excluded)[2]:.4f}")
        print(f"  speed-up  : {t_ds / t_ours:.1f}× (signature+LSH)  "
              f"{(t_ds + t_shingle) / (t_ours + t_shingle):.1f}× (with shingling)")

    # -- rapidfuzz all pairs on a slice ------------------------------------------------------------
    if args.slice:
        from rapidfuzz import fuzz, process

        m = min(args.slice, n)
        cutoff = p["verify_threshold"] * 100
        t = time.perf_counter()
        matrix = process.cdist(texts[:m], texts[:m], scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)
        t_all = time.perf_counter() - t
        ii, jj = np.nonzero(np.triu(matrix, 1) >= cutoff)
        links = [(int(a), int(b)) for a, b in zip(ii, jj, strict=True) if texts[a] and texts[b]]
        truth_slice = {q for q in truth if q[1] < m}
        ours_slice = {q for q in ours if q[1] < m}
        bf = score(clusters_to_pairs(m, links), truth_slice, excluded)
        print(f"\nrapidfuzz all-pairs on {m} docs: {t_all:.2f}s (all cores), ~{t_all * (n / m) ** 2:,.0f}s "
              f"extrapolated to {n}; P {bf[0]:.4f} R {bf[1]:.4f} F1 {bf[2]:.4f} "
              f"(newslint on the same slice: F1 {score(ours_slice, truth_slice, excluded)[2]:.4f})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (max RSS): {peak:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
