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

Once the held-out sites' misses have been read, that split is no longer blind. ``--loso`` adds an
estimate that does not depend on which sites were read: **leave one site out**.

* A *rule* is one top-level alternative of one regex of the junk-line kind's ``labels``, ``cues``,
  ``edge_cues`` or ``widgets`` (the pack writes one concept a regex: a group of synonyms in Chinese and
  English), one shape rule (a row of separator items, one item of such a row, a line of links only, an
  embedded data URI), or one alternative of a site-signature check's regex (NL302's pattern, a list
  entry of NL401/NL402, named ``NL402 sites.sina[0]|0``).
* A rule *fires* on a labelled junk unit that some check flags when it matches the unit in its own
  mode: a label at the start (or after a date stamp), a cue anywhere unless the unit reads as news,
  an edge cue as the whole text, a widget word inside a unit the detector called a widget line; a
  shape rule or a site-signature rule when its finding covers the unit. Its *coverage* is the set of
  sites of those units.
* For each site S, the rules whose coverage is S alone are *memorised for S*. The junk-line checks
  are run again on S's documents without those branches (the regexes rebuilt without them, and
  without ``defer_to``, so a unit a site signature also reports still counts when the general rules
  catch it); a finding whose message names a memorised shape rule does not count; a site-signature
  finding counts only when its rule's coverage holds another site. A junk unit of S is found when
  what is left catches it.
* Recall is reported per family, micro-averaged over sites (every junk unit of every site once, each
  judged with its own site left out), beside the plain all-site figures; precision is the plain one
  (leaving rules out can only remove findings). The single-site rules are listed with their site.

What the estimate does not do: it does not undo what the rule writer learnt from reading S (a concept
group is credited on S when any of its phrases fires on another site's junk; ``--loso-phrases``
judges each phrase of a group on its own, a stricter reading), and a rule with only one site's
evidence in this set counts as memorised even when it is general knowledge (``Photo by X/Getty
Images``); identical units count once each, so one line repeated on many pages of one site weighs a
lot.

    python benchmarks/junk_eval.py                      # all codes, train and held-out
    python benchmarks/junk_eval.py --codes NL302,NL401,NL402 --show-errors 20
    python benchmarks/junk_eval.py --loso --show-errors 50    # leave-one-site-out, its misses
    python benchmarks/junk_eval.py --loso --pack old-news-junk.yml   # the same for another pack version
    python benchmarks/junk_eval.py --candidates > /tmp/units.tsv   # every unit, for labelling
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
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


# -- leave-one-site-out (--loso) ------------------------------------------------------------------

RULE_LISTS = ("labels", "cues", "edge_cues")  # family -> [regex]; "widgets" is a plain list
SHAPE_RULES = ("a row of short items between separators", "an item of a separator row", "links only")


def alternatives(source: str) -> list[str]:
    """The top-level alternatives of a regex (``a|b(?:c|d)|e`` -> ``a``, ``b(?:c|d)``, ``e``)."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            if source[i + 1:i + 2] == "^":
                i += 1
            if source[i + 1:i + 2] == "]":
                i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(source[start:i])
            start = i + 1
        i += 1
    out.append(source[start:])
    return out


def unwrapped(source: str) -> str:
    """``(?:a|b|c)`` -> ``a|b|c`` (the same regex where it is one alternative of a larger one); other
    regexes unchanged. ``--loso-phrases`` judges each phrase of a concept group on its own."""
    if not source.startswith("(?:"):
        return source
    depth, i, in_class = 0, 0, False
    while i < len(source):
        ch = source[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 2 if source[i + 1:i + 2] in ("]", "^") else 1
            continue
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return source[3:-1] if i == len(source) - 1 else source
        i += 1
    return source


def _split_groups(params: dict) -> dict:
    new = dict(params)
    for lst in RULE_LISTS:
        new[lst] = {fam: [unwrapped(p) for p in ([pats] if isinstance(pats, str) else pats)]
                    for fam, pats in (params.get(lst) or {}).items()}
    new["widgets"] = [unwrapped(p) for p in params.get("widgets") or []]
    return new


@dataclass(frozen=True)
class Branch:
    """One rule: a top-level alternative of one regex of a junk-line list (``cues.legal[3]|2``), a
    shape rule, or a site-signature check's alternative (``NL402 (sina)``)."""

    key: str
    source: str


