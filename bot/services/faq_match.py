"""Chinese-aware FAQ retrieval: find the entry a villager's plain-words question means.

Villagers ask in everyday words (“老公打我能报警吗”, “打工的钱老板不给”); FAQ entries are
phrased around legal terms. The engine bridges the two in stages, all pure Python, no model:

1. **Analysis.** Text is normalised (NFKC, lower case, punctuation dropped) and turned into
   terms. *Concepts*: every word of a synonym group found in the text becomes the group's one
   concept term, so “老公”, “男人” and “丈夫” match each other. The groups are the library's
   synonym table (content/faq/synonyms.yaml, first word = legal term) extended by `EVERYDAY`
   below — general village vocabulary (animals, crops, injuries, relatives…); a query keeps
   only the longest of overlapping finds. *Character bigrams* and single characters survive
   dialect words and jieba's mis-cuts. jieba cuts the query only: to drop function words, to
   find one-character synonyms as whole words, and to spot words no entry uses.
2. **Lexical score.** BM25 over three fields of each entry — its phrasings (question and
   alternates), its tags, the concepts of its answer — summed with field weights. Building
   records where each term occurs; a term's impacts are computed the first time a query uses
   it. Terms in more than a fifth of the entries are ignored. The score over the best each
   query term could reach anywhere (unknown query words count as missed) is the *coverage*.
3. **Re-rank.** The best 20 candidates are re-ranked mixing coverage, absolute evidence and
   rapidfuzz similarity to their phrasings, compared with every synonym replaced by its term.
4. **Confidence.** A logistic function of the evidence, the phrasing similarity and the
   number of unknown words, damped for small talk, gives each hit a score in [0, 1];
   `answer()` answers when the top hit reaches `threshold` and hands over otherwise.

`BaselineMatcher` is plain BM25 over jieba tokens of the phrasings, kept for comparison.
"""

from __future__ import annotations

import gc
import heapq
import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jieba
from rapidfuzz import fuzz

from bot.domain.content import FaqEntry

__all__ = ["EVERYDAY", "BaselineMatcher", "FaqHit", "FaqMatcher", "Tuning", "normalize"]

_NOT_WORD = re.compile(r"[\W_]+")


def _split(words: str) -> list[str]:
    return words.split()


# Function words and question fillers: they say nothing about which entry is meant.
_FILLERS = frozenset(
    _split(
        """的 地 得 了 着 过 吗 呢 吧 啊 呀 哦 嘛 么 哈 啦 呗 嘞 咧 哇 噢 诶 唉 喂 呐 不 没
    我 我们 我家 俺 俺们 俺家 咱 咱们 咱家 你 你们 您 他 她 它 他们 她们 他家 她家 人家 自己 自家
    这 那 这个 那个 这样 那样 这种 那种 这些 那些 这事 那事 此 其 啥事 这儿 那儿 哪 哪儿 哪里
    咋 咋办 咋整 咋弄 咋样 咋回事 怎么 怎么办 怎样 怎么样 如何 啥 什么 为啥 为什么 啥样
    是不是 能不能 可不可以 行不行 中不中 算不算 要不要 有没有 会不会 该不该 对不对 成不成 行 中
    可以 能 能够 会 要 想 应该 应当 该 请问 问 问一下 一下 下 请 麻烦 谢谢 好 就是
    就 都 也 还 又 再 才 在 是 有 和 跟 与 及 或 或者 给 把 被 让 叫 对 向 从 到 于 为 以 说
    个 些 点 一 一个 一点 一些 很 太 挺 最 更 真 可 却 而 但 但是 因为 所以 如果 现在 已经"""
    )
)

# Small talk: a short query with one of these and no synonym word is chatting, not asking.
_SMALL_TALK = _split(
    "你好 您好 在吗 在不在 有人吗 哈喽 早上好 中午好 晚上好 晚安 谢谢 谢了 多谢 辛苦了 再见 拜拜 "
    "你是谁 你叫 名字 机器人 天气 下雨 刮风 下雪 气温 几点 星期几 礼拜几 几号 吃饭 早饭 午饭 晚饭 "
    "吃啥 吃了吗 笑话 唱歌 无聊 哈哈 好玩 聊天 聊聊"
)

