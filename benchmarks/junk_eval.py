"""Precision and recall of the news-junk checks on real scraped text (issue 12, item 5).

The labelled set (``benchmarks/junk_set/labels.tsv``) names lines of the shared real material
(``../shared/corpus`` and ``../shared/real``, which the repository does not copy): each row is a
*unit* — a line of a text or Markdown file, or one block of visible text of an HTML page — with its
source file, line number, site, and label: a junk family (``promotion``, ``navigation``, ``legal``,
``attribution``, ``chrome``) or ``clean`` (a line of article text). Junk rows keep their text (they
are short); clean rows keep a hash of it, so a label can never silently move to another line.

How documents are built, so that a check sees what a user's scraper would have given it:

* text and Markdown files, SogouCA ``<doc>`` elements: as ``newslint`` reads them;
* whole HTML pages: their visible text, one block (``<p>``, ``<div>``, ``<li>``…) a line, as a
  naive extractor would write it (the page itself is a template and not what the checks are for);
* ``result.txt`` of the GNE pages: each record's extracted ``content``, one document per record;
* the WMT MQM rows: each news document's Chinese source, and each system's English translation,
  one segment a line.

A labelled unit is *flagged* when a finding of one of the junk codes overlaps its visible text.
Scores are per family (recall), per code and overall (precision over the labelled units), and for
each **site** split: rules were written looking at the ``train`` sites only; ``held-out`` sites are
the measure of how the rules generalise.

    python benchmarks/junk_eval.py                      # all codes, train and held-out
    python benchmarks/junk_eval.py --codes NL302,NL401,NL402 --show-errors 20
    python benchmarks/junk_eval.py --candidates > /tmp/units.tsv   # every unit, for labelling
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
LABELS = REPO / "benchmarks" / "junk_set" / "labels.tsv"
FAMILIES = ("promotion", "navigation", "legal", "attribution", "chrome")
JUNK_CODES = ("NL302", "NL303", "NL304", "NL401", "NL402")
# Sites whose lines the rules were written from (the issue and SOURCES.md describe their junk); every
# other site is held out.
TRAIN_SITES = frozenset({"sina", "eastmoney", "wind", "sogou-finance", "sogouca", "chinanews", "cnn", "foxnews",
                         "nypost", "pe", "elle"})


@dataclass
class Unit:
    site: str
    path: str  # relative to ../shared
    line: int  # 1-based line in that file (for result.txt records: the line within the record's content)
    text: str  # visible text, whitespace-collapsed
    start: int  # visible span in the evaluated document
    end: int

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.path, self.line, digest(self.text))


@dataclass
class EvalDoc:
    site: str
    path: str
    doc: object  # newslint Document
    units: list[Unit]


def digest(text: str) -> str:
    return hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()[:12]


def _site_of(rel: str) -> str:
    name = Path(rel).name
    if "eastmoney" in rel:
        return "eastmoney"
    if "sina-finance" in rel:
        return "sina"
    if "sogouc-reduced" in rel:
        return "sogou-finance"
    if "wind-lujiazui" in rel:
        return "wind"
    if "nyt-rss" in rel:
        return "nyt-mt"
    if "sogouca" in rel:
        return "sogouca"
    if "gne-chinese" in rel:
        return name.split("__")[0]
    if "newspaper3k" in rel:
        stem = Path(name).stem
        stem = re.sub(r"\d+$", "", stem)
        return re.sub(r"\.(?:com|co\.uk)$", "", stem).replace("_article", "")
    return "other"


def _units_of(doc, rel: str, site: str, line_of=None) -> list[Unit]:
    from newslint.detectors.boilerplate import units

    out = []
    for region in doc.body_regions():
        for u in units(doc, region):
            if not u.text:
                continue
            line = doc.position(u.vis_start).line if line_of is None else line_of(u)
            out.append(Unit(site, rel, line, u.text, u.vis_start, u.vis_end))
    return out


def _rendered(path: Path, rel: str, site: str) -> EvalDoc:
    """An HTML page as a naive extractor writes it: one visible block a line."""
    from newslint.config import Settings
    from newslint.detectors.boilerplate import units
    from newslint.document import Format, file_document
    from newslint.inputs import load

    page = load(path, Settings()).documents[0]
    lines, refs = [], []
    for region in page.body_regions():
        for u in units(page, region):
            if u.text and not u.text.startswith(("{", "//")):
                lines.append(u.text)
                refs.append(page.position(u.vis_start).line)
    text = "\n".join(lines) + "\n"
    doc = file_document(rel, text, Format.PLAIN)
    out = _units_of(doc, rel, site, line_of=lambda u: refs[doc.position(u.vis_start).line - 1])
    return EvalDoc(site, rel, doc, out)


def _result_records(path: Path, rel: str) -> Iterator[EvalDoc]:
    from newslint.document import Format, file_document

    raw = path.read_text(encoding="utf-8")
    for block in re.finditer(r">{5,}(\S+?)>{5,}\n(.*?)\n<{5,}", raw, re.S):
        try:
            record = json.loads(block.group(2))
        except ValueError:
            continue
        site = Path(block.group(1)).parts[1] if len(Path(block.group(1)).parts) > 2 else "gne"
        content = record.get("content") or ""
        name = f"{rel}#{block.group(1)}"
        doc = file_document(name, content + "\n", Format.PLAIN)
        yield EvalDoc(site, name, doc, _units_of(doc, name, site))


def _wmt(path: Path, rel: str) -> Iterator[EvalDoc]:
    from newslint.document import Format, file_document

    csv.field_size_limit(1 << 30)
    source: dict[str, dict[int, str]] = defaultdict(dict)
    target: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for row in rows:
            seg = int(row[2])
            source[row[1]][seg] = row[5].replace("<v>", "").replace("</v>", "")
            target[(row[1], row[0])][seg] = row[6].replace("<v>", "").replace("</v>", "")

    def site(doc_id: str) -> str:
        name = doc_id.split("_", 1)[1].split(":")[0]
        return re.sub(r"[-.]?(?:zh)?(?:-01)?\.\d+$", "", name).replace("chinanews.com", "chinanews")

    for doc_id in sorted(source):
        segs = source[doc_id]
        name = f"{rel}#{doc_id}#source"
        doc = file_document(name, "\n".join(segs[k] for k in sorted(segs)) + "\n", Format.PLAIN)
        yield EvalDoc(site(doc_id), name, doc, _units_of(doc, name, site(doc_id)))
    for (doc_id, system) in sorted(target):
        segs = target[(doc_id, system)]
        name = f"{rel}#{doc_id}#{system}"
        doc = file_document(name, "\n".join(segs[k] for k in sorted(segs)) + "\n", Format.PLAIN)
        yield EvalDoc(site(doc_id), name, doc, _units_of(doc, name, site(doc_id)))


def documents(shared: Path = SHARED) -> Iterator[EvalDoc]:
    """Every document of the real material, with its labelled-able units."""
    from newslint.config import Settings
    from newslint.inputs import load

    real = shared / "real"
    roots = [shared / "corpus", real / "wind-lujiazui-jekyll", real / "nyt-rss-enzh-mt-newsarchive",
             real / "sogouca-tensite-gbk-dev"]
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            rel = path.relative_to(shared).as_posix()
            if path.name in ("SOURCES.md",):
                continue
            site = _site_of(rel)
            if path.name == "result.txt":
                yield from _result_records(path, rel)
                continue
            if path.suffix == ".html":
                yield _rendered(path, rel, site)
                continue
            source = load(path, Settings())
            for doc in source.documents:
                yield EvalDoc(site, rel, doc, _units_of(doc, rel, site))
    wmt = shared / "real" / "wmt-mqm-zhen-dev" / "DERIVED_generalMT2023_zhen_dev-docs.tsv"
    if wmt.is_file():
        yield from _wmt(wmt, wmt.relative_to(shared).as_posix())


# -- labels -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Label:
    site: str
    path: str
    line: int
    family: str  # a junk family, or "clean"
    hash: str
    text: str  # junk rows only


def read_labels(path: Path = LABELS) -> list[Label]:
    """The labels file: ``@<TAB>site<TAB>path`` opens a file's rows, each ``line<TAB>family<TAB>hash[<TAB>text]``."""
    out = []
    site = rel = ""
    with path.open(encoding="utf-8", newline="") as f:
        for raw in f:
            row = raw.rstrip("\n").split("\t")
            if not row[0] or row[0].startswith("#"):
                continue
            if row[0] == "@":
                site, rel = row[1], row[2]
                continue
            line, family, digest_, *text = row
            out.append(Label(site, rel, int(line), family, digest_, text[0] if text else ""))
    return out


