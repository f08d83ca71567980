"""Fit the engine's ranking and confidence weights (`Tuning.ranking`, `Tuning.confidence`).

Data:

- *Held-out phrasings*: the library's alternates split four ways by position; each quarter
  is asked of an index built without it (the entry keeps its question, its other
  alternates and its keywords). About 4,800 in-scope questions with a known answer.
- *Matters the library does not answer* (content/faq/outside*.yaml), their phrasings held
  out the same way, and `OUT_OF_SCOPE` below: chit-chat and everyday or legal questions
  written for calibration from general knowledge.
- *Labelled query sets* (`--train`, optional): questions written the way people ask, each
  counting `QUERY_WEIGHT` times. The shipped weights use none.
- `--dev` sets are only reported, per threshold: the threshold is chosen there.

The ranking is a pairwise logistic regression (right entry against each other candidate);
the confidence a logistic regression of "the library answers this" on the top hit's
features, classes weighted equally. Both are solved by Newton's method, in pure Python.

Run: python -m bot.services.faq_engine.fitting [--train FILE]... [--dev FILE]...
(about 20 s; prints the two weight vectors for tuning.py and a table per --dev set).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from collections.abc import Sequence
from pathlib import Path

from bot.content.loader import load_library
from bot.domain.content import FaqEntry, Library, OutsideTopic
from bot.services.faq_engine.confidence import rank_features
from bot.services.faq_engine.matcher import FaqMatcher
from bot.services.faq_engine.tuning import Tuning

FOLDS = 4
QUERY_WEIGHT = 5.0  # a labelled query written the way people ask, against a held-out phrasing


def _words(text: str) -> list[str]:
    return text.split()


OUT_OF_SCOPE = _words(
    """你好 在吗 早上好 晚上好啊 哈哈哈 好的谢谢 知道了 收到 嗯嗯 你是机器人吗 你会唱歌吗
    讲个笑话 今天几号 明天下雨吗 今年冬天冷不冷 吃了没 中午吃啥 我好无聊 在干啥呢
    你们几点下班 辛苦了 拜拜 晚安各位 666 发个红包 测试一下 这个怎么用
    小麦什么时候打药 玉米种子哪个品种好 猪瘟怎么预防 鸡不下蛋了咋回事 化肥涨价了吗
    今年粮食收购价多少 苹果树怎么剪枝 大棚蔬菜怎么防冻 医保每年交多少钱 新农合住院怎么报销
    养老保险一个月能领多少 高龄补贴怎么领 残疾证怎么办 身份证丢了怎么补办 户口本丢了咋办
    结婚证丢了怎么补 孩子出生证明在哪开 驾照怎么考 电动车要上牌吗 摩托车年检去哪
    孩子上小学报名要带什么 高考志愿怎么填 手机流量怎么查 微信密码忘了咋办 电费在手机上怎么交
    宽带怎么装 自来水停了找谁 去县医院怎么挂号 高血压吃什么药好 疫苗在哪打
    危房改造补贴怎么申请 公积金怎么取出来 个人所得税怎么退 开个小饭馆要办什么证
    营业执照怎么办 商标注册多少钱 养老院一个月多少钱 火车票怎么买 去北京坐什么车
    村里的路灯坏了找谁修 村口那条路啥时候修好 征兵体检有啥要求 狗打疫苗去哪打
    房贷利率现在多少 彩票中奖要交税吗 邻居家办喜事随多少礼合适 过年放鞭炮犯法吗
    钓鱼被罚款合理吗 无人机能随便飞吗 烧秸秆会被罚吗 在河里电鱼犯法吗 养蜂需要办证吗
    捡到钱包不还犯法吗 手机丢了能找回来吗 租房子押金房东不退 孩子近视了咋办
    老人痴呆了去哪看病 农村厕所改造有补贴吗 羊肉多少钱一斤 今年猪价能涨不 怎么在网上卖土特产
    拖拉机报废有补贴吗 家电下乡还有吗 种粮补贴什么时候发 退役军人优待证怎么办
    孩子发烧了吃啥药 怎么学开挖掘机 电焊工证怎么考 去外地打工哪里工资高 空调不制冷了咋修
    家里漏水找谁修 煤气罐怎么换 村里啥时候通天然气 手机上怎么交医保 老年卡怎么办
    孩子学费能分期吗 大学助学贷款怎么申请 车险哪家便宜 彩礼钱存银行哪个利息高
    养鸡需要办什么手续 种香菇赚钱吗 怎么申请贫困生补助 学校食堂饭菜太差 上网课手机不够用
    孩子沉迷手机游戏怎么办 广场舞太吵了 超市排队太长 快递丢了找谁 外卖送晚了"""
)


def held_out(
    entries: Sequence[FaqEntry], fold: int
) -> tuple[list[FaqEntry], list[tuple[str, str]]]:
    """(the entries without their `fold`-th quarter of alternates, those alternates → id)."""
    kept: list[FaqEntry] = []
    asked: list[tuple[str, str]] = []
    for e in entries:
        out = [a for i, a in enumerate(e.alternates) if i % FOLDS == fold]
        asked += [(a, e.id) for a in out]
        rest = tuple(a for i, a in enumerate(e.alternates) if i % FOLDS != fold)
        kept.append(dataclasses.replace(e, alternates=rest))
    return kept, asked


def held_out_outside(
    topics: Sequence[OutsideTopic], fold: int
) -> tuple[list[OutsideTopic], list[str]]:
    """(the matters without their `fold`-th quarter of phrasings, those phrasings)."""
    kept = [
        dataclasses.replace(
            t, phrasings=tuple(p for i, p in enumerate(t.phrasings) if i % FOLDS != fold)
        )
        for t in topics
    ]
    asked = [p for t in topics for i, p in enumerate(t.phrasings) if i % FOLDS == fold]
    return kept, asked


def _matcher(
    library: Library, tuning: Tuning, fold: int | None
) -> tuple[FaqMatcher, list[tuple[str, str]], list[str]]:
    """(an engine without the `fold`-th quarter of phrasings, the in-scope phrasings left out
    → id, the out-of-scope ones left out); the whole library when `fold` is None."""
    if fold is None:
        return FaqMatcher.build(library.faq, library.synonyms, tuning, library.outside), [], []
    entries, asked = held_out(library.faq, fold)
    outside, out_asked = held_out_outside(library.outside, fold)
    return FaqMatcher.build(entries, library.synonyms, tuning, outside), asked, out_asked


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """x with a·x = b (Gaussian elimination with partial pivoting; a is small and regular)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c and m[r][c]:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def logistic(
    xs: Sequence[Sequence[float]], ys: Sequence[float], weights: Sequence[float], l2: float
) -> list[float]:
    """Weighted, L2-regularised logistic regression by Newton's method (no bias term: add a
    constant feature for one)."""
    d = len(xs[0])
    w = [0.0] * d
    for _ in range(30):
        grad = [l2 * v for v in w]
        hess = [[l2 if i == j else 0.0 for j in range(d)] for i in range(d)]
        for x, y, s in zip(xs, ys, weights, strict=True):
            z = max(-50.0, min(50.0, sum(a * b for a, b in zip(w, x, strict=True))))
            p = 1.0 / (1.0 + math.exp(-z))
            g, h = s * (p - y), s * p * (1.0 - p)
            for i in range(d):
                grad[i] += g * x[i]
                hx = h * x[i]
                row = hess[i]
                for j in range(i + 1):
                    row[j] += hx * x[j]
        for i in range(d):
            for j in range(i):
                hess[j][i] = hess[i][j]
        step = _solve(hess, grad)
        w = [a - b for a, b in zip(w, step, strict=True)]
        if max(abs(v) for v in step) < 1e-7:
            break
    return w


