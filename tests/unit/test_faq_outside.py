"""Matters the FAQ library does not answer (faq/outside*.yaml): loaded and checked with the
rest of the content, indexed next to the entries, and a question closest to one of them is
handed over — naming the matter — instead of getting a wrong answer."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from bot import render
from bot.content.loader import load_library
from bot.domain.content import FaqEntry, OutsideTopic
from bot.domain.errors import ContentError
from bot.services.faq_engine.results import CHATTING
from bot.services.faq_match import FaqHit, FaqMatcher
from tests.harness import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parents[2]

DOG = FaqEntry(
    "faq-dog",
    "邻居家的狗咬了人，谁赔？",
    ("狗把人咬了谁出钱", "被狗咬了打针的钱找谁要", "狗主人不管咬人的事"),
    "饲养的动物造成他人损害的，动物饲养人或者管理人应当承担侵权责任。",
    ("《中华人民共和国民法典》第一千二百四十五条",),
    ("饲养动物",),
    "-",
    ("狗", "咬人"),
)
WAGES = FaqEntry(
    "faq-wages",
    "干完活老板不给工钱，怎么办？",
    ("老板拖着工钱不给", "打工的钱要不回来", "包工头欠俺工资"),
    "可以向劳动保障监察机构投诉。",
    ("《保障农民工工资支付条例》第三条",),
    ("欠薪",),
    "-",
    ("工钱", "工资"),
)
HUKOU = OutsideTopic(
    "out-hukou",
    "户口和身份证",
    ("娃生下来咋上户口", "户口本丢了咋补办", "身份证过期了去哪换", "迁户口要带啥"),
    "派出所户籍窗口",
)
CHAT = OutsideTopic("out-chat-hello", "打招呼", ("你好", "在吗", "早上好啊", "有人吗"), chat=True)


@pytest.fixture(scope="module")
def matcher() -> FaqMatcher:
    return FaqMatcher.build([DOG, WAGES], [["犬只", "狗", "狗子"]], outside=[HUKOU, CHAT])


def test_a_question_on_an_outside_matter_is_handed_over_with_the_matter(
    matcher: FaqMatcher,
) -> None:
    verdict = matcher.consult("俺家娃刚生下来 户口咋上")
    assert verdict.hit is None and verdict.outside == HUKOU
    hit, related = matcher.answer("俺家娃刚生下来 户口咋上")
    assert hit is None and all(not h.faq_id.startswith("out-") for h in related)


def test_entries_still_answer_their_questions(matcher: FaqMatcher) -> None:
    for query, expected in [("狗子把俺咬了", "faq-dog"), ("老板不给工钱", "faq-wages")]:
        verdict = matcher.consult(query)
        assert verdict.outside is None and verdict.hit is not None
        assert verdict.hit.faq_id == expected


def test_search_never_offers_an_outside_matter(matcher: FaqMatcher) -> None:
    for query in ("户口本丢了", "你好", "身份证", "狗"):
        assert all(not h.faq_id.startswith("out-") for h in matcher.search(query, 3))


def test_small_talk_gets_no_guesses(matcher: FaqMatcher) -> None:
    verdict = matcher.consult("在吗")
    assert verdict.outside == CHAT and verdict.hit is None and verdict.related == []


def test_outside_matters_only_add_a_way_to_hand_over() -> None:
    plain = FaqMatcher.build([DOG, WAGES], [["犬只", "狗", "狗子"]])
    assert plain.consult("老板不给工钱").outside is None
    assert plain.consult("户口本丢了咋补办").outside is None
    with_outside = FaqMatcher.build([DOG, WAGES], [["犬只", "狗", "狗子"]], outside=[HUKOU])
    for query in ("狗子咬人", "工钱"):
        ids = [h.faq_id for h in plain.search(query)]
        assert ids and ids == [h.faq_id for h in with_outside.search(query)]


def test_handover_message_names_the_matter_and_the_office() -> None:
    contacts = ("乡镇司法所：0000-1234567",)
    part = render.faq_handover(contacts, [WAGES], HUKOU)
    assert "户口和身份证" in part.text and "派出所户籍窗口" in part.text
    assert "乡镇司法所" in part.text and part.buttons
    chat = render.faq_handover(contacts, [], CHAT)
    assert "普法小助手" in chat.text and "司法所" not in chat.text and not chat.buttons
    plain = render.faq_handover(contacts, [])
    assert "转给工作人员" in plain.text and "户口" not in plain.text
    unknown_office = OutsideTopic("out-rent", "租房纠纷", ("房东不退押金", "房租涨了", "租房合同"))
    nameless = render.faq_handover(contacts, [], unknown_office)
    assert nameless.text == plain.text


@pytest.fixture
def content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def test_outside_files_load_with_the_library(content: Path) -> None:
    (content / "faq" / "outside.yaml").write_text(
        "- id: out-a\n  topic: 户口\n  where: 派出所\n  phrasings: [上户口, 迁户口, 补户口本]\n"
        "- id: out-b\n  topic: 打招呼\n  chat: true\n  phrasings: [你好, 在吗, 早上好]\n",
        encoding="utf-8",
    )
    lib = load_library(content)
    assert [t.id for t in lib.outside] == ["out-a", "out-b"]
    assert lib.outside[0].where == "派出所" and lib.outside[1].chat and not lib.outside[0].chat
    assert [e.id for e in lib.faq] == ["faq-t1"]  # not read as FAQ entries


def test_outside_problems_are_located(content: Path) -> None:
    (content / "faq" / "outside-more.yaml").write_text(
        "- id: faq-t1\n  topic: 重复\n  phrasings: [一, 二, 三]\n"
        "- id: out-c\n  topic: 太少\n  phrasings: [只有一个]\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as err:
        load_library(content)
    problems = err.value.problems
    assert any(p.startswith("faq/outside-more.yaml:1: faq-t1: id: 编号重复") for p in problems)
    assert any(p.startswith("faq/outside-more.yaml:4: out-c: phrasings:") for p in problems)


def test_shipped_outside_matters_do_not_shadow_the_library() -> None:
    """Each entry's own question must still be answered by that entry, not handed over."""
    lib = load_library(ROOT / "content")
    if not lib.outside:
        pytest.skip("no outside matters shipped")
    m = FaqMatcher.build(lib.faq, lib.synonyms, outside=lib.outside)
    wrong = [e.id for e in lib.faq if (m.consult(e.question).hit or FaqHit("-", 0)).faq_id != e.id]
    assert wrong == []
    caught = sum(m.consult(p).outside is not None for t in lib.outside for p in t.phrasings)
    assert caught >= 0.9 * sum(len(t.phrasings) for t in lib.outside)