def write_labels(labels: Sequence[Label], path: Path = LABELS) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("# Real junk set (issue 12), see benchmarks/junk_eval.py and README.md here.\n"
                "# '@ site path' (path under ../shared) opens a file; then: line, family (or clean), sha1[:12] of the\n"
                "# unit's whitespace-collapsed visible text, and for junk the start of that text.\n")
        current = None
        for lab in sorted(labels, key=lambda x: (x.path, x.line, x.hash)):
            if (lab.site, lab.path) != current:
                current = (lab.site, lab.path)
                f.write(f"@\t{lab.site}\t{lab.path}\n")
            text = " ".join(lab.text.split())[:80]
            f.write(f"{lab.line}\t{lab.family}\t{lab.hash}" + (f"\t{text}" if text else "") + "\n")


# -- scoring ------------------------------------------------------------------------------------

@dataclass
class Tally:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    clean: int = 0

    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")


def load_linter(codes: Sequence[str], pack: Path | None = None):
    """The document-scope checks with these codes: built-in, or from ``pack`` only (another version of
    ``checks/news-junk.yml``, e.g. ``git show <rev>:checks/news-junk.yml``, to measure before/after)."""
    from newslint.linter import Linter
    from newslint.packs import builtin_pack_paths, load_packs

    paths = [pack] if pack else builtin_pack_paths()
    specs = [s for s in load_packs(paths) if s.code in set(codes) and s.scope.value == "document"]
    return Linter(specs), [s.code for s in specs]