Labelled = Sequence[tuple[str, str | None]]  # (query, expected id or None: hand over)


def _pairs(m: FaqMatcher, query: str, expected: str) -> list[list[float]]:
    """Rank-feature differences: the right entry against each other candidate."""
    cands = m.evidence(query, m.tuning.rerank_depth)
    right = [rank_features(ev) for d, ev in cands if m.entry_id(d) == expected]
    if not right:
        return []
    return [
        [a - b for a, b in zip(right[0], rank_features(ev), strict=True)]
        for d, ev in cands
        if m.entry_id(d) != expected
    ]


def fit_ranking(
    library: Library, tuning: Tuning, queries: Labelled = (), weight: float = QUERY_WEIGHT
) -> tuple[float, ...]:
    """Ranking weights from held-out phrasings, and labelled `queries` (each counting
    `weight` times): the right entry against every other of the top candidates."""
    diffs: list[list[float]] = []
    matter = {p: t.id for t in library.outside for p in t.phrasings}
    for fold in range(FOLDS):
        m, asked, out_asked = _matcher(library, tuning, fold)
        for query, expected in [*asked, *((q, matter[q]) for q in out_asked)]:
            diffs += _pairs(m, query, expected)
    weights = [1.0] * len(diffs)
    m, _, _ = _matcher(library, tuning, None)
    for query, wanted in queries:
        more = _pairs(m, query, wanted) if wanted is not None else []
        diffs += more
        weights += [weight] * len(more)
    w = logistic(diffs, [1.0] * len(diffs), weights, l2=1.0)
    return tuple(round(v, 3) for v in w)


