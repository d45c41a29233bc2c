"""Names checks on real machine translation: the WMT23 zh→en MQM dev documents (not a test).

Builds one Chinese document per source article (its segments joined by ``docSegId``) and one English
document per (MT system, article) (the system's translations, ``<v>`` marks stripped), then runs the
names pack's corpus checks (NL503, NL601) over all of them the way the runner does (map each document,
reduce once), twice: without links (plain text: pairing must find the originals itself) and with a
front-matter ``translation_of`` link on every translation.

Reported: pairs found and right (of one per translation), articles with every translation paired;
NL601 against ``DERIVED_name-errors_dev.tsv`` (``zh_wrong`` must be flagged; ``zh_format`` must not be
reported as wrong); every other NL601 finding, judged in ``JUDGED`` below; Chinese name extraction
against ``GOLD`` (hand labels of every Chinese person named in these articles). Figures are given for
two halves of the articles (``--split``: tune on ``A``, report on ``B``) and for all of them.

    python benchmarks/names_real.py [--split A|B|all] [--show]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MQM = REPO.parent / "shared" / "real" / "wmt-mqm-zhen-dev"
TSV = MQM / "DERIVED_generalMT2023_zhen_dev-docs.tsv"
LABELS = MQM / "DERIVED_name-errors_dev.tsv"
_MARK = re.compile(r"</?v>")

# Every Chinese person (of China, Hong Kong, Macao, Taiwan) named in the source articles, by hand,
# persons named only by surname + 先生/女士 included (孙先生 is rendered "Mr. Sun").
GOLD: dict[str, tuple[str, ...]] = {
    "news_chinanews.com.280744": ("牛瑞飞",),
    "news_chinanews.com.280789": ("马祚波", "孙先生", "郑女士"),
    "news_chinanews.com.280870": ("何莹", "李云杰"),
    "news_chinanews.com.280875": ("夏宾", "芳芳"),
    "news_chinanews.com.280933": ("何立峰", "习近平"),
    "news_chinanews.com.281026": ("习近平",),
    "news_hunan_ribao-zh.11308": ("李絮枫", "蔡奇", "习近平"),
    "news_international_times-zh.9293": ("王凌丽",),
    "news_jingji_guancha_bao-zh-01.22022": ("陈姗",),
    "news_rfi-chinese.19794": ("夏立言", "宋涛", "王沪宁", "赵春山", "尹力"),
}
# A second labelled sample for extraction: the 100 SogouCA articles of ../shared/real/sogouca-tensite-gbk-dev
# (document index → Chinese persons). Labelled from the extractor's output judged in context plus the
# misses found by two high-recall searches (surname + 1–2 characters before a speech verb, colon or
# bracket; after a role-like word), so a person neither finds is not counted: recall is an upper bound.
# The extraction rules were developed while reading these articles: not an unseen set.
SOGOU = MQM.parent / "sogouca-tensite-gbk-dev" / "DERIVED_first-100-docs.dat"
GOLD_SOGOU: dict[int, tuple[str, ...]] = {
    0: ("汤一亮", "庄胜春", "刘绍武", "刘安成", "王挺", "林志富"), 1: ("张先生", "余乐", "张绍刚"), 3: ("王宇",),
    4: ("李亮",), 5: ("张忠德", "薛凯"), 7: ("刘辰瑶",), 8: ("李会",), 9: ("刘海伟",), 10: ("申鹏",),
    12: ("陈冲", "潘孟安"), 14: ("刘丹",), 15: ("裴鑫",), 16: ("陶冬",),
    17: ("沈超", "李文慧", "陈锦波", "孙庚文", "田建平"),
    21: ("李小羽", "戴钢"), 22: ("安志远", "张志斌", "李倩", "关大力", "李朝林"), 25: ("李旭利",), 29: ("李朴民",),
    31: ("张建业", "宋冬林", "刘妍"), 32: ("余彭年",), 34: ("楼志文", "陈佩云"), 35: ("王耀辉",),
    39: ("许丽丹", "刘峰", "韩景媛", "程瑞锋", "刘雪"), 42: ("梁波", "袁纯清"), 43: ("姜樊",), 46: ("刘林鹏",),
    50: ("叶檀",), 51: ("陈文辉",), 52: ("马光远", "任志强", "王建铆", "张大伟", "陈宝存", "林耘"), 53: ("蒲长城",),
    54: ("连平", "鲁政委"), 56: ("刘映花", "张晓平"), 57: ("庞飒",), 59: ("陈龙", "张大伟"), 61: ("张女士",),
    62: ("武献华",), 64: ("陈恒",), 67: ("武献华",), 69: ("宋群", "刘煜辉"),
    70: ("冯军", "许小年"),
    72: ("梁先生", "钟星"), 73: ("兰永连", "邱国全"), 74: ("李大霄",), 75: ("朱继宏",),
    79: ("邢世伟", "王挺", "林志富"),
    81: ("苏贞昌", "蔡英文", "郑文灿", "黄睿松"), 83: ("黄晓南", "马晓澄"), 87: ("刘国栋", "胡勇", "孔猛", "陈龙"),
    89: ("韩旭",), 95: ("张扬", "殷莉红", "刘永慧", "刘妮"),
}
FOREIGN_SOGOU = {"金正恩", "安南", "潘基文", "普京"}

# Names of other countries written in Han characters (not Chinese persons: extraction must not count
# them as wrong finds, and NL601 must not judge them by pinyin).
FOREIGN = {"冯德莱恩", "岸田文雄", "西村康稔", "范明政", "里奥斯"}

# NL601 findings that match no label, judged by reading the translation: (system, article, found) → right?
# A label row marks one span of one segment; the same wrong rendering elsewhere in the document, or a
# wrong name the raters filed under another category (Accuracy/Mistranslation), is a right finding.
JUDGED: dict[tuple[str, str, str], bool] = {
    # 马祚波: filed under Accuracy/Mistranslation by the raters
    ("NLLB_Greedy", "news_chinanews.com.280789", "Ma Zhongbo"): True,
    ("ONLINE-M", "news_chinanews.com.280789", "Ma Xiaobo"): True,
    ("NLLB_MBR_BLEU", "news_chinanews.com.280789", "Ma Jun"): True,  # "(Journalist: Ma Jun)" for 记者马祚波
    # "Nationalist Party Deputy Chairman Xi Jinping is in Beijing" for 国民党副主席夏立言
    ("NLLB_MBR_BLEU", "news_rfi-chinese.19794", "Xi Jinping"): True,
    # the same kind of wrong rendering in rows the raters did not file as a name-format error
    ("NLLB_Greedy", "news_chinanews.com.280870", "Hoon"): True,  # "Patient Hoon:" for 患者何莹
    ("IOL_Research", "news_hunan_ribao-zh.11308", "Li Sufeng"): True,  # 李絮枫 is Li Xufeng
    ("NLLB_MBR_BLEU", "news_hunan_ribao-zh.11308", "Li Yang"): True,
    ("ONLINE-W", "news_hunan_ribao-zh.11308", "Li Shufeng"): True,
    ("NLLB_MBR_BLEU", "news_rfi-chinese.19794", "Chen Chunsan"): True,  # 赵春山
    ("NLLB_Greedy", "news_rfi-chinese.19794", "Xi"): True,  # "Liu's comments to Xi" for 宋涛对夏立言所说
    ("NLLB_Greedy", "news_chinanews.com.280789", "Ms. Liu"): True,  # 郑女士 is Ms. Zheng
    ("NLLB_MBR_BLEU", "news_chinanews.com.280789", "Mrs. Yang"): True,
    ("NLLB_MBR_BLEU", "news_chinanews.com.280875", "Afanfangon"): True,  # the account @芳芳一人食, mangled
    # wrong: the span renders another person of the paragraph (冯德莱恩, 岸田文雄), not the one named
    ("ONLINE-M", "news_chinanews.com.280744", "Leyen"): False,
    ("IOL_Research", "news_chinanews.com.280744", "Leyen"): False,
    ("ONLINE-A", "news_chinanews.com.280744", "Leyen"): False,
    ("NLLB_Greedy", "news_chinanews.com.280744", "Jean-Claude Juncker"): False,
    ("NLLB_MBR_BLEU", "news_chinanews.com.280744", "Jean-Claude Juncker"): False,
    ("NLLB_Greedy", "news_chinanews.com.280933", "Wen Jiabao"): False,
    ("ONLINE-W", "news_chinanews.com.280933", "Fumio Kishida"): False,
}


@dataclass
class Article:
    doc: str
    source: dict[int, str] = field(default_factory=dict)
    targets: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))


def read_articles() -> dict[str, Article]:
    csv.field_size_limit(1 << 30)
    out: dict[str, Article] = {}
    with TSV.open(encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(rows)
        for row in rows:
            system, doc, seg, source, target = row[0], row[1].split(":")[0], int(row[2]), row[5], row[6]
            art = out.setdefault(doc, Article(doc))
            art.source.setdefault(seg, _MARK.sub("", source))
            art.targets[system].setdefault(seg, _MARK.sub("", target))
    return out


def split_of(doc: str) -> str:
    """A stable half of the articles: A (tune) or B (report)."""
    return "A" if zlib.crc32(doc.encode()) % 2 == 0 else "B"


def read_labels() -> list[dict[str, str]]:
    with LABELS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    for r in rows:
        r["doc"] = r["doc"].split(":")[0]
        r["docSegId"] = int(r["docSegId"])
    return rows


@dataclass
class Built:
    docs: list  # Documents
    kind: list[tuple[str, str, str]]  # per document: (lang, article, system)
    seg_spans: list[dict[int, tuple[int, int]]]  # per document: segment → (start, end) offsets


def build(articles: dict[str, Article], links: bool, without_original: frozenset[str] = frozenset()) -> Built:
    from newslint.document import Format, file_document

    docs, kind, seg_spans = [], [], []

    def add(name: str, segments: dict[int, str], lang: str, article: str, system: str, link: str = "") -> None:
        head = f"---\ntranslation_of: {link}\n---\n" if link else ""
        text, spans = head, {}
        for seg in sorted(segments):
            start = len(text)
            text += segments[seg]
            spans[seg] = (start, len(text))
            text += "\n\n"
        fmt = Format.MARKDOWN if head else Format.PLAIN
        docs.append(file_document(name, text, fmt))
        kind.append((lang, article, system))
        seg_spans.append(spans)

    for art in articles.values():
        zh_name = f"{art.doc}.zh.{'md' if links else 'txt'}"
        if art.doc not in without_original:
            add(zh_name, art.source, "zh", art.doc, "")
        for system, segments in sorted(art.targets.items()):
            add(f"{art.doc}.{system}.en.{'md' if links else 'txt'}", segments, "en", art.doc, system,
                zh_name if links else "")
    return Built(docs, kind, seg_spans)


def run_checks(built: Built) -> tuple[list[tuple[str, int, object]], float]:
    """(code, document index, hit) of the names pack's corpus checks, and the CPU seconds they took."""
    from newslint.packs import load_pack
    from newslint.registry import build_detector

    specs = [s for s in load_pack(REPO / "checks" / "names.yml") if s.code in ("NL503", "NL601")]
    detectors = [build_detector(s, trusted=True) for s in specs]  # as the engine's corpus stages build them
    start = time.process_time()
    out = []
    buckets = [[] for _ in detectors]
    for i, doc in enumerate(built.docs):
        for bucket, det in zip(buckets, detectors, strict=True):
            bucket.append((i, det.map(doc)))
    for bucket, det in zip(buckets, detectors, strict=True):
        out.extend((det.check.code, i, hit) for i, hit in det.reduce(bucket))
    return out, time.process_time() - start


