"""Fuzzing ``newslint check`` and ``newslint fix`` (issue 14, item 3), with the figures to prove it.

Inputs are built from real text (``seeds/``, ``../shared/corpus``, ``../shared/real``), mutated, in
families: raw bytes in many encodings, truncated UTF-8/GBK, JSONL (bad lines, huge lines, nested
objects, non-string fields), Markdown front matter (broken YAML, anchors and aliases, YAML bombs),
HTML (unclosed tags, deep nesting), ``<doc>`` containers, config files, check packs, and trees of
several files (corpus checks). Every input is written to a scratch folder and run through the same
entry point as the command line (``newslint.cli.main``, in this process: 100x faster than a
subprocess; a sample also runs as a real subprocess and must give the same output and files):

* ``check --output-format json`` then ``fix`` then ``fix`` again, every run with its exit code in
  {0, 1, 2}, no exception escaping ``main`` and no traceback on stderr (a *crash*);
* each input within a limit of CPU time (a *hang*; a stall without CPU is caught by wall time);
* the second ``fix`` changes no byte (else *non-idempotent*);
* no text lost: comparing each file's text before and after ``fix``, every changed region lies
  inside the span (or the fix edits) of a finding the ``check`` run reported with an applicable fix
  (a later round of the fixer may only edit what an earlier round's edits created); JSONL records
  keep every other field and line, a dropped duplicate record is in the ``.dropped`` sidecar, and a
  file whose bytes did not all decode is never rewritten (else a *loss*);
* no file is left in the tree but the inputs and ``.dropped`` sidecars (else a *stray* file).

    python benchmarks/fuzz.py --inputs 100000 --seed 1            # the campaign (counts per family)
    python benchmarks/fuzz.py --inputs 2000 --family jsonl --seed 3
    python benchmarks/fuzz.py --replay 1:4711                     # one input again, verbosely

Each input is a pure function of ``(seed, number)``, so a failure prints its replay key; the
campaign runs the inputs in worker processes (``--workers``) that are killed and replaced when an
input exceeds the hard time limit or exhausts memory. ``tests/test_fuzz.py`` runs a short version.
With ``--atheris`` (``pip install atheris``; optional, not a test dependency) libFuzzer's coverage-guided
byte stream chooses the input and bytes spliced into it (``--atheris -- -runs=2000``).
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import importlib.util
import inspect
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
if importlib.util.find_spec("newslint") is None:  # not installed: this checkout (PYTHONPATH may name another)
    sys.path.insert(0, str(REPO))

FAMILIES = ("encodings", "truncated", "jsonl", "frontmatter", "html", "doc", "config", "packs", "multi")
OUTCOMES = ("crash", "hang", "loss", "reencoded", "nonidempotent", "stray", "mismatch")
DEFAULT_LIMIT = 30.0  # CPU seconds per input (check + fix + fix): a hang, not a slow input (issue 16)


# ---------------------------------------------------------------------------------------------------
# Real text to start from
# ---------------------------------------------------------------------------------------------------

_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Pool:
    zh: list[str] = field(default_factory=list)  # Chinese texts (whole documents, trimmed)
    en: list[str] = field(default_factory=list)  # English texts
    markdown: list[str] = field(default_factory=list)  # real Markdown posts with front matter
    html: list[str] = field(default_factory=list)  # real HTML pages
    docs: list[bytes] = field(default_factory=list)  # real <doc>…</doc> records, GBK bytes
    gbk: list[bytes] = field(default_factory=list)  # real GBK files, as bytes
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (Chinese source, English translation)
    mojibake: list[str] = field(default_factory=list)  # real mojibake strings (ftfy's cases)


def _files(root: Path, limit: int = 400) -> list[Path]:
    if not root.is_dir():
        return []
    found = sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith("."))
    return found[:limit]


def _decode(data: bytes) -> str:
    for codec in ("utf-8-sig", "gb18030"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(codec)
    return data.decode("utf-8", "replace")


def load_pool(seeds: Path = REPO / "seeds", shared: Path = SHARED) -> Pool:
    """Every real text within reach, trimmed to at most 20,000 characters a document."""
    pool = Pool()
    paths = [*_files(seeds), *_files(shared / "corpus"), *_files(shared / "real")]
    for path in paths:
        if path.suffix in (".tsv", ".upstream") or path.name in ("SOURCES.md", "README.md"):
            continue
        try:
            data = path.read_bytes()[:200_000]
        except OSError:
            continue
        if path.suffix == ".dat":
            for match in re.finditer(rb"<doc>.*?</doc>\s*", data, re.S):
                pool.docs.append(match.group(0))
            continue
        if path.suffix == ".json":
            with contextlib.suppress(ValueError):
                for case in json.loads(data.decode("utf-8")):
                    if isinstance(case, dict) and isinstance(case.get("original"), str):
                        pool.mojibake.append(case["original"])
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            pool.gbk.append(data[:20_000])
        text = _decode(data)[:20_000]
        if path.suffix == ".md" and text.lstrip().startswith("---"):
            pool.markdown.append(text)
        if path.suffix in (".html", ".htm"):
            pool.html.append(text)
        (pool.zh if len(_HAN.findall(text[:2000])) > 50 else pool.en).append(text)
    tsv = shared / "real" / "wmt-mqm-zhen-dev" / "DERIVED_generalMT2023_zhen_dev-docs.tsv"
    if tsv.is_file():
        with tsv.open(encoding="utf-8", errors="replace") as handle:
            next(handle, None)
            seen: set[str] = set()
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if len(parts) > 6 and parts[5] not in seen and len(parts[5]) > 20:
                    seen.add(parts[5])
                    pool.pairs.append((parts[5], parts[6]))
                    if len(pool.pairs) >= 2000:
                        break
    if not pool.zh:
        pool.zh.append("北京时间6月12日消息，公安机关今天上午在河北唐山正式启动销毁活动。记者汤一亮报道。")
    if not pool.en:
        pool.en.append("Rescuers rushing to the scene save those who they can. Ma Zuobo said on Monday.")
    return pool


# ---------------------------------------------------------------------------------------------------
# Mutations
# ---------------------------------------------------------------------------------------------------

FRAGMENTS = (
    "<p>", "</p>", "<div class='a'>", "</div>", "<br/>", "<br>", "<!-- c -->", "<!--", "-->",
    "<style>.a{x:1}</style>", "<script>var a=1;</script>", "<script>", "<style>", ".wrap&#123;b:1&#125;",
    "&nbsp;", "&nbsp", "&#123;", "&amp;", "&amp;nbsp;", "&lt;p&gt;", "&#x4e2d;", "&#0;", "&#xD800;",
    "&#99999999999;", "&ldquo;", "&foo;", "AT&T", "北京", "，", "。", "　　", "“", "”", "（", "）",
    "\u200b", "\ufeff", "\u200d", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1b", "\x7f", "\x80",
    "\r\n", "\r", "\n", "\n\n", "\n\n\n", "---\n", "title: x\n", "Ã©", "Ã", "鍖椾含", "±±¾©", "锟斤拷",
    "\ue0e5", "\ufffd", "\U0001f600", "\U0001f468\u200d\U0001f469", "e\u0301", "\u202e", "\u200f",
    "<span id=\"stock_sh603883\"><a href=\"http://finance.sina.com.cn/realstock/company/sh603883/nc.shtml\""
    " class=\"keyword\" target=\"_blank\">老百姓</a></span>",
    "<span id=\"quote_603883\"></span>", "(<a href=\"x\">600519</a>)", "a < b", "<http://x.cn>", " ",
    "Café", "原标题：", "来源：新华社", "责任编辑：张三", "海量资讯、精准解读，尽在新浪财经APP",
    "<!-- newslint: disable -->", "<!-- newslint: enable -->", "<!-- newslint: disable NL201 -->",
    "<!-- newslint: disable-next-line -->", "<!-- newslint: disable-next-line NL1,NL2 -->",
    "<!-- newslint: enable NL201 -->", "<!-- newslint:", "Hello，world。", "這個國家", "习近平", "Xi Jinping",
    "```\n<p>code</p>\n```\n", "`<b>`", "    <p>indented</p>\n", "[link](http://a.b)", "# 标题\n",
    "\t", "\u3000", "\xa0", "\xad", "﻿", "<![CDATA[x]]>", "<?xml version='1.0'?>", "<!DOCTYPE html>",
)

# Single code points from every corner: controls, surrogates (written as invalid bytes), CJK, PUA.
_CODEPOINT_RANGES = (
    (0x01, 0x1F), (0x20, 0x7E), (0x7F, 0xA0), (0xA1, 0x2FF), (0x300, 0x36F), (0x2000, 0x206F),
    (0x3000, 0x303F), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xD800, 0xDFFF), (0xE000, 0xF8FF),
    (0xFE00, 0xFE0F), (0xFF00, 0xFFEF), (0xFFF0, 0xFFFF), (0x10000, 0x10FFFF),
)


def rand_char(rng: random.Random) -> str:
    lo, hi = rng.choice(_CODEPOINT_RANGES)
    return chr(rng.randint(lo, hi))


def rand_text(rng: random.Random, size: int) -> str:
    return "".join(rand_char(rng) for _ in range(size))


def snippet(rng: random.Random, pool: Pool, lang: str = "any", lo: int = 20, hi: int = 2000) -> str:
    if lang == "any":
        lang = rng.choice(("zh", "zh", "en"))
    texts = pool.zh if lang == "zh" else pool.en
    text = rng.choice(texts)
    size = min(len(text), rng.randint(min(lo, hi), hi))
    start = rng.randint(0, max(0, len(text) - size))
    return text[start:start + size]


def _mojibake(rng: random.Random, text: str) -> str:
    if not text:
        return text
    a = rng.randrange(len(text))
    b = min(len(text), a + rng.randint(1, 12))
    piece = text[a:b]
    pairs = (("utf-8", "cp1252"), ("utf-8", "latin-1"), ("utf-8", "gbk"), ("gbk", "latin-1"),
             ("utf-8", "big5"), ("gbk", "utf-8"), ("utf-8", "shift_jis"))
    enc, dec = rng.choice(pairs)
    bad = piece.encode(enc, "ignore").decode(dec, rng.choice(("ignore", "replace")))
    return text[:a] + bad + text[b:]


def mutate_text(rng: random.Random, text: str, pool: Pool, rounds: int | None = None) -> str:
    """A few random edits: fragments, deletions, repeats, swaps, random code points, mojibake."""
    if rounds is None:
        rounds = min(12, int(rng.expovariate(0.5)))
    for _ in range(rounds):
        n = len(text)
        a = rng.randint(0, n)
        b = min(n, a + rng.randint(0, 40))
        op = rng.randrange(11)
        if op <= 2:
            text = text[:a] + rng.choice(FRAGMENTS) + text[a:]
        elif op == 3:
            text = text[:a] + text[b:]
        elif op == 4:
            text = text[:b] + text[a:b] + text[b:]
        elif op == 5:
            text = text[:a] + rand_text(rng, rng.randint(1, 6)) + text[a:]
        elif op == 6:
            text = _mojibake(rng, text)
        elif op == 7 and pool.mojibake:
            text = text[:a] + rng.choice(pool.mojibake) + text[a:]
        elif op == 8:
            text = text.replace("\n", rng.choice(("\r\n", "\r", "\n\n", "\u2028")))
        elif op == 9:  # a whole paragraph twice (repeated-paragraph, duplicates)
            lines = text.split("\n")
            if lines:
                k = rng.randrange(len(lines))
                lines.insert(rng.randrange(len(lines) + 1), lines[k])
            text = "\n".join(lines)
        else:
            text = text[:a] + text[a:b].upper() + text[b:]
    return text


def mutate_bytes(rng: random.Random, data: bytes, rounds: int | None = None) -> bytes:
    if rounds is None:
        rounds = 1 + min(6, int(rng.expovariate(0.7)))
    for _ in range(rounds):
        n = len(data)
        a = rng.randint(0, n)
        op = rng.randrange(6)
        if op == 0 and n:
            i = rng.randrange(n)
            data = data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1:]
        elif op == 1:
            data = data[:a] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 4))) + data[a:]
        elif op == 2:
            data = data[:a] + data[a + rng.randint(1, 8):]
        elif op == 3:
            data = data[:a]
        elif op == 4:
            data = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"")) + data
        else:
            data = data[:a] + rng.choice((b"\x80", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf4\x90\x80\x80",
                                          b"\xc0\xaf", b"\x81\x30", b"\xa1")) + data[a:]
    return data


def encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


def _to_traditional(text: str) -> str:
    try:
        import opencc

        return opencc.OpenCC("s2t").convert(text)
    except Exception:  # opencc missing or without its config: simplified text then
        return text


# ---------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------


@dataclass
class Case:
    """One fuzz input: files to write (relative path → bytes), the paths given to the command and
    its options (``{root}`` stands for the scratch folder)."""

    family: str
    files: dict[str, bytes]
    targets: list[str]
    options: list[str] = field(default_factory=list)
    note: str = ""

    def describe(self) -> str:
        sizes = ", ".join(f"{name} ({len(data)} B)" for name, data in self.files.items())
        return f"{self.family}: {self.note}; files: {sizes}; options: {' '.join(self.options) or '-'}"


def _name(rng: random.Random, stem: str = "a", exts: Sequence[str] = (".txt", ".md", ".html")) -> str:
    return stem + rng.choice(exts)


def gen_encodings(rng: random.Random, pool: Pool) -> Case:
    encoding = rng.choice(("utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "shift_jis", "cp1252", "latin-1",
                           "utf-16", "utf-16-le", "utf-16-be", "euc-kr"))
    lang = "en" if encoding in ("cp1252", "latin-1") and rng.random() < 0.7 else "any"
    text = mutate_text(rng, snippet(rng, pool, lang), pool)
    if encoding == "big5":
        text = _to_traditional(text)
    data = encode(text, encoding)
    if pool.gbk and rng.random() < 0.15:
        raw = rng.choice(pool.gbk)
        a = rng.randrange(len(raw))
        data = raw[a:a + rng.randint(10, 3000)]
        encoding = "real-gbk"
    if rng.random() < 0.25:
        data = mutate_bytes(rng, data)
    name = _name(rng)
    return Case("encodings", {name: data}, [name], note=f"{encoding} {name}")


def gen_truncated(rng: random.Random, pool: Pool) -> Case:
    encoding = rng.choice(("utf-8", "utf-8", "gbk", "gb18030"))
    text = snippet(rng, pool, "zh", 10, 3000)
    data = encode(text, encoding)
    how = rng.choice(("end", "start", "both", "middle"))
    if len(data) > 2:
        if how in ("end", "both"):
            data = data[:rng.randint(1, len(data) - 1)]
        if how in ("start", "both") and len(data) > 1:
            data = data[rng.randint(1, min(3, len(data) - 1)):]
        if how == "middle":
            a = rng.randrange(len(data))
            data = data[:a] + data[a + rng.randint(1, 3):]
    name = _name(rng, exts=(".txt", ".md", ".jsonl"))
    if name.endswith(".jsonl"):  # a truncated record in a JSONL file
        line = json.dumps({"text": text}, ensure_ascii=False).encode(encoding, "replace")
        cut = line[:rng.randint(1, len(line))]
        data = line + b"\n" + cut + rng.choice((b"", b"\n"))
    return Case("truncated", {name: data}, [name], note=f"{encoding} cut at {how}")


def _nested(rng: random.Random, depth: int) -> object:
    value: object = rng.choice(("x", 1, None, [], {}))
    for _ in range(depth):
        value = {"a": value} if rng.random() < 0.5 else [value]
    return value


def _jsonl_line(rng: random.Random, pool: Pool, number: int, lines: list[str]) -> str:
    roll = rng.random()
    source = rng.choice(("sina", "eastmoney", "nyt", "", None, 7))
    if roll < 0.62:  # a good record
        record: dict[str, object] = {"id": number, "text": mutate_text(rng, snippet(rng, pool, hi=800), pool)}
        if rng.random() < 0.5:
            record["title"] = mutate_text(rng, snippet(rng, pool, hi=40), pool, 1)
        if source is not None:
            record["source"] = source
        if rng.random() < 0.1:
            record["meta"] = _nested(rng, rng.randint(1, 30))
        return json.dumps(record, ensure_ascii=rng.random() < 0.2,
                          separators=rng.choice(((",", ":"), (", ", ": "))))
    if roll < 0.70 and lines:  # a duplicate of an earlier line (NL501 drops it), or a near one
        earlier = rng.choice(lines)
        return earlier if rng.random() < 0.7 else mutate_text(rng, earlier, pool, 1)
    if roll < 0.80:  # a text field that is not a string
        value = rng.choice((42, 3.5, None, True, ["a", "b"], {"text": "inner"}, _nested(rng, 5), "", "   "))
        return json.dumps({"text": value, "title": rng.choice((None, 1, "标题"))})
    bad = rng.choice((
        lambda: json.dumps({"text": snippet(rng, pool, hi=200)}, ensure_ascii=False)[:-rng.randint(1, 10)],
        lambda: '{"text": "x",}',
        lambda: "[1, 2, 3]",
        lambda: '"just a string"',
        lambda: "123",
        lambda: "null",
        lambda: "{}",
        lambda: "   ",
        lambda: '{"text": "\\ud800 lone surrogate", "id": 1}',
        lambda: '{"text": "a\\u2028b\\u0000c\\r\\nd", "id": 2}',
        lambda: '{"text": "&nbsp;<p>x</p>\\udc80", "id": 3}',
        lambda: '{"text": "x", "text": "<b>dup key</b>"}',
        lambda: '{"text": NaN, "n": Infinity}',
        lambda: '{"n": ' + "1" * rng.randint(10, 5000) + "}",
        lambda: '{"n": 1e999, "text": "<br>"}',
        lambda: "[" * rng.randint(10, 3000) + "]" * rng.randint(0, 3000),
        lambda: '{"a":' * rng.randint(10, 3000) + "1" + "}" * rng.randint(0, 3000),
        lambda: "\ufeff" + json.dumps({"text": "bom <p>"}),
        lambda: json.dumps({"text": "<p>" + "&nbsp;" * rng.randint(1, 50)}),
        lambda: "{" + rand_text(rng, rng.randint(1, 30)),
    ))
    return bad()


def gen_jsonl(rng: random.Random, pool: Pool) -> Case:
    lines: list[str] = []
    for number in range(1, rng.randint(1, 25) + 1):
        lines.append(_jsonl_line(rng, pool, number, lines))
    if rng.random() < 0.03:  # a huge line
        big = "".join(snippet(rng, pool, hi=4000) for _ in range(rng.randint(20, 120)))
        lines.insert(rng.randrange(len(lines) + 1),
                     json.dumps({"text": mutate_text(rng, big, pool), "id": 0}, ensure_ascii=False))
    newline = "\r\n" if rng.random() < 0.1 else "\n"
    text = newline.join(lines) + (newline if rng.random() < 0.9 else "")
    encoding = rng.choice(("utf-8",) * 8 + ("gb18030", "utf-8-sig"))
    data = encode(text, encoding)
    if rng.random() < 0.08:
        data = mutate_bytes(rng, data, 1)
    name = rng.choice(("c.jsonl", "c.jsonl", "c.ndjson", "c.txt"))
    files = {name: data}
    if rng.random() < 0.15:
        files[".newslint.yaml"] = rng.choice((
            b"jsonl:\n  text-fields: [text, title]\n",
            b"jsonl:\n  extra-fields: [title, meta]\n  source-field: source\n",
            b"jsonl:\n  text-fields: [body]\n",
            b"jsonl:\n  source-field: id\n",
        ))
    return Case("jsonl", files, [name], note=f"{len(lines)} lines, {encoding}")


_YAML_BOMB = "".join(
    f"{k}: &{k} [{', '.join([('*' + chr(ord(k) - 1)) if k != 'a' else 'lol'] * 9)}]\n" for k in "abcdefghi"
)


def _front_matter(rng: random.Random, pool: Pool) -> str:
    kind = rng.choice(("valid", "valid", "broken", "aliases", "bomb", "tags", "huge", "deep", "empty"))
    title = mutate_text(rng, snippet(rng, pool, hi=40), pool, rng.randint(0, 2)).replace("\n", " ")
    if kind == "valid":
        return (f"title: {json.dumps(title, ensure_ascii=False)}\ndate: 2024-08-30 10:00:00\n"
                f"tags: [财经, {json.dumps(rng.choice(FRAGMENTS), ensure_ascii=False)}]\n"
                f"categories:\n  - news\n  - \"&nbsp;<b>x</b>\"\nauthor: {json.dumps(title[:8], ensure_ascii=False)}\n")
    if kind == "broken":
        return rng.choice((f"title: \"{title}\ndate: x\n", f"title: {title}\n\tdate: [1, 2\n",
                           "title: : :\n- a\nb: {\n", f"title: '{title}\n", "? \n: x\n!!bad\n",
                           f"title: {title}\n  indented: wrong\n other: x\n", "%YAML 9.9\n---\n"))
    if kind == "aliases":
        return (f"base: &b {{name: {json.dumps(title, ensure_ascii=False)}, n: 1}}\ntitle: *b\n"
                "other:\n  <<: *b\n  n: 2\nlist: &l [a, b]\nagain: *l\n")
    if kind == "bomb":
        return _YAML_BOMB + rng.choice(("title: *i\n", "tags: *i\n", "title: x\nauthor: *h\n", "date: *i\n"))
    if kind == "tags":
        return rng.choice(("title: !!python/object/apply:os.system ['echo pwned']\n", "title: !!binary aGVsbG8=\n",
                           "title: !custom x\n", "date: !!timestamp 2024-13-45\n", "title: !!int x\n"))
    if kind == "huge":
        return "title: x\nbody: |\n" + "".join("  " + snippet(rng, pool, hi=200).replace("\n", " ") + "\n"
                                                for _ in range(rng.randint(20, 300)))
    if kind == "deep":
        depth = rng.randint(50, 20000)
        return "title: " + "[" * depth + "x" + "]" * depth + "\n"
    return ""


def gen_frontmatter(rng: random.Random, pool: Pool) -> Case:
    if pool.markdown and rng.random() < 0.3:
        text = rng.choice(pool.markdown)[:rng.randint(200, 6000)]
        text = mutate_text(rng, text, pool)
    else:
        body = mutate_text(rng, snippet(rng, pool), pool)
        fm = _front_matter(rng, pool)
        opening = rng.choice(("---\n", "---\n", "---\r\n", "\n\n---\n", "--- \n", "----\n"))
        closing = rng.choice(("---\n", "---\n", "---", "---\r\n", "...\n", ""))
        text = opening + fm + closing + rng.choice(("\n", "", "\n\n")) + body
    newline = "\r\n" if rng.random() < 0.1 else None
    if newline:
        text = text.replace("\n", newline)
    name = rng.choice(("p.md", "p.md", "p.markdown", "p.txt"))
    return Case("frontmatter", {name: encode(text, "utf-8")}, [name], note=name)


def gen_html(rng: random.Random, pool: Pool) -> Case:
    roll = rng.random()
    if pool.html and roll < 0.35:
        page = rng.choice(pool.html)
        a = rng.randrange(len(page))
        text = mutate_text(rng, page[a:a + rng.randint(100, 5000)], pool)
        note = "real page slice"
    elif roll < 0.55:
        depth = rng.choice((10, 100, 1000, rng.randint(1000, 20000)))
        tag = rng.choice(("div", "span", "p", "b", "font", "table", "a href='x'"))
        close = tag.split()[0]
        text = f"<{tag}>" * depth + snippet(rng, pool, hi=200) + f"</{close}>" * rng.randint(0, depth)
        note = f"nesting {depth} <{tag}>"
    else:
        parts = [snippet(rng, pool, hi=300)]
        for _ in range(rng.randint(1, 20)):
            parts.append(rng.choice((
                "<p>", "<div class=\"a\">", "<span", "<a href=\"http://x\">", "<img src=x", "<!-- open comment",
                "<script>var x = '</div>';", "<style>.a{color:red", "<![CDATA[", "</p>", "</div>", "<br/>",
                "<td colspan=2>", "<table><tr>", "<font color=red>", "<p class='unterminated>", "<<>>",
                "</", "<", ">", "&", "&#", "&#x;", "&#x110000;", "&nbsp", "<!DOCTYPE html>", "<html><body>",
                "<iframe src='//x'></iframe>", "<a href=\"javascript:void(0)\" onclick=\"x()\">",
            )))
            parts.append(snippet(rng, pool, hi=200))
        text = mutate_text(rng, "".join(parts), pool, rng.randint(0, 3))
        note = "synthetic markup"
    name = _name(rng, exts=(".html", ".htm", ".txt", ".md"))
    return Case("html", {name: encode(text, rng.choice(("utf-8",) * 5 + ("gb18030",)))}, [name],
                note=f"{note}, {name}")


def gen_doc(rng: random.Random, pool: Pool) -> Case:
    """``<doc>…</doc>`` containers as in SogouCA/SogouC: real records (GBK) or synthetic ones."""
    records: list[bytes] = []
    for _ in range(rng.randint(1, 6)):
        if pool.docs and rng.random() < 0.6:
            records.append(rng.choice(pool.docs))
        else:
            body = mutate_text(rng, snippet(rng, pool, "zh", hi=800), pool)
            records.append(encode(f"<doc>\n<url>http://news.sohu.com/{rng.randint(1, 10**9)}.shtml</url>\n"
                                  f"<docno>{rng.getrandbits(64):016x}</docno>\n<contenttitle>{body[:20]}"
                                  f"</contenttitle>\n<content>{body}</content>\n</doc>\n", "gb18030"))
    data = b"".join(records)
    if rng.random() < 0.3:
        data = b"<doclist>\n" + data + rng.choice((b"</doclist>\n", b""))
    if rng.random() < 0.4:  # broken containers: a record cut, a closing tag missing, records nested
        how = rng.randrange(3)
        if how == 0:
            data = data[:rng.randint(1, len(data))]
        elif how == 1:
            data = data.replace(b"</doc>", b"", 1)
        else:
            data = b"<doc>" + data + b"</doc>"
    if rng.random() < 0.3:  # as UTF-8
        data = data.decode("gb18030", "replace").encode("utf-8")
    if rng.random() < 0.2:
        data = mutate_bytes(rng, data)
    name = rng.choice(("sogou.txt", "sogou.txt", "news.html", "sogou.dat"))
    files = {name: data}
    if name.endswith(".dat"):
        files[".newslint.yaml"] = b"include: ['*.dat']\n"
    return Case("doc", files, [name], note=f"{len(records)} records, {name}")


_CONFIG_VALUES: tuple[object, ...] = (
    None, True, 0, 1.5, "", "x", "ALL", "NL1", "NL201", "html-tag", "nosuch", ["NL1", "NL2"], ["ALL"], [1, 2],
    [None], {"a": 1}, {}, [], "*", "[", "**/", "../", "/", "warning", "error", "info", "fatal", ["*.md"],
    {"NL201": ["x"]}, {"*.txt": ["NL201", "NL104"]}, {"[": ["NL1"]}, {"NL201": "error"}, {"NL999": "info"},
    {"NL201": {"x": 1}}, {"NL201": 5}, {"NL104": {}}, {"NL603": {"glossary": {"a": "b"}}},
    {"NL603": {"glossary": 5}}, {"NL404": {"min_chars": -1}}, {"NL404": {"min_chars": "x"}},
    ["packs/"], ["nosuch.yml"], {"text-fields": ["text"]}, {"text-fields": 5}, {"source-field": ["a"]},
    {"text-fields": [], "extra-fields": ["title"]}, {"bad": 1},
)
_CONFIG_KEYS = ("select", "ignore", "extend-select", "exclude", "per-file-ignores", "severity", "params", "packs",
                "jsonl", "fail-on", "include", "extend_select", "per_file_ignores", "unknown-key", "Select")


def gen_config(rng: random.Random, pool: Pool) -> Case:
    """A ``.newslint.yaml`` (or ``pyproject.toml``) that may be wrong in every way, beside a post."""
    post = encode(mutate_text(rng, snippet(rng, pool, hi=600), pool), "utf-8")
    roll = rng.random()
    if roll < 0.6:
        config: dict[str, object] = {}
        for _ in range(rng.randint(1, 5)):
            config[rng.choice(_CONFIG_KEYS)] = rng.choice(_CONFIG_VALUES)
        import yaml

        text = yaml.safe_dump(config, allow_unicode=True)
        if rng.random() < 0.2:
            text = mutate_text(rng, text, pool, 1)
        name, data = ".newslint.yaml", encode(text, "utf-8")
    elif roll < 0.75:
        name = ".newslint.yaml"
        data = rng.choice((
            _YAML_BOMB.encode() + b"select: *i\n",
            _YAML_BOMB.encode() + b"ignore: *i\n",
            _YAML_BOMB.encode(),
            b"select: [NL1\n", b"select: !!python/object/apply:os.system ['echo pwned']\n", b"\x00\x01\x02",
            b"- a\n- b\n", b"just text", b"", b"select: &a [NL2]\nignore: *a\n", "select: [中文]\n".encode("gbk"),
            b"include: ['*']\nexclude: ['*.md']\n", b"exclude: ['**']\n", b"per-file-ignores: {'*': ALL}\n",
            b"select: [ALL]\nfail-on: error\n", b"severity: {NL201: bogus}\n", b"params: {NL104: {nosuch: 1}}\n",
        ))
    else:
        name = "pyproject.toml"
        data = rng.choice((
            b"[tool.newslint]\nselect = ['NL2']\n", b"[tool.newslint]\nselect = 5\n", b"[tool.newslint\n",
            b"[tool.newslint]\nignore = ['NL104']\nfail-on = 'error'\n", b"[tool.newslint]\nfoo = 1\n",
            b"[tool.newslint.jsonl]\ntext-fields = ['text']\n", b"\xff\xfe[tool]\n", b"[tool.newslint]\nparams = 3\n",
            b"[tool.newslint]\nexclude = ['a.md']\n", b"[tool]\nnewslint = 'x'\n",
        ))
    files = {name: data, "post.md": post}
    if rng.random() < 0.3:
        files["packs/p.yml"] = encode(_pack_text(rng, pool), "utf-8")
    targets = ["post.md"] if rng.random() < 0.8 else ["."]
    options = ["--config", "{root}/" + name] if rng.random() < 0.2 else []
    return Case("config", files, targets, options, note=name)


_REGEX_PIECES = (
    "a", "b", "北京", r"\d+", r"\w+", r"\s*", ".", ".*?", "[^<]*", "(?P<inner>[^<]*)", "<b>", "</b>", "(x|y)",
    r"\b", "^", "$", "(", ")", "[", "]", "+", "*", "?", "{2,3}", "{", "(?i)", "(?m)", r"\\", "|", "(?=a)",
    "(?<=a)", "(?P<x>", r"(?P=x)", r"\1", "[\u4e00-\u9fff]", "&nbsp;", "。", "(?#c)",
)


def _pattern(rng: random.Random) -> str:
    return "".join(rng.choice(_REGEX_PIECES) for _ in range(rng.randint(1, 8)))


def _pack_text(rng: random.Random, pool: Pool) -> str:
    """A user pack: a built-in check copied and mutated, or a pattern/phrases check made up."""
    import yaml

    builtin = sorted((REPO / "checks").glob("*.yml"))
    check: dict[str, object]
    if builtin and rng.random() < 0.4:
        data = yaml.safe_load(rng.choice(builtin).read_text(encoding="utf-8"))
        check = dict(rng.choice(data["checks"]))
    else:
        kind = rng.choice(("pattern", "phrases"))
        params: dict[str, object] = (
            {"pattern": _pattern(rng), "replacement": rng.choice(("", r"\g<inner>", "x", r"\1", "{match}"))}
            if kind == "pattern" else
            {"phrases": [snippet(rng, pool, hi=12) for _ in range(rng.randint(1, 4))],
             "whole_line": rng.random() < 0.5, "replacement": ""}
        )
        check = {"code": "NL950", "name": "fuzz-check", "kind": kind, "severity": "warning",
                 "fix": rng.choice(("safe", "unsafe", "none")), "message": rng.choice(("m {match}", "{inner}", "m")),
                 "params": params}
    check["code"] = rng.choice(("NL950", "NL951", "NL950", "X1", "nl950", "NL201"))
    check["name"] = rng.choice(("fuzz-check", "fuzz-check", "Fuzz Check", "html-tag"))
    for _ in range(rng.randint(0, 3)):  # damage
        key = rng.choice((*check.keys(), "params", "regions", "formats", "scope", "examples", "nosuch"))
        value = rng.choice((None, 1, "x", [], {}, ["body"], ["front_matter", "body"], ["nosuch"], "corpus",
                            {"pattern": _pattern(rng)}, {"phrases": 5}, {"flagged": [{"text": "a"}]},
                            {"flagged": [{"text": "<b>x</b>", "fixed": "x"}], "clean": ["y"]}))
        if rng.random() < 0.3:
            check.pop(key, None)
        else:
            check[key] = value
    text = yaml.safe_dump({"checks": [check]}, allow_unicode=True)
    if rng.random() < 0.1:
        text = mutate_text(rng, text, pool, 1)
    if rng.random() < 0.05:
        text = _YAML_BOMB + "checks: *i\n"
    return text


def gen_packs(rng: random.Random, pool: Pool) -> Case:
    post = mutate_text(rng, snippet(rng, pool, hi=600), pool)
    files = {"packs/fuzz.yml": encode(_pack_text(rng, pool), "utf-8"), "post.txt": encode(post, "utf-8")}
    options = ["--pack", "{root}/packs/fuzz.yml"]
    if rng.random() < 0.6:
        options += ["--select", rng.choice(("NL95", "NL950", "NL9,NL2", "fuzz-check"))]
    return Case("packs", files, ["post.txt"], options, note="user pack")


_GENERATORS: dict[str, Callable[[random.Random, Pool], Case]] = {}


def gen_multi(rng: random.Random, pool: Pool) -> Case:
    """Several files in one run: duplicates, near-duplicates and translation pairs (corpus checks)."""
    files: dict[str, bytes] = {}
    for n in range(rng.randint(1, 3)):
        sub = _GENERATORS[rng.choice(("encodings", "frontmatter", "html", "jsonl", "truncated"))](rng, pool)
        for name, data in sub.files.items():
            if name.startswith(".newslint"):
                continue
            files[f"d{n}/{name}"] = data
    if pool.pairs and rng.random() < 0.6:  # a translation pair with the names of the real MT output
        zh, en = rng.choice(pool.pairs)
        if rng.random() < 0.5:
            files["zh.txt"], files["en.txt"] = encode(zh, "utf-8"), encode(mutate_text(rng, en, pool, 1), "utf-8")
        else:
            files["pair.jsonl"] = encode(json.dumps({"text": zh}, ensure_ascii=False) + "\n"
                                         + json.dumps({"text": en}, ensure_ascii=False) + "\n", "utf-8")
    if files and rng.random() < 0.6:  # an exact or near copy of one of them
        name, data = rng.choice(sorted(files.items()))
        copy = data if rng.random() < 0.6 else mutate_bytes(rng, data, 1)
        files["copy/" + name.rsplit("/", 1)[-1]] = copy
    if not files:
        files["a.txt"] = encode(snippet(rng, pool), "utf-8")
    targets = ["."] if rng.random() < 0.7 else sorted(files)
    return Case("multi", files, targets, note=f"{len(files)} files")


_GENERATORS.update({
    "encodings": gen_encodings, "truncated": gen_truncated, "jsonl": gen_jsonl, "frontmatter": gen_frontmatter,
    "html": gen_html, "doc": gen_doc, "config": gen_config, "packs": gen_packs, "multi": gen_multi,
})


def make_case(seed: int, number: int, pool: Pool, families: Sequence[str] = FAMILIES) -> Case:
    """Input ``number`` of campaign ``seed``: a pure function of the two (and the pool)."""
    rng = random.Random(f"newslint-fuzz:{seed}:{number}")
    family = families[number % len(families)]
    case = _GENERATORS[family](rng, pool)
    if rng.random() < 0.35:
        case.options.append("--unsafe-fixes")
    if rng.random() < 0.1:
        case.options += ["--select", "ALL"]
    return case


# ---------------------------------------------------------------------------------------------------
# Running one input and judging it
# ---------------------------------------------------------------------------------------------------


class Hang(BaseException):
    """The input ran out of time (a BaseException: no ``except Exception`` inside newslint eats it)."""


@dataclass
class Verdict:
    family: str
    outcome: str  # "ok" or one of OUTCOMES
    detail: str = ""
    exits: tuple[int, ...] = ()
    findings: int = 0
    changed: bool = False
    seconds: float = 0.0


@dataclass
class Call:
    code: int | None
    out: str
    err: str
    error: str | None = None  # an exception that escaped main, formatted


def call_main(argv: Sequence[str]) -> Call:
    """``newslint.cli.main(argv)`` with its output captured, as the console script runs it."""
    from newslint.cli import main

    out, err = io.StringIO(), io.StringIO()
    error = None
    code: int | None = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        except Hang:
            raise
        except BaseException:
            error = traceback.format_exc()
    return Call(code, out.getvalue(), err.getvalue(), error)


def _crash(call: Call, what: str) -> str | None:
    if call.error is not None:
        return f"{what}: exception escaped main:\n{call.error}"
    if "Traceback (most recent call last)" in call.err:
        return f"{what}: traceback on stderr:\n{call.err[-3000:]}"
    if call.code not in (0, 1, 2):
        return f"{what}: exit code {call.code!r}; stderr: {call.err[-1000:]}"
    return None


def materialise(case: Case, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    for name, data in case.files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def snapshot(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            with contextlib.suppress(OSError):
                out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def _argv(case: Case, root: Path, command: str) -> list[str]:
    options = [o.replace("{root}", str(root)) for o in case.options]
    options = ["--output-format", "json", *options] if command == "check" else ["--quiet", *options]
    return [command, "--no-cache", *options, *(str(root / t) for t in case.targets)]


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def kept_outside(old: str, new: str, spans: list[tuple[int, int]]) -> str | None:
    """None when ``new`` is ``old`` with only the ``spans`` of it replaced (by anything), else where
    the first character outside them went missing. Matching the pieces between spans left to right,
    each at its first occurrence, decides this exactly (a glob of literals and ``*``)."""
    merged = _merge([(max(0, s), min(len(old), e)) for s, e in spans])
    pieces: list[tuple[int, str]] = []
    cursor = 0
    for start, end in merged:
        pieces.append((cursor, old[cursor:start]))
        cursor = end
    pieces.append((cursor, old[cursor:]))
    at = 0
    last = len(pieces) - 1
    for n, (offset, piece) in enumerate(pieces):
        if n == 0:  # anchored at the start (empty when a span starts at 0)
            if not new.startswith(piece):
                return f"offset {offset}: {piece[:60]!r} not at the start of the fixed text"
            at = len(piece)
        elif n == last:  # anchored at the end
            if len(new) - len(piece) < at or not new.endswith(piece):
                return f"offset {offset}: {piece[:60]!r} not at the end of the fixed text"
        else:
            found = new.find(piece, at)
            if found < 0:
                return f"offset {offset}: {piece[:60]!r} missing from the fixed text"
            at = found + len(piece)
    return None


@dataclass
class _Declared:
    """What the check run said ``fix`` may do to one document."""

    spans: list[tuple[int, int]] = field(default_factory=list)
    groups: list[tuple[tuple[int, int, str], ...]] = field(default_factory=list)  # the fix edits
    may_drop: bool = False  # a fix without edits on a record: the record may be dropped
    encoding: bool = False  # a fix that converts the file's encoding


def declared(findings: list[dict], unsafe: bool) -> dict[tuple[str, int | None, str | None], _Declared]:
    out: dict[tuple[str, int | None, str | None], _Declared] = defaultdict(_Declared)
    for finding in findings:
        fix = finding.get("fix")
        if not fix or fix["applicability"] not in (("safe", "unsafe") if unsafe else ("safe",)):
            continue
        entry = out[(finding["path"], finding.get("record"), finding.get("field"))]
        edits = fix.get("edits") or []
        entry.spans.append((finding["start"], finding["end"]))
        entry.spans.extend((e["start"], e["end"]) for e in edits)
        entry.groups.append(tuple((e["start"], e["end"], e["content"]) for e in edits))
        if fix.get("encoding"):
            entry.encoding = True
        elif not edits and finding.get("record") is not None:
            entry.may_drop = True
    return out


Chains = dict[tuple[str, "int | None", "str | None"], list[tuple[str, list[tuple[int, int]]]]]


@contextlib.contextmanager
def recording(unsafe: bool) -> Iterator[Chains]:
    """Record every text ``Linter.check`` sees during a ``fix`` run, per document, with the spans
    of the findings it returned with an applicable fix: the fixer's rounds, one text each."""
    from newslint import linter as linter_module

    chains: Chains = defaultdict(list)
    original = linter_module.Linter.check
    applicable = linter_module.applicable
    # A fix run may make several passes over a file (corpus checks are checked again on the text as
    # written), and a dropped JSONL record renumbers the ones after it: a record's chain is keyed by
    # where it was first seen, and a later pass finds it again by its text (the last text of a chain).
    # Within one pass the same Linter fixes a document round after round: its chain is fixed at the
    # first round (kept linters: their ids are never reused while recording).
    chain_of: dict[tuple, tuple] = {}
    linters: dict[int, object] = {}

    def check(self, doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        findings = original(self, doc, *args, **kwargs)
        fixing = [f for f in findings if applicable(f, unsafe)]
        spans = [(f.start, f.end) for f in fixing] + [(e.start, e.end) for f in fixing for e in f.fix.edits]
        here = (doc.path, doc.record, doc.field_name)
        linters[id(self)] = self
        key = chain_of.get((id(self), here))
        if key is None:  # a new pass: the chain whose last text this is (renumbered records), else its own
            ended = [k for k, c in chains.items() if k[0] == here[0] and k[2] == here[2] and c and c[-1][0] == doc.text]
            key = here if here in ended or not ended else ended[0]
            chain_of[(id(self), here)] = key
        chain = chains[key]
        if chain and chain[-1][0] == doc.text:
            chain[-1][1].extend(spans)
        else:
            chain.append((doc.text, spans))
        return findings

    original_fix = linter_module.Linter.fix

    fix_signature = inspect.signature(linter_module.Linter.fix)

    def fix(self, doc, *args, **kwargs):  # type: ignore[no-untyped-def]
        """A pass of a fix run after the first applies the corpus findings of a check of the text as
        written (``engine.fixer.run_fix``: fixes change what the corpus checks see, so a variant can
        appear only once another is fixed). Those findings are the run's declaration for that
        pass: their spans join the round of this text."""
        outcome = original_fix(self, doc, *args, **kwargs)
        bound = fix_signature.bind(self, doc, *args, **kwargs)
        bound.apply_defaults()
        extra = [f for f in bound.arguments["preset"] if applicable(f, unsafe)]
        key = chain_of.get((id(self), (doc.path, doc.record, doc.field_name)))
        if extra and key is not None:
            for text, spans in reversed(chains[key]):  # this pass's first round: the latest entry of the text
                if text == doc.text:
                    spans.extend((f.start, f.end) for f in extra)
                    spans.extend((e.start, e.end) for f in extra for e in f.fix.edits)
                    break
        return outcome

    linter_module.Linter.check = check  # type: ignore[method-assign]
    linter_module.Linter.fix = fix  # type: ignore[method-assign]
    try:
        yield chains
    finally:
        linter_module.Linter.check = original  # type: ignore[method-assign]
        linter_module.Linter.fix = original_fix  # type: ignore[method-assign]


def _text_loss(where: str, old: str, new: str, spans: list[tuple[int, int]],
               chain: list[tuple[str, list[tuple[int, int]]]] | None) -> str | None:
    """Where text outside the declared spans went missing between ``old`` and ``new``, or None.

    First against the spans of the ``check`` run. The fixer repeats until nothing changes, and a
    later round may edit what an earlier round's edits produced (removing a tag joins ``&`` and
    ``nbsp;``); so failing that, the rounds the ``fix`` run went through (``chain``, recorded by
    :func:`recording`) must each change only what the findings on their own text declared, and
    lead from ``old`` to ``new``."""
    if old == new:
        return None
    missing = kept_outside(old, new, spans)
    if missing is None:
        return None
    if not chain:
        return f"{where}: text lost outside the findings' spans: {missing}"
    texts = [text for text, _ in chain]
    if old not in texts or texts[-1] != new:
        return f"{where}: text lost outside the findings' spans (rounds unknown): {missing}"
    # the last pass that started from ``old`` made ``new``: an earlier pass may have fixed the same text
    # without writing it (a file left as it was, checked and fixed again in the next pass)
    at = len(texts) - 1 - texts[::-1].index(old)
    current, declared_spans = old, [*spans, *chain[at][1]]
    for text, next_spans in chain[at + 1:]:
        step = kept_outside(current, text, declared_spans)
        if step is not None:
            return f"{where}: a fix round changed text outside its findings' spans: {step}"
        current, declared_spans = text, next_spans
    return None


def alignments(n: int, m: int, dropped: Callable[[int], bool],
               pair: Callable[[int, int], str | None]) -> list[list[bool]]:
    """``ok[i][j]``: old items ``i:`` can become new items ``j:`` — each kept old item is the next new
    one (``pair`` is None) or a declared drop (``dropped``). Every alignment is searched (duplicates
    make several look plausible)."""
    ok = [[False] * (m + 1) for _ in range(n + 1)]
    ok[n][m] = True
    for i in range(n - 1, -1, -1):
        for j in range(m, -1, -1):
            ok[i][j] = (dropped(i) and ok[i + 1][j]) or (j < m and ok[i + 1][j + 1] and pair(i, j) is None)
    return ok


CONTAINER_FIELD = "<doc>"  # newslint.model.CONTAINER_FIELD: a container file's <doc> element


def _container_loss(name: str, display: str, old: str, new: str, after: dict[str, bytes],
                    fixes: dict[tuple[str, int | None, str | None], _Declared], chains: Chains) -> str | None:
    """A container file (``<doc>`` elements, one document each, findings numbered ``record`` N): each
    element's inner text changed only as its findings declared, declared drops kept in the sidecar,
    tags and the text between elements unchanged."""
    from newslint.inputs import container_elements

    olds, news = container_elements(old), container_elements(new)
    sidecar = after.get(name + ".dropped", b"").decode("utf-8", "surrogateescape")
    n, m = len(olds), len(news)

    def dropped(i: int) -> bool:
        entry = fixes.get((display, i + 1, CONTAINER_FIELD))
        return entry is not None and entry.may_drop and old[olds[i][0]:olds[i][3]] in sidecar

    pairs: dict[tuple[int, int], str | None] = {}

    def pair(i: int, j: int) -> str | None:
        if (i, j) not in pairs:
            (a0, a1, a2, a3), (b0, b1, b2, b3) = olds[i], news[j]
            if old[a0:a1] != new[b0:b1] or old[a2:a3] != new[b2:b3]:
                pairs[(i, j)] = f"{name}: doc {i + 1}: tags changed"
            elif old[a1:a2] == new[b1:b2]:
                pairs[(i, j)] = None
            else:
                key = (display, i + 1, CONTAINER_FIELD)
                entry = fixes.get(key)
                chain = chains.get(key)
                pairs[(i, j)] = (f"{name}: doc {i + 1} changed without an applicable finding"
                                 if entry is None and not chain
                                 else _text_loss(f"{name}:doc {i + 1}", old[a1:a2], new[b1:b2],
                                                 entry.spans if entry is not None else [], chain))
        return pairs[(i, j)]

    ok = alignments(n, m, dropped, pair)
    if not ok[0][0]:
        i = j = 0
        while i < n and j < m and pair(i, j) is None:
            i, j = i + 1, j + 1
        if i < n and j < m:
            return pair(i, j)
        return f"{name}: elements lost or added by fix ({n} -> {m})"
    # the text outside the kept elements, dropped elements (and their line break) taken out, is unchanged
    outside_old, outside_new, at, i, j = [], [], 0, 0, 0
    while i < n:
        if dropped(i) and ok[i + 1][j] and not (j < m and ok[i + 1][j + 1] and pair(i, j) is None):
            outside_old.append(old[at:olds[i][0]])
            end = olds[i][3]
            at = end + (2 if old.startswith("\r\n", end) else 1 if old.startswith("\n", end) else 0)
        else:
            outside_old.append(old[at:olds[i][1]] + "\0")
            at = olds[i][2]
            j += 1
        i += 1
    outside_old.append(old[at:])
    at = 0
    for _, b1, b2, _ in news:
        outside_new.append(new[at:b1] + "\0")
        at = b2
    outside_new.append(new[at:])
    if "".join(outside_old) != "".join(outside_new):
        return f"{name}: text between the <doc> elements changed"
    return None


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _decode_as(data: bytes, encoding: str) -> str | None:
    """``data`` decoded strictly as the file's own codec (a UTF-8 or UTF-16 byte-order mark apart)."""
    try:
        if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
            return data.decode("utf-8-sig")
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


class Judge:
    """Runs one case in a scratch folder and judges what the command did."""

    def __init__(self, root: Path, limit: float = DEFAULT_LIMIT, subprocess_every: int = 0) -> None:
        self.root = root
        self.limit = limit
        self.subprocess_every = subprocess_every

    def run(self, case: Case, number: int = 0) -> Verdict:
        started = time.monotonic()
        # CPU time of this process (user + system), not wall time: a campaign on a loaded machine must
        # not call a slow input a hang; a real stall without CPU (a blocking read) is the campaign's
        # wall-clock kill of the worker
        previous = signal.signal(signal.SIGPROF, _alarm)
        signal.setitimer(signal.ITIMER_PROF, self.limit)
        try:
            verdict = self._run(case, number)
        except Hang as exc:  # where it was when time ran out
            verdict = Verdict(case.family, "hang", f"over {self.limit:.0f} CPU s, in:\n{exc}")
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.signal(signal.SIGPROF, previous)
        verdict.seconds = time.monotonic() - started
        return verdict

    def _run(self, case: Case, number: int) -> Verdict:
        root = self.root
        materialise(case, root)
        before = snapshot(root)
        unsafe = "--unsafe-fixes" in case.options
        check = call_main(_argv(case, root, "check"))
        problem = _crash(check, "check")
        if problem:
            return Verdict(case.family, "crash", problem, (check.code or 0,))
        try:
            findings = json.loads(check.out) if check.out.strip() else []
        except ValueError:
            return Verdict(case.family, "crash", f"check: output is not JSON: {check.out[:300]!r}", (check.code,))
        if not isinstance(findings, list):
            return Verdict(case.family, "crash", "check: JSON output is not a list", (check.code,))
        with recording(unsafe) as chains:
            fix = call_main(_argv(case, root, "fix"))
        problem = _crash(fix, "fix")
        if problem:
            return Verdict(case.family, "crash", problem, (check.code, fix.code or 0))
        after = snapshot(root)
        if after == before:  # nothing written: a second run of the same input would do the same
            result = Verdict(case.family, "ok", "", (check.code or 0, fix.code or 0), len(findings), False)
            if self.subprocess_every and number % self.subprocess_every == 0:
                mismatch = self._subprocess(case, check, after)
                if mismatch:
                    return _set(result, "mismatch", mismatch)
            return result
        again = call_main(_argv(case, root, "fix"))
        problem = _crash(again, "second fix")
        exits = (check.code or 0, fix.code or 0, again.code or 0)
        if problem:
            return Verdict(case.family, "crash", problem, exits)
        result = Verdict(case.family, "ok", "", exits, len(findings), True)
        final = snapshot(root)
        if final != after:
            changed = sorted(k for k in set(final) | set(after) if final.get(k) != after.get(k))
            return _set(result, "nonidempotent", f"a second fix changed {changed}, "
                        f"{self._second_codes(case, before, after, changed, unsafe)}: "
                        + _first_difference(after.get(changed[0], b""), final.get(changed[0], b"")))
        stray = sorted(k for k in set(after) - set(before) if not k.endswith(".dropped"))
        if stray:
            return _set(result, "stray", f"files left in the tree: {stray}")
        loss = self._losses(case, before, after, findings, chains, unsafe)
        if loss:
            return _set(result, *loss)
        if self.subprocess_every and number % self.subprocess_every == 0:
            mismatch = self._subprocess(case, check, after)
            if mismatch:
                return _set(result, "mismatch", mismatch)
        return result

    def _second_codes(self, case: Case, before: dict[str, bytes], after: dict[str, bytes], changed: list[str],
                      unsafe: bool) -> str:
        """Why a second ``fix`` changed ``changed``: a file whose format (as detected from its content)
        is not the same after the first fix, and the checks whose fixes apply to those files."""
        from newslint.decoding import BinaryInputError, decode_bytes
        from newslint.document import detect_format

        def fmt(name: str, data: bytes | None) -> str:
            try:
                return detect_format((self.root / name).as_posix(), decode_bytes(data or b"").text).value
            except BinaryInputError:
                return "binary"

        flips = [f"{name} read as {fmt(name, before.get(name))}, then as {fmt(name, after[name])}"
                 for name in changed if name in before and fmt(name, before.get(name)) != fmt(name, after[name])]
        scratch = self.root.parent / (self.root.name + "-second")
        materialise(Case(case.family, after, case.targets, case.options), scratch)
        check = call_main(_argv(case, scratch, "check"))
        shutil.rmtree(scratch, ignore_errors=True)
        try:
            findings = json.loads(check.out)
        except ValueError:
            return "?"
        codes = set()
        for finding in findings:
            name = Path(finding["path"]).relative_to(scratch).as_posix()
            if name in changed and finding.get("fix") and \
                    finding["fix"]["applicability"] in (("safe", "unsafe") if unsafe else ("safe",)):
                codes.add(finding["code"])
        return (f"format changed ({'; '.join(flips)}), " if flips else "") + \
            f"applying {', '.join(sorted(codes)) or 'none'}"

    # -- text lost ---------------------------------------------------------------------------------

    def _losses(self, case: Case, before: dict[str, bytes], after: dict[str, bytes], findings: list[dict],
                chains: Chains, unsafe: bool) -> tuple[str, str] | None:
        """(outcome, detail) for the first file whose change ``fix`` did not declare, else None."""
        from newslint.decoding import BinaryInputError, decode_bytes
        from newslint.document import Format, detect_format

        fixes = declared(findings, unsafe)
        for name, old in before.items():
            new = after.get(name)
            if new == old:
                continue
            if new is None:
                return "loss", f"{name}: file deleted by fix"
            display = (self.root / name).as_posix()
            try:
                decoded = decode_bytes(old)
            except BinaryInputError:
                return "loss", f"{name}: a file refused as binary was rewritten"
            if not decoded.lossless:
                return "loss", f"{name}: bytes that did not decode ({decoded.encoding}) were rewritten"
            jsonl = detect_format(display, decoded.text) is Format.JSONL
            converted = fixes.get((display, None, None), _Declared()).encoding
            # NL102's fix writes UTF-8; else the file keeps its codec (a JSONL file too)
            expected = "utf-8" if converted else decoded.encoding
            new_text = _decode_as(new, expected)
            if new_text is None:
                return "loss", f"{name}: the fixed file does not decode as {expected} (was {decoded.encoding})"
            reencoded = not converted and _codec(expected) != _codec(decoded.encoding)
            if jsonl:
                problem = self._jsonl_loss(name, display, decoded.text, new_text, after, fixes, chains)
            elif any(key[0] == display and key[2] == CONTAINER_FIELD for key in fixes):
                problem = _container_loss(name, display, decoded.text, new_text, after, fixes, chains)
            else:
                entry = fixes.get((display, None, None))
                if entry is None:
                    problem = f"{name}: changed without an applicable finding"
                else:
                    problem = _text_loss(name, decoded.text, new_text, entry.spans, chains.get((display, None, None)))
            if problem:
                return "loss", problem
            if reencoded:
                return "reencoded", f"{name}: rewritten as {expected} (was {decoded.encoding}) without a finding"
            # and newslint itself must read the bytes it wrote as the text it meant: a file kept in a legacy
            # codec is detected again from its new bytes (19:1325: GB18030 read back as KOI8-R)
            try:
                reread = decode_bytes(new)
            except BinaryInputError:
                return "reencoded", f"{name}: the fixed file ({expected}) reads back as binary"
            if reread.text != new_text:
                return "reencoded", f"{name}: the fixed file ({expected}) reads back as {reread.encoding}: another text"
        return None

    def _jsonl_loss(self, name: str, display: str, old: str, new: str, after: dict[str, bytes],
                    fixes: dict[tuple[str, int | None, str | None], _Declared],
                    chains: Chains) -> str | None:
        from newslint.config import find_config, load_config

        try:
            found = find_config(self.root / name)
            settings = load_config(found) if found else None
        except Exception:
            settings = None
        fields = ["text"] if settings is None else [*settings.text_fields, *settings.extra_fields]
        old_lines, new_lines = _lines(old), _lines(new)
        sidecar = after.get(name + ".dropped", b"").decode("utf-8", "surrogateescape")
        kept = {line.rstrip("\r") for line in sidecar.split("\n")}  # (not splitlines: U+2028 is in records)
        n, m = len(old_lines), len(new_lines)

        sidecar_records = [line for line in sidecar.split("\n") if line.strip()]

        def dropped(i: int) -> bool:  # old line i (0-based) may be gone: kept in the sidecar
            if any(fixes.get((display, i + 1, f), _Declared()).may_drop for f in fields) \
                    and old_lines[i].rstrip("\r\n") in kept:
                return True
            # a record that became a duplicate once fixed is dropped by a later pass of the same fix:
            # the sidecar holds it with its declared fixes applied
            return any(self._record_loss(name, display, i + 1, old_lines[i], line, fields, fixes, chains) is None
                       for line in sidecar_records)

        pairs: dict[tuple[int, int], str | None] = {}

        def pair(i: int, j: int) -> str | None:  # None when new line j is old line i, fixed as declared
            if (i, j) not in pairs:
                pairs[(i, j)] = self._record_loss(name, display, i + 1, old_lines[i], new_lines[j], fields,
                                                  fixes, chains)
            return pairs[(i, j)]

        # Which old lines the new ones are, records dropped (declared, in the sidecar) apart: several
        # alignments can look plausible (duplicates are alike), so search them all (a few dozen lines).
        ok = alignments(n, m, dropped, pair)
        if ok[0][0]:
            return None
        i = j = 0  # the first line no alignment explains, for the message (declared drops skipped)
        while i < n and j < m and (pair(i, j) is None or dropped(i)):
            i, j = (i + 1, j + 1) if pair(i, j) is None else (i + 1, j)
        if i < n and j < m:
            return pair(i, j)
        if i < n:
            return f"{name}: line {i + 1} lost (the fixed file is shorter, and it is not a declared drop)"
        return f"{name}: {m - j} line(s) added by fix"

    def _record_loss(self, name: str, display: str, number: int, raw: str, current: str, fields: list[str],
                     fixes: dict[tuple[str, int | None, str | None], _Declared], chains: Chains) -> str | None:
        if raw == current:
            return None
        try:
            # a BOM at the start of a line (files joined with cat) is not part of the record
            a, b = json.loads(raw.strip().lstrip("\ufeff")), json.loads(current.strip().lstrip("\ufeff"))
        except (ValueError, RecursionError):
            return f"{name}: line {number} changed but is not a JSON record: {raw[:80]!r} -> {current[:80]!r}"
        if not isinstance(a, dict) or not isinstance(b, dict) or list(a) != list(b):
            return f"{name}: record {number}: keys changed"
        for key in a:
            if a[key] == b[key]:
                continue
            if key not in fields or not isinstance(a[key], str) or not isinstance(b[key], str):
                return f"{name}: record {number}: field {key!r} changed"
            entry = fixes.get((display, number, key))
            chain = chains.get((display, number, key))
            if entry is None and not chain:
                return f"{name}: record {number}: field {key!r} changed without an applicable finding"
            # (a later pass of the fix may find what the check could not: the chain of its rounds)
            problem = _text_loss(f"{name}:record {number}:{key}", a[key], b[key],
                                 entry.spans if entry is not None else [], chain)
            if problem:
                return problem
        return None

    # -- the real command line -----------------------------------------------------------------------

    def _subprocess(self, case: Case, check: Call, after: dict[str, bytes]) -> str | None:
        """The same input through ``python -m newslint``: same exit code, output and fixed files."""
        materialise(case, self.root)
        env = {**os.environ, "NEWSLINT_NO_CACHE": ""}
        command = [sys.executable, "-m", "newslint"]
        proc = subprocess.run([*command, *_argv(case, self.root, "check")], capture_output=True, env=env,
                              timeout=max(60.0, self.limit * 3))
        if b"Traceback" in proc.stderr:
            return f"subprocess check: traceback: {proc.stderr.decode('utf-8', 'replace')[-2000:]}"
        # a real stream writes what UTF-8 cannot encode (a lone surrogate quoted from a JSON string) as
        # ``\\udada`` (``cli._utf8_streams``); the in-process run wrote to a StringIO
        expected = check.out.encode("utf-8", "backslashreplace").decode("utf-8")
        if proc.returncode != check.code or proc.stdout.decode("utf-8") != expected:
            return f"subprocess check differs: exit {proc.returncode} vs {check.code}"
        proc = subprocess.run([*command, *_argv(case, self.root, "fix")], capture_output=True, env=env,
                              timeout=max(60.0, self.limit * 3))
        if b"Traceback" in proc.stderr or proc.returncode not in (0, 1, 2):
            return f"subprocess fix: exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[-2000:]}"
        if snapshot(self.root) != after:
            return "subprocess fix wrote different files than the in-process fix"
        return None


def _lines(text: str) -> list[str]:
    from newslint.inputs import physical_lines

    return list(physical_lines(text))


def _set(verdict: Verdict, outcome: str, detail: str) -> Verdict:
    verdict.outcome, verdict.detail = outcome, detail
    return verdict


def _first_difference(a: bytes, b: bytes) -> str:
    n = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"first difference at byte {n}: {a[max(0, n - 20):n + 40]!r} -> {b[max(0, n - 20):n + 40]!r}"


def _alarm(signum: int, frame: object) -> None:
    raise Hang("".join(traceback.format_stack(frame)))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# The campaign: worker processes, a hard time limit, counts per family
# ---------------------------------------------------------------------------------------------------


@dataclass
class Tally:
    tried: Counter = field(default_factory=Counter)  # family → inputs
    outcomes: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # family → outcome → n
    exits: Counter = field(default_factory=Counter)  # check exit code → n
    with_findings: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    failures: list[tuple[int, Verdict]] = field(default_factory=list)
    seconds: float = 0.0
    slowest: tuple[float, int] = (0.0, -1)

    def add(self, number: int, verdict: Verdict) -> None:
        self.tried[verdict.family] += 1
        self.outcomes[verdict.family][verdict.outcome] += 1
        if verdict.exits:
            self.exits[verdict.exits[0]] += 1
        self.with_findings[verdict.family] += verdict.findings > 0
        self.changed[verdict.family] += verdict.changed
        self.seconds += verdict.seconds
        self.slowest = max(self.slowest, (verdict.seconds, number))
        if verdict.outcome != "ok":
            self.failures.append((number, verdict))

    def total(self, outcome: str) -> int:
        return sum(c[outcome] for c in self.outcomes.values())

    def table(self) -> str:
        head = "| family | inputs | with findings | changed by fix | " + " | ".join(OUTCOMES) + " |"
        rows = [head, "|---|" + "---:|" * (3 + len(OUTCOMES))]
        for family in [*FAMILIES, "(total)"]:
            if family == "(total)":
                tried = sum(self.tried.values())
                counts = [self.total(o) for o in OUTCOMES]
                found, changed = sum(self.with_findings.values()), sum(self.changed.values())
            elif self.tried[family]:
                tried = self.tried[family]
                counts = [self.outcomes[family][o] for o in OUTCOMES]
                found, changed = self.with_findings[family], self.changed[family]
            else:
                continue
            rows.append(f"| {family} | {tried:,} | {found:,} | {changed:,} | "
                        + " | ".join(f"{c:,}" for c in counts) + " |")
        return "\n".join(rows)


def memoise_shipped_packs() -> None:
    """Parse the shipped packs and validate a pattern once per worker, not three times per input.

    Every ``main`` call loads the packs (the spec cache is off: it would carry state from one input
    to the next) and builds detectors, which validates each pattern with the regex parser: more than
    half of a campaign's CPU time, spent on the same files and strings every time. Only pure results
    are kept: a shipped pack file by its path and bytes (an input's own packs, under the scratch
    folder, are parsed for real every time), a pattern by its source, flags, limit and trust. Whatever
    raises (a bad pack or pattern) is never kept, so it raises again."""
    import functools

    from newslint import packs
    from newslint.detectors import pattern
    from newslint.registry import PATTERN_LIMITS

    shipped_dir = str(REPO / "checks")
    load_pack, compile_pattern = packs.load_pack, pattern.compile_pattern
    kept: dict[tuple[str, bytes], list] = {}

    def memo_load_pack(path: Path) -> list:
        if not str(path).startswith(shipped_dir):
            return load_pack(path)
        try:
            key = (str(path), path.read_bytes())
        except OSError:
            return load_pack(path)
        specs = kept.get(key)
        if specs is None:
            specs = kept[key] = load_pack(path)
        else:
            packs._remember_shipped(specs)  # what load_pack records for the shipped checks
        return list(specs)

    @functools.lru_cache(maxsize=4096, typed=True)  # typed: a timeout of True is refused, 1.0 is not
    def compiled(source: str, flags: tuple, timeout: float, trusted: bool) -> object:
        return compile_pattern(source, list(flags) if flags else None, timeout)

    def memo_compile_pattern(source, flags=None, timeout=pattern.DEFAULT_TIMEOUT):  # type: ignore[no-untyped-def]
        try:
            key = (source, tuple(flags or ()), timeout, PATTERN_LIMITS.trusted)
            hash(key)
            if type(timeout) not in (int, float):  # (a bool is an int to the cache's key, not to the check)
                return compile_pattern(source, flags, timeout)
        except TypeError:  # a user pack's odd value: validated (and refused) for real
            return compile_pattern(source, flags, timeout)
        return compiled(*key)

    packs.load_pack = memo_load_pack  # type: ignore[assignment]
    for module in list(sys.modules.values()):  # modules that imported it by name (later imports get this one)
        if getattr(module, "__name__", "").startswith("newslint") and \
                getattr(module, "compile_pattern", None) is compile_pattern:
            module.compile_pattern = memo_compile_pattern  # type: ignore[attr-defined]


def _worker_main(conn, seed: int, families: Sequence[str], root: str, limit: float, every: int,
                 memory_mb: int) -> None:
    import resource

    memoise_shipped_packs()

    if memory_mb:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))
    pool = load_pool()
    judge = Judge(Path(root), limit, every)
    while True:
        number = conn.recv()
        if number is None:
            return
        try:
            case = make_case(seed, number, pool, families)
        except Exception:
            conn.send((number, Verdict("generator", "crash", traceback.format_exc())))
            continue
        try:
            verdict = judge.run(case, number)
        except Exception:  # the judge itself failed: counted, never hidden
            verdict = Verdict(case.family, "crash", "harness error:\n" + traceback.format_exc())
        conn.send((number, verdict))


