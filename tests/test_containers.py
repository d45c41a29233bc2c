"""Container files (TREC / SogouCA / Gigaword ``<doc>…</doc>`` elements) are read as one document per
element (issue 11, item 4): located as ``file:doc N:line:col`` with the line and column of the file
itself, document checks stay inside one article, corpus checks see each article, and ``fix`` puts each
element's fixed text back in place, leaving tags and everything between elements byte for byte.

The text is real: SogouCA articles of ``../shared/real/sogouca-tensite-gbk-dev`` (GB18030), and the
disclaimer that ends several of its articles.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from newslint.cli import main

URLS = ("http://news.sohu.com/20120612/n345428229.shtml", "http://news.sohu.com/20120607/n344998325.shtml",
        "http://news.sohu.com/20120613/n345512345.shtml")
TITLES = ("公安机关销毁１０余万非法枪支　跨国武器走私渐起", "张绍刚发道歉信网友不认可：他的问题是俯视他人（图）")
CONTENTS = (
    "中广网唐山６月１２日消息（记者汤一亮　庄胜春）据中国之声《新闻晚高峰》报道，今天（１２日）上午，"
    "公安机关２０１２年缉枪制爆专项行动统一销毁非法枪爆物品现场会在河北唐山举行。",
    "天津卫视求职节目《非你莫属》“晕倒门”事件余波未了，主持人张绍刚前日通过《非你莫属》节目组发出道歉信，"
    "称自己错在对留学生缺乏了解，网友对此并不认可。",
)
YAHOO = "中国雅虎侠客平台仅提供信息存储空间服务，其内容均由上网用户提供。中国雅虎侠客平台尊重权利人的合法权利。"


def doc(n: int, title: str, content: str) -> str:
    return (f"<doc>\n<url>{URLS[n]}</url>\n<docno>c172394d49da2142-6971330{n}c0bb3300</docno>\n"
            f"<contenttitle>{title}</contenttitle>\n<content>{content}</content>\n</doc>\n")


def container(*docs: str) -> str:
    return "<doclist>\n" + "".join(docs) + "</doclist>\n"


def write(tmp_path: Path, text: str, name: str = "sogouca.dat") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("gb18030"))
    return path


def check(path: Path, capsys) -> list[dict]:
    capsys.readouterr()
    main(["check", "--no-cache", "--exit-zero", "--format", "json", str(path)])
    return json.loads(capsys.readouterr().out)


def test_findings_are_located_in_their_doc_by_file_line_and_column(tmp_path: Path, capsys) -> None:
    second = CONTENTS[1].replace("主持人", "主持人\u200b")  # a zero-width space (NL103) in the second article
    path = write(tmp_path, container(doc(0, TITLES[0], CONTENTS[0]), doc(1, TITLES[1], second)))
    (found,) = [f for f in check(path, capsys) if f["code"] == "NL103"]
    column = len("<content>") + second.index("\u200b") + 1  # line 12: the second article's <content>
    assert (found["record"], found["location"]) == (2, {"row": 12, "column": column})
    main(["check", "--no-cache", "--exit-zero", "--select", "NL103", str(path)])
    assert f"{path.as_posix()}:doc 2:12:{column}: NL103" in capsys.readouterr().out


def test_disclaimer_in_two_docs_is_not_a_repeat_but_twice_in_one_is(tmp_path: Path, capsys) -> None:
    first = f"{CONTENTS[0]}\n{YAHOO}"
    second = f"{CONTENTS[1]}\n{YAHOO}\n{YAHOO}"  # the second article ends with it twice
    path = write(tmp_path, container(doc(0, TITLES[0], first), doc(1, TITLES[1], second)))
    repeats = [f for f in check(path, capsys) if f["code"] == "NL404"]
    assert [(f["record"], f["location"]["row"]) for f in repeats] == [(2, 15)]


def test_exact_duplicate_articles_are_found_across_elements(tmp_path: Path, capsys) -> None:
    copy = doc(1, TITLES[1], CONTENTS[1])  # the same article stored twice (same url, docno and text)
    path = write(tmp_path, container(doc(0, TITLES[0], CONTENTS[0]), copy, copy))
    duplicates = [f for f in check(path, capsys) if f["code"] == "NL501"]
    assert duplicates and {f["record"] for f in duplicates} <= {2, 3}
    assert all(f["field"] == "<doc>" for f in duplicates)


ELEMENT = re.compile(r"<doc>.*?</doc>\n", re.S)


def test_fix_replaces_only_the_fixed_spans_inside_elements(tmp_path: Path, capsys) -> None:
    second = CONTENTS[1].replace("主持人", "主持人\u200b")
    before = container(doc(0, TITLES[0], f"{CONTENTS[0]}\n{YAHOO}"), doc(1, TITLES[1], f"{second}\n{YAHOO}"))
    path = write(tmp_path, before)
    main(["fix", "--no-cache", str(path)])
    after = path.read_bytes().decode("gb18030")  # still GB18030: the file's own encoding
    assert after == before.replace("\u200b", "")
    # the structure: same elements, same tags, same text between them
    assert ELEMENT.sub("", after) == ELEMENT.sub("", before)
    assert re.findall(r"</?\w+>", after) == re.findall(r"</?\w+>", before)


def test_fix_drops_a_duplicate_element_into_the_sidecar(tmp_path: Path, capsys) -> None:
    first, copy = doc(0, TITLES[0], CONTENTS[0]), doc(1, TITLES[1], CONTENTS[1])
    path = write(tmp_path, container(first, copy, copy))
    main(["fix", "--no-cache", str(path)])
    assert path.read_bytes().decode("gb18030") == container(first, copy)
    assert (tmp_path / "sogouca.dat.dropped").read_text(encoding="utf-8") == copy