def _junk_branches(params: dict) -> list[tuple[Branch, str, str, re.Pattern]]:
    """(branch, list name, family, compiled alternative) of a junk-line check's pattern lists."""
    flags = 0
    for name in params.get("flags") or []:
        flags |= getattr(re, name.upper())
    out = []
    for lst in RULE_LISTS:
        for fam, pats in (params.get(lst) or {}).items():
            for i, pat in enumerate([pats] if isinstance(pats, str) else pats):
                for j, alt in enumerate(alternatives(pat)):
                    out.append((Branch(f"{lst}.{fam}[{i}]|{j}", alt), lst, fam, re.compile(alt, flags)))
    for i, pat in enumerate(params.get("widgets") or []):
        for j, alt in enumerate(alternatives(pat)):
            out.append((Branch(f"widgets[{i}]|{j}", alt), "widgets", "chrome", re.compile(alt, flags)))
    return out


def pruned(params: dict, drop: set[str]) -> dict:
    """``params`` without the branches whose keys are in ``drop`` (an emptied regex is removed)."""
    new = dict(params)
    for lst in RULE_LISTS:
        fams = {}
        for fam, pats in (params.get(lst) or {}).items():
            kept = []
            for i, pat in enumerate([pats] if isinstance(pats, str) else pats):
                alts = [a for j, a in enumerate(alternatives(pat)) if f"{lst}.{fam}[{i}]|{j}" not in drop]
                if alts:
                    kept.append("|".join(alts))
            if kept:
                fams[fam] = kept
        new[lst] = fams
    widgets = []
    for i, pat in enumerate(params.get("widgets") or []):
        alts = [a for j, a in enumerate(alternatives(pat)) if f"widgets[{i}]|{j}" not in drop]
        if alts:
            widgets.append("|".join(alts))
    new["widgets"] = widgets
    new["defer_to"] = []  # the junk-line verdicts on their own (a unit NL402 also reports still counts)
    return new


def _plain(text: str) -> str:
    """A unit's text as the junk-line kind classifies it (entities, Markdown markers and emphasis out)."""
    from newslint.detectors import junk

    if "&" in text:
        text = html.unescape(text)
    if text[:1] in junk._LEAD_CHARS:
        text = junk._MARKDOWN_LEAD.sub("", text)
    if "*" in text or "_" in text or "~" in text:
        text = junk._EMPHASIS.sub("", text)
    return text.strip()


def _fired(detector, branches, plain: str, verdict) -> set[str]:
    """The junk-line branches that fire on a unit the detector classified: each list in its own mode
    (a label at the start or after a date stamp, a cue anywhere unless the unit reads as news, an edge
    cue as the whole text, a widget word in a widget line), and the shape rule that decided it."""
    from newslint.detectors import junk

    out = set()
    if verdict.cue in SHAPE_RULES:
        out.add(f"shape: {verdict.cue}")
    stamp = junk._STAMP.match(plain)
    newsy = detector._newsy(plain)
    for branch, lst, _fam, rx in branches:
        if lst == "labels":
            ok = rx.match(plain) or (stamp and rx.match(plain, stamp.end()))
        elif lst == "cues":
            ok = not newsy and rx.search(plain)
        elif lst == "edge_cues":
            ok = rx.fullmatch(plain)
        else:
            ok = verdict.widget and rx.search(plain)
        if ok:
            out.add(branch.key)
    return out