def evaluate(codes: Sequence[str], shared: Path = SHARED, pack: Path | None = None) -> dict:
    labels = read_labels()
    by_key = {(lab.path, lab.line, lab.hash): lab for lab in labels}
    linter, active = load_linter(codes, pack)
    seen: set[tuple[str, int, str]] = set()
    family = defaultdict(Tally)  # (split, family) -> recall counts
    code_hits: dict[tuple[str, str], Tally] = defaultdict(Tally)  # (split, code)
    overall = defaultdict(Tally)  # split -> precision/recall
    sites = defaultdict(Tally)  # site -> counts
    errors: list[str] = []
    unlabelled = Counter()
    for ev in documents(shared):
        findings = [f for f in linter.check(ev.doc) if f.code in active]
        for unit in ev.units:
            hit_codes = sorted({f.code for f in findings if f.start < unit.end and f.end > unit.start})
            lab = by_key.get(unit.key)
            if lab is None:
                if hit_codes:
                    unlabelled[ev.site] += 1
                continue
            seen.add(unit.key)
            split = "train" if lab.site in TRAIN_SITES else "held-out"
            junk = lab.family != "clean"
            for s in (split, "all"):
                t = overall[s]
                if junk:
                    family[(s, lab.family)].tp += bool(hit_codes)
                    family[(s, lab.family)].fn += not hit_codes
                    t.tp += bool(hit_codes)
                    t.fn += not hit_codes
                else:
                    t.clean += 1
                    t.fp += bool(hit_codes)
                for code in hit_codes:
                    code_hits[(s, code)].tp += junk
                    code_hits[(s, code)].fp += not junk
            st = sites[lab.site]
            if junk:
                st.tp += bool(hit_codes)
                st.fn += not hit_codes
            else:
                st.clean += 1
                st.fp += bool(hit_codes)
            if junk and not hit_codes:
                errors.append(f"FN {split} {lab.family:11} {lab.path}:{lab.line} {unit.text[:100]}")
            elif hit_codes and not junk:
                msgs = "; ".join(f"{f.code} {f.message[:60]}" for f in findings
                                 if f.start < unit.end and f.end > unit.start)
                errors.append(f"FP {split} {lab.path}:{lab.line} {unit.text[:80]} | {msgs}")
    missing = [lab for lab in labels if (lab.path, lab.line, lab.hash) not in seen]
    return {"family": family, "codes": code_hits, "overall": overall, "sites": sites, "errors": errors,
            "missing": missing, "unlabelled": unlabelled, "active": active, "labels": labels}