# General everyday vocabulary, one group a line: `head: words…`. A head that is a word of the
# library's synonym table extends that group; any other head is a group of its own.
EVERYDAY = """
饲养的动物: 驴 马 骡子 骡 牛 羊 猪 鸡 鸭 鹅 牛羊 鸡鸭 猪羊 家畜 家禽 耕牛 母猪 羊群 牲口棚
庄稼: 玉米 苞米 苞谷 麦子 小麦 稻子 水稻 稻谷 花生 棉花 豆子 大豆 高粱 油菜 红薯 土豆 蔬菜 秧苗 禾苗 麦苗 菜苗 苗子 粮食
耕地: 玉米地 麦地 地里 田里 菜地 地头 农田 基本农田 水田 旱地 自留地
殴打: 打伤 挨打 挨揍 暴打 毒打 鼻青脸肿 捅 砍 踹 扇耳光 拳打脚踢 动刀 行凶 打破头 捅了一刀 砍伤 打成 打得
争吵: 吵架 拌嘴 吵嘴 争吵 闹矛盾 闹翻 翻脸 起冲突 口角 骂架 吵起来 骂人 对骂
受伤: 受了伤 伤了 弄伤 摔伤 砸伤 压伤 烫伤 割伤 扎伤 轧伤 绞伤 夹伤 绞了 轧断 绞断 摔断 骨折 伤残 残疾 致残 手指头 断指 流血 住院
劳动报酬: 工人的钱 干活的钱 打工钱 打工的钱 辛苦钱 劳务费 人工费 月钱 工资款 工钱
拖欠工资: 没结账 不结账 不结钱 还没结 没发工资 不发工资 欠工资 欠工钱 欠薪水 拖着工资 工资拖
没拿到钱: 一分钱没见 一分没给 一分钱没给 一分钱不给 没拿到钱 钱没到手 不到手 没见着钱 一分钱没见着 没给钱 不给钱
用人单位: 厂子 工厂 单位 企业 车间 作坊
解除劳动合同: 让回家 回家等通知 裁员 不让干了 不要我了 赶走 打发走 辞掉 让走人 被辞
施工总承包单位: 大老板 上头老板 总老板 开发商 上面的老板
包工头: 包活 包活的 领工的 带工的 工头子
跑路: 卷钱跑了 跑了 溜了 不见人 联系不上 找不着人 找不到人 失联 玩消失 躲起来 人跑了
生育: 生孩子 生娃 生完娃 生完孩子 怀孕 怀孩子 怀了 坐月子 产假 哺乳期 喂奶 刚生
降薪: 降工资 降了工资 降薪 减薪 工资降 降了一半 少给
夫妻: 两口子 小两口 老两口 夫妇 俩口子 两口
子女: 儿女 儿子 小儿子 大儿子 孩子们 后人 老大 老二 老三 亲生的
父母: 爹 娘 妈 爸 父亲 母亲 老爹 老娘 老爸 老妈 老父亲 老母亲 俺爹 俺娘
老年人: 老爷子 老太太 老太婆 上了年纪 年纪大 七十多 八十了 八十多 九十了
过户: 过到名下 过到他名下 转到名下 转到他名下 改到他名下 写他名字
去世: 去世 过世 死了 不在了 人没了 病故 身故 离世 亡故 走了 咽气 老人走了
房屋: 楼房 小楼 平房 瓦房 新房 老房 老房子 房产 屋 楼
建房: 盖房 盖房子 建房 起房 起房子 修房 修房子 盖楼 盖屋 建楼 起屋 翻盖 翻建 盖个
院子: 院 院里 院墙 院落 庭院 后院 前院 墙根
宅基地: 院基 庄窠 屋场 地皮
承包地: 果园 果园地 林地 鱼塘 荒山 山林 茶园 地块 几亩地
征收: 征用 被征 收地 推地
拆除: 拆 拆了 推了 扒了 铲了 强拆 推倒 扒掉 拆掉
村干部: 队长 小队长 组长 村会计 会计 书记 村书记 干部 主任
账目: 账本 账 明细 花销 开支 收支 花了多少钱 钱花哪
公开: 公布 张贴 贴出来 上墙 贴 亮出来
人民调解: 断断 给断断 评评理 主持公道 说理 调停 和解 劝架 说事
调解协议: 和解书 协议 签了字
起诉: 告 去法院 上诉 能告不 告到法院
决定: 通知 决定书 处理决定 批复 下文件
不服: 不认 不满意 不公道 不公平 不合理 有意见 想不通
乡镇人民政府: 政府 县里 县政府 公家 上面
赌博: 麻将 打麻将 麻将馆 牌局 斗地主 推牌九 押大小 下注 输钱 输了 赌
敲诈勒索: 保护费 收钱 不给就砸
毁坏: 砸 砸了 砸坏 毁坏 弄坏 损坏 搞坏 踩坏 踩倒 糟蹋
委托照护: 托给 托付 寄养 代管 让亲戚带 帮着带
辍学: 不想念 不想上学 不想读 不读书 不读了 不去学校 休学
摊派: 每户 每家 挨家挨户 家家户户 按户 凑钱 每户要出
宗教活动场所: 庙 庙里 庙上 修庙 大殿 佛堂 菩萨
外出: 去外地 外地 去城里 出远门 出县 出省 出门 出去打工 外出打工
与他人同居: 同居 住一起 住一块 住到一块 住在一起 搬一块 搬到一块 跟人跑了 出轨 偷人 相好 情人 外遇
探望权: 看娃 见娃 见孩子 接孩子 接娃 看望孩子 探望 探视 看一回 看一次 见一面
口头: 嘴上 口说 嘴说 光说 口头上 说的话 没写下来
法定继承: 没写遗嘱 没留遗嘱 没留话 没写东西 没交代
外嫁女: 嫁到外地 嫁到外省 嫁到外村 嫁外地 远嫁 嫁人 出嫁 嫁出去 嫁过去
流转受让方: 合作社 专业合作社 种植大户 大户 农业公司 老板承包
借款: 借钱 贷款 网贷 借了钱 借的钱 借给 借出去 借了 借款人
高利放贷: 利息太高 利息高 息太高 利息比本钱 利息翻倍
非法拘禁: 关起来 关屋里 关在屋里 扣人 扣下 堵在屋里 不让走 锁起来 扣着人
收购商: 贩子 猪贩子 牛贩子 粮贩子 收粮的 收猪的 收购的 二道贩子
诈骗: 骗走 骗了 骗 骗子
网络: 网上 网友 网上认识 网恋 微信上 手机上 线上 群里 微信群 视频里
公安机关: 穿警服 警服 警官 民警
涉嫌犯罪: 涉案 涉嫌 洗钱 涉诈 犯罪 犯法
转账: 转钱 汇款 打钱 把钱挪 把钱转 挪到 转过去
安全账户: 账户 指定账户 他给的账户
农业生产资料: 农药 化肥 种子 除草剂 杀虫剂 饲料 兽药 地膜 农资店
减产: 绝收 死苗 不发芽 不出苗 没收成 全死了 烧苗 减收
保健品: 神药 床垫 理疗仪 保健 磁疗 治百病 能治病 包治百病 讲座 健康讲座 会销 听课
非法集资: 返利 每月返 养老项目 养老公寓 入股 投钱 理财 高回报
骚扰电话: 天天打电话 老打电话 打电话推销 推销 广告电话
侮辱诽谤: 瞎编 胡说 乱说 瞎说 编瞎话 胡编乱造 污蔑 诬赖 冤枉 抹黑 传谣 谣言 散布
高空抛物: 楼上扔 扔下来 掉下来 砸下来 楼上掉 从楼上
通行: 路 小路 道 道路 胡同 路口 出入 进出 挖断
排水: 脏水 污水 废水 雨水 淌 流到 渗到 排到
交通事故: 撞了 被撞 撞伤 撞倒 刮倒 碰了 追尾 撞死
机动车: 货车 大货车 卡车 三轮车 拖拉机 面包车 农用车 公交车 大巴 车
保险: 保险公司 商业险 车险 买了保险
保证人: 担保 作保 当保人 做担保 签了担保 签字担保
时长: 多久 多长时间 多少天 几天 多少日子 几个月 多长 多少时间 多快
解除劳动合同: 效益不好 经营不下去 倒闭 厂子黄了 停产 让俺们回家 让我们回家
黑社会性质组织: 称霸 称霸一方 横行霸道 欺压 没人敢惹 霸道
结婚: 成亲 结亲 娶 过门 娶媳妇 办喜事 成家 嫁给 结婚
解除婚姻关系: 离 离了婚 离了 不离 要离
钱财: 存款 存折 积蓄 票子 钱财 存的钱 家里的钱
转移财产: 转移 转移财产 藏起来 藏钱 偷偷转 转给 转走 藏了
人身安全保护令: 管住他 不让他靠近 不准靠近 禁止靠近 离我远点
驱赶: 赶出去 撵出去 撵到 撵走 赶出家门 轰出去 撵
去世: 先走了 走在前头 先没了 先死
合同: 签合同 字据 合同书 写个字据 签字据 合同
强令冒险作业: 危险 爬高 高空作业 安全措施 没安全措施 冒险 危险活
房屋损坏: 裂缝 裂了 震裂 开裂 墙裂 倒塌 塌了 掉墙皮 墙歪
房屋: 房顶 屋顶
公安机关: 交警
交通事故认定书: 交警定的责任 责任认定 定责 划责任
侮辱诽谤: 闲话 传闲话 说闲话 骂我 编排 骂
抢栽抢建: 连夜栽树 栽树 种树 突击栽
户口迁移: 户口迁走 迁户口 户口迁出 户口转走 户口迁 落户 户口
借条: 条子 写条子
利息预先扣除: 扣了利息 先扣了 预先扣
诉讼时效: 好几年 五六年 多年 放久了 几年了 老账
投诉: 去哪告 告到哪 找哪个部门 去哪反映 找谁说理 投诉
信访: 反映问题 反映情况
信访秩序: 拦车 拦领导 堵门 堵着 闹事 围堵 拉横幅 横幅 静坐
政府信息: 文件 批文
集体财产: 集体的东西 集体资产 集体财产 集体的钱 集体收入 村集体
近亲结婚: 表兄妹 表哥表妹 堂兄妹
反悔: 后悔 变卦 不认账 翻脸不认 说话不算话
不同意: 不肯 不愿意 不答应 死活不 不签字 不同意
照顾: 伺候 照料 护理 服侍 照顾
祖父母: 爷爷 奶奶 姥姥 姥爷 外公 外婆 爷爷奶奶
赡养: 没人养 不养 养老人 不管老人
虐待: 打骂
外嫁女: 泼出去的水
孙辈: 孙子 孙女 外孙 外孙女 孙辈
树木: 树 大树 树枝 树根 果树 林木
搭乘: 搭便车 搭车 坐车 捎带 顺风车 蹭车 捎人
帮助信息网络犯罪活动: 兼职 走流水 过流水
批准: 批
收回: 收走 收了 抽走 拿走 收回去 收回
家庭暴力: 女婿打 老公打 男人打 丈夫打 媳妇打 老婆打 被丈夫打 被男人打 被老公打
别人家孩子: 他家娃 他家孩子 邻居家孩子 邻居家娃 别人家的孩子 人家孩子 熊孩子 邻家孩子
归属: 归谁 算谁的 算谁家 归谁家 属于谁 是谁的 谁家的 谁有份 有没有份
"""