def preflight() -> str | None:
    """Why ``newslint check`` cannot find the findings of a seed (its packs do not load, say: a
    checkout run with another checkout's installation), or None. Else every input would exit 2 and
    the campaign would count nothing but successes."""
    from newslint.cli import main as newslint_main

    seed = next(iter(sorted((REPO / "seeds").glob("*.txt"))), None)
    if seed is None:
        return None
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = newslint_main(["check", "--no-cache", str(seed)])
    return None if code in (0, 1) else f"exit {code}: {(err.getvalue() or out.getvalue()).strip()[:300]}"


def campaign(seed: int, inputs: int, families: Sequence[str], workers: int, limit: float, every: int,
             memory_mb: int, out: Path | None, progress_every: int = 1000, start: int = 0,
             pause_file: Path | None = None) -> Tally:
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    scratch = Path(tempfile.mkdtemp(prefix="newslint-fuzz-", dir="/dev/shm" if os.access("/dev/shm", os.W_OK)
                                    else None))
    tally = Tally()
    pool: Pool | None = None
    numbers: Iterator[int] = iter(range(start, start + inputs))
    slots: dict[int, tuple] = {}  # slot → (process, connection, number, started)
    begun = time.monotonic()
    done = 0

    def spawn(slot: int) -> None:
        parent, child = context.Pipe()
        proc = context.Process(target=_worker_main, daemon=True,
                               args=(child, seed, families, str(scratch / f"w{slot}"), limit, every, memory_mb))
        proc.start()
        child.close()
        slots[slot] = (proc, parent, None, 0.0)

    paused: set[int] = set()  # idle workers while the pause file exists (a benchmark wants the machine)

    def feed(slot: int) -> bool:
        proc, conn, _, _ = slots[slot]
        if pause_file is not None and pause_file.exists():
            paused.add(slot)
            slots[slot] = (proc, conn, None, 0.0)
            return True
        number = next(numbers, None)
        if number is None:
            conn.send(None)
            return False
        conn.send(number)
        slots[slot] = (proc, conn, number, time.monotonic())
        return True

    def failed(number: int, outcome: str, detail: str) -> None:
        family = families[number % len(families)]
        tally.add(number, Verdict(family, outcome, detail))

    try:
        active: set[int] = set()
        for slot in range(workers):
            spawn(slot)
            if feed(slot):
                active.add(slot)
        while active:
            conns = {slots[s][1]: s for s in active}
            ready = wait(list(conns), timeout=1.0)
            now = time.monotonic()
            if paused and not (pause_file is not None and pause_file.exists()):
                for slot in sorted(paused):
                    paused.discard(slot)
                    if not feed(slot):
                        active.discard(slot)
            for conn in ready:
                slot = conns[conn]
                proc, _, number, _ = slots[slot]
                if number is None:  # an idle (paused) worker can only have died: replace it, count nothing
                    proc.join(1)
                    spawn(slot)
                    if slot not in paused and not feed(slot):
                        active.discard(slot)
                    continue
                try:
                    got, verdict = conn.recv()
                except (EOFError, OSError):
                    failed(number, "crash", f"worker died (exit code {proc.exitcode}): out of memory or a crash")
                    proc.join(1)
                    spawn(slot)
                else:
                    tally.add(got, verdict)
                done += 1
                if progress_every and done % progress_every == 0:
                    rate = done / (time.monotonic() - begun)
                    print(f"[{time.strftime('%H:%M:%S')}] {done:,}/{inputs:,} inputs, {rate:.1f}/s; "
                          + ", ".join(f"{o} {tally.total(o)}" for o in OUTCOMES), flush=True)
                if not feed(slot):
                    active.discard(slot)
            for slot in list(active):
                proc, conn, number, started = slots[slot]
                if number is not None and now - started > limit + 30:  # the in-process alarm did not fire
                    proc.kill()
                    proc.join(5)
                    failed(number, "hang", f"over {limit + 30:.0f} s (worker killed)")
                    done += 1
                    spawn(slot)
                    if not feed(slot):
                        active.discard(slot)
    finally:
        for proc, conn, *_ in slots.values():
            with contextlib.suppress(Exception):
                conn.send(None)
            proc.join(2)
            if proc.is_alive():
                proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)
    if out is not None and tally.failures:
        out.mkdir(parents=True, exist_ok=True)
        pool = pool or load_pool()
        for number, verdict in tally.failures[:200]:
            folder = out / f"{verdict.outcome}-{seed}-{number}"
            try:
                case = make_case(seed, number, pool, families)
                materialise(case, folder)
                described = case.describe()
            except Exception:
                folder.mkdir(parents=True, exist_ok=True)
                described = "generator error:\n" + traceback.format_exc()
            (folder / "VERDICT.txt").write_text(
                f"replay: python benchmarks/fuzz.py --replay {seed}:{number}"
                + (f" --family {','.join(families)}" if tuple(families) != FAMILIES else "")
                + f"\n{described}\n\n{verdict.detail}\n", encoding="utf-8")
    return tally


