"""Shipped tables for the names checks: surnames and their readings, pinyin syllables, titles.

These are plain constants so that English-side scanning (which only needs the romanised surnames and
the syllable inventory) never imports pypinyin. pypinyin has no surname mode (mozillazg/python-pinyin
#297), so the readings of polyphonic surnames are listed here explicitly.
"""

from __future__ import annotations


def _words(text: str) -> list[str]:
    """Whitespace-separated items of a data block (keeps the tables readable)."""
    return text.split()

# Toneless pinyin syllables (from pypinyin's dictionary, interjections and rare dialect syllables
# dropped); ü is written u here, the folded form used for matching.
SYLLABLES = frozenset(_words("""
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce
cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun
chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu
dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge
gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu
hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan
kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li
lia lian liang liao lie lin ling liu long lou lu luan lue lun luo ma mai man mang mao me mei men meng mi
mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning
niu nong nou nu nuan nue nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru
ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou
shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng
ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang
xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yong you yu yuan yue yun za
zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai
zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""))

# Single-character surnames (the common few hundred of the 百家姓 and modern frequency lists).
SURNAMES_1 = frozenset(
    "丁万丛严丰乌乐乔习于云亓井亢仇付仝仲任伊伍伏但位何佘余佟侯俞信修倪储元党全公兰关冀冉农冯况冶冷冼凌刁"
    "刘初利劳勾包匡区华卓单南卜卞卢卫印危卿厉原古史叶司吉向吕吴周呼和哈唐商喻国夏奉奚姚姜姬娄孔孙孟季宁安"
    "宋宗官宣宫容宾宿寇富封尉尚尤尧尹居屈展屠岑岳崔嵇左巩巫巴帅师席常干平幸庄应庞康廉廖张强彭徐惠慕戈戎成"
    "战戚戴房扈揭支敖敬文斯方於施时明易昝晁晋晏普景智曲曹曾朱朴权李杜束来杨杭林柏查柯柳柴栗栾桂桑梁梅植楚"
    "楼樊檀欧武段殷母毕毛江池汤汪沈沙浦海涂温游湛滕满漆潘焦熊燕牛牟狄玉王班甄甘田由申白皮盖盘盛相瞿石祁祖"
    "祝禹秦程穆窦章童符简管米粟索纪练缪罗羊翁翟耿聂肖胡胥臧舒艾芦芮花苏苑苗苟范茅茹荆荣莫葛董蒋蒙蒲蓝蔡蔺"
    "薄薛虞衡衣袁裘裴褚覃解詹计许诸谈谌谢谭谷豆费贺贾赫赵路车辛辜边连迟逯邓邝邢那邬邰邱邵邸邹郁郎郑郜郝郭"
    "鄢金钟钱银门闫闭闵闻阙阚阮阳阴阿陆陈陶隆隋雍雷霍靳鞠韦韩项顾颜饶马骆高魏鲁鲍鲜鹿麦麻黄黎齐龙龚"
)

COMPOUND_SURNAMES = frozenset(_words("""
万俟 上官 东方 东郭 令狐 公冶 公孙 单于 南宫 司徒 司空 司马 呼延 夏侯 太史 宇文 尉迟 左丘 慕容 拓跋 欧阳
澹台 独孤 申屠 百里 皇甫 端木 西门 诸葛 轩辕 钟离 长孙 闾丘
"""))

# Readings that differ from pypinyin's default for the character (or phrase) used as a surname.
SURNAME_READING: dict[str, str] = {
    "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "朴": "piao", "区": "ou", "查": "zha",
    "乐": "yue", "翟": "zhai", "缪": "miao", "覃": "qin", "盖": "ge", "长孙": "zhangsun", "尉迟": "yuchi",
    "万俟": "moqi", "单于": "chanyu", "召": "shao", "员": "yun", "秘": "bi", "繁": "po", "句": "gou",
    "种": "chong", "那": "na", "燕": "yan", "任": "ren", "华": "hua", "沈": "shen", "葛": "ge", "柏": "bai",
    "薄": "bo", "宿": "su", "尉": "yu", "祭": "zhai", "谌": "chen", "冼": "xian", "阚": "kan", "隗": "wei",
    "相": "xiang", "重": "chong", "石": "shi", "车": "che", "藏": "zang", "曲": "qu", "折": "she",
    "令狐": "linghu", "吕": "lü", "闾丘": "lüqiu", "盛": "sheng", "应": "ying", "朝": "chao", "能": "nai",
    "万": "wan", "莫": "mo", "卜": "bu", "阿": "a", "於": "yu", "便": "pian", "说": "yue", "大": "da",
    "陆": "lu", "尤": "you", "殷": "yin", "纪": "ji", "卢": "lu", "牟": "mou", "郇": "xun", "涂": "tu",
    "强": "qiang", "和": "he", "宁": "ning", "干": "gan", "但": "dan", "居": "ju", "奇": "qi", "蔺": "lin",
}

# Other readings of a surname character that a careless romanisation produces ("Dan Lixin" for 单立新).
SURNAME_MISREADINGS: dict[str, tuple[str, ...]] = {
    "单": ("dan", "chan"), "曾": ("ceng",), "解": ("jie",), "仇": ("chou",), "朴": ("pu", "po"),
    "区": ("qu",), "查": ("cha",), "乐": ("le",), "翟": ("di",), "缪": ("mou", "miu"), "覃": ("tan",),
    "盖": ("gai",), "尉迟": ("weichi",), "长孙": ("changsun",), "召": ("zhao",), "员": ("yuan",),
    "秘": ("mi",), "繁": ("fan",), "种": ("zhong",),
}

# Every shipped surname and its reading as a surname (generated once with pypinyin, then corrected by
# SURNAME_READING): lets the English side and candidate blocking work without importing pypinyin.
SURNAME_KEY: dict[str, str] = dict(item.split(":") for item in _words("""
丁:ding 万:wan 丛:cong 严:yan 丰:feng 乌:wu 乐:yue 乔:qiao 于:yu 云:yun 亓:qi 井:jing 亢:kang 仇:qiu
付:fu 仝:tong 仲:zhong 任:ren 伊:yi 伍:wu 伏:fu 但:dan 位:wei 何:he 佘:she 余:yu 佟:tong 侯:hou 俞:yu
信:xin 修:xiu 倪:ni 储:chu 元:yuan 党:dang 全:quan 公:gong 兰:lan 关:guan 冀:ji 冉:ran 农:nong 冯:feng
况:kuang 冶:ye 冷:leng 冼:xian 凌:ling 刁:diao 刘:liu 初:chu 利:li 劳:lao 勾:gou 包:bao 匡:kuang 区:ou
华:hua 卓:zhuo 单:shan 南:nan 卜:bu 卞:bian 卢:lu 卫:wei 印:yin 危:wei 卿:qing 厉:li 原:yuan 古:gu
史:shi 叶:ye 司:si 吉:ji 向:xiang 吕:lü 吴:wu 周:zhou 呼:hu 和:he 哈:ha 唐:tang 商:shang 喻:yu 国:guo
夏:xia 奉:feng 奚:xi 姚:yao 姜:jiang 姬:ji 娄:lou 孔:kong 孙:sun 孟:meng 季:ji 宁:ning 安:an 宋:song
宗:zong 官:guan 宣:xuan 宫:gong 容:rong 宾:bin 宿:su 寇:kou 富:fu 封:feng 尉:yu 尚:shang 尤:you 尧:yao
尹:yin 居:ju 屈:qu 展:zhan 屠:tu 岑:cen 岳:yue 崔:cui 嵇:ji 左:zuo 巩:gong 巫:wu 巴:ba 帅:shuai 师:shi
席:xi 常:chang 干:gan 平:ping 幸:xing 庄:zhuang 应:ying 庞:pang 康:kang 廉:lian 廖:liao 张:zhang
强:qiang 彭:peng 徐:xu 惠:hui 慕:mu 戈:ge 戎:rong 成:cheng 战:zhan 戚:qi 戴:dai 房:fang 扈:hu 揭:jie
支:zhi 敖:ao 敬:jing 文:wen 斯:si 方:fang 於:yu 施:shi 时:shi 明:ming 易:yi 昝:zan 晁:chao 晋:jin 晏:yan
普:pu 景:jing 智:zhi 曲:qu 曹:cao 曾:zeng 朱:zhu 朴:piao 权:quan 李:li 杜:du 束:shu 来:lai 杨:yang
杭:hang 林:lin 柏:bai 查:zha 柯:ke 柳:liu 柴:chai 栗:li 栾:luan 桂:gui 桑:sang 梁:liang 梅:mei 植:zhi
楚:chu 楼:lou 樊:fan 檀:tan 欧:ou 武:wu 段:duan 殷:yin 母:mu 毕:bi 毛:mao 江:jiang 池:chi 汤:tang
汪:wang 沈:shen 沙:sha 浦:pu 海:hai 涂:tu 温:wen 游:you 湛:zhan 滕:teng 满:man 漆:qi 潘:pan 焦:jiao
熊:xiong 燕:yan 牛:niu 牟:mou 狄:di 玉:yu 王:wang 班:ban 甄:zhen 甘:gan 田:tian 由:you 申:shen 白:bai
皮:pi 盖:ge 盘:pan 盛:sheng 相:xiang 瞿:qu 石:shi 祁:qi 祖:zu 祝:zhu 禹:yu 秦:qin 程:cheng 穆:mu 窦:dou
章:zhang 童:tong 符:fu 简:jian 管:guan 米:mi 粟:su 索:suo 纪:ji 练:lian 缪:miao 罗:luo 羊:yang 翁:weng
翟:zhai 耿:geng 聂:nie 肖:xiao 胡:hu 胥:xu 臧:zang 舒:shu 艾:ai 芦:lu 芮:rui 花:hua 苏:su 苑:yuan
苗:miao 苟:gou 范:fan 茅:mao 茹:ru 荆:jing 荣:rong 莫:mo 葛:ge 董:dong 蒋:jiang 蒙:meng 蒲:pu 蓝:lan
蔡:cai 蔺:lin 薄:bo 薛:xue 虞:yu 衡:heng 衣:yi 袁:yuan 裘:qiu 裴:pei 褚:chu 覃:qin 解:xie 詹:zhan 计:ji
许:xu 诸:zhu 谈:tan 谌:chen 谢:xie 谭:tan 谷:gu 豆:dou 费:fei 贺:he 贾:jia 赫:he 赵:zhao 路:lu 车:che
辛:xin 辜:gu 边:bian 连:lian 迟:chi 逯:lu 邓:deng 邝:kuang 邢:xing 那:na 邬:wu 邰:tai 邱:qiu 邵:shao
邸:di 邹:zou 郁:yu 郎:lang 郑:zheng 郜:gao 郝:hao 郭:guo 都:du 鄢:yan 金:jin 钟:zhong 钱:qian 银:yin
门:men 闫:yan 闭:bi 闵:min 闻:wen 阙:que 阚:kan 阮:ruan 阳:yang 阴:yin 阿:a 陆:lu 陈:chen 陶:tao 隆:long
隋:sui 雍:yong 雷:lei 霍:huo 靳:jin 鞠:ju 韦:wei 韩:han 项:xiang 顾:gu 颜:yan 饶:rao 马:ma 骆:luo 高:gao
魏:wei 鲁:lu 鲍:bao 鲜:xian 鹿:lu 麦:mai 麻:ma 黄:huang 黎:li 齐:qi 龙:long 龚:gong 万俟:moqi
上官:shangguan 东方:dongfang 东郭:dongguo 令狐:linghu 公冶:gongye 公孙:gongsun 单于:chanyu 南宫:nangong
司徒:situ 司空:sikong 司马:sima 呼延:huyan 夏侯:xiahou 太史:taishi 宇文:yuwen 尉迟:yuchi 左丘:zuoqiu
慕容:murong 拓跋:tuoba 欧阳:ouyang 澹台:tantai 独孤:dugu 申屠:shentu 百里:baili 皇甫:huangfu 端木:duanmu
西门:ximen 诸葛:zhuge 轩辕:xuanyuan 钟离:zhongli 长孙:zhangsun 闾丘:lüqiu
"""))


def _english_surnames() -> frozenset[str]:
    """Folded romanised surnames an English name span may start with, misreadings and ü forms included."""
    out = {r.replace("ü", "u") for r in SURNAME_KEY.values()}
    for readings in SURNAME_MISREADINGS.values():
        out.update(readings)
    out.update({"lv", "lyu", "nv", "nyu"})
    out.discard("a")
    return frozenset(out)


EN_SURNAMES = _english_surnames()

# Words that look like a title before a name (longest first at match time). The leading organisation
# part (市委, 国务院, 省政府…) is picked up separately as title context.
TITLES = tuple(sorted(set(_words("""
助理 市长助理 专家 主任 主任委员 主席 主持人 主教练 主编 乡长 书记 代表 会长 作者 党组书记 党组成员 创始人 副主任
副主席 副书记 副会长 副区长 副厅长 副县长 副司长 副处长 副委员长 副局长 副市长 副总理 副总经理 副总统
副总裁 副校长 副省长 副秘书长 副组长 副董事长 副行长 副部长 副院长 区长 博士 厅长 县长 参谋长 发言人
司令员 司长 处长 外长 大使 委员 委员长 审判长 导演 局长 州长 巡视员 市长 市领导 常务副主任 常务副市长
常务副省长 常委 庭长 律师 总书记 总理 总监 总经理 总统 总编辑 总裁 总领事 所长 政委 教授 教练 新闻发言人
村长 校长 检察长 特使 理事长 监事长 省长 省领导 研究员 社长 科长 秘书长 站长 组长 经理 编辑 署长
联合创始人 董事长 行长 议员 记者 调研员 负责人 责任编辑 通讯员 部长 部长助理 镇长 队长 院士 院长 领事
领导 首席执行官 首席经济学家 首相 责编 顾问 患者 署长
分析师 评论员 工作人员 干事长 市民 经济学家 学者 首席代表 董事 监事 理事 主管 店长 老板 医生 民警 警官
法官 检察官 作家 歌手 演员 运动员 选手 球员 教师 老师 合伙人 基金经理 投资经理 交易员 策略师 观察员 董秘
主任医师 总经理助理 总监 董事会秘书 副总经理 副总裁 主席团 负责人 创办人 掌门人
犯罪嫌疑人 嫌疑人 被告人 被害人 受害人 自然人 玩家 主委 当事人 投资者 股民
""")), key=len, reverse=True))

# Cues that follow a name (李强总理, 王某同志).
POSTFIX = ("同志", "总理", "主席", "书记", "市长", "省长", "部长", "先生", "教授", "院士", "委员长", "总书记")

# Words that may follow a complete name (how the 2- vs 3-character decision is made).
BOUNDARY_WORDS = tuple(sorted(set(_words("""
告诉 昨日 今日 回答 坦言 分析 预计 解释 接受 则 向记者 对记者
一同 一行 与 为 主持 主持召开 也 了 亲切 今天 介绍 从 代表 会见 会谈 作 依次 先后 先生 共同 出席 分别 到
参加 参观 及 发言 同志 向 听取 和 回答 在 女士 宣布 察看 对 将 就 已 希望 带队 强调 当天 慰问 指出 指导
提出 日前 昨天 是 曾 此前 率团 率队 的 看望 称 等 签署 考察 致辞 表示 要求 视察 认为 讲话 说 调研 近日
还 透露 通报 部署 都 陪同 随后
""")), key=len, reverse=True))

# Characters that, as the third character of a candidate, are more likely the next word (说 称 在 …).
FUNCTION_CHARS = frozenset("说称在和与等对向为是的了也都就还将已曾到从及并被把让给跟同又再均亦则即")

# Characters never found inside a given name in this kind of text (they start words after the name).
NOT_IN_GIVEN = frozenset("市区县省委部局厅处镇乡村街路党政府院会的了在和与等是为对向也都及并被把从到说称")

# Two characters after a surname that are a word, not a given name (有关部门负责同志).
GIVEN_STOP = frozenset(_words("""
大学 学院 公司 集团 中学 小学 医院 银行 国家 中央 中心 政府 一行 主要 人员 代表 以上 以下
党员 全体 分别 各位 同志 工作 干部 广大 有关 相关 群众 负责 领导
"""))

# Candidate followed by these is a place, not a person (张家湾镇, 宋庄镇, 通州区…).
PLACE_SUFFIXES = tuple(sorted(set(_words("""
乡 公司 区 县 口 园 国际 地区 坊 城 屯 山 岛 州 市 庄 店 新区 村 板块 桥 河 港 湖 湾 省 站 组团 营 街
街道 路 镇 门 集团
""")), key=len, reverse=True))

# Two-character words that begin with a surname character but are not names (a stoplist instead of jieba).
COMMON_WORDS = frozenset(_words("""
解释 解读 解答 向记 严肃 严厉 严密 高兴 高级 高峰 万元 严格 严重 乐观 于今 于是 于此 任丘 任务 查阅 相握 相互
相关 相信 相比 相继 相应 相当 相对 相同 查询 查明 查获 查封 查验 由于 由此
利益 利用 利润 利率 利好 利息 官方 方面
信心 信息 元宵 元旦 元素 党委 全区 全国 全市 全省 全面 公众
公共 公司 公园 公安 公平 公开 公正 公里 关于 关注 关系 关键 冀中 华北 单位 单独 双碳 发展 台湖 向上 向下
向前 向好 向着 周口 和平 和谐 唐山 国家 城市 孙河 宁河 宁静 安全 安排 宋庄 展开 展示 展览 左右 常务 常委
常营 平台 平均 平安 平方 应对 应当 应急 应用 应该 康养 康复 建设 张北 强化 强调 成为 成果 戴着 政府 政治
政策 文化 方向 方式 方案 方针 方面 时代 时候 时刻 时期 时间 明年 明显 明确 易于 曹妃 权力 权益 林业 查处
查看 梁上 武清 毛泽 江湖 海关 海南 海外 海洋 海淀 温度 温暖 燕赵 燕郊 牛鼻 田园 申报 申请 石家 石景 秦皇
程序 程度 管委 管控 管理 经济 花园 解决 解放 计划 计算 谷歌 贺信 贺电 路线 连接 连续 通州 邢台 那个 那么
那些 那里 都会 都在 都市 都是 都有 都能 都要 金融 金额 钟声 钱款 项目 马上 马驹 高层 高度 高效 高新 高水
高碑 高端 高质 高速 齐全 齐心 龙头
"""))

# Chinese title words → English keywords that show the same office near an English name span.
TITLE_KEYWORDS: dict[str, tuple[str, ...]] = {
    "常务副市长": ("executive", "vice mayor", "deputy mayor"),
    "常务副省长": ("executive", "vice governor", "deputy governor"),
    "副市长": ("vice mayor", "deputy mayor"),
    "市长": ("mayor",),
    "副省长": ("vice governor", "deputy governor"),
    "省长": ("governor",),
    "常委": ("standing committee",),
    "副书记": ("deputy secretary", "vice secretary"),
    "书记": ("secretary",),
    "副主任": ("deputy director", "vice director", "vice chairman", "deputy head"),
    "主任": ("director", "chairman", "head"),
    "主席": ("chairman", "president"),
    "副主席": ("vice chairman", "vice president"),
    "部长": ("minister",),
    "副部长": ("vice minister", "deputy minister"),
    "总理": ("premier",),
    "记者": ("reporter", "correspondent"),
    "发言人": ("spokesperson", "spokesman", "spokeswoman"),
    "局长": ("director", "head"),
    "秘书长": ("secretary general", "secretary-general"),
    "主编": ("editor",),
    "编辑": ("editor",),
    "董事长": ("chairman",),
    "总经理": ("general manager",),
    "院长": ("president", "dean"),
    "校长": ("president", "principal"),
    "政协": ("cppcc", "political consultative"),
    "市委": ("municipal party committee", "municipal committee"),
    "人大": ("people's congress", "people’s congress"),
}

# More Chinese role words and their English counterparts, for finding a rendering by its title
# (记者夏宾 → "reporter Sharp"); TITLE_KEYWORDS is used too.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "记者": ("reporter", "journalist", "correspondent"),
    "责编": ("editor",),
    "责任编辑": ("editor",),
    "顾问": ("adviser", "advisor", "consultant", "counsel"),
    "副主席": ("vice chairman", "vice-chairman", "deputy chairman", "vice president", "vice-president"),
    "署长": ("director", "commissioner", "chief", "head"),
    "处长": ("director", "head", "chief"),
    "主任": ("director", "head", "chairman", "chief", "minister"),
    "患者": ("patient",),
    "大臣": ("minister",),
    "首相": ("prime minister", "premier"),
    "委员": ("member",),
    "常委": ("standing committee", "member"),
    "书记": ("secretary",),
    "副总理": ("vice premier", "vice-premier", "deputy prime minister"),
    "总书记": ("general secretary", "secretary general", "secretary-general"),
    "发言人": ("spokesperson", "spokesman", "spokeswoman"),
    "董事长": ("chairman", "chairwoman", "chair"),
    "董事局主席": ("chairman", "chairwoman", "chair"),
    "创始人": ("founder",),
    "教授": ("professor",),
    "专家": ("expert",),
    "律师": ("lawyer", "attorney"),
    "主持人": ("host", "anchor"),
    "导演": ("director",),
    "主教练": ("coach", "head coach"),
}

# Hong Kong, Macao, Taiwan and older spellings of common surnames: a format variant, never wrong.
SURNAME_ALT: dict[str, tuple[str, ...]] = {
    "陈": ("chan", "chen", "tan"), "王": ("wong", "ong"), "李": ("lee", "lei", "lai"), "张": ("cheung", "chang"),
    "梁": ("leung",), "黄": ("wong", "huang", "ng"), "吴": ("ng", "woo", "goh"), "刘": ("lau", "liu", "lao"),
    "林": ("lam", "lim"), "何": ("ho",), "郑": ("cheng", "tay"), "曾": ("tsang", "tseng", "chan"),
    "周": ("chow", "chou", "chau"), "胡": ("wu", "woo", "hu"), "郭": ("kwok", "kuo", "kok"),
    "谢": ("tse", "hsieh", "chia"), "罗": ("law", "lo"), "许": ("hui", "hsu", "koh"),
    "叶": ("yip", "yeh", "yap"), "蔡": ("choi", "tsai", "chua"), "杨": ("yeung", "yang", "yeo"),
    "赵": ("chiu", "chao"), "邓": ("tang", "teng"), "冯": ("fung", "feng"), "夏": ("ha", "hsia"),
    "马": ("ma", "mah"), "朱": ("chu", "choo"), "孙": ("suen", "sun"), "徐": ("tsui", "hsu", "chee"),
    "高": ("ko", "kao"), "宋": ("sung",), "萧": ("siu", "hsiao"), "蒋": ("chiang", "cheung"),
    "江": ("kong", "chiang"), "侯": ("hau", "hou"), "苏": ("so", "su"), "钟": ("chung",), "卢": ("lo", "lu"),
    "潘": ("poon", "pan"), "彭": ("pang",), "袁": ("yuen",), "邱": ("yau", "chiu"), "余": ("yu", "yee"),
}

# Verbs of motion + a one-character place abbreviation read like surname + given name (来澳 "come to
# Macao", 赴京, 访台): such a two-character candidate is not a name.
MOTION_CHARS = frozenset("来赴访返抵到回去离驻")
PLACE_ABBREVIATIONS = frozenset(
    "京津冀沪渝港澳台粤闽浙苏皖鲁豫鄂湘赣川蜀黔滇陕甘青宁蒙桂琼藏黑吉辽晋美日韩俄欧英法德华")

# Provinces, regions and the largest cities of China in pinyin (folded): a place word that joined a
# run of capitalised words ("from Guangdong Fangfang") is not part of the person's name.
PLACES = frozenset(_words("""
beijing tianjin shanghai chongqing hebei shanxi liaoning jilin heilongjiang jiangsu zhejiang anhui fujian jiangxi
shandong henan hubei hunan guangdong hainan sichuan guizhou yunnan shaanxi gansu qinghai taiwan neimenggu guangxi
xizang ningxia xinjiang xianggang aomen hongkong macao macau guangzhou shenzhen hangzhou nanjing wuhan chengdu
xian zhengzhou changsha jinan qingdao xiamen suzhou shenyang dalian harbin kunming nanning fuzhou hefei taiyuan
shijiazhuang lanzhou urumqi lhasa hohhot yinchuan xining guiyang haikou nanchang changchun tangshan xiongan
"""))