@dataclass(frozen=True, slots=True)
class FaqHit:
    """One retrieved entry; `score` is the engine's confidence in [0, 1]."""

    faq_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Tuning:
    """The engine's knobs; the defaults are the values chosen on the DEV query set.

    The `use_*` switches exist to measure each stage's contribution (see faq_eval)."""

    use_synonyms: bool = True
    use_everyday: bool = True
    use_ngrams: bool = True
    use_context: bool = True  # the tags and answer fields
    use_rerank: bool = True
    concept_weight: float = 1.0
    bigram_weight: float = 0.4
    unigram_weight: float = 0.4
    tag_field: float = 0.5
    answer_field: float = 0.25
    max_df: float = 0.2  # terms in a larger share of the entries are ignored
    unseen_word: float = 1.0  # how much a query word no entry uses counts against coverage
    rerank_depth: int = 20
    short_query: int = 2  # queries of at most this many characters also match by character
    # ranking: (1 - fuzz_mix - evidence_mix)·coverage + evidence_mix·evidence + fuzz_mix·similarity
    fuzz_mix: float = 0.3
    evidence_mix: float = 0.3
    evidence_scale: float = 10.0  # evidence = 1 - exp(-score / scale)
    # confidence = sigmoid(a·ln(1 + score) + b·similarity + c·min(unseen words, 3) + d), a
    # logistic fit on held-out alternates, hand-made chit-chat and the DEV set
    confidence: tuple[float, float, float, float] = (2.71, 2.8, -0.55, -5.45)
    small_talk_factor: float = 0.3  # confidence multiplier for small talk
    threshold: float = 0.58  # chosen on DEV
    related_floor: float = 0.2  # weaker hits are not offered as related
    k1: float = 1.2
    b: float = 0.75