def signature(verdict: Verdict) -> str:
    """What kind of failure: the exception and the innermost newslint frame, or the first words."""
    detail = verdict.detail.strip()
    if verdict.outcome == "hang":
        frames = re.findall(r'File "([^"]*newslint/[^"]+)", line \d+, in (\S+)', detail)
        return f"hang in {frames[-1][0].split('newslint/', 1)[-1]}:{frames[-1][1]}" if frames else "hang"
    if verdict.outcome == "crash" and "Traceback" in detail:
        frames = re.findall(r'File "([^"]*newslint/[^"]+)", line \d+, in (\S+)', detail)
        last = detail.splitlines()[-1]
        where = f"{frames[-1][0].split('newslint/', 1)[-1]}:{frames[-1][1]}" if frames else "?"
        return f"crash: {last.split(':', 1)[0]} in {where}: {last[:100]}"
    head = detail.splitlines()[0] if detail else ""
    if verdict.outcome == "nonidempotent":  # why: "format changed (…), applying NL…", file names left out
        why = re.search(r"\], (.*?): first difference", head)
        return f"nonidempotent: {re.sub(r'[^ (;]+ read as', 'read as', why.group(1)) if why else '?'}"
    head = re.sub(r"^[^:]*: ", "", head)  # the file name
    head = re.sub(r"(record|line|offset) \d+", r"\1 N", head)
    return f"{verdict.outcome}: {head[:90]}"


