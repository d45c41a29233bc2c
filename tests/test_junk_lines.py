"""The general junk-line checks (NL303 junk line, NL304 page chrome; issue 12) on real scraped text.

Tests that read ``../shared`` skip when it is absent (it sits beside the project's own checkout only).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from newslint.config import Settings
from newslint.document import Format, file_document
from newslint.inputs import load
from newslint.linter import Linter
from newslint.model import Applicability
from newslint.packs import builtin_pack_paths, load_packs

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
WIND = SHARED / "real" / "wind-lujiazui-jekyll"
JUNK = ("NL302", "NL303", "NL304", "NL401", "NL402")
ZH_LEAD = "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
EN_LEAD = "The storm moved east overnight, leaving thousands of homes without power across the state.\n"

_SPECS = {s.code: s for s in load_packs(builtin_pack_paths())}


def linter(*codes: str) -> Linter:
    return Linter([_SPECS[c] for c in codes])


def needs(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"{path} is not present (../shared is only beside the project's own checkout)")
    return path


def findings(path: Path, *codes: str):
    doc = load(path, Settings()).documents[0]
    return doc, linter(*codes).check(doc)


# -- Wind: pasted page chrome and data URIs ------------------------------------------------------

def test_wind_chrome_lines_and_data_uri_are_reported_headings_are_not() -> None:
    doc, found = findings(needs(WIND / "2024-8-30-wind-DailyFinanceNews.md"), *JUNK)
    lines = {f.location.line: f for f in found}
    assert lines[18].code == "NL304" and "08-30 06:31 Wind EnRA+A-" in lines[18].message
    assert lines[22].code == "NL304" and "收藏到AliceBox" in lines[22].message
    blob = lines[240]
    assert blob.code == "NL304" and "data:image/png URI, 12,998 characters" in blob.message
    assert blob.fix is not None and blob.fix.applicability is Applicability.SAFE
    for f in found:  # section headings are structure, never junk
        assert not doc.line_text(f.location.line).startswith("#"), f


def test_wind_widget_line_is_removed_whole_without_an_orphan() -> None:
    """NL302 used to cut `收藏到AliceBox` out of `EnRA+A-收藏到AliceBox`, leaving `EnRA+A-`."""
    doc, found = findings(needs(WIND / "2024-8-5-wind-DailyFinanceNews.md"), *JUNK)
    widget = [f for f in found if "AliceBox" in doc.text[f.start:f.end]]
    assert len(widget) == 1 and widget[0].code == "NL304"
    assert doc.text[widget[0].start:widget[0].end] == "EnRA+A-收藏到AliceBox"
    fixed = linter(*JUNK).fix(doc).text
    assert "AliceBox" not in fixed and "EnRA+A-" not in fixed and "A+A-" not in fixed
    assert "## 热点聚焦" in fixed  # the heading after it stays


# -- news that mentions apps or copyright is article text ----------------------------------------

@pytest.mark.parametrize("text", [
    "该公司称，用户可以下载新浪财经APP查看行情。\n",
    "法院认定，被告关于未经授权不得转载的条款无效，判决赔偿10万元。\n",
    "The company said users can download the new app from Monday.\n",
])
def test_a_cue_word_used_as_news_is_not_junk(text: str) -> None:
    lead = "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
    doc = file_document("a.txt", lead + text, Format.PLAIN)
    assert linter("NL303", "NL304").check(doc) == []


def test_the_same_cue_as_a_prompt_is_junk() -> None:
    doc = file_document("a.txt", "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
                        "下载新浪财经APP查看行情\n", Format.PLAIN)
    [found] = linter("NL303").check(doc)
    assert "promotion" in found.message and "下载新浪财经APP" in found.message


# News sentences that use the cue words as news (apps, QR codes, subscriptions, copyright, logins,
# privacy, investment risk): article text, wherever they stand. Written for these tests, in the way
# Chinese and English news reports phrase them; none of them is in the labelled set.
NEWS_USING_CUE_WORDS = [
    '市民扫码即可查看公交到站时间，这一服务已覆盖全市主要线路。',
    '市民通过扫描二维码进行登记，整个过程不到一分钟。',
    '商家要求顾客扫码关注公众号才能点餐，引发不少消费者不满。',
    '乘客用手机扫描二维码即可完成购票。',
    '工信部要求应用商店下架违规APP，并公布了首批整改名单。',
    '不少老年人不会下载和使用手机应用，在就医时遇到困难。',
    '这款APP上线三个月，下载量已超过1000万次。',
    '法院认定被告未经授权转载原告文章，构成侵权。',
    '该书作者保留版权所有权利，出版社不得擅自再版。',
    '平台不得复制或出售用户的个人信息。',
    '专家提醒，市场有风险，投资需谨慎，不要盲目跟风。',
    '分析人士认为，股市有风险，但长期来看估值仍具吸引力。',
    '多地出台新规，禁止转载未经核实的网络信息。',
    '苹果更新了隐私政策，要求应用在追踪用户前征得同意。',
    '新用户注册会员即可享受首单优惠，这一做法在电商平台十分普遍。',
    '警方发现，嫌疑人注册了多个账号用于诈骗。',
    '网友评论称，这一政策将惠及更多家庭。',
    '这篇文章在微信朋友圈广泛转发，阅读量突破十万。',
    '他返回北京后立即召开了新闻发布会。',
    '下一步，该市将继续推进老旧小区改造。',
    '相关部门正在调查事故原因，并将及时公布结果。',
    '公司版权归属问题一直是双方争议的焦点。',
    '该网站因未取得网络文化经营许可证被责令整改。',
    '该公司在官方微博上发布声明，否认相关传闻。',
    '关注民生，是这次两会的一大主题。',
    '她在社交媒体上分享了自己的抗癌经历，收获大量点赞和评论。',
    '报告指出，直播平台的打赏和评论功能需要加强监管。',
    '消费者可拨打12345热线投诉。',
    '下载速度慢的问题已经得到解决。',
    'The company updated its privacy policy to comply with the new European rules.',
    'Customers can scan the QR code at the counter to pay.',
    'More than a million people have downloaded the app since its launch in March.',
    "Readers who subscribe to the paper's digital edition rose by 12 percent last year.",
    'The newsletter, which has 40,000 subscribers, focuses on local politics.',
    'He urged residents to sign up for emergency alerts before the storm arrives.',
    "The judge ruled that the photos may not be reproduced without the family's consent.",
    'Investors were reminded that past performance is no guarantee of future returns.',
    'Police asked the public to share any videos or photos of the crash.',
    'Follow the money, investigators say, and you will find the network behind the fraud.',
    'The senator shared the report on Facebook and Twitter on Tuesday evening.',
    'Users who log in with their Google accounts will not be affected by the outage.',
    'The terms of service changed in May, prompting complaints from users.',
    'Back to the top of the agenda came the question of funding for schools.',
    'The museum will remain closed for renovation until next spring.',
]


@pytest.mark.parametrize("text", NEWS_USING_CUE_WORDS)
def test_news_that_uses_cue_words_is_not_junk_mid_or_last(text: str) -> None:
    lead = ZH_LEAD if any("\u4e00" <= c <= "\u9fff" for c in text) else EN_LEAD
    for body in (lead + text + "\n" + lead, lead + text + "\n"):
        found = linter("NL303", "NL304").check(file_document("a.txt", body, Format.PLAIN))
        assert found == [], [f.message for f in found]


# Junk lines in the words of sites that are not in the labelled set (promotion, legal, attribution,
# navigation, chrome): each family's cues are written as families, not as the labelled strings.
UNSEEN_SITES_JUNK = [
    '扫描下方二维码，关注“南方日报”微信公众号',
    '长按识别二维码，关注我们',
    '下载南方+客户端，阅读更多精彩内容',
    '打开今日头条APP，查看更多资讯',
    '欢迎关注澎湃新闻微博',
    '关注我们的抖音号：nfrb',
    '更多精彩内容，请关注“新京报”微信公众号（bjnews_xjb）',
    '点击阅读原文',
    '本文仅代表作者个人观点，不代表本站立场。',
    '版权所有©南方报业传媒集团，未经书面授权不得转载、复制或建立镜像',
    '粤ICP备09174648号',
    '增值电信业务经营许可证：粤B2-20100068',
    '违法和不良信息举报电话：020-87373397',
    '股市有风险，投资需谨慎。本文不构成投资建议。',
    '免责声明：本文内容仅供参考，据此操作风险自担。',
    '责任编辑：李明',
    '（原标题：广州地铁新线开通）',
    '图片来源：视觉中国',
    '来源：南方日报',
    '返回搜狐，查看更多',
    '上一篇：广州地铁新线开通',
    '相关阅读',
    '分享到：微信 微博 QQ空间',
    '评论 (23)',
    '登录 | 注册',
    'Sign up for our daily newsletter',
    'Download the Guardian app',
    'Get the BBC News app',
    'Follow us on Instagram',
    'Like us on Facebook',
    '© 2023 Example Media Group. All rights reserved.',
    'This material may not be published, broadcast, rewritten or redistributed.',
    'Terms of Use | Privacy Policy | Cookie Policy',
    'Photo: Getty Images',
    'Read more:',
    'Back to top',
    'Share this article',
    'Sign in',
    "The views expressed in this article are the author's own.",
]


@pytest.mark.parametrize("text", UNSEEN_SITES_JUNK)
def test_junk_in_unseen_sites_words_is_found_after_the_article(text: str) -> None:
    lead = ZH_LEAD if any("\u4e00" <= c <= "\u9fff" for c in text) else EN_LEAD
    doc = file_document("a.txt", lead + text + "\n", Format.PLAIN)
    found = linter(*JUNK).check(doc)
    assert any(f.start >= len(lead) for f in found), text


# -- the leave-one-site-out helpers of benchmarks/junk_eval.py -------------------------------------

def test_loso_rules_are_top_level_alternatives_and_pruning_keeps_the_rest() -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import junk_eval

    assert junk_eval.alternatives(r"a|[|]|b\|c|(d|e)") == ["a", "[|]", r"b\|c", "(d|e)"]
    assert junk_eval.unwrapped("(?:a|b(?:c|d))") == "a|b(?:c|d)"
    assert junk_eval.unwrapped("(?:a)b") == "(?:a)b"
    params = {"cues": {"legal": ["(?:x|y)", "p|q"]}, "widgets": ["w|v"], "labels": {}, "edge_cues": {},
              "defer_to": ["NL402"]}
    kept = junk_eval.pruned(params, {"cues.legal[1]|0", "widgets[0]|1"})
    assert kept["cues"] == {"legal": ["(?:x|y)", "q"]} and kept["widgets"] == ["w"] and kept["defer_to"] == []
    assert junk_eval.pruned(params, {"cues.legal[0]|0"})["cues"] == {"legal": ["p|q"]}


# -- one finding per span ----------------------------------------------------------------------

def test_lines_the_site_checks_report_are_not_reported_again(shared_corpus: Path) -> None:
    folder = shared_corpus / "sina-finance-hexo-rsshub-page"
    checked = 0
    for path in sorted(folder.glob("*.md")):
        _, found = findings(path, *JUNK)
        for a in found:
            for b in found:
                if a is not b and a.code != b.code:
                    assert not (a.start < b.end and b.start < a.end), (path.name, a.message, b.message)
        checked += any(f.code == "NL402" for f in found)
    assert checked >= 4  # the editor lines are NL402's, and only NL402's


# -- fix safety ---------------------------------------------------------------------------------

def test_fix_is_safe_only_outside_the_article_and_never_empties_it() -> None:
    prose = "北京城市副中心建设扎实推进，各项工作取得了新的进展和成效，市民生活更加便利。\n"
    doc = file_document("a.txt", prose + "扫描二维码关注XX财经官方微信\n" + prose, Format.PLAIN)
    [inside] = linter("NL303").check(doc)
    assert inside.fix.applicability is Applicability.UNSAFE
    doc = file_document("a.txt", prose + "扫描二维码关注XX财经官方微信\n", Format.PLAIN)
    [edge] = linter("NL303").check(doc)
    assert edge.fix.applicability is Applicability.SAFE
    doc = file_document("a.txt", "扫描二维码关注XX财经官方微信\nCopyright © 2024 Example. All rights reserved.\n",
                        Format.PLAIN)
    found = linter("NL303").check(doc)
    assert len(found) == 2 and all(f.fix.applicability is Applicability.UNSAFE for f in found)


def test_data_uri_in_a_style_attribute_is_reported_without_a_fix() -> None:
    blob = "iVBORw0KGgo" + "A" * 80
    leftover = f'正文<input type="text" style="background:url(data:image/png;base64,{blob})">正文\n'
    [found] = linter("NL304").check(file_document("a.md", leftover, Format.MARKDOWN))
    assert found.fix is None or found.fix.applicability is Applicability.NONE


def test_a_pages_own_css_data_uris_are_not_page_chrome_its_images_are() -> None:
    """On an HTML page a data URI in a style attribute or a ``<style>`` block is the page's template
    (a login box's background, an @font-face), never rendered text: a by-eye review of real pages
    found 14 such findings, all false alarms. An embedded image is still reported."""
    blob = "iVBORw0KGgo" + "A" * 80
    page = (f'<html><head><style>@font-face{{src:url(data:application/font-woff;base64,{blob})}}</style></head>'
            f'<body><input type="password" style="background:url(data:image/png;base64,{blob})">'
            f'<p>正文</p><img src="data:image/png;base64,{blob}"></body></html>\n')
    found = linter("NL304").check(file_document("p.html", page, Format.HTML))
    assert [page[f.start:f.start + 4] for f in found] == ["<img"]


# -- the real junk set (benchmarks/junk_set) -----------------------------------------------------

def test_real_junk_set_meets_the_issue_levels() -> None:
    needs(SHARED / "corpus")
    needs(SHARED / "real")
    sys.path.insert(0, str(REPO / "benchmarks"))
    import junk_eval

    res = junk_eval.evaluate(JUNK)
    assert not res["missing"], "labels no longer match the shared material"
    report = junk_eval.report(res, 0)
    overall = res["overall"]["all"]
    assert overall.precision() >= 0.97, report
    for family in junk_eval.FAMILIES:
        assert res["family"][("all", family)].recall() >= 0.9, f"{family}\n{report}"
    assert res["overall"]["held-out"].precision() >= 0.97, report


def test_a_cue_inside_a_long_paragraph_is_reported_but_never_deleted_safely() -> None:
    """A cue glued into a prose paragraph (``…View full size image…``) is worth reporting, but the
    paragraph is the article's text: its deletion is offered as unsafe, even as the last paragraph."""
    text = (EN_LEAD + "\n"
            + "Officials said the plan would raise spending on public transport by ten percent next year.\n\n"
            + "Residents gathered outside the hall as the vote was taken, and many of them View full size image "
            + "cheered when the result was read out by the clerk late in the evening.\n")
    found = [f for f in linter("NL303", "NL304").check(file_document("a.md", text, Format.MARKDOWN))
             if "View full size image" in f.message]
    assert found, "the cue is reported"
    assert all(f.fix is None or f.fix.applicability is not Applicability.SAFE for f in found)


def test_nl303_and_nl304_share_their_compiled_tables() -> None:
    """Same classification parameters, same trust: the big alternations compile once a process."""
    from newslint.registry import build_detector

    nl303, nl304 = (build_detector(_SPECS[c], trusted=True) for c in ("NL303", "NL304"))
    assert nl303.cue_search is nl304.cue_search and nl303.cue_search is not None
    assert nl303.labels is nl304.labels and nl303.widget_search is nl304.widget_search
    assert nl303.report != nl304.report  # (what each reports stays its own)
    bounded = build_detector(_SPECS["NL303"], trusted=False)  # a bounded build never takes re tables
    assert bounded.labels is not nl303.labels and type(bounded.labels) is not type(nl303.labels)


@pytest.mark.parametrize("line", [
    "By Lisa Be LifeBuzz Staff 1.7Mshares Share on Facebook",
    "本报记者张诚 扫码关注公众号",
])
def test_a_junk_unit_holding_a_byline_is_not_deleted_safely(line: str) -> None:
    """A reporter's byline is the article's own credit: a share widget glued to it is reported, but the
    line is not deleted by a safe fix (the credit would go with it)."""
    lead = EN_LEAD if line.startswith("By") else ZH_LEAD
    text = line + "\n\n" + lead + "\n" + lead
    found = [f for f in linter("NL303", "NL304").check(file_document("a.md", text, Format.MARKDOWN))
             if f.location.line == 1]
    assert found, "the widget text is reported"
    assert all(f.fix is None or f.fix.applicability is not Applicability.SAFE for f in found)


@pytest.mark.parametrize("line", [
    # a scraper glued the article's last paragraph onto the credit line, and cut its full stop
    "责任编辑：张三 国务院常务会议部署推动经济持续回升向好的一系列措施，会议指出要加力推进重大项目建设，"
    "扩大有效投资，促进消费稳定增长，稳住外贸外资基本盘，保障粮食和能源安全，做好民生保障工作",
    "Source: Xinhua The storm moved east overnight, leaving thousands of homes without power across the "
    "state, and crews worked through the night to restore lines in the hardest hit counties",
])
def test_a_credit_label_on_a_long_unit_is_not_deleted_safely(line: str) -> None:
    """An attribution label (来源 / 责任编辑 / Source:) heads a short line; one that heads a long unit
    holds glued text that may be the article's, so the unit is reported but not deleted by a safe fix
    (a disclaimer paragraph headed by its legal label stays a safe deletion)."""
    lead = EN_LEAD if line.startswith("Source") else ZH_LEAD
    text = lead + "\n" + lead + "\n" + line + "\n"
    found = [f for f in linter("NL303", "NL304").check(file_document("a.md", text, Format.MARKDOWN))
             if f.location.line == 5]
    assert found, "the label is reported"
    assert all(f.fix is None or f.fix.applicability is not Applicability.SAFE for f in found)
    credit = "Source: Xinhua" if line.startswith("Source") else "图片来源：新华社"  # (责任编辑 alone is NL402's)
    short = lead + "\n" + lead + "\n" + credit + "\n"
    [kept] = [f for f in linter("NL303", "NL304").check(file_document("a.md", short, Format.MARKDOWN))
              if f.location.line == 5]
    assert kept.fix is not None and kept.fix.applicability is Applicability.SAFE