def _quiet_jieba() -> None:
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()


def normalize(text: str) -> str:
    """NFKC, lower case, and nothing but letters, digits and CJK characters."""
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _NOT_WORD.sub("", text.lower())


def _bigrams(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1)]


def _everyday_groups() -> list[tuple[str, list[str]]]:
    out = []
    for line in EVERYDAY.strip().splitlines():
        head, _, words = line.partition(":")
        out.append((head.strip(), words.split()))
    return out


class _Synonyms:
    """Finds synonym words in text and maps them to groups (concepts)."""

    def __init__(self, groups: Sequence[Sequence[str]], everyday: bool) -> None:
        self.group_of: dict[str, int] = {}
        self.term: list[str] = []
        for group in groups:
            self._add(normalize(group[0]), [normalize(w) for w in group])
        if everyday:
            for head, words in _everyday_groups():
                self._add(head, [head, *words])
        by_bigram: dict[str, list[str]] = {}
        for word in sorted(self.group_of, key=lambda w: (-len(w), w)):
            if len(word) > 1:
                by_bigram.setdefault(word[:2], []).append(word)
        self._by_bigram = by_bigram
        self._single = frozenset(w for w in self.group_of if len(w) == 1)

    def _add(self, head: str, words: list[str]) -> None:
        gid = self.group_of.get(head)
        if gid is None:
            gid = len(self.term)
            self.term.append(head)
        for word in words:
            if word:
                self.group_of.setdefault(word, gid)

    def spans(
        self, text: str, words: Sequence[str] | None = None, grams: Iterable[str] = ()
    ) -> list[tuple[int, int, int]]:
        """(start, end, group) of the synonyms in normalised text, none inside a longer one.

        One-character synonyms count only as whole words among `words` (jieba's cut of a
        query); without `words` (entries) every occurrence counts, at position -1. `grams`
        are the text's bigrams when the caller has them already."""
        found: dict[int, str] = {}  # start -> the longest synonym starting there
        for gram in self._by_bigram.keys() & set(grams or _bigrams(text)):
            start = text.find(gram)
            while start >= 0:
                word = next((w for w in self._by_bigram[gram] if text.startswith(w, start)), "")
                if word:
                    found[start] = word
                start = text.find(gram, start + 1)
        out: list[tuple[int, int, int]] = []
        reach = 0
        for start in sorted(found):
            end = start + len(found[start])
            if end > reach:
                out.append((start, end, self.group_of[found[start]]))
                reach = end
        singles = self._single.intersection(text if words is None else words)
        out += [(-1, -1, self.group_of[ch]) for ch in sorted(singles)]
        return out

    def groups_in(self, text: str, grams: Iterable[str]) -> list[int]:
        """The groups of every synonym in `text` (entries: fast, no longest-match rule)."""
        found = {
            self.group_of[w]
            for gram in self._by_bigram.keys() & set(grams)
            for w in self._by_bigram[gram]
            if w in text
        }
        found.update(self.group_of[ch] for ch in self._single.intersection(text))
        return sorted(found)

    def canonical(self, text: str) -> str:
        """The text with each synonym (not overlapping another) replaced by its legal term."""
        parts: list[str] = []
        last = 0
        for start, end, gid in self.spans(text):
            if start >= last:
                parts += [text[last:start], self.term[gid]]
                last = end
        parts.append(text[last:])
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class _Query:
    terms: list[tuple[str, float]]  # (term, weight), in a fixed order
    unseen: float  # weight of query words no entry uses
    canonical: str
    small_talk: bool  # chatting words and no synonym-table word