# Failures the fuzzer found in code other engineers own, reported to them with a reproducer (see
# benchmarks/RESULTS.md): (outcome, pattern searched in the signature and detail, where, what).
# The short version in the test suite marks an input failing only these as an expected failure, and
# the campaign counts them apart; remove an entry when its fix lands.
KNOWN: tuple[tuple[str, str, str, str], ...] = ()


def known(verdict: Verdict) -> str | None:
    """The known issue this failure is, as "where: what", or None for a new one."""
    text = signature(verdict) + "\n" + verdict.detail
    for outcome, pattern, where, what in KNOWN:
        if verdict.outcome == outcome and re.search(pattern, text, re.M):
            return f"{where}: {what}"
    return None


def replay(key: str, families: Sequence[str], limit: float) -> int:
    seed, number = (int(x) for x in key.split(":"))
    case = make_case(seed, number, load_pool(), families)
    print(case.describe())
    root = Path(tempfile.mkdtemp(prefix="newslint-replay-"))
    verdict = Judge(root / "case", limit, subprocess_every=1).run(case, 0)
    print(f"{verdict.outcome} in {verdict.seconds:.2f}s, exits {verdict.exits}, findings {verdict.findings}")
    if verdict.detail:
        print(verdict.detail)
    materialise(case, root / "input")
    print(f"input written to {root / 'input'}")
    return 0 if verdict.outcome == "ok" else 1