def _signature_rules(spec) -> list[tuple[str, re.Pattern]]:
    """(key, alternative) of a site-signature check's regexes (NL302's pattern, NL401/NL402's lists)."""
    out = []

    def walk(value, where):
        if isinstance(value, str):
            try:
                re.compile(value, re.S)
            except re.error:
                return
            for j, alt in enumerate(alternatives(value)):
                out.append((f"{spec.code} {where}|{j}", re.compile(alt, re.S)))
        elif isinstance(value, Mapping):
            for k, v in value.items():
                if k not in ("skip", "replacement", "flags", "message"):
                    walk(v, f"{where}.{k}" if where else k)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]")

    walk(dict(spec.params), "")
    return out


def loso(codes: Sequence[str], shared: Path = SHARED, pack: Path | None = None, phrases: bool = False) -> dict:
    """Leave-one-site-out recall (see the module docstring)."""
    import dataclasses

    from newslint.linter import Linter

    labels = read_labels()
    by_key = {(lab.path, lab.line, lab.hash): lab for lab in labels}
    linter, active = load_linter(codes, pack)
    junk_specs = [d.check for d in linter.detectors if d.check.kind == "junk-line"]
    junk_dets = [d for d in linter.detectors if d.check.kind == "junk-line"]
    sig_rules = {d.check.code: _signature_rules(d.check) for d in linter.detectors
                 if d.check.kind != "junk-line"}
    if phrases:  # every phrase of a concept group is a rule of its own (same regexes, finer rules)
        junk_specs = [dataclasses.replace(s, params=_split_groups(dict(s.params))) for s in junk_specs]
        junk_dets = [type(d)(spec) for d, spec in zip(junk_dets, junk_specs, strict=True)]
    base = dict(junk_specs[0].params) if junk_specs else {}
    branches = _junk_branches(base)
    source_of = {b.key: b.source for b, *_ in branches}
    cover: dict[str, set[str]] = defaultdict(set)  # rule -> sites of the junk units it fires on
    units_of: dict[str, int] = Counter()
    fired: dict[tuple, set[str]] = {}  # junk unit key -> rules (site-signature checks only)
    docs = []
    for ev in documents(shared):
        findings = [f for f in linter.check(ev.doc) if f.code in active]
        labelled = [(u, by_key.get(u.key)) for u in ev.units]
        labelled = [(u, lab) for u, lab in labelled if lab is not None]
        if not labelled:
            continue
        docs.append((ev, labelled))
        verdicts = {}
        for det in junk_dets:
            if not det.check.applies_to(ev.doc) or ev.doc.format.value == "html":
                continue
            for region in det.regions(ev.doc):
                for unit, verdict, _edge in det.classify(ev.doc, region):
                    if verdict is not None and verdict.family in det.report:
                        verdicts[(unit.vis_start, unit.vis_end)] = verdict
        for unit, lab in labelled:
            if lab.family == "clean":
                continue
            rules: set[str] = set()
            sig: set[str] = set()
            verdict = verdicts.get((unit.start, unit.end))
            if verdict is not None:
                rules |= _fired(junk_dets[0], branches, _plain(unit.text), verdict)
            for f in findings:
                if not (f.start < unit.end and f.end > unit.start):
                    continue
                if "embedded data:" in f.message:
                    rules.add("shape: data URI")
                elif f.code in sig_rules:
                    text = ev.doc.text[f.start:f.end]
                    key = next((k for k, rx in sig_rules[f.code] if rx.search(text)), f"{f.code} ?")
                    sig.add(key)
            for r in rules | sig:
                cover[r].add(lab.site)
                units_of[r] += 1
            fired[unit.key] = sig
    # Re-run the junk-line checks per site without the branches that fire on that site's junk alone.
    single = {r: next(iter(s)) for r, s in cover.items() if len(s) == 1}
    linters: dict[frozenset, Linter] = {}
    family, sites = defaultdict(Tally), defaultdict(Tally)
    misses: list[str] = []
    for ev, labelled in docs:
        drop = frozenset(r for r, s in single.items() if s == ev.site and r in source_of)
        if drop not in linters:
            specs = [dataclasses.replace(s, params=pruned(dict(s.params), set(drop))) for s in junk_specs]
            linters[drop] = Linter(specs)
        spans = [(f.start, f.end) for f in linters[drop].check(ev.doc)
                 if not any(single.get(rule) == ev.site for rule in _shape_rules(f.message))]
        for unit, lab in labelled:
            if lab.family == "clean":
                continue
            caught = any(s < unit.end and e > unit.start for s, e in spans) or any(
                len(cover[r] - {lab.site}) > 0 for r in fired.get(unit.key, ()))
            for t in (family[lab.family], sites[lab.site]):
                t.tp += caught
                t.fn += not caught
            if not caught:
                misses.append(f"LOSO-FN {lab.family:11} {lab.site:14} {lab.path}:{lab.line} {unit.text[:90]}")
    return {"misses": misses, "family": family, "sites": sites, "cover": cover, "units_of": units_of, "single": single,
            "source_of": source_of}