class _Analyzer:
    """Turns text into terms: "#<group>" (a concept), a bigram or a single character."""

    def __init__(self, synonyms: _Synonyms | None, tuning: Tuning) -> None:
        self.synonyms = synonyms
        self.tuning = tuning

    def phrasing_terms(self, text: str) -> list[str]:
        """Terms of a phrasing or tag line: concepts (longest matches), bigrams, characters."""
        norm = normalize(text)
        grams = _bigrams(norm)
        out: list[str] = []
        if self.synonyms is not None:
            out += [f"#{gid}" for _, _, gid in self.synonyms.spans(norm, grams=grams)]
        if self.tuning.use_ngrams:
            out += grams
            out += norm
        return out

    def answer_terms(self, text: str) -> list[str]:
        """Terms of an answer: its concepts only (the raw text will do: they are CJK words)."""
        if self.synonyms is None:
            return []
        return [f"#{gid}" for gid in self.synonyms.groups_in(text, _bigrams(text))]

    def query_parts(self, text: str) -> tuple[str, list[str], list[str]]:
        """(normalised text, its content runs, its content words) — fillers dropped."""
        norm = normalize(text)
        runs: list[str] = []
        words: list[str] = []
        current = ""
        for token in map(str, jieba.lcut(norm, HMM=False)):
            if token in _FILLERS:
                if current:
                    runs.append(current)
                current = ""
            else:
                current += token
                words.append(token)
        if current:
            runs.append(current)
        return norm, runs, words

    def query_terms(self, norm: str, runs: list[str], words: list[str]) -> list[str]:
        out: list[str] = []
        if self.synonyms is not None:
            out += [f"#{gid}" for _, _, gid in self.synonyms.spans(norm, words)]
        if self.tuning.use_ngrams:
            for run in runs:
                out += _bigrams(run)
            if sum(len(r) for r in runs) <= self.tuning.short_query:
                out += [ch for run in runs for ch in run]
            else:
                out += [w for w in words if len(w) == 1]
        return out

    def weight(self, term: str) -> float:
        t = self.tuning
        if term[0] == "#":
            return t.concept_weight
        return t.bigram_weight if len(term) == 2 else t.unigram_weight


