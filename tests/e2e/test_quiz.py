"""Quizzes over real HTTP: polls and buttons, grading, refusals, review, exams, group quizzes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot import jobs
from tests.e2e.study_setup import GROUP, LI, QIAN, WANG, ZHANG, ZHAO, people, village_group
from tests.harness import Harness


async def _pushed(h: Harness, tmp_path: Path) -> None:
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.tick)
    await h.settle()


async def _answers(h: Harness) -> list[tuple[int, str, str, str, int]]:
    rows = await h.services.quiz.store.db.fetchall(
        "SELECT person_id, question_id, context, choice, correct FROM quiz_answers ORDER BY id"
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def _answer_poll(h: Harness, user: int, chat: int, options: list[int]) -> None:
    poll = h.api.polls_in(chat)[-1]
    before = len(h.api.calls)
    h.api.inject_poll_answer(user, poll["id"], options)
    await h.api.wait_for(lambda: len(h.api.calls) > before)
    await h.settle()


async def _latest_ask(h: Harness, user: int, newer_than: int = 0) -> tuple[int, str, bool]:
    """(ask id, question id, is a poll) of the newest question delivered to a user."""
    for _ in range(500):
        row = await h.services.quiz.store.db.fetchone(
            "SELECT k.id, k.question_id, k.poll_id, k.message_id FROM quiz_asks k JOIN people p"
            " ON p.id = k.person_id WHERE p.telegram_id = ? ORDER BY k.id DESC LIMIT 1",
            (user,),
        )
        if row is not None and row[3] is not None and row[0] > newer_than:
            return row[0], row[1], row[2] is not None
        await asyncio.sleep(0.01)
    raise AssertionError("no question was delivered")


@pytest.mark.parametrize("harness", [{"quiz__daily_questions": 4}], indirect=True)
async def test_daily_quiz_as_polls_and_buttons(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await _pushed(h, tmp_path)
    study_button = next(b for b in h.api.buttons_in(ZHAO) if b.startswith("st:"))
    await h.tap(ZHAO, "qz:" + study_button.split(":")[1])  # 做题 under today's item (宪法第五条)

    # the question on the same article comes first, as a native quiz poll
    (poll,) = h.api.polls_in(ZHAO)
    assert poll["type"] == "quiz" and poll["is_anonymous"] is False
    assert poll["question"] == "第1题/共4题 测试单选题？" and poll["correct_option_ids"] == [1]
    seen = []
    for n in range(4):
        await h.api.wait_for(
            lambda n=n: (
                len(h.api.polls_in(ZHAO))
                + len({b.split(":")[1] for b in h.api.buttons_in(ZHAO) if b[:3] in ("qa:", "qt:")})
                > n
            )
        )
        ask, question, is_poll = await _latest_ask(h, ZHAO)
        seen.append((question, is_poll))
        if question == "q-1":
            await _answer_poll(h, ZHAO, ZHAO, [1])  # right
            assert any(
                "✅ 答对了" in t and "《中华人民共和国宪法》第五条" in t
                for t in h.api.texts_to(ZHAO)
            )
        elif question == "q-2":
            await _answer_poll(h, ZHAO, ZHAO, [1])  # 错: right
        elif question == "q-3":  # multiple: toggles kept server-side, then submit
            for option in (0, 2, 2, 2):
                await h.tap(ZHAO, f"qt:{ask}:{option}")
            assert "☑ C" in str(h.api.calls_to("editMessageText")[-1].params["reply_markup"])
            assert (await h.tap(ZHAO, f"qs:{ask}"))["text"] == "✅ 答对了！"
        else:  # q-4: too long for a poll, letter buttons; answer it wrong
            await h.tap(ZHAO, f"qa:{ask}:0")
            await h.api.wait_for(
                lambda: "短选项" in h.api.calls_to("editMessageText")[-1].params["text"]
            )
            edited = h.api.calls_to("editMessageText")[-1].params["text"]
            assert "答错了" in edited and "B. 短选项" in edited
        await h.settle()
    assert sorted(seen) == [("q-1", True), ("q-2", True), ("q-3", False), ("q-4", False)]
    await h.api.wait_for(lambda: any("本轮做完了" in t for t in h.api.texts_to(ZHAO)))
    assert "共 4 题，答对 3 题" in h.api.last_text(ZHAO)
    zhao = await h.services.access.person(ZHAO)
    assert zhao is not None
    answers = sorted(await _answers(h))
    assert answers == [
        (zhao.id, "q-1", "daily", "B", 1),
        (zhao.id, "q-2", "daily", "错", 1),
        (zhao.id, "q-3", "daily", "AC", 1),
        (zhao.id, "q-4", "daily", "A", 0),
    ]


@pytest.mark.parametrize("harness", [{"quiz__daily_questions": 2}], indirect=True)
async def test_forged_duplicate_and_expired_answers_are_refused(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await _pushed(h, tmp_path)
    await h.say(ZHANG, "/quiz", expect=0)
    ask, question, is_poll = await _latest_ask(h, ZHANG)
    assert (question, is_poll) == ("q-2", True)  # on today's item (民法典第一千零四十二条)
    poll = h.api.polls_in(ZHANG)[-1]

    h.api.inject_poll_answer(QIAN, poll["id"], [1])  # someone else answers ZHANG's poll
    forged = await h.tap(ZHAO, f"qa:{ask}:1")  # a forged button press for it
    assert forged["show_alert"] is True and "发给别人" in forged["text"]
    assert "失效" in (await h.tap(ZHANG, "qa:999999:0"))["text"]
    assert await _answers(h) == []

    await _answer_poll(h, ZHANG, ZHANG, [1])
    await _answer_poll(h, ZHANG, ZHANG, [0])  # a second answer to the same poll
    assert [(r[1], r[4]) for r in await _answers(h)] == [("q-2", 1)]

    ask, question, is_poll = await _latest_ask(h, ZHANG, newer_than=ask)
    assert (question, is_poll) == ("q-4", False)
    assert (await h.tap(ZHANG, f"qa:{ask}:1"))["text"] == "✅ 答对了！"
    assert "已经答过" in (await h.tap(ZHANG, f"qa:{ask}:0"))["text"]
    assert len(await _answers(h)) == 2

    h.at("2026-12-01 09:00")
    await h.say(ZHANG, "/quiz", expect=0)
    ask, question, _ = await _latest_ask(h, ZHANG, newer_than=ask)
    h.at("2026-12-02 09:30")  # past the 24-hour answer window
    if question in ("q-1", "q-2"):
        await _answer_poll(h, ZHANG, ZHANG, [1])
    else:
        expired = await h.tap(ZHANG, f"qt:{ask}:0")
        assert "过期" in expired["text"]
    assert len(await _answers(h)) == 2


@pytest.mark.parametrize("harness", [{"quiz__daily_questions": 1}], indirect=True)
async def test_review_notebook_leitner_boxes(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await _pushed(h, tmp_path)
    assert "错题本是空的" in await h.say(ZHANG, "/review")
    zhang = await h.services.access.person(ZHANG)
    assert zhang is not None
    store = h.services.quiz.store

    await h.say(ZHANG, "/quiz", expect=0)
    ask, question, _ = await _latest_ask(h, ZHANG)
    assert question == "q-2"
    await _answer_poll(h, ZHANG, ZHANG, [0])  # wrong (the answer is 错)
    assert await store.review_box(zhang.id, "q-2") == 1
    assert await store.reviews(zhang.id, h.services.quiz.today(), 5) == []  # due tomorrow

    # Leitner boxes: right answers move it up (1 → 2 → 3) after 1, 3 and 7 days, then out
    for day, box in (("2026-12-02", 2), ("2026-12-05", 3), ("2026-12-12", None)):
        h.at(f"{day} 09:00")
        assert await store.reviews(zhang.id, h.services.quiz.today(), 5) == ["q-2"]
        await h.say(ZHANG, "/review", expect=0)
        ask, question, _ = await _latest_ask(h, ZHANG, newer_than=ask)
        assert question == "q-2"
        await _answer_poll(h, ZHANG, ZHANG, [1])
        assert await store.review_box(zhang.id, "q-2") == box
    await h.api.wait_for(
        lambda: (
            h.api.texts_to(ZHANG).count("本轮做完了：共 1 题，答对 1 题。全部答对，真棒！👍") == 3
        )
    )
    assert "错题本是空的" in await h.say(ZHANG, "/review")
    contexts = [row[2] for row in await _answers(h)]
    assert contexts == ["daily", "review", "review", "review"]


async def test_exam_times_out_and_auto_submits(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await _pushed(h, tmp_path)
    h.at("2026-12-01 10:00")
    assert "可以参加的考试" in await h.say(ZHAO, "/exam")
    assert "ex:exam-t" in h.api.buttons_in(ZHAO)
    await h.tap(ZHAO, "ex:exam-t")
    await h.api.wait_for(lambda: bool(h.api.polls_in(ZHAO)))
    assert any("限时 10 分钟" in t for t in h.api.texts_to(ZHAO))
    poll = h.api.polls_in(ZHAO)[-1]
    assert "剩10分钟" in poll["question"]
    correct = poll["correct_option_ids"]
    await _answer_poll(h, ZHAO, ZHAO, correct)  # first question right
    await h.api.wait_for(lambda: len(h.api.polls_in(ZHAO)) == 2)
    assert not any("答对了" in t for t in h.api.texts_to(ZHAO))  # exams reveal no explanations

    h.at("2026-12-01 10:11")  # the 10 minutes are over
    await _answer_poll(h, ZHAO, ZHAO, [0])  # too late: refused
    await h.run_job(jobs.tick)
    await h.api.wait_for(lambda: any("交卷了" in t for t in h.api.texts_to(ZHAO)))
    result = h.api.last_text(ZHAO)
    assert "答对 1 / 2 题" in result and "得分 50 分" in result and "及格" in result
    assert "自动交卷" in result
    refused = await h.tap(ZHAO, "ex:exam-t")
    assert refused["show_alert"] is True and "考过了" in refused["text"]

    assert "只有组织者" in await h.say(ZHAO, "/exam_results")
    await h.say(WANG, "/exam_results")
    await h.tap(WANG, "er:exam-t")
    await h.api.wait_for(lambda: "已考 1 人" in h.api.last_text(WANG))
    report = h.api.last_text(WANG)
    assert "及格 1 人" in report and "平均分 50" in report and "张三（王家村）" in report
    me = await h.say(ZHAO, "/me")
    assert "答题：1 道" in me and "考试及格：1 场" in me


async def test_group_quiz_records_every_member(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    await village_group(h)
    assert "只有组织者" in await h.say(ZHANG, "/groupquiz 2", chat_id=GROUP)
    await h.say(WANG, "/groupquiz 2", chat_id=GROUP, expect=1)
    await h.api.wait_for(lambda: len(h.api.polls_in(GROUP)) == 2)
    first = h.api.polls_in(GROUP)[0]
    right = first["correct_option_ids"]
    for user, choice in ((ZHANG, right), (QIAN, [1 - right[0]])):
        h.api.inject_poll_answer(user, first["id"], choice)
    h.api.inject_poll_answer(LI, first["id"], right)  # not bound
    await h.api.wait_for(lambda: any("还没有绑定身份" in t for t in h.api.texts_to(GROUP)))
    await h.api.wait_for(lambda: len(h.api.calls_to("sendMessage")) > 0)
    rows = await _answers(h)
    zhang = await h.services.access.person(ZHANG)
    qian = await h.services.access.person(QIAN)
    assert zhang is not None and qian is not None
    assert sorted((r[0], r[2], r[4]) for r in rows) == sorted(
        [(zhang.id, "group", 1), (qian.id, "group", 0)]
    )