def _shape_rules(message: str) -> list[str]:
    """The shape rules a junk-line finding's message names (they have no branch to leave out)."""
    found = [f"shape: {s}" for s in SHAPE_RULES if f"({s})" in message]
    return found + (["shape: data URI"] if "embedded data:" in message else [])


def loso_report(res: dict, plain: dict, show: int = 0) -> str:
    out = ["", "Leave-one-site-out (a site's junk counts only when a rule that fires on another site's junk "
           "catches it):", "",
           "| family | plain recall (all sites) | LOSO recall (micro over sites) |", "|---|---:|---:|"]
    tot, ptot = Tally(), Tally()
    for fam in FAMILIES:
        t, p = res["family"][fam], plain["family"][("all", fam)]
        tot.tp += t.tp
        tot.fn += t.fn
        ptot.tp += p.tp
        ptot.fn += p.fn
        out.append(f"| {fam} | {_f(p.recall())} ({p.tp}/{p.tp + p.fn}) | {_f(t.recall())} ({t.tp}/{t.tp + t.fn}) |")
    out.append(f"| all | {_f(ptot.recall())} ({ptot.tp}/{ptot.tp + ptot.fn}) "
               f"| {_f(tot.recall())} ({tot.tp}/{tot.tp + tot.fn}) |")
    o = plain["overall"]["all"]
    out.append(f"\nprecision (all rules, clean units): {_f(o.precision())} ({o.fp} false alarms on {o.clean})")
    out.append("")
    out.append("| site | junk units | plain found | LOSO found |")
    out.append("|---|---:|---:|---:|")
    for site, t in sorted(res["sites"].items()):
        p = plain["sites"][site]
        if t.tp + t.fn:
            out.append(f"| {site} | {t.tp + t.fn} | {p.tp} | {t.tp} |")
    out.append("")
    out.append("Single-site rules (they fire on the junk of one site only; memorised for it):")
    for rule, site in sorted(res["single"].items(), key=lambda x: (x[1], x[0])):
        src = res["source_of"].get(rule, "")
        out.append(f"  {site:16} {res['units_of'][rule]:4} units  {rule}  {src[:90]}")
    if show:
        out.append("")
        out.extend(res["misses"][:show])
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", default=",".join(JUNK_CODES))
    parser.add_argument("--show-errors", type=int, default=0)
    parser.add_argument("--candidates", action="store_true")
    parser.add_argument("--pack", type=Path, help="load the checks from this pack file only (before/after runs)")
    parser.add_argument("--loso", action="store_true", help="also the leave-one-site-out recall (see above)")
    parser.add_argument("--loso-phrases", action="store_true",
                        help="LOSO with each phrase of a concept group as a rule of its own (stricter)")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print("../shared is not present: nothing to measure", file=sys.stderr)
        return 2
    if args.candidates:
        candidates()
        return 0
    res = evaluate(args.codes.split(","), pack=args.pack)
    print(report(res, args.show_errors))
    if args.loso or args.loso_phrases:
        print(loso_report(loso(args.codes.split(","), pack=args.pack, phrases=args.loso_phrases), res,
                          args.show_errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
