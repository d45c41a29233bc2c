"""NL403 (corpus-learned boilerplate) and NL404 (repeated paragraph) on real text nobody on the team wrote.

NL403 is run (``newslint check --select NL403``, one process, ``--no-cache``) over:

- ``real/wmt-mqm-zhen-dev``: ten MT systems' English translations of the same 19 Chinese articles. The
  documents are built from the TSV as its README says: per (system, doc) the ``target`` of each segment,
  ``<v>`` marks stripped, in ``docSegId`` order, one segment a line; all 190 in one folder (one source).
  Nothing in them is boilerplate: every finding is an article sentence, so every finding is wrong.
- ``real/wind-lujiazui-jekyll``: the two Wind digests, with ``min_documents: 2`` (there are only two). The
  four legal paragraphs of the footer are boilerplate, written with ``**bold**`` labels in one post and
  without in the other; the section headings (``### 热点聚焦``…) are structure and must not be reported.
- each folder of ``../shared/corpus`` (defaults), with every finding judged by ``NL403_LABELS`` (a line not
  labelled is printed as unlabelled, to be labelled by eye).

NL404 is run over every file of ``../shared/real``, ``../shared/corpus`` and ``../shared/seeds`` (each named, so
``.dat``/``.json``/``.tsv`` are read too) and the 190 MQM translations, ``--select NL404``; each finding is
judged by ``benchmarks/nl404_labels.tsv``
(``file<TAB>line<TAB>verdict<TAB>note``; verdict ``right`` or ``wrong``; unlabelled findings are printed).

    python benchmarks/nl403_eval.py            # markdown on stdout
    python benchmarks/nl403_eval.py --json out.json
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
REAL = SHARED / "real"
CORPUS = SHARED / "corpus"
LABELS_404 = Path(__file__).resolve().parent / "nl404_labels.tsv"

# Wind's legal footer: the start of each of its four paragraphs (bold or not); anything else NL403 reports in
# the Wind posts is wrong (section headings, article items).
WIND_FOOTER = ("风险提示：", "版权声明：", "免责声明：本文所引述", "免责声明：本页面展示")

# NL403 findings on ../shared/corpus judged by eye: text in the reported line -> boilerplate?
NL403_LABELS: dict[str, bool] = {
    "[返回东财滚动新闻]": True,   # eastmoney nav line
    "[返回首页]": True,
    "<http": True,              # eastmoney: the bare source-URL line of the template
    "海量资讯、精准解读，尽在新浪财经APP": True,  # Sina app promo
    ".appendQr_normal_txt&#123;": True,  # Sina: the CSS of that promo box, in every post's <style>
    "深度报告 权威内参 来自“证券通”": True,  # SogouC: 证券通 promo, hotline and legal lines
    "更多详情免费咨询": True,
    "本文版权为“证券通”独家拥有": True,
    "作者声明：在本机构、本人所知情的范围内": True,
    "想知道下一个热点吗？可拨打热线": True,
    "上海益邦投资咨询有限公司（证券投资咨询业务资格证书编号": True,
    "相关新闻": True,
}

_V = re.compile(r"</?v>")


def build_mqm(folder: Path) -> int:
    """Write one file per (system, doc) of the MQM TSV into ``folder``; returns how many."""
    segments: dict[tuple[str, str], dict[int, str]] = defaultdict(dict)
    path = REAL / "wmt-mqm-zhen-dev" / "DERIVED_generalMT2023_zhen_dev-docs.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for row in rows:
            system, doc, seg, target = row[0], row[1], int(row[2]), row[6]
            segments[(system, doc)].setdefault(seg, _V.sub("", target))
    for (system, doc), segs in segments.items():
        name = f"{system}__{doc.split(':')[0]}.txt"
        body = "\n".join(" ".join(segs[n].split()) for n in sorted(segs))
        (folder / name).write_text(body + "\n", encoding="utf-8")
    return len(segments)


def newslint_json(paths: Sequence[Path | str], select: str, config: Path | None = None) -> list[dict]:
    args = [sys.executable, "-m", "newslint", "check", "--format", "json", "--no-cache", "--exit-zero",
            "--jobs", "1", "--select", select]
    if config is not None:
        args += ["--config", str(config)]
    done = subprocess.run([*args, *map(str, paths)], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1, 2) or not done.stdout:  # 2: an input problem (a file over the size limit)
        raise RuntimeError(done.stderr)
    return json.loads(done.stdout or "[]")


def _line(finding: dict) -> str:
    return finding["message"].split(": ", 1)[1] if ": " in finding["message"] else finding["message"]


def nl403(work: Path) -> dict:
    out: dict = {}
    mqm = work / "mqm"
    mqm.mkdir()
    out["mqm_documents"] = build_mqm(mqm)
    found = newslint_json([mqm], "NL403")
    out["mqm_findings"] = len(found)
    out["mqm_lines"] = sorted({_line(f) for f in found})
    strict = work / "two.yaml"
    strict.write_text("params:\n  NL403: {min_documents: 2}\n", encoding="utf-8")
    out["mqm_findings_min2"] = len(newslint_json([mqm], "NL403", strict))

    config = work / "wind.yaml"
    config.write_text("params:\n  NL403: {min_documents: 2}\n", encoding="utf-8")
    found = newslint_json([REAL / "wind-lujiazui-jekyll"], "NL403", config)
    footer = {(Path(f["path"]).name, key) for f in found for key in WIND_FOOTER if key in _line(f).replace("**", "")}
    out["wind_findings"] = len(found)
    out["wind_footer_found"] = len(footer)
    out["wind_footer_total"] = 2 * len(WIND_FOOTER)
    out["wind_wrong"] = sorted(f"{Path(f['path']).name}:{f['location']['row']}: {_line(f)[:60]}" for f in found
                               if not any(key in _line(f).replace("**", "") for key in WIND_FOOTER))

    corpus: dict[str, dict] = {}
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        found = newslint_json([folder], "NL403")
        right = wrong = 0
        unlabelled = []
        for f in found:
            verdict = next((v for k, v in NL403_LABELS.items() if k in _line(f)), None)
            if verdict is None:
                unlabelled.append(f"{f['path'].split('/')[-1]}:{f['location']['row']}: {_line(f)[:70]}")
            right += verdict is True
            wrong += verdict is False
        corpus[folder.name] = {"findings": len(found), "right": right, "wrong": wrong, "unlabelled": unlabelled}
    out["corpus"] = corpus
    return out


def _files() -> list[Path]:
    skip = {"SOURCES.md", "README.md", "LICENSE.upstream"}
    roots = (REAL, CORPUS, SHARED / "seeds")
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.is_file() and p.name not in skip)


def _labels() -> dict[tuple[str, int], tuple[str, str]]:
    labels = {}
    if LABELS_404.is_file():
        for row in csv.reader(LABELS_404.open(encoding="utf-8"), delimiter="\t"):
            if row and not row[0].startswith("#"):
                labels[(row[0], int(row[1]))] = (row[2], row[3] if len(row) > 3 else "")
    return labels


def nl404(work: Path) -> dict:
    """Every file of ../shared (real, corpus, seeds) and the 190 MQM translations (as ``mqm/<name>``)."""
    mqm = work / "mqm404"
    mqm.mkdir()
    build_mqm(mqm)
    found = newslint_json([*_files(), mqm], "NL404")
    labels = _labels()
    scored = {"findings": len(found), "right": 0, "wrong": 0, "unlabelled": [], "wrong_list": []}
    seen = set()
    for f in found:
        path = Path(f["path"]).resolve()
        name = f"mqm/{path.name}" if path.parent == mqm.resolve() else str(path.relative_to(SHARED))
        key = (name, f["location"]["row"])
        seen.add(key)
        verdict = labels.get(key)
        shown = f"{key[0]}\t{key[1]}\t{_line(f)[:80]}"
        if verdict is None:
            scored["unlabelled"].append(shown)
        elif verdict[0] == "right":
            scored["right"] += 1
        else:
            scored["wrong"] += 1
            scored["wrong_list"].append(shown)
    scored["probes"] = probes(work)
    # repeats labelled right that are no longer found
    scored["missed"] = [f"{k[0]}:{k[1]} {v[1]}" for k, v in labels.items() if v[0] == "right" and k not in seen]
    return scored


def probes(work: Path) -> dict[str, int]:
    """NL404 findings on real lines in the layouts scraped pages give them, none of which is a repeat of
    prose (the same documents as tests/test_repeats.py): the number of findings per probe."""
    folder = work / "probes"
    folder.mkdir()
    wind = (REAL / "wind-lujiazui-jekyll" / "2024-8-30-wind-DailyFinanceNews.md").read_text(encoding="utf-8")
    east = CORPUS / "eastmoney-jekyll-finews"
    post = (east / "old_post" / "2021-12-08-202112082207020388.md").read_text(encoding="utf-8")
    nav = post.rstrip("\n").rsplit("\n", 1)[1]
    head, body = post.split("\n---\n", 1)
    picture = next(line for line in wind.split("\n") if line.startswith("![img](2024-8-30"))
    cut = wind.index("### 环球市场")
    bold = [line.split("**")[1] for line in wind.split("\n") if line[:1].isdigit() and line.count("**") >= 2]
    headlines = [h for h in bold if 12 <= len(h) <= 30 and not h.endswith(("。", "！", "，"))][:3]
    listing = "".join(f"- {h}\n" for h in headlines)
    header = "system | doc | docSegId | globalSegId | rater | source | target | category | severity"
    rule = " | ".join("---" for _ in header.split(" | "))
    row = "GPT4-5shot | news_chinanews.com.280744 | 1 | 1 | rater2 | … | … | No-error | No-error"
    site = (CORPUS / "newspaper3k-test-fixtures" / "text" / "sitepoint.com2.txt").read_text(encoding="utf-8")
    paragraphs = [p for p in site.split("\n\n") if p.strip()]
    code = next(p for p in paragraphs if p.startswith("$im->saveToFile("))
    docs = {
        "nav bar at the top and the bottom": f"{head}\n---\n{nav}\n{body}",
        "one picture shown twice": f"{wind[:cut]}{picture}\n\n{wind[cut:]}",
        "short list items and a bold label named twice":
            f"{listing}\n**{headlines[0]}**\n\n{listing}\n**{headlines[0]}**\n",
        "two tables without outer pipes": f"{header}\n{rule}\n{row}\n\n{header}\n{rule}\n{row}\n",
        "one line of code in two examples":
            f"{paragraphs[0]}\n\n```php\n{code}\n```\n\n{paragraphs[1]}\n\n```php\n{code}\n```\n",
    }
    names = {}
    for number, (label, text) in enumerate(docs.items()):
        path = folder / f"{number}.md"
        path.write_text(text, encoding="utf-8")
        names[str(path.resolve())] = label
    found = newslint_json(sorted(folder.iterdir()), "NL404")
    counts = dict.fromkeys(docs, 0)
    for f in found:
        counts[names[str(Path(f["path"]).resolve())]] += 1
    return counts


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "–"


def report(r403: dict | None, r404: dict | None) -> str:
    return "\n".join([*(_report403(r403) if r403 else []), *(_report404(r404) if r404 else [])])


def _report403(r403: dict) -> list[str]:
    lines = ["### NL403 (corpus-learned boilerplate)", "",
             "| material | documents | findings | right | wrong | unlabelled |", "|---|---:|---:|---:|---:|---:|",
             f"| MQM: 10 MT systems × 19 articles, one folder | {r403['mqm_documents']} | {r403['mqm_findings']} | 0 "
             f"| {r403['mqm_findings']} | 0 |",
             f"| MQM, min_documents 2 | {r403['mqm_documents']} | {r403['mqm_findings_min2']} | 0 "
             f"| {r403['mqm_findings_min2']} | 0 |",
             f"| Wind, min_documents 2 (footer paragraphs found {r403['wind_footer_found']}/"
             f"{r403['wind_footer_total']}) | 2 | {r403['wind_findings']} | {r403['wind_footer_found']} "
             f"| {len(r403['wind_wrong'])} | 0 |"]
    for name, c in r403["corpus"].items():
        lines.append(f"| corpus/{name} | | {c['findings']} | {c['right']} | {c['wrong']} | {len(c['unlabelled'])} |")
    lines.append("")
    lines += [f"- MQM line reported: {line[:100]}" for line in r403["mqm_lines"][:20]]
    if len(r403["mqm_lines"]) > 20:
        lines.append(f"- … {len(r403['mqm_lines']) - 20} more distinct lines")
    lines += [f"- Wind, not footer: {w}" for w in r403["wind_wrong"]]
    for name, c in r403["corpus"].items():
        lines += [f"- corpus/{name}, unlabelled: {u}" for u in c["unlabelled"]]
    return [*lines, ""]


def _report404(r404: dict) -> list[str]:
    lines = ["### NL404 (repeated paragraph), `nl404_labels.tsv`", "",
              "| findings | right | wrong | unlabelled | precision (labelled) | labelled right, not found |",
              "|---:|---:|---:|---:|---:|---:|",
              f"| {r404['findings']} | {r404['right']} | {r404['wrong']} | {len(r404['unlabelled'])} "
              f"| {_ratio(r404['right'], r404['right'] + r404['wrong'])} | {len(r404['missed'])} |", ""]
    lines += ["Real lines in page layouts that repeat no prose (findings, all wrong):", ""]
    lines += [f"- {label}: {count}" for label, count in r404["probes"].items()]
    lines.append("")
    lines += [f"- wrong: {w}" for w in r404["wrong_list"]]
    lines += [f"- unlabelled: {u}" for u in r404["unlabelled"]]
    lines += [f"- missed: {m}" for m in r404["missed"]]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--only", choices=("NL403", "NL404"), help="measure one check")
    args = parser.parse_args(argv)
    if not REAL.is_dir() or not CORPUS.is_dir():
        print(f"{REAL} or {CORPUS} is not there: nothing to measure", file=sys.stderr)
        return 2
    began = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        r403 = nl403(Path(tmp)) if args.only != "NL404" else None
        r404 = nl404(Path(tmp)) if args.only != "NL403" else None
    print(f"{time.perf_counter() - began:.1f}s\n")
    print(report(r403, r404))
    if args.json:
        args.json.write_text(json.dumps({"NL403": r403, "NL404": r404}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