class _Field:
    """One BM25 field: for each term the docs it occurs in (a doc once per occurrence)."""

    def __init__(self, weight: float, docs: Sequence[Sequence[str]]) -> None:
        self.weight = weight
        self.lengths = [len(d) for d in docs]
        self.avg = (sum(self.lengths) / len(docs) if docs else 0.0) or 1.0
        occurs: defaultdict[str, list[int]] = defaultdict(list)
        for i, doc in enumerate(docs):
            for term in doc:
                occurs[term].append(i)
        self.occurs = dict(occurs)

    def impacts(self, term: str, n: int, cap: float, k1: float, b: float) -> dict[int, float]:
        """doc -> weight × BM25 impact (idf included); nothing for a term in over `cap` docs."""
        tfs = Counter(self.occurs.get(term, ()))
        if not tfs or len(tfs) > cap:
            return {}
        idf = self.weight * math.log(1 + (n - len(tfs) + 0.5) / (len(tfs) + 0.5))
        lengths, avg = self.lengths, self.avg
        return {
            doc: idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[doc] / avg))
            for doc, tf in tfs.items()
        }


class _Index:
    """BM25 over weighted fields. Building only records where each term occurs; a term's
    impacts (summed over the fields) are computed the first time a query uses it and kept."""

    def __init__(self, fields: Sequence[_Field], n: int, tuning: Tuning) -> None:
        self.fields = fields
        self.n = n
        self.tuning = tuning
        self.cap = max(2.0, tuning.max_df * n)
        self.unseen_impact = math.log(1 + (n + 0.5) / 0.5)
        self._postings: dict[str, tuple[tuple[tuple[int, float], ...], float]] = {}

    def known(self, term: str) -> bool:
        return any(term in f.occurs for f in self.fields)

    def posting(self, term: str) -> tuple[tuple[tuple[int, float], ...], float]:
        """((doc, impact)…, the best impact) for `term`."""
        found = self._postings.get(term)
        if found is None:
            t = self.tuning
            merged: dict[int, float] = {}
            for field in self.fields:
                for doc, imp in field.impacts(term, self.n, self.cap, t.k1, t.b).items():
                    merged[doc] = merged.get(doc, 0.0) + imp
            pairs = tuple(sorted(merged.items()))
            found = self._postings[term] = (pairs, max(merged.values(), default=0.0))
        return found

    def score(self, query: Sequence[tuple[str, float]]) -> dict[int, float]:
        acc: dict[int, float] = {}
        get = acc.get
        for term, qw in query:
            for doc, imp in self.posting(term)[0]:
                acc[doc] = get(doc, 0.0) + qw * imp
        return acc

    def ideal(self, query: Sequence[tuple[str, float]], unseen: float) -> float:
        """The score of an entry that explained every query term as well as any entry does."""
        seen = sum(qw * self.posting(term)[1] for term, qw in query)
        return seen + unseen * self.unseen_impact