def _segment(spans: dict[int, tuple[int, int]], offset: int) -> int:
    for seg, (s, e) in spans.items():
        if s <= offset < e:
            return seg
    return 0


def evaluate(articles: dict[str, Article], links: bool, half: str, show: bool) -> dict[str, object]:
    chosen = {d: a for d, a in articles.items() if half == "all" or split_of(d) == half}
    built = build(chosen, links)
    found, cpu = run_checks(built)
    index_of = {(k[1], k[2]): i for i, k in enumerate(built.kind)}
    zh_index = {k[1]: i for i, k in enumerate(built.kind) if k[0] == "zh"}
    en_docs = [i for i, k in enumerate(built.kind) if k[0] == "en"]
    # pairing
    paired: dict[int, str] = {}
    for code, i, hit in found:
        if code == "NL503":
            paired[i] = hit.args["original"]
    right = sum(1 for i, orig in paired.items() if orig == built.docs[zh_index[built.kind[i][1]]].path)
    full = sum(1 for d in chosen if all(
        paired.get(index_of[(d, s)]) == built.docs[zh_index[d]].path for s in chosen[d].targets))
    anyp = sum(1 for d in chosen if any(
        paired.get(index_of[(d, s)]) == built.docs[zh_index[d]].path for s in chosen[d].targets))
    # NL601 against the labels
    labels = [r for r in read_labels() if r["doc"] in chosen]
    flagged: list[tuple[int, int, int, str, dict]] = []  # doc, seg, offset, surface, args
    for code, i, hit in found:
        if code == "NL601":
            doc = built.docs[i]
            flagged.append((i, _segment(built.seg_spans[i], hit.start), hit.start, doc.text[hit.start:hit.end],
                            hit.args))
    matched_label: set[int] = set()
    finding_verdict: dict[int, str] = {}
    for n, (i, seg, _start, surface, _args) in enumerate(flagged):
        _, art, system = built.kind[i]
        for k, r in enumerate(labels):
            if (r["system"], r["doc"], r["docSegId"]) != (system, art, seg):
                continue
            rendering = r["mt_rendering"].removesuffix("'s").removeprefix("Mr. ")
            if rendering in surface or surface in rendering:
                matched_label.add(k)
                finding_verdict[n] = r["label"]
        if n not in finding_verdict:
            verdict = JUDGED.get((system, art, surface))
            finding_verdict[n] = {True: "judged-right", False: "judged-wrong", None: "unjudged"}[verdict]
    wrong = [k for k, r in enumerate(labels) if r["label"] == "zh_wrong"]
    fmt = [k for k, r in enumerate(labels) if r["label"] == "zh_format"]
    tp_labels = sum(1 for k in wrong if k in matched_label)
    verdicts = list(finding_verdict.values())
    good = verdicts.count("zh_wrong") + verdicts.count("judged-right")
    # extraction
    from newslint.names.extract import extract_names

    ex_tp = ex_fp = ex_fn = 0
    bogus, missed = [], []
    for d, art in chosen.items():
        text = "\n\n".join(art.source[s] for s in sorted(art.source))
        got = {x.name for x in extract_names(text)} - FOREIGN
        gold = set(GOLD.get(d, ()))
        ex_tp += len(got & gold)
        ex_fp += len(got - gold)
        ex_fn += len(gold - got)
        bogus += sorted(got - gold)
        missed += sorted(gold - got)
    result = {
        "half": half, "links": links, "translations": len(en_docs), "paired": len(paired), "paired_right": right,
        "articles": len(chosen), "articles_all_paired": full, "articles_any_paired": anyp,
        "nl601_findings": len(flagged), "nl601_good": good, "wrong_labels": len(wrong),
        "wrong_flagged": tp_labels, "format_labels": len(fmt),
        "format_reported": sum(1 for k in fmt if k in matched_label),
        "unjudged": verdicts.count("unjudged"), "judged_wrong": verdicts.count("judged-wrong"),
        "extraction": (ex_tp, ex_fp, ex_fn), "bogus": bogus, "missed": missed, "cpu": cpu,
    }
    if show:
        unpaired = [built.docs[i].path for i in en_docs if i not in paired]
        print(f"-- {half}, links={links}: unpaired {len(unpaired)}")
        for p in unpaired:
            print("   ", p)
        for n, (i, seg, _s, surface, args) in enumerate(flagged):
            _, art, system = built.kind[i]
            print(f"   NL601 [{finding_verdict[n]}] {system} {art} seg {seg}: {surface!r} for {args['zh']} "
                  f"→ {args['expected']} ({args['note']})")
        for k in wrong:
            if k not in matched_label:
                r = labels[k]
                print(f"   missed zh_wrong: {r['system']} {r['doc']} seg {r['docSegId']}: {r['source_name']} "
                      f"→ {r['mt_rendering']!r}")
        print("   extraction bogus:", bogus, "missed:", missed)
    return result


