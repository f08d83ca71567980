"""Legal questions over real HTTP: answers with the law, hand-over, feedback, staff replies."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.study_setup import GROUP, LI, QIAN, WANG, ZHANG, people
from tests.harness import ROOT, Harness

REAL = {"content_dir": str(ROOT / "content")}


async def _consultations(h: Harness) -> list[tuple[str, str | None, str, str | None]]:
    rows = await h.services.faq.store.db.fetchall(
        "SELECT question, matched_id, outcome, feedback FROM consultations ORDER BY id"
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


@pytest.mark.parametrize("harness", [REAL], indirect=True)
async def test_answer_with_references_related_and_feedback(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    entry = h.services.faq.entry("faq-ld-taoxin")
    assert entry is not None
    reply = await h.say(ZHANG, entry.question)
    assert entry.answer[:20] in reply and "法律依据" in reply and entry.references[0] in reply
    markup = h.api.messages_to(ZHANG)[-1]["reply_markup"]["inline_keyboard"]
    feedback = [b["callback_data"] for b in markup[-1]]
    assert feedback[0].startswith("fb:") and feedback[0].endswith(":y")
    related = [row[0]["callback_data"] for row in markup[:-1]]
    assert related and all(r.startswith("fq:") for r in related)

    assert "只有提问的人" in (await h.tap(QIAN, feedback[1]))["text"]
    assert "已转给工作人员" in (await h.tap(ZHANG, feedback[1]))["text"]
    await h.tap(ZHANG, related[0])
    await h.api.wait_for(lambda: len(h.api.messages_to(ZHANG)) == 2)
    shown = h.services.faq.entry(related[0].split(":", 1)[1])
    assert shown is not None and shown.answer[:20] in h.api.last_text(ZHANG)
    log = await _consultations(h)
    assert log == [
        (entry.question, entry.id, "answered", "unhelpful"),
        (shown.question, shown.id, "answered", None),
    ]


@pytest.mark.parametrize("harness", [REAL], indirect=True)
async def test_hand_over_unanswered_list_and_staff_reply(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    reply = await h.say(ZHANG, "电视机没信号了")
    assert "工作人员" in reply and "12348 公共法律服务热线" in reply and "乡镇司法所" in reply
    await h.say(QIAN, "电视机没信号了？")
    await h.say(LI, "帮俺查查快递到哪了")  # an unbound villager is answered (and logged) too
    outcomes = [row[2] for row in await _consultations(h)]
    assert outcomes == ["handed_over"] * 3

    assert "只有组织者" in await h.say(ZHANG, "/unanswered")
    listing = await h.say(WANG, "/unanswered")
    assert (
        "电视机没信号了？（2 次）编号：#2、#1" in listing
        and "帮俺查查快递到哪了（1 次）" in listing
    )

    assert "已把回复发给提问人（咨询 #1）" in await h.say(WANG, "/answer 1 请找广电网络的师傅看看")
    staff = h.api.texts_to(ZHANG)[-1]
    assert "工作人员回复您的咨询" in staff and "请找广电网络的师傅看看" in staff
    assert "没有编号为 99 的咨询" in await h.say(WANG, "/answer 99 你好")
    assert "#1" not in await h.say(WANG, "/unanswered")


@pytest.mark.parametrize("harness", [REAL], indirect=True)
async def test_questions_in_groups(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    entry = h.services.faq.entry("faq-hy-jiabao")
    assert entry is not None
    assert "请这样问" in await h.say(ZHANG, "/ask", chat_id=GROUP)
    answer = await h.say(ZHANG, f"/ask {entry.question}", chat_id=GROUP)
    assert entry.answer[:20] in answer
    before = len(h.api.messages_to(GROUP))
    h.api.inject_message(QIAN, "大家早上好", chat_id=GROUP)  # ordinary group chat: ignored
    mention = await h.say(QIAN, f"@legal_study_bot {entry.question}", chat_id=GROUP)
    assert entry.answer[:20] in mention
    assert len(h.api.messages_to(GROUP)) == before + 1
    assert len(await _consultations(h)) == 2
    thanks = await h.say(QIAN, "@legal_study_bot 谢谢", chat_id=GROUP)
    assert "@我" in thanks and "/ask" in thanks


@pytest.mark.parametrize("harness", [REAL], indirect=True)
async def test_small_talk_and_matters_the_library_does_not_answer(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    greeting = await h.say(ZHANG, "你好")
    assert "普法小助手" in greeting and "12348" not in greeting
    assert "reply_markup" not in h.api.messages_to(ZHANG)[-1]
    referral = await h.say(ZHANG, "娃刚生下来户口咋上")
    assert "户口和身份证" in referral and "派出所户籍窗口" in referral
    assert "12348 公共法律服务热线" in referral and "乡镇司法所" in referral
    log = await _consultations(h)
    assert log == [
        ("你好", "out-wenhou", "handed_over", None),
        ("娃刚生下来户口咋上", "out-hukou", "handed_over", None),
    ]
    listing = await h.say(WANG, "/unanswered")  # greetings need no reply from staff
    assert "娃刚生下来户口咋上（1 次）" in listing and "你好" not in listing
    # small talk is logged, but it is not a legal consultation (the reports count via 'ask')
    vias = await h.services.faq.store.db.fetchall("SELECT via FROM consultations ORDER BY id")
    assert [v[0] for v in vias] == ["chat", "ask"]