def _f(x: float) -> str:
    return "–" if x != x else f"{x:.3f}"


def report(res: dict, show: int) -> str:
    out = []
    labels = res["labels"]
    counts = Counter((lab.site in TRAIN_SITES, lab.family) for lab in labels)
    out.append(f"labelled units: {len(labels)} ({sum(v for (_, f), v in counts.items() if f != 'clean')} junk, "
               f"{sum(v for (_, f), v in counts.items() if f == 'clean')} clean); codes: {', '.join(res['active'])}")
    if res["missing"]:
        out.append(f"WARNING: {len(res['missing'])} labels not found in the material (moved or absent)")
    out.append("")
    out.append("| split | junk units | recall | clean units | false alarms | precision |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for split in ("train", "held-out", "all"):
        t = res["overall"][split]
        out.append(f"| {split} | {t.tp + t.fn} | {_f(t.recall())} | {t.clean} | {t.fp} | {_f(t.precision())} |")
    out.append("")
    out.append("| family | train recall | held-out recall | all recall (found/units) |")
    out.append("|---|---:|---:|---:|")
    for fam in FAMILIES:
        tr, ho, al = (res["family"][(s, fam)] for s in ("train", "held-out", "all"))
        out.append(f"| {fam} | {_f(tr.recall())} ({tr.tp}/{tr.tp + tr.fn}) "
                   f"| {_f(ho.recall())} ({ho.tp}/{ho.tp + ho.fn}) | {_f(al.recall())} ({al.tp}/{al.tp + al.fn}) |")
    out.append("")
    out.append("| code | units flagged (all) | of them junk | of them clean | precision | held-out precision |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for code in res["active"]:
        t, h = res["codes"][("all", code)], res["codes"][("held-out", code)]
        out.append(f"| {code} | {t.tp + t.fp} | {t.tp} | {t.fp} | {_f(t.precision())} | {_f(h.precision())} |")
    out.append("")
    out.append("| site | split | junk found / units | clean units | false alarms |")
    out.append("|---|---|---:|---:|---:|")
    for site, t in sorted(res["sites"].items()):
        split = "train" if site in TRAIN_SITES else "held-out"
        out.append(f"| {site} | {split} | {t.tp}/{t.tp + t.fn} | {t.clean} | {t.fp} |")
    if res["unlabelled"]:
        out.append("")
        out.append(f"flagged units without a label, by site: {dict(res['unlabelled'])}")
    if show:
        out.append("")
        out.extend(res["errors"][:show])
    return "\n".join(out)


def candidates(shared: Path = SHARED) -> None:
    """Every unit of the material (site, path, line, hash, text), for labelling."""
    w = sys.stdout
    for ev in documents(shared):
        for i, u in enumerate(ev.units):
            pos = "first" if i == 0 else "last" if i == len(ev.units) - 1 else ""
            text = u.text.replace("\t", " ")
            w.write(f"{u.site}\t{u.path}\t{u.line}\t{digest(u.text)}\t{i}/{len(ev.units)}{pos}\t{text}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", default=",".join(JUNK_CODES))
    parser.add_argument("--show-errors", type=int, default=0)
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument("--pack", type=Path, help="load the checks from this pack file only (before/after runs)")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print("../shared is not present: nothing to measure", file=sys.stderr)
        return 2
    if args.candidates:
        candidates()
        return 0
    res = evaluate(args.codes.split(","), pack=args.pack)
    print(report(res, args.show_errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