def run_atheris(seed: int, families: Sequence[str], limit: float, flags: Sequence[str]) -> None:
    """libFuzzer (through atheris) picks the inputs: the first bytes choose the generated input, the rest
    are spliced into its first file, so coverage feedback steers the mutations. ``flags`` go to
    libFuzzer (``-runs=N``, ``-max_total_time=S``); a failure is raised, which stops it."""
    import atheris  # optional: pip install atheris

    pool = load_pool()
    judge = Judge(Path(tempfile.mkdtemp(prefix="newslint-atheris-")) / "case", limit)

    def one(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        number = provider.ConsumeIntInRange(0, 2**31)
        case = make_case(seed, number, pool, families)
        extra = provider.ConsumeBytes(provider.remaining_bytes())
        if extra:
            name = next(iter(case.files))
            body = case.files[name]
            at = number % (len(body) + 1)
            case.files[name] = body[:at] + extra + body[at:]
        verdict = judge.run(case, number)
        if verdict.outcome != "ok" and known(verdict) is None:
            raise RuntimeError(f"{verdict.outcome} on input {seed}:{number} + {len(extra)} spliced bytes: "
                               f"{verdict.detail[-2000:]}")

    import pkgutil

    import newslint

    with atheris.instrument_imports(include=["newslint"]):  # every module: detectors load lazily otherwise
        for module in pkgutil.walk_packages(newslint.__path__, "newslint."):
            if module.name.endswith("__main__"):
                continue
            with contextlib.suppress(Exception):
                importlib.import_module(module.name)
    atheris.Setup([sys.argv[0], *flags], one)
    atheris.Fuzz()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="first input number")
    parser.add_argument("--family", default=",".join(FAMILIES), help="comma-separated families")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--limit", type=float, default=DEFAULT_LIMIT, help="seconds per input (a hang beyond)")
    parser.add_argument("--subprocess-every", type=int, default=500, help="every Nth input also as a subprocess")
    parser.add_argument("--memory-mb", type=int, default=4096, help="address-space limit of a worker")
    parser.add_argument("--out", type=Path, default=None, help="write failing inputs here")
    parser.add_argument("--progress", type=int, default=1000)
    parser.add_argument("--pause-file", type=Path, default=None,
                        help="while this file exists, no new input starts (workers idle, no time limit runs)")
    parser.add_argument("--replay", help="SEED:NUMBER: run one input and show the verdict")
    parser.add_argument("--atheris", action="store_true",
                        help="let atheris (optional) choose the inputs; libFuzzer flags after --")
    args, flags = parser.parse_known_args(argv)
    if flags and not args.atheris:
        parser.error(f"unrecognized arguments: {' '.join(flags)}")
    families = tuple(f for f in args.family.split(",") if f)
    unknown = set(families) - set(FAMILIES)
    if unknown:
        parser.error(f"unknown families: {', '.join(sorted(unknown))}")
    if args.replay:
        return replay(args.replay, families, args.limit)
    if args.atheris:
        run_atheris(args.seed, families, args.limit, [f for f in flags if f != "--"])
        return 0
    from newslint import __version__

    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "newslint"], capture_output=True,
                           text=True).stdout.strip()
    problem = preflight()
    if problem:
        print(f"fuzz: newslint does not work here, so no input would test anything: {problem}", file=sys.stderr)
        return 2
    began = time.monotonic()
    tally = campaign(args.seed, args.inputs, families, args.workers, args.limit, args.subprocess_every,
                     args.memory_mb, args.out, args.progress, args.start, args.pause_file)
    wall = time.monotonic() - began
    print()
    print(f"newslint {__version__} at {commit}{' (+ uncommitted changes in newslint/)' if dirty else ''}; "
          f"seed {args.seed}, inputs {args.start}..{args.start + args.inputs - 1}, {args.workers} worker(s), "
          f"limit {args.limit:.0f} s per input; {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"wall {wall:.0f} s, {sum(tally.tried.values()) / max(wall, 1e-9):.1f} inputs/s; "
          f"slowest input {tally.slowest[0]:.2f} s (#{tally.slowest[1]}); "
          f"check exit codes: {dict(sorted(tally.exits.items()))}")
    print()
    print(tally.table())
    if tally.failures:
        print()
        groups: dict[str, list[tuple[int, Verdict]]] = defaultdict(list)
        for number, verdict in tally.failures:
            groups[signature(verdict)].append((number, verdict))
        for sig, members in sorted(groups.items(), key=lambda item: -len(item[1])):
            families = Counter(v.family for _, v in members)
            issue = known(members[0][1])
            print(f"- {len(members)} x {sig} ({', '.join(f'{f} {n}' for f, n in families.most_common())}); "
                  f"e.g. --replay {args.seed}:{members[0][0]}" + (f" [known: {issue}]" if issue else " [NEW]"))
        news = sum(1 for _, verdict in tally.failures if known(verdict) is None)
        print(f"\nfailures: {len(tally.failures)}, of which known (reported to their owners): "
              f"{len(tally.failures) - news}, new: {news}")
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