def _top(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """The k best (doc, score), best first; ties go to the earlier entry."""
    return heapq.nsmallest(k, scores.items(), key=lambda kv: (-kv[1], kv[0]))


class FaqMatcher:
    """The FAQ engine. Build once per library with `FaqMatcher.build`; searching is read-only."""

    def __init__(
        self, entries: Sequence[FaqEntry], synonyms: Sequence[Sequence[str]], tuning: Tuning
    ) -> None:
        _quiet_jieba()
        self.tuning = tuning
        self.threshold = tuning.threshold
        self._ids = [e.id for e in entries]
        syn = _Synonyms(synonyms, tuning.use_everyday) if tuning.use_synonyms else None
        self._syn = syn
        self._an = _Analyzer(syn, tuning)
        phrasings = [
            [t for p in _phrasings(e) for t in self._an.phrasing_terms(p)] for e in entries
        ]
        fields = [_Field(1.0, phrasings)]
        if tuning.use_context:
            tags = [self._an.phrasing_terms(" ".join(e.tags)) for e in entries]
            answers = [self._an.answer_terms(e.answer) for e in entries]
            fields += [_Field(tuning.tag_field, tags), _Field(tuning.answer_field, answers)]
        self._index = _Index(fields, len(entries), tuning)
        self._phrasings = [_phrasings(e) for e in entries]
        self._forms: dict[int, tuple[str, ...]] = {}  # canonical phrasings, made when needed

    @classmethod
    def build(
        cls,
        entries: Sequence[FaqEntry],
        synonyms: Sequence[Sequence[str]],
        tuning: Tuning | None = None,
    ) -> FaqMatcher:
        """Index `entries` with the library's synonym groups (first word = the legal term).

        Deterministic: the same input gives the same index and the same answers. The cyclic
        garbage collector is paused meanwhile — the index is millions of small objects and no
        cycles, and collecting during the build would cost a good part of its time."""
        paused = gc.isenabled()
        gc.disable()
        try:
            return cls(entries, synonyms, tuning or Tuning())
        finally:
            if paused:
                gc.enable()

    def _canonical(self, text: str) -> str:
        norm = normalize(text)
        return self._syn.canonical(norm) if self._syn is not None else norm

    def _query(self, text: str) -> _Query:
        norm, runs, words = self._an.query_parts(text)
        terms = list(dict.fromkeys(self._an.query_terms(norm, runs, words)))
        weighted = [(t, self._an.weight(t)) for t in terms]
        unseen = sum(1.0 for w in words if not self._known(w)) * self.tuning.unseen_word
        chat = (
            len(norm) <= 8
            and not any(t[0] == "#" for t in terms)
            and any(w in norm for w in _SMALL_TALK)
        )
        return _Query(weighted, unseen, self._canonical(text), chat)

    def _known(self, word: str) -> bool:
        if self._syn is not None and word in self._syn.group_of:
            return True
        return all(self._index.known(g) for g in (_bigrams(word) if len(word) > 1 else word))

    def _similarity(self, query: str, doc: int) -> float:
        forms = self._forms.get(doc)
        if forms is None:
            forms = self._forms[doc] = tuple(self._canonical(p) for p in self._phrasings[doc])
        return max(fuzz.ratio(query, p) for p in forms) / 100.0

    def _rank_and_confidence(
        self, q: _Query, score: float, ideal: float, doc: int
    ) -> tuple[float, float]:
        t = self.tuning
        coverage = min(1.0, score / ideal)
        evidence = 1.0 - math.exp(-score / t.evidence_scale)
        fz = t.fuzz_mix if t.use_rerank else 0.0
        similarity = self._similarity(q.canonical, doc)
        rank = (1 - fz - t.evidence_mix) * coverage + t.evidence_mix * evidence + fz * similarity
        a, b, c, d = t.confidence
        z = a * math.log1p(score) + b * similarity + c * min(q.unseen, 3.0) + d
        confidence = 1.0 / (1.0 + math.exp(-z)) * (t.small_talk_factor if q.small_talk else 1.0)
        return rank, confidence

    def search(self, query: str, limit: int = 3) -> list[FaqHit]:
        """The best entries for `query`, best first, each with its confidence in [0, 1]."""
        q = self._query(query)
        if not q.terms or limit <= 0:
            return []
        scores = self._index.score(q.terms)
        ideal = self._index.ideal(q.terms, q.unseen)
        if not scores or ideal <= 0:
            return []
        t = self.tuning
        cands = _top(scores, max(limit, t.rerank_depth if t.use_rerank else limit))
        ranked = [(d, *self._rank_and_confidence(q, s, ideal, d)) for d, s in cands]
        ranked.sort(key=lambda drc: (-drc[1], drc[0]))
        return [FaqHit(self._ids[d], round(c, 6)) for d, _, c in ranked[:limit]]

    def answer(self, query: str) -> tuple[FaqHit | None, list[FaqHit]]:
        """(the top hit if confident, else None; up to 3 related hits worth offering).

        Related hits are the other good candidates when answering, or the best guesses when
        handing over; hits below `related_floor` (chit-chat matching by chance) are dropped."""
        hits = [h for h in self.search(query, 4) if h.score >= self.tuning.related_floor]
        if hits and hits[0].score >= self.threshold:
            return hits[0], hits[1:4]
        return None, hits[:3]


def _phrasings(entry: FaqEntry) -> tuple[str, ...]:
    return (entry.question, *entry.alternates)


class BaselineMatcher:
    """Plain BM25 over jieba tokens of question + alternates; for comparison only.

    Its confidence is the top score over the best score the query terms could reach."""

    def __init__(self, entries: Sequence[FaqEntry], threshold: float) -> None:
        _quiet_jieba()
        self.threshold = threshold
        self._ids = [e.id for e in entries]
        docs = [[t for p in _phrasings(e) for t in self._tokens(p)] for e in entries]
        self._index = _Index([_Field(1.0, docs)], len(docs), Tuning(max_df=1.0))

    @classmethod
    def build(
        cls, entries: Sequence[FaqEntry], synonyms: Sequence[Sequence[str]] = ()
    ) -> BaselineMatcher:
        return cls(entries, threshold=0.3)  # chosen on DEV

    @staticmethod
    def _tokens(text: str) -> list[str]:
        return [str(w) for w in jieba.lcut(normalize(text))]

    def search(self, query: str, limit: int = 3) -> list[FaqHit]:
        terms = [(t, 1.0) for t in dict.fromkeys(self._tokens(query))]
        scores = self._index.score(terms)
        ideal = self._index.ideal(terms, 0.0)
        if not scores or ideal <= 0:
            return []
        return [FaqHit(self._ids[d], round(s / ideal, 6)) for d, s in _top(scores, limit)]

    def answer(self, query: str) -> tuple[FaqHit | None, list[FaqHit]]:
        hits = self.search(query, 4)
        if hits and hits[0].score >= self.threshold:
            return hits[0], hits[1:4]
        return None, hits[:3]
