"""The daily push over real HTTP with a moved clock: timing, exactly-once, taps, groups."""

from __future__ import annotations

from datetime import UTC, time
from pathlib import Path

import pytest

from bot import jobs
from tests.e2e.study_setup import (
    GROUP,
    LI,
    QIAN,
    WANG,
    ZHANG,
    ZHAO,
    people,
    study_buttons,
    study_texts,
    village_group,
)  # fmt: skip
from tests.harness import SHANGHAI, Harness


async def test_push_at_push_time_reaches_everyone_once(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    await village_group(h)

    h.at("2026-12-01 07:59")
    await h.run_job(jobs.tick)
    await h.run_job(jobs.study_push)
    await h.settle()
    assert study_texts(h, ZHANG) == [] and study_texts(h, GROUP) == []

    h.at("2026-12-01 08:00")
    await h.run_job(jobs.study_push)
    await h.settle()
    # villagers and the village group get the villager item, cadres and organizers the cadre one
    for chat, title in ((ZHANG, "村民一"), (QIAN, "村民一"), (GROUP, "村民一"),
                        (ZHAO, "干部一"), (WANG, "干部一")):  # fmt: skip
        texts = study_texts(h, chat)
        assert len(texts) == 1, (chat, texts)
        assert title in texts[0] and "12月1日" in texts[0]
    assert study_texts(h, LI) == []  # not bound

    # every other trigger on the same day changes nothing: tick, job, restart catch-up
    await h.run_job(jobs.tick)
    await h.run_job(jobs.study_push)
    await h.restart()
    await h.run_job(jobs.tick)
    await h.settle()
    for chat in (ZHANG, QIAN, GROUP, ZHAO, WANG):
        assert len(study_texts(h, chat)) == 1


async def test_job_is_scheduled_in_local_time(harness: Harness) -> None:
    h = harness
    runtime = await h.start()
    jq = runtime.app.job_queue
    assert jq is not None
    (job,) = jq.get_jobs_by_name("study_push")
    assert job.next_t is not None
    assert job.next_t.astimezone(SHANGHAI).time() == time(8, 0)
    assert job.next_t.astimezone(UTC).time() == time(0, 0)  # 08:00 Asia/Shanghai


async def test_local_push_time_not_utc(harness: Harness, tmp_path: Path) -> None:
    """08:00 in Shanghai is 00:00 UTC: a bot comparing UTC times would push 8 hours late."""
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-01 08:01")  # 00:01 UTC
    await h.run_job(jobs.tick)
    await h.settle()
    assert len(study_texts(h, ZHANG)) == 1
    h.at("2026-12-02 07:30")  # 23:30 UTC of 12-01: not yet the 2nd's push time locally
    await h.run_job(jobs.tick)
    await h.settle()
    assert len(study_texts(h, ZHANG)) == 1


async def test_tap_records_once_with_rank(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    await village_group(h)
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.study_push)
    await h.settle()
    (zhang_button,) = study_buttons(h, ZHANG)
    (zhao_button,) = study_buttons(h, ZHAO)

    h.at("2026-12-01 08:05")
    first = await h.tap(ZHANG, zhang_button)
    assert "第 1 位" in first["text"]
    again = await h.tap(ZHANG, zhang_button)
    assert again["text"] == "您今天已经学过了"
    assert "第 2 位" in (await h.tap(ZHAO, zhao_button))["text"]

    # in the group each member's tap records their own study; an unbound member is told how
    (group_button,) = study_buttons(h, GROUP)
    assert "第 3 位" in (await h.tap(QIAN, group_button, chat_id=GROUP))["text"]
    assert "已经学过" in (await h.tap(ZHANG, group_button, chat_id=GROUP))["text"]
    stranger = await h.tap(LI, group_button, chat_id=GROUP)
    assert stranger["show_alert"] is True and "/start" in stranger["text"]

    rows = await h.services.study.store.db.fetchall(
        "SELECT person_id, via, minutes, late FROM study_records ORDER BY id"
    )
    assert [(r["via"], r["minutes"], r["late"]) for r in rows] == [
        ("private", 10, 0),
        ("private", 10, 0),
        ("group", 10, 0),
    ]


async def test_makeup_window_and_streak(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    buttons = {}
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        h.at(f"{day} 08:00")
        await h.run_job(jobs.tick)
        await h.settle()
        buttons[day] = study_buttons(h, ZHANG)[-1]
    assert len(set(buttons.values())) == 3
    assert [t.split("\n")[1] for t in study_texts(h, ZHANG)] == [
        "<b>村民一</b>",
        "<b>村民二</b>",
        "<b>五月专题</b>",
    ]  # rotation order; the May run item comes last outside May

    h.at("2026-12-02 09:00")
    await h.tap(ZHANG, buttons["2026-12-02"])
    h.at("2026-12-03 09:00")
    late = await h.tap(ZHANG, buttons["2026-12-01"])  # make-up of the 1st, within 3 days
    assert late["text"] == "已补记 12月1日 的学习 👍"
    me = await h.say(ZHANG, "/me")
    assert "本月学习：2 天" in me and "连续学习：2 天" in me  # today (3rd) not over yet
    assert "20 分钟（折合 0.4 课时）" in me

    h.at("2026-12-07 09:00")  # Monday: the 3rd's item is 4 days old now
    refused = await h.tap(ZHANG, buttons["2026-12-03"])
    assert refused["show_alert"] is True and "补学期限" in refused["text"]
    count = await h.services.study.store.db.scalar("SELECT COUNT(*) FROM study_records")
    assert count == 2


async def test_pinned_day_wins_and_cycle_restarts(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    received = []
    for day in ("2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-05",
                "2026-12-07"):  # fmt: skip
        h.at(f"{day} 08:30")
        await h.run_job(jobs.tick)
        await h.settle()
        received.append(len(study_texts(h, ZHAO)))
    titles = [t.split("\n")[1] for t in study_texts(h, ZHAO)]
    # 12-04 is 国家宪法日: the pinned item wins on both tracks; Saturday 12-05 has no push;
    # after the three rotation items a new cycle starts with the first again
    assert titles == [
        "<b>干部一</b>",
        "<b>干部二</b>",
        "<b>干部三</b>",
        "<b>宪法日</b>",
        "<b>干部一</b>",
    ]
    assert "宪法日" in study_texts(h, ZHANG)[3]
    assert received == [1, 2, 3, 4, 4, 5]


async def test_today_and_me_for_unbound(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    assert "还没有推送过" in await h.say(ZHANG, "/today")
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.tick)
    await h.settle()
    reply = await h.say(ZHANG, "/today")
    assert "村民一" in reply and "✅" not in reply
    assert "已学习" in str(h.api.messages_to(ZHANG)[-1]["reply_markup"])
    assert "还没有绑定" in await h.say(LI, "/me")


@pytest.mark.parametrize("harness", [{"study__reminder_time": "20:00"}], indirect=True)
async def test_evening_reminder_only_to_those_who_have_not_studied(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.tick)
    await h.settle()
    await h.tap(ZHANG, study_buttons(h, ZHANG)[0])
    h.at("2026-12-01 19:59")
    await h.run_job(jobs.tick)
    await h.settle()
    assert not any("还没学" in t for t in h.api.texts_to(ZHAO))
    h.at("2026-12-01 20:00")
    await h.run_job(jobs.study_reminder)
    await h.run_job(jobs.tick)
    await h.settle()
    assert sum("还没学" in t for t in h.api.texts_to(ZHAO)) == 1
    assert sum("还没学" in t for t in h.api.texts_to(WANG)) == 1
    assert not any("还没学" in t for t in h.api.texts_to(ZHANG))


async def test_push_now_and_status_for_organizers(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-01 07:00")
    assert "只有组织者" in await h.say(ZHANG, "/push_now")
    await h.say(WANG, "/push_now")
    await h.settle()
    (reply,) = [t for t in h.api.texts_to(WANG) if "已开始推送" in t]
    assert "4 人" in reply and "0 个群" in reply
    await h.settle()
    await h.say(WANG, "/push_now")
    await h.run_job(jobs.tick)  # 08:00 has not come, and the day is pushed already anyway
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.tick)
    await h.settle()
    assert len(study_texts(h, ZHANG)) == 1
    status = await h.say(WANG, "/push_status")
    assert "已送达：4" in status and "对方已屏蔽：0" in status
    audit = await h.services.access.audit.recent()
    assert [e.action for e in audit][:2] == ["push_now", "push_now"]


async def test_bindgroup_rules(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    assert "只有组织者" in await h.say(ZHANG, "/bindgroup", chat_id=GROUP)
    assert "在群里使用" in await h.say(WANG, "/bindgroup")
    assert "没有找到单位" in await h.say(WANG, "/bindgroup 不存在村", chat_id=GROUP)
    await h.say(WANG, "/bindgroup 王家村", chat_id=GROUP)
    keyboard = h.api.messages_to(GROUP)[-1]["reply_markup"]["inline_keyboard"]
    cadre_data = keyboard[0][0]["callback_data"]
    refused = await h.tap(ZHANG, cadre_data, chat_id=GROUP)  # a member taps the organizer's button
    assert refused["show_alert"] is True
    assert await h.services.study.groups.by_chat(GROUP) is None
    await h.tap(WANG, cadre_data, chat_id=GROUP)
    group = await h.services.study.groups.by_chat(GROUP)
    assert group is not None and group.track.value == "cadre" and group.unit_id is not None
    assert "取消" in await h.say(WANG, "/unbindgroup", chat_id=GROUP)