def sogou_extraction() -> dict[str, tuple[int, int, int, list[str], list[str]]]:
    """Extraction TP/FP/FN, bogus and missed names on the SogouCA sample, per half (0–49, 50–99)."""
    from newslint.config import Settings
    from newslint.inputs import load
    from newslint.names.extract import extract_names

    docs = load(SOGOU, Settings()).documents
    out = {}
    for half, rng in (("0-49", range(0, 50)), ("50-99", range(50, 100))):
        tp = fp = fn = 0
        bogus, missed = [], []
        for i in rng:
            got = {x.name for x in extract_names(docs[i].text)} - FOREIGN_SOGOU
            gold = set(GOLD_SOGOU.get(i, ()))
            tp, fp, fn = tp + len(got & gold), fp + len(got - gold), fn + len(gold - got)
            bogus += sorted(got - gold)
            missed += sorted(gold - got)
        out[half] = (tp, fp, fn, bogus, missed)
    return out


def orphans(articles: dict[str, Article]) -> tuple[int, int]:
    """Precision where it is hardest: each half of the articles loses its Chinese originals, so every
    pair found for their translations is wrong. Returns (wrong pairs, translations without original)."""
    wrong = total = 0
    for half in ("A", "B"):
        gone = frozenset(d for d in articles if split_of(d) == half)
        built = build(articles, False, gone)
        found, _ = run_checks(built)
        for code, i, hit in found:
            if code == "NL503" and built.kind[i][1] in gone:
                wrong += 1
                print(f"   orphan paired: {built.docs[i].path} → {hit.args['original']}", file=sys.stderr)
        total += sum(1 for k in built.kind if k[0] == "en" and k[1] in gone)
    return wrong, total