@pytest.fixture(scope="module")
def shipped() -> FaqMatcher:
    lib = load_library(ROOT / "content")
    return FaqMatcher.build(lib.faq, lib.synonyms, outside=lib.outside)


@pytest.mark.parametrize("query", ["谢谢", "在吗", "好的", "谢谢！", "好的，谢谢", "嗯嗯", "咋办"])
def test_bare_small_talk_is_chat(shipped: FaqMatcher, query: str) -> None:
    verdict = shipped.consult(query)
    assert verdict.hit is None and verdict.outside is not None and verdict.outside.chat
    assert verdict.related == []


@pytest.mark.parametrize(
    "query",
    ["我今天心情不好，老公又打我了", "一个人在家闷得慌，儿女都不管我", "你好，邻居占了俺家地基"],
)
def test_a_legal_question_is_never_small_talk(shipped: FaqMatcher, query: str) -> None:
    verdict = shipped.consult(query)
    assert verdict.outside is None or not verdict.outside.chat
    assert verdict.hit is not None or verdict.related  # answered, or guesses offered


def test_search_fills_its_limit_when_matters_crowd_the_top(shipped: FaqMatcher) -> None:
    for query in ("你好呀", "户口本丢了", "今天天气咋样", "驾照扣分", "老板不给工钱"):
        depth = shipped.tuning.rerank_depth
        entries = [d for d, _ in shipped.evidence(query, depth) if not shipped.is_outside(d)]
        assert len(shipped.search(query, 3)) == min(3, len(entries)), query


def test_most_held_out_phrasings_of_outside_matters_are_handed_over() -> None:
    """Each quarter of the matters' phrasings, asked of an engine built without it."""
    from bot.services.faq_engine.fitting import FOLDS, held_out, held_out_outside

    lib = load_library(ROOT / "content")
    handed = asked_n = shadowed = entries_n = 0
    for fold in range(FOLDS):
        entries, asked = held_out(lib.faq, fold)
        outside, out_asked = held_out_outside(lib.outside, fold)
        m = FaqMatcher.build(entries, lib.synonyms, outside=outside)
        handed += sum(m.consult(q).hit is None for q in out_asked)
        asked_n += len(out_asked)
        shadowed += sum(m.consult(q).outside not in (None, CHATTING) for q, _ in asked[::4])
        entries_n += len(asked[::4])
    assert handed >= 0.7 * asked_n
    assert shadowed <= 0.01 * entries_n


def test_query_likelihood_prefers_the_entry_that_says_the_words() -> None:
    from bot.services.faq_engine.index import Field
    from bot.services.faq_engine.likelihood import QueryLikelihood

    lm = QueryLikelihood([Field(1.0, [["工", "钱", "工钱"], ["工", "伤", "工伤"]])], mu=2.0)
    shares = lm.shares([("钱", 1.0), ("工", 0.5)], [0, 1])
    assert abs(sum(shares) - 1.0) < 1e-9 and shares[0] > 0.6 > shares[1]
    assert lm.shares([("没有的词", 1.0)], [0, 1]) == [0.5, 0.5]
    assert lm.shares([("钱", 1.0)], []) == []


def test_fitting_on_a_small_library_with_labelled_queries() -> None:
    from bot.domain.content import Library
    from bot.services.faq_engine.fitting import fit_confidence, fit_ranking
    from bot.services.faq_match import Tuning

    more = ("狗咬人了要打针", "被狗咬伤了咋整", "狗没拴咬了娃")
    dog = dataclasses.replace(DOG, alternates=DOG.alternates + more)
    lib = Library((), (), (), (dog, WAGES), (("犬只", "狗", "狗子"),), (HUKOU, CHAT))
    queries = [("狗子把俺咬了", "faq-dog"), ("工钱要不回来", "faq-wages"), ("明天赶集不", None)]
    ranking = fit_ranking(lib, Tuning(), queries)
    fitted = dataclasses.replace(Tuning(), ranking=ranking)
    confidence = fit_confidence(lib, fitted, queries)
    assert len(ranking) == len(Tuning().ranking)
    assert len(confidence) == len(Tuning().confidence)
    fitted = dataclasses.replace(fitted, confidence=confidence)
    m = FaqMatcher.build(lib.faq, lib.synonyms, fitted, lib.outside)
    for query, expected in queries:
        if expected is not None:
            assert m.search(query, 1)[0].faq_id == expected
    # the confidence ranks a labelled in-scope query above the out-of-scope one
    assert m.search("狗子把俺咬了", 1)[0].score > max(
        [h.score for h in m.search("明天赶集不", 1)], default=0.0
    )
