"""The FAQ engine on the shipped library: colloquial and short queries find the right entry,
chit-chat and out-of-scope questions are handed over, synonym groups merge, keywords are
indexed, the index is deterministic, and the eval metrics are computed right."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.content.loader import load_library
from bot.domain.content import FaqEntry, Library
from bot.services import faq_engine, faq_match
from bot.services.faq_engine.fitting import OUT_OF_SCOPE, held_out, logistic
from bot.services.faq_engine.synonyms import PhraseFinder, SynonymTable, merge_groups
from bot.services.faq_eval import EvalReport, evaluate, format_report, read_eval_tsv
from bot.services.faq_match import BaselineMatcher, FaqHit, FaqMatcher, Tuning

ROOT = Path(__file__).resolve().parents[2]
TEST_SET = ROOT / "tests" / "fixtures" / "faq_eval.tsv"
# Written for the test by writers who saw only the entries' questions and answers, after the
# engine and library were done; the issue's targets hold on each.
HELD_OUT = [ROOT / "tests" / "fixtures" / f"faq_eval_holdout{n}.tsv" for n in ("", "2")]

# Plain-words questions written for this test (none of them is in the eval files).
COLLOQUIAL = [
    ("邻居起房子把地基占了一块", "faq-zjd-qinzhan"),
    ("老公喝醉了就打我能报警吗", "faq-hy-jiabao"),
    ("打工的钱老板不给", "faq-ld-taoxin"),
    ("在厂里干活把手指头轧断了", "faq-ld-gongshang"),
    ("儿子儿媳不给我养老钱", "faq-hy-shanyang"),
    ("订婚给的礼金女方不退", "faq-hy-caili-tui"),
    ("邻家的狗把我咬了要打针谁出钱", "faq-ll-gouyao"),
    ("网上有人让我刷单说能赚钱", "faq-zp-shuadan"),
    ("有人说是公安局的让我把钱转到安全账户", "faq-zp-maochong"),
    ("离婚了孩子跟谁", "faq-hy-fuyang"),
    ("爹死了没留遗嘱房子咋分", "faq-jc-fading"),
    ("喝了酒骑摩托被交警查了", "faq-ll-zuijia"),
    ("买的化肥是假的麦子没长出来", "faq-zp-nongzi"),
]
SHORT = [
    ("狗", "faq-ll-gouyao"),
    ("辍学", "faq-bs-chuoxue"),
    ("砍头息", "faq-zw-kantouxi"),
    ("探望", "faq-hy-tanwang"),
    ("地界", "faq-zjd-jiexian"),
    ("保人", "faq-zw-danbao"),
]
CHIT_CHAT = ["晚安", "吃了吗", "好的", "嗯", "明天会下雨不", "手机没电了", "", "？？？"]
# Questions the library does not answer, written for this test (not in the eval files, nor in
# the calibration set of bot/services/faq_engine/fitting.py).
OUT_OF_SCOPE_HERE = [
    "我想买辆二手车要注意啥",
    "家里的猫不吃东西了",
    "今年种啥能挣钱",
    "孙子考上大学了请客",
    "村里广播太早了吵人",
    "办个护照要多久",
    "老房子漏雨找谁修",
    "小孩打疫苗发烧了",
    "哪里能学电脑",
    "给手机充话费",
    "明天赶集不",
    "晚上看啥电视剧",
    "孩子英语成绩差咋补",
    "去医院体检要空腹吗",
    "电瓶车电池多少钱",
]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(ROOT / "content")


@pytest.fixture(scope="module")
def matcher(library: Library) -> FaqMatcher:
    return FaqMatcher.build(library.faq, library.synonyms, outside=library.outside)


@pytest.mark.parametrize(("query", "expected"), COLLOQUIAL)
def test_colloquial_queries_find_the_entry(matcher: FaqMatcher, query: str, expected: str) -> None:
    hit, related = matcher.answer(query)
    assert hit is not None and hit.faq_id == expected, matcher.search(query)
    assert matcher.threshold <= hit.score <= 1.0
    assert len(related) <= 3 and expected not in [h.faq_id for h in related]


@pytest.mark.parametrize(("query", "expected"), SHORT)
def test_one_and_two_character_queries(matcher: FaqMatcher, query: str, expected: str) -> None:
    hit, _ = matcher.answer(query)
    assert hit is not None and hit.faq_id == expected, matcher.search(query)


@pytest.mark.parametrize("query", CHIT_CHAT)
def test_chit_chat_is_handed_over(matcher: FaqMatcher, query: str) -> None:
    hit, related = matcher.answer(query)
    assert hit is None
    assert all(h.score < matcher.threshold for h in related)


def test_out_of_scope_questions_are_mostly_handed_over(matcher: FaqMatcher) -> None:
    """Lexical overlap alone can't tell every off-topic question apart (a recall of about
    two thirds is what the engine measures on such questions); it must not drop below."""
    assert not set(OUT_OF_SCOPE_HERE) & set(OUT_OF_SCOPE)
    handed = [q for q in OUT_OF_SCOPE_HERE if matcher.answer(q)[0] is None]
    assert len(handed) >= 0.6 * len(OUT_OF_SCOPE_HERE), handed


def test_search_shape(matcher: FaqMatcher) -> None:
    hits = matcher.search("宅基地被占了", limit=5)
    assert len(hits) == 5 and len({h.faq_id for h in hits}) == 5
    assert all(isinstance(h, FaqHit) and 0.0 <= h.score <= 1.0 for h in hits)
    assert matcher.search("宅基地被占了", limit=0) == []
    assert matcher.search("") == []


def test_empty_library() -> None:
    empty = FaqMatcher.build([], [["宅基地", "地基"]])
    assert empty.search("地基被占") == []
    assert empty.answer("地基被占") == (None, [])


QUERIES = [q for q, _ in COLLOQUIAL + SHORT] + CHIT_CHAT


def _results(m: FaqMatcher) -> list[list[tuple[str, float]]]:
    return [[(h.faq_id, h.score) for h in m.search(q, 5)] for q in QUERIES]


def test_build_is_deterministic(library: Library, matcher: FaqMatcher) -> None:
    again = FaqMatcher.build(library.faq, library.synonyms, outside=library.outside)
    assert _results(again) == _results(matcher)


def test_same_results_under_another_hash_seed(matcher: FaqMatcher) -> None:
    """A fresh interpreter with a different string hash seed ranks and scores identically."""
    script = (
        "import json, sys; from pathlib import Path\n"
        "from bot.content.loader import load_library\n"
        "from bot.services.faq_match import FaqMatcher\n"
        "lib = load_library(Path('content'))\n"
        "m = FaqMatcher.build(lib.faq, lib.synonyms, outside=lib.outside)\n"
        "qs = json.loads(sys.stdin.read())\n"
        "print(json.dumps([[[h.faq_id, h.score] for h in m.search(q, 5)] for q in qs]))\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(QUERIES),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    theirs = [[(fid, score) for fid, score in row] for row in json.loads(out.stdout)]
    assert theirs == _results(matcher)


class _Scripted:
    """A matcher whose answers are given: query -> (answered id or None, search ids)."""

    def __init__(self, script: dict[str, tuple[str | None, list[str]]]) -> None:
        self.script = script

    def answer(self, query: str) -> tuple[FaqHit | None, list[FaqHit]]:
        top, _ = self.script[query]
        return (FaqHit(top, 0.9) if top else None), []

    def search(self, query: str, limit: int = 3) -> list[FaqHit]:
        return [FaqHit(i, 0.5) for i in self.script[query][1][:limit]]


def test_eval_metrics_on_a_hand_made_set() -> None:
    rows: list[tuple[str, str | None]] = [
        ("a", "x"),  # answered right
        ("b", "y"),  # answered wrong, right one second in search
        ("c", "z"),  # handed over although answerable: wrong for top-1, z still in top 3
        ("d", "w"),  # answered wrong, w nowhere
        ("e", None),  # handed over, rightly
        ("f", None),  # answered although it should hand over
    ]
    script: dict[str, tuple[str | None, list[str]]] = {
        "a": ("x", ["x", "q"]),
        "b": ("q", ["q", "y"]),
        "c": (None, ["q", "r", "z", "y"]),
        "d": ("q", ["q"]),
        "e": (None, ["q"]),
        "f": ("q", ["q"]),
    }
    report = evaluate(_Scripted(script), rows)
    assert (report.n, report.answerable, report.handovers) == (6, 4, 2)
    assert report.top1 == pytest.approx(1 / 4)
    assert report.top3 == pytest.approx(3 / 4)
    assert report.handover_precision == pytest.approx(1 / 2)  # handed over c and e
    assert report.handover_recall == pytest.approx(1 / 2)  # of e and f, only e
    assert 0.0 <= report.p50_ms <= report.p95_ms
    text = format_report(report, "hand-made")
    assert "top-1" in text and "25.0%" in text and "hand-over precision" in text


def test_eval_metrics_without_handovers() -> None:
    report = evaluate(_Scripted({"a": ("x", ["x"])}), [("a", "x")])
    assert (report.top1, report.handover_precision, report.handover_recall) == (1.0, 1.0, 1.0)


def test_read_eval_tsv(tmp_path: Path) -> None:
    path = tmp_path / "set.tsv"
    path.write_text("query\texpected\n老公打我\tfaq-hy-jiabao\n\n你好\t-\n", encoding="utf-8")
    assert read_eval_tsv(path) == [("老公打我", "faq-hy-jiabao"), ("你好", None)]
    path.write_text("q\te\n你好\t-\n", encoding="utf-8")
    with pytest.raises(ValueError, match="表头"):
        read_eval_tsv(path)
    path.write_text("query\texpected\n只有一列\n", encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        read_eval_tsv(path)


@pytest.mark.skipif(not TEST_SET.exists(), reason="tests/fixtures/faq_eval.tsv not written yet")
def test_engine_beats_the_baseline_on_the_test_set(library: Library, matcher: FaqMatcher) -> None:
    rows = read_eval_tsv(TEST_SET)
    known = {e.id for e in library.faq}
    assert all(expected in known for _, expected in rows if expected is not None)
    engine: EvalReport = evaluate(matcher, rows)
    baseline = evaluate(BaselineMatcher.build(library.faq, library.synonyms), rows)
    assert engine.top1 > baseline.top1 and engine.top3 > baseline.top3
    # the baseline hands over almost nothing (so what it hands over is right); the engine
    # must catch far more of the questions it cannot answer, and stay right when it does
    assert engine.handover_recall > baseline.handover_recall + 0.5
    assert engine.handover_precision >= 0.9


@pytest.mark.parametrize("path", HELD_OUT, ids=lambda p: p.name)
def test_issue_targets_on_the_held_out_sets(
    library: Library, matcher: FaqMatcher, path: Path
) -> None:
    rows = read_eval_tsv(path)
    known = {e.id for e in library.faq}
    assert all(expected in known for _, expected in rows if expected is not None)
    report = evaluate(matcher, rows)
    assert report.n >= 150 and report.handovers >= 30
    assert report.top1 >= 0.9 and report.handover_precision >= 0.9, format_report(report)


def test_synonym_groups_sharing_a_word_are_merged() -> None:
    groups = [["宅基地", "地基"], ["彩礼", "礼金"], ["房基", "地基", "屋基"], ["屋基", "庄基"]]
    assert merge_groups(groups) == [["宅基地", "地基", "房基", "屋基", "庄基"], ["彩礼", "礼金"]]
    table = SynonymTable(groups)
    gid = table.group_of["庄基"]
    assert table.term[gid] == "宅基地" and table.group_of["房基"] == gid
    assert table.group_of["礼金"] != gid
    assert table.canonical("邻居占了我家庄基") == "邻居占了我家宅基地"


def test_library_synonym_files_merge(library: Library) -> None:
    """Every synonyms*.yaml file counts (none silently wins); the everyday vocabulary is a
    content file, not code."""
    table = SynonymTable(library.synonyms)
    assert table.group_of["老公"] == table.group_of["当家的"] == table.group_of["娃他爹"]
    assert table.term[table.group_of["娃他爹"]] == "丈夫"
    assert not hasattr(faq_match, "EVERYDAY")


def test_keywords_are_indexed() -> None:
    entry = FaqEntry(
        "faq-k", "土地被占了怎么办？", (), "找村委会。", (), ("土地",), "-", ("界桩", "挪界石")
    )
    other = FaqEntry("faq-o", "借钱不还怎么办？", (), "去法院。", (), ("借款",), "-", ("欠条",))
    m = FaqMatcher.build([entry, other], [])
    assert [h.faq_id for h in m.search("有人半夜挪界石", 1)] == ["faq-k"]
    plain = FaqMatcher.build([entry, other], [], Tuning(use_keywords=False))
    assert plain.search("有人半夜挪界石", 1) == []


def test_phrase_finder_finds_nested_phrases() -> None:
    finder = PhraseFinder(["彩礼", "天价彩礼", "礼", "退婚"])
    found = finder.find("天价彩礼要退婚", [(0, "天价"), (2, "彩礼"), (4, "要"), (5, "退婚")])
    assert found == [(0, 4, "天价彩礼"), (2, 4, "彩礼"), (5, 7, "退婚")]


def test_long_queries_are_answered_quickly(matcher: FaqMatcher) -> None:
    text = "我家邻居盖房子占了我家的宅基地还把墙砌到我家院子里，" * 40
    start = time.perf_counter()
    hit, _ = matcher.answer(text)
    assert time.perf_counter() - start < 1.0
    assert hit is not None and hit.faq_id == "faq-zjd-qinzhan"


def test_faq_match_reexports_the_engine() -> None:
    for name in ("BaselineMatcher", "FaqHit", "FaqMatcher", "Tuning", "normalize"):
        assert getattr(faq_match, name) is getattr(faq_engine, name)


def test_engine_modules_stay_small() -> None:
    package = Path(faq_engine.__file__).parent
    lengths = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in package.glob("*.py")}  # fmt: skip
    assert max(lengths.values()) <= 300, lengths


def test_held_out_split_and_logistic_fit(library: Library) -> None:
    kept, asked = held_out(library.faq, 0)
    assert len(kept) == len(library.faq) and asked
    by_id = {e.id: e for e in kept}
    assert all(q not in by_id[i].alternates for q, i in asked)
    xs = [[x, 1.0] for x in (-2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 0.2, -0.2)]
    ys = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0]
    w = logistic(xs, ys, [1.0] * len(ys), l2=1e-3)
    assert w[0] > 1.0 and abs(w[1]) < 0.5


def test_entries_without_alternates_still_match() -> None:
    entry = FaqEntry("faq-x", "邻居家的狗咬人怎么办？", (), "找狗主人赔。", (), ("饲养动物",), "-")
    m = FaqMatcher.build([entry], [["犬只", "狗", "狗子"]])
    assert [h.faq_id for h in m.search("狗子咬了我")] == ["faq-x"]
