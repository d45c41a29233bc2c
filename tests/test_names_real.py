"""The names checks on real machine translation: the WMT23 zh→en MQM dev documents (skipped when
../shared is absent), and the rules they needed, on real sentences from them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MQM = REPO.parent / "shared" / "real" / "wmt-mqm-zhen-dev" / "DERIVED_generalMT2023_zhen_dev-docs.tsv"


@pytest.fixture(scope="module")
def names_real():
    if not MQM.is_file():
        pytest.skip("../shared/real/wmt-mqm-zhen-dev is not present")
    sys.path.insert(0, str(REPO / "benchmarks"))
    import names_real

    return names_real


@pytest.fixture(scope="module")
def articles(names_real):
    return names_real.read_articles()


def test_amounts_dates_and_percentages_normalise_across_languages() -> None:
    from newslint.names.anchors import en_anchors, zh_anchors

    zh = zh_anchors("工银理财1280亿元，36万人次，4600万，两万人，百分之九十七，3.70 % ，"
                    "2023年2月10日，土耳其，Wind数据")
    en, words = en_anchors("128 billion yuan, 360,000 visits, 46 million, 20,000 people, 97 percent, 3.70%, "
                    "February 10, 2023, Turkey, Wind data")
    for key in ("n:128000000000", "n:360000", "n:46000000", "n:20000", "p:97", "p:3.7", "d:2-10", "y:2023-2",
                "c:turkey"):
        assert key in zh and key in en, key
    assert "l:wind" in zh and "wind" in words  # a Latin word of the Chinese text, kept by the translation
    assert "n:20000000" not in zh_anchors("从千千万万的店铺中脱颖而出")  # 千千万万 is a word, not 20 million


def test_pairing_without_links_on_real_mt(names_real, articles) -> None:
    r = names_real.evaluate(articles, False, "all", False)
    assert r["paired"] == r["paired_right"]  # precision 1.0
    assert r["paired_right"] / r["translations"] >= 0.9, r["paired_right"]


def test_no_pair_when_the_original_is_absent(names_real, articles) -> None:
    wrong, total = names_real.orphans(articles)
    assert total == 190 and wrong == 0


def test_mistranslated_names_found_by_position_and_role(names_real, articles) -> None:
    r = names_real.evaluate(articles, True, "all", False)
    assert r["wrong_flagged"] / r["wrong_labels"] >= 0.65, r["wrong_flagged"]
    assert r["nl601_good"] / r["nl601_findings"] >= 0.9, (r["nl601_good"], r["nl601_findings"])
    assert r["format_reported"] == 0 and r["unjudged"] == 0


def _nl601(names_real, articles, doc: str, system: str) -> dict[str, str]:
    built = names_real.build({doc: articles[doc]}, True)
    found, _ = names_real.run_checks(built)
    return {hit.args["found"]: hit.args["zh"] for code, i, hit in found
            if code == "NL601" and built.kind[i][2] == system}


def test_renderings_far_from_pinyin(names_real, articles) -> None:
    got = _nl601(names_real, articles, "news_chinanews.com.280875", "NLLB_Greedy")
    assert got.get("Sharp") == "夏宾"  # "Sharp, a financial journalist" for 中新财经记者夏宾
    got = _nl601(names_real, articles, "news_rfi-chinese.19794", "NLLB_MBR_BLEU")
    assert got.get("Sharlee") == "夏立言" and got.get("Liu Yunshan") == "宋涛"
    assert got.get("Li Li") == "尹力"


def test_wade_giles_and_split_syllables_are_not_wrong(names_real, articles) -> None:
    got = _nl601(names_real, articles, "news_rfi-chinese.19794", "ONLINE-W")
    assert not any("Hsia" in found for found in got)  # Mr. Li-Yen Hsia, Mr. Hsia Liyan: format only
    got = _nl601(names_real, articles, "news_chinanews.com.280789", "ONLINE-W")
    assert "Ma Zuo Bo" not in got


def test_honorific_and_doubled_names_romanise() -> None:
    from newslint.names.render import judge
    from newslint.names.romanize import romanise

    assert romanise("孙先生").preferred == "Mr. Sun" and romanise("郑女士").preferred == "Ms. Zheng"
    assert judge(romanise("孙先生"), "Mr. Son")[0] == "wrong"
    assert judge(romanise("孙先生"), "Mr. Sun")[0] != "wrong"
    assert romanise("芳芳").preferred == "Fangfang"
    assert judge(romanise("芳芳"), "Fang Fang")[0] == "format" and judge(romanise("芳芳"), "Arfang")[0] == "wrong"


def test_judging_renderings() -> None:
    from newslint.names.render import judge
    from newslint.names.romanize import romanise

    assert judge(romanise("夏立言"), "Li-Yen Hsia")[0] == "format"
    assert judge(romanise("王凌丽"), "Wang")[0] == "format"
    assert judge(romanise("马祚波"), "Ma Zuo Bo")[0] == "format"
    assert judge(romanise("夏立言"), "Xia Li")[0] == "wrong"
    assert "syllable missing" in judge(romanise("谈绪祥"), "Tan Xu")[1]
    assert "read as 'ceng'" in judge(romanise("曾志明"), "Ceng Zhiming")[1]
    assert judge(romanise("欧阳晓辉"), "Ouyang Xiaoqiang")[0] == "wrong"
    assert judge(romanise("何立峰"), "He Lifeng") == ("ok", "")


@pytest.mark.parametrize(("text", "names"), [
    ("2023-02-11 13:07:20 [来源:新华社] [责编:李絮枫] 字体:【大中小】", {"李絮枫"}),
    ("国民党官方机构国政基金会资深顾问赵春山昨天晚上接受台湾中央社采访", {"赵春山"}),
    ("患者何莹：新政策之后，大夫跟我说", {"何莹"}),
    ("这次再度组织香港旅游业界及传媒代表来澳考察，加大市场推广力度", set()),
    ("西班牙知名中国问题专家、中国政策观察网名誉顾问胡里奥·里奥斯日前接受本报记者采访", set()),
    # SogouCA articles
    ("交易承担后果。”李旭利说。庭审结束前，有人发言。", {"李旭利"}),  # a quotation's speaker
    ("为例，陈恒表示，其价格偏高。另外，陈恒指出法拉利", {"陈恒"}),  # a clause-opening speaker, twice
    ("央广网北京6月13日消息（记者汤一亮　庄胜春）据中国之声报道", {"汤一亮", "庄胜春"}),  # a spaced byline
    ("<contenttitle>叶檀：央行降息是倒逼的结果</contenttitle>", {"叶檀"}),  # a headline opens with the speaker
    ("一位女士跑出来说：“别争了”。", set()),  # 一位女士 is no Ms. Wei
    ("率先成为各银行争夺的焦点。记者查阅了招行、工行的网站", set()),  # 记者查阅了: a verb, not a byline
    ("朝鲜劳动党第一书记、国防委员会第一委员长金正恩", {"金正恩"}),  # 党第一 is no name before 书记
    ("兰永连收受好处费40余万元、邱国全收受10余万元。", set()),  # 余万元 is an amount
    ("看房人孙先生告诉记者，他发现了一则声明。孙先生表示", {"孙先生"}),  # a person known by surname + honorific
    ("来自广东的“90后”女生芳芳，现在运营一家店铺。芳芳作为代表发言", {"芳芳"}),  # a doubled given name
])
def test_extraction_on_real_sentences(text: str, names: set[str]) -> None:
    from newslint.names.extract import extract_names

    assert {n.name for n in extract_names(text)} == names


def test_a_foreign_name_in_the_paragraph_blocks_elimination() -> None:
    from newslint.names.render import renderings
    from newslint.names.romanize import romanise

    # 冯德莱恩 has a rendering too: "Leyen" is not what 牛瑞飞 became
    found = renderings("According to the report, Leyen will attend the summit.", 0,
                       "冯德莱恩将出席峰会，据牛瑞飞报道。", ["牛瑞飞"], [""], [romanise("牛瑞飞")])
    assert not [x for x in found if x.verdict == "wrong"]


def test_one_shared_anchor_does_not_make_a_pair() -> None:
    from newslint.document import Format, file_document
    from newslint.names.analyze import summarise
    from newslint.names.pairing import find_pairs

    zh = ["新加坡旅游局公布，2023年到访游客增长。", "马来西亚央行宣布，维持利率不变，经济增长稳定。"]
    en = "Singapore's new airport terminal opened in 2023 after delays, officials said on Tuesday."
    docs = [file_document(f"zh{i}.txt", t, Format.PLAIN) for i, t in enumerate(zh)]
    docs.append(file_document("en.txt", en, Format.PLAIN))
    pairs, _ = find_pairs([(i, summarise(d)) for i, d in enumerate(docs)])
    assert pairs == []


def test_amounts_too_large_for_a_float_are_no_anchor_and_no_crash() -> None:
    """A run of hundreds of digits (a scraped hash, a fuzzer) is not an amount; it never crashes pairing."""
    from newslint.names.anchors import en_anchors, zh_anchors

    zh_anchors("收入" + "9" * 400 + "亿元，" + "九" * 400 + "万元。")
    en_anchors("revenue of " + "9" * 400 + " billion dollars")