def _ratio(a: int, b: int) -> str:
    return f"{a}/{b} ({a / b:.2f})" if b else f"{a}/0"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("A", "B", "all"), default=None,
                        help="one half of the articles (default: A, B and all)")
    parser.add_argument("--show", action="store_true", help="list unpaired translations and every NL601 finding")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    if not TSV.is_file():
        print(f"{TSV} is not present", file=sys.stderr)
        return 2
    articles = read_articles()
    halves = [args.split] if args.split else ["A", "B", "all"]
    print("| half | links | pairs right / translations | wrong pairs | articles all / any paired | "
          "NL601 zh_wrong recall | NL601 precision | zh_format reported | unjudged | extraction TP/FP/FN | CPU s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for half in halves:
        for links in (False, True):
            r = evaluate(articles, links, half, args.show)
            tp, fp, fn = r["extraction"]
            print(f"| {half} | {'yes' if links else 'no'} | {_ratio(r['paired_right'], r['translations'])} | "
                  f"{r['paired'] - r['paired_right']} | {r['articles_all_paired']} / {r['articles_any_paired']} "
                  f"of {r['articles']} | {_ratio(r['wrong_flagged'], r['wrong_labels'])} | "
                  f"{_ratio(r['nl601_good'], r['nl601_findings'])} | {r['format_reported']}/{r['format_labels']} | "
                  f"{r['unjudged']} | {tp}/{fp}/{fn} | {r['cpu']:.2f} |")
            if links:
                continue
            if r["bogus"] or r["missed"]:
                print(f"|  | extraction bogus: {' '.join(r['bogus']) or '-'}; missed: {' '.join(r['missed']) or '-'} |")
    if not args.split and SOGOU.is_file():
        print("\nExtraction on the SogouCA sample (" + str(sum(map(len, GOLD_SOGOU.values()))) + " labelled names):")
        for half, (tp, fp, fn, bogus, missed) in sogou_extraction().items():
            print(f"- docs {half}: TP {tp} FP {fp} FN {fn}, recall {tp / max(1, tp + fn):.2f}, precision "
                  f"{tp / max(1, tp + fp):.2f}; bogus: {' '.join(bogus) or '-'}; missed: {' '.join(missed) or '-'}")
    if not args.split:
        wrong, total = orphans(articles)
        print(f"\nTranslations whose original is not in the run (each half removed in turn): "
              f"{wrong} of {total} paired (all wrongly)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