def top_features(m: FaqMatcher, query: str) -> tuple[str | None, list[float]]:
    """(the id of the top hit, its confidence features plus a constant 1)."""
    hits = m.judged(query, 1)
    if not hits:
        return None, [0.0] * (len(m.tuning.confidence) - 1) + [1.0]
    d, _, features = hits[0]
    return m.entry_id(d), [*features, 1.0]


def fit_confidence(
    library: Library, tuning: Tuning, queries: Labelled = (), weight: float = QUERY_WEIGHT
) -> tuple[float, ...]:
    """Confidence weights: in-scope held-out phrasings (and in-scope labelled `queries`)
    against out-of-scope questions (held-out phrasings of the matters the library does not
    answer, `OUT_OF_SCOPE`, and the labelled queries marked for hand-over). Each class
    weighs the same; a labelled query counts `weight` times within its class."""
    outside_ids = {t.id for t in library.outside}
    rows: list[tuple[list[float], float, float]] = []  # features, label, weight

    def add(m: FaqMatcher, q: str, y: float, w: float) -> None:
        # the confidence decides only when an entry comes first (else: no hit, or a matter
        # the library does not answer, and the question is handed over regardless)
        top_id, features = top_features(m, q)
        if top_id is not None and top_id not in outside_ids:
            rows.append((features, y, w))

    for fold in range(FOLDS):
        m, asked, out_asked = _matcher(library, tuning, fold)
        for q, _ in asked:
            add(m, q, 1.0, 1.0)
        for q in out_asked:
            add(m, q, 0.0, 1.0)
    m, _, _ = _matcher(library, tuning, None)
    for q in OUT_OF_SCOPE:
        add(m, q, 0.0, 1.0)
    for q, wanted in queries:
        add(m, q, 0.0 if wanted is None else 1.0, weight)
    xs = [x for x, _, _ in rows]
    ys = [y for _, y, _ in rows]
    pos = sum(w for _, y, w in rows if y) or 1.0
    neg = sum(w for _, y, w in rows if not y) or 1.0
    weights = [w / pos if y else w / neg for _, y, w in rows]
    w = logistic(xs, ys, weights, l2=1e-3)
    return tuple(round(v, 3) for v in w)


def main(train: Sequence[Path], dev: Sequence[Path]) -> None:
    """Fit both weight vectors on the shipped library (and the `train` query sets), print
    them and, for each `dev` set, its table per threshold."""
    from bot.services.faq_eval import evaluate, read_eval_tsv

    library = load_library(Path(__file__).resolve().parents[3] / "content")
    queries = [row for path in train for row in read_eval_tsv(path)]
    tuning = Tuning()
    ranking = fit_ranking(library, tuning, queries)
    tuning = dataclasses.replace(tuning, ranking=ranking)
    conf = fit_confidence(library, tuning, queries)
    tuning = dataclasses.replace(tuning, confidence=conf)
    print(f"ranking={ranking}\nconfidence={conf}")
    for path in dev:
        rows = read_eval_tsv(path)
        print(path.name)
        for th in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5):
            at = dataclasses.replace(tuning, threshold=th)
            r = evaluate(FaqMatcher.build(library.faq, library.synonyms, at, library.outside), rows)
            print(
                f"  threshold {th:.2f}: top-1 {r.top1:.3f}  top-3 {r.top3:.3f}  "
                f"hand-over P {r.handover_precision:.3f} R {r.handover_recall:.3f}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, action="append", default=[])
    parser.add_argument("--dev", type=Path, action="append", default=[])
    args = parser.parse_args()
    main(args.train, args.dev)
