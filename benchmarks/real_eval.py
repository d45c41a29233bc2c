"""Precision, recall and fix quality of the encoding and script checks on real, labelled text.

The material is ``../shared/real`` (see its SOURCES.md); nobody on the team wrote it:

- ``ftfy-cases-dev``: ftfy's own test cases (synthetic, language-names, negative, known-failures), one
  document each. A case *needs an encoding fix* when its ``fixed-encoding`` (ftfy's expected
  ``fix_encoding`` output; ``fixed`` when absent) differs from ``original``. NL101 is scored per case:
  found (any NL101 finding) against needed. The safe fix (``newslint fix`` of the case with NL101, and
  with ``--unsafe-fixes``) is compared with ``fixed-encoding``, curly quotes folded on both sides (ftfy's
  expectation may uncurl them, newslint never does): *exact*; *partial* (changed, closer to the
  expectation than the original, by edit distance); *worse* (changed, not closer — or changed at all
  when no change was expected); *unchanged*. ``ftfy.fix_encoding`` is scored the same way beside it.
- ``sogouca-tensite-gbk-dev``: 100 SogouCA articles in one ``<doclist>`` file, split here into its
  ``<doc>`` elements (one document each). An article is *damaged* when it holds an ASCII ``?`` directly
  followed by a non-ASCII character (SOURCES.md: this finds exactly the 65 byte-loss articles); scored
  per article for NL101's "GBK shifted by a lost byte" findings, with the share of those ``?`` places a
  finding starts right after or ends right before. Every NL101 finding in a clean article, every
  NL106 finding anywhere is listed.
- ``wind-lujiazui-jekyll``, ``nyt-rss-enzh-mt-newsarchive``: real posts without encoding damage, read as
  newslint reads them; every NL101 / NL106 finding is listed.

NL106 is judged by the hand labels in ``NL106_LABELS`` below (a finding not labelled counts as wrong,
and is printed so it can be labelled). ``../shared/corpus`` is added for NL106 only, since the real set
holds almost no traditional characters (the Sina posts' ``新浪财经－国內`` is a true one).

    python benchmarks/real_eval.py                   # markdown tables on stdout
    python benchmarks/real_eval.py --json out.json   # and the raw figures
    PYTHONPATH=/path/to/other/checkout python benchmarks/real_eval.py   # another version, same script
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL = SHARED / "real"

FTFY_FILES = ("synthetic", "language-names", "negative", "known-failures")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
_DAMAGE = re.compile(r"\?[^\x00-\x7f]")
_SHIFTED = "GBK shifted by a lost byte"

# NL106 findings judged by hand: (file name, the characters reported) -> right? Anything else is wrong.
NL106_LABELS: dict[tuple[str, str], bool] = {
    # Sina posts (corpus): `categories: [新浪财经－国內]` in simplified posts; 內 is the traditional 内.
    **{(name, "內"): True for name in (
        '"有色一哥"入局期货业！豪掷35亿，晋升期货公司第一大股东，刚宣布49亿加码锂矿.md',
        '"绿色能源富豪"曾毓群身价达495亿美元 暂列彭博实时富豪榜全球第27位.md',
        "1-5月上海市房地产开发投资同比下降180%.md",
        "1-5月上海房地产开发投资比去年同期下降180%。.md",
        "AI 篮球裁判火了，走步算得特别准，就问哈登慌不慌.md",
    )},
}


# -- running newslint ----------------------------------------------------------------------------------


def _specs(codes: Sequence[str]):
    from newslint.packs import builtin_pack_paths, load_pack

    specs = [s for path in builtin_pack_paths() for s in load_pack(path)]
    return [s for s in specs if s.code in codes]


def _plain(name: str, text: str):
    from newslint.document import Format, file_document

    return file_document(name, text, Format.PLAIN)


def _read(path: Path):
    from newslint.config import Settings
    from newslint.inputs import read_source

    return read_source(path, path.read_bytes(), path.name, Settings()).documents


def _distance(a: str, b: str) -> int:
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def _outcome(original: str, expected: str, output: str) -> str:
    original, expected, output = (s.translate(_QUOTES) for s in (original, expected, output))
    if output == expected:
        return "exact"
    if output == original:
        return "unchanged"
    if expected != original and _distance(output, expected) < _distance(original, expected):
        return "partial"
    return "worse"


def _versus(expected: str, ours: str, theirs: str) -> str:
    """Whether ``ours`` is closer to ``expected`` than ``theirs`` (curly quotes folded)."""
    expected, ours, theirs = (s.translate(_QUOTES) for s in (expected, ours, theirs))
    a, b = _distance(ours, expected), _distance(theirs, expected)
    return "better" if a < b else "same" if a == b else "worse"


# -- ftfy's cases ----------------------------------------------------------------------------------------


@dataclass
class CaseScore:
    cases: int = 0
    needed: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    findings_all_nl1: int = 0  # on cases needing no fix: findings of any NL1xx check
    safe: Counter[str] = field(default_factory=Counter)
    unsafe: Counter[str] = field(default_factory=Counter)
    ftfy: Counter[str] = field(default_factory=Counter)
    versus_ftfy: Counter[str] = field(default_factory=Counter)  # safe fix closer to the expectation?
    misses: list[str] = field(default_factory=list)
    nl1_on_clean: list[str] = field(default_factory=list)


def ftfy_cases() -> dict[str, CaseScore]:
    import ftfy

    from newslint.linter import Linter

    nl101 = Linter(_specs(["NL101"]))
    nl1 = Linter(_specs(["NL101", "NL103", "NL104", "NL105", "NL106"]))
    out: dict[str, CaseScore] = {}
    for name in FTFY_FILES:
        score = out[name] = CaseScore()
        for case in json.loads((REAL / "ftfy-cases-dev" / f"{name}.json").read_text(encoding="utf-8")):
            original = case["original"]
            expected = case.get("fixed-encoding", case["fixed"])
            doc = _plain(f"{name}.json", original)
            found = bool(nl101.check(doc))
            needed = expected != original
            score.cases += 1
            score.needed += needed
            score.tp += found and needed
            score.fp += found and not needed
            score.fn += needed and not found
            if not needed:
                extra = nl1.check(doc)
                score.findings_all_nl1 += len(extra)
                score.nl1_on_clean += [f"{f.code} {f.message[:70]}" for f in extra]
            ours = nl101.fix(doc).text
            theirs = ftfy.fix_encoding(original)
            safe = _outcome(original, expected, ours)
            score.safe[safe] += 1
            score.unsafe[_outcome(original, expected, nl101.fix(doc, unsafe=True).text)] += 1
            score.ftfy[_outcome(original, expected, theirs)] += 1
            score.versus_ftfy[_versus(expected, ours, theirs)] += 1
            if safe != "exact" or found != needed:
                score.misses.append(f"{case['expect']} {safe:9} found={found!s:5} {original[:60]!r}")
    return out


# -- SogouCA: byte loss ----------------------------------------------------------------------------------


@dataclass
class SogouScore:
    docs: int = 0
    damaged: int = 0
    found: int = 0
    false_alarms: int = 0
    places: int = 0
    places_covered: int = 0
    shifted_findings: int = 0
    with_fix: int = 0
    other_nl101_in_clean: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def sogouca(nl106_log: list[tuple[str, str, str]]) -> SogouScore:
    from newslint.linter import Linter

    linter = Linter(_specs(["NL101", "NL106"]))
    path = REAL / "sogouca-tensite-gbk-dev" / "DERIVED_first-100-docs.dat"
    text = path.read_bytes().decode("gb18030")
    score = SogouScore()
    for number, match in enumerate(re.finditer(r"<doc>.*?</doc>", text, re.S), 1):
        article = match.group()
        damaged = bool(_DAMAGE.search(article))
        findings = linter.check(_plain(f"{path.name}:doc {number}", article))
        shifted = [f for f in findings if f.code == "NL101" and _SHIFTED in f.message]
        score.docs += 1
        score.damaged += damaged
        score.shifted_findings += len(shifted)
        score.with_fix += sum(1 for f in shifted if f.fix is not None)
        if damaged:
            score.found += bool(shifted)
            if not shifted:
                score.missed.append(f"doc {number}: {article[article.find('<contenttitle>') + 14:][:30]!r}")
            spans = [(f.start, f.end) for f in shifted]
            for place in _DAMAGE.finditer(article):
                score.places += 1
                q = place.start()
                score.places_covered += any(s == q + 1 or e == q for s, e in spans)
        else:
            score.false_alarms += bool(shifted)
            score.other_nl101_in_clean += [f"doc {number}: {f.message[:90]}" for f in findings if f.code == "NL101"]
        for f in findings:
            if f.code == "NL106":
                nl106_log.append((path.name, article[f.start:f.end], article[max(0, f.start - 12):f.end + 12]))
    return score


# -- posts without encoding damage, and NL106 over the corpus ----------------------------------------------


def posts(nl106_log: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    from newslint.linter import Linter

    linter = Linter(_specs(["NL101", "NL106"]))
    out: dict[str, list[str]] = {}
    for folder in ("wind-lujiazui-jekyll", "nyt-rss-enzh-mt-newsarchive"):
        for path in sorted((REAL / folder).iterdir()):
            found = []
            for doc in _read(path):
                for f in linter.check(doc):
                    found.append(f"{f.code} {f.message[:90]}")
                    if f.code == "NL106":
                        nl106_log.append((path.name, doc.text[f.start:f.end],
                                          doc.text[max(0, f.start - 12):f.end + 12]))
            out[f"{folder}/{path.name}"] = found
    return out


def corpus_nl106(nl106_log: list[tuple[str, str, str]]) -> int:
    from newslint.decoding import BinaryInputError
    from newslint.linter import Linter

    linter = Linter(_specs(["NL106"]))
    files = 0
    for path in sorted(p for p in (SHARED / "corpus").rglob("*") if p.is_file() and p.name != "SOURCES.md"):
        try:
            docs = _read(path)
        except BinaryInputError:
            continue
        files += 1
        for doc in docs:
            for f in linter.check(doc):
                nl106_log.append((path.name, doc.text[f.start:f.end], doc.text[max(0, f.start - 12):f.end + 12]))
    return files


# -- report --------------------------------------------------------------------------------------------------


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "–"


def report(cases: dict[str, CaseScore], sogou: SogouScore, post_findings: dict[str, list[str]],
           nl106_real: list[tuple[str, str, str]], nl106_corpus: list[tuple[str, str, str]]) -> str:
    lines = ["### ftfy's cases (`ftfy-cases-dev`), NL101", "",
             "| file | cases | need a fix | found | false alarms | missed | precision | recall "
             "| safe fix exact / partial / worse / unchanged | with --unsafe-fixes | ftfy.fix_encoding "
             "| safe fix vs ftfy: closer / same / farther |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|"]

    def counts(c: Counter[str]) -> str:
        return " / ".join(str(c[k]) for k in ("exact", "partial", "worse", "unchanged"))

    for name, s in cases.items():
        lines.append(f"| {name} | {s.cases} | {s.needed} | {s.tp} | {s.fp} | {s.fn} | {_ratio(s.tp, s.tp + s.fp)} "
                     f"| {_ratio(s.tp, s.needed)} | {counts(s.safe)} | {counts(s.unsafe)} | {counts(s.ftfy)} "
                     f"| {s.versus_ftfy['better']} / {s.versus_ftfy['same']} / {s.versus_ftfy['worse']} |")
    negatives = cases["negative"]
    lines += ["", f"Findings of any NL1xx check on the cases that need no encoding fix: "
              f"{sum(s.findings_all_nl1 for s in cases.values())} "
              f"(negative.json: {negatives.findings_all_nl1}).", ""]
    for name, s in cases.items():
        for miss in s.misses:
            lines.append(f"- {name}: {miss}")
        for extra in s.nl1_on_clean:
            lines.append(f"- {name}, no encoding fix needed: {extra}")
    lines += ["", "### SogouCA dev half, byte loss (NL101 \"GBK shifted by a lost byte\"), per `<doc>` element", "",
              "| articles | damaged | found | recall | clean | false alarms | `?` places covered "
              "| findings | with an (unsafe) fix |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
              f"| {sogou.docs} | {sogou.damaged} | {sogou.found} | {_ratio(sogou.found, sogou.damaged)} "
              f"| {sogou.docs - sogou.damaged} | {sogou.false_alarms} "
              f"| {sogou.places_covered}/{sogou.places} ({_ratio(sogou.places_covered, sogou.places)}) "
              f"| {sogou.shifted_findings} | {sogou.with_fix} |", ""]
    lines += [f"- missed: {m}" for m in sogou.missed]
    lines += [f"- NL101 in a clean article: {m}" for m in sogou.other_nl101_in_clean]
    lines += ["", "### Posts without encoding damage (Wind, NYT): NL101 / NL106 findings", ""]
    for name, found in post_findings.items():
        lines.append(f"- {name}: {len(found)}" + "".join(f"\n  - {f}" for f in found))
    lines += ["", "### NL106 (script mixing), judged by hand labels", "",
              "| material | findings | right | precision |", "|---|---:|---:|---:|"]
    for label, log in (("real (SogouCA, Wind, NYT)", nl106_real), ("../shared/corpus", nl106_corpus),
                       ("both", nl106_real + nl106_corpus)):
        right = sum(1 for name, chars, _ in log if NL106_LABELS.get((name, chars)))
        lines.append(f"| {label} | {len(log)} | {right} | {_ratio(right, len(log))} |")
    lines.append("")
    for name, chars, context in nl106_real + nl106_corpus:
        verdict = NL106_LABELS.get((name, chars))
        lines.append(f"- {'right' if verdict else 'WRONG'}: {name[:40]}: {chars!r} in {context!r}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    if not REAL.is_dir():
        print(f"{REAL} is not there: nothing to measure", file=sys.stderr)
        return 2
    import newslint

    began = time.perf_counter()
    nl106_real: list[tuple[str, str, str]] = []
    nl106_corpus: list[tuple[str, str, str]] = []
    cases = ftfy_cases()
    sogou = sogouca(nl106_real)
    post_findings = posts(nl106_real)
    if (SHARED / "corpus").is_dir():
        corpus_nl106(nl106_corpus)
    print(f"newslint from {Path(newslint.__file__).parent}; {time.perf_counter() - began:.1f}s\n")
    print(report(cases, sogou, post_findings, nl106_real, nl106_corpus))
    if args.json:
        data = {
            "ftfy": {k: {**v.__dict__, "safe": dict(v.safe), "unsafe": dict(v.unsafe), "ftfy": dict(v.ftfy)}
                     for k, v in cases.items()},
            "sogouca": sogou.__dict__,
            "posts": post_findings,
            "nl106": {"real": nl106_real, "corpus": nl106_corpus},
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
