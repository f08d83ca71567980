"""Training sessions and attendance over real HTTP with a moved clock."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from bot import jobs
from bot.domain.training import Attendance, Mode
from tests.e2e.study_setup import LI, QIAN, WANG, ZHANG, ZHAO, people
from tests.harness import Harness
from tests.rosters import write_xlsx


async def _statuses(h: Harness, session_id: int) -> dict[str, str]:
    rows = await h.services.training.store.db.fetchall(
        "SELECT p.name, a.status FROM attendance a JOIN people p ON p.id = a.person_id"
        " WHERE a.session_id = ?",
        (session_id,),
    )
    return {r[0]: r[1] for r in rows}


async def _create_by_chat(h: Harness) -> int:
    """The organizer's guided /session_new flow, all the way through."""
    await h.say(WANG, "/session_new")
    await h.say(WANG, "法律明白人培训班")
    kinds = [b for b in h.api.buttons_in(WANG) if b.startswith("sk:")]
    kind_index = h.services.training.settings.kinds.index("法律明白人培训")
    assert f"sk:{kind_index}" in kinds
    await h.tap(WANG, f"sk:{kind_index}")
    await h.tap(WANG, "sm:off")
    assert "时间格式不对" in await h.say(WANG, "下周五上午")
    await h.say(WANG, "12-05 09:00")
    assert "课时应是" in await h.say(WANG, "两个")
    await h.say(WANG, "2")
    await h.say(WANG, "村委会议室")
    await h.tap(WANG, "sa:villager")
    await h.api.wait_for(lambda: bool(h.api.calls_to("sendPhoto")))
    (session,) = await h.services.training.recent()
    for _ in range(200):  # the announcement is queued right after the QR code is sent
        current = await h.services.training.session(session.id)
        if current is not None and current.announced:
            break
        await asyncio.sleep(0.01)
    return session.id


@pytest.mark.parametrize("harness", [{"training__late_credit": 0.5}], indirect=True)
async def test_session_lifecycle(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-01 10:00")
    session_id = await _create_by_chat(h)
    session = await h.services.training.session(session_id)
    assert session is not None and session.mode is Mode.OFFLINE and session.hours == 2
    created = [
        str(c.params["text"])
        for c in h.api.calls_to("editMessageText")
        if "已新建培训" in str(c.params["text"])
    ][-1]
    assert f"签到码：{session.code}" in created and "checkin_" in created
    # the QR code printed for the hall decodes back to the deep link
    photo = h.api.calls_to("sendPhoto")[-1]
    assert photo.params["photo"]["size"] > 500
    png = await _qr_of(h, session_id)
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found.text == h.services.training.deep_link(session)

    # announced to the villager audience only (张三, 钱七 bound; 李四 not bound)
    await h.settle()
    for user, expect in ((ZHANG, 1), (QIAN, 1), (ZHAO, 0), (WANG, 0)):
        assert sum("培训通知" in t for t in h.api.texts_to(user)) == expect

    h.at("2026-12-05 08:00")  # one hour before: a reminder to those not checked in
    await h.run_job(jobs.tick)
    await h.settle()
    assert sum("培训提醒" in t for t in h.api.texts_to(ZHANG)) == 1

    h.at("2026-12-05 08:30")  # check-in opens at 08:45
    assert "还没到签到时间" in await h.say(ZHANG, f"/checkin {session.code}")
    h.at("2026-12-05 08:50")
    assert "签到成功" in await h.say(ZHANG, f"/checkin {session.code}")
    assert "已经签过到" in await h.say(ZHANG, f"/checkin {session.code}")
    h.at("2026-12-05 09:10")  # after the 5-minute grace: late, through the QR deep link
    assert "迟到" in await h.say(QIAN, f"/start checkin_{session.token}")
    assert "迟到" in await h.say(ZHAO, f"/checkin {session.code}")  # a guest counts too

    h.at("2026-12-05 09:31")  # the window has closed: refused, then closed by the tick
    assert "签到时间已过" in await h.say(WANG, f"/checkin {session.code}")
    await h.run_job(jobs.tick)
    statuses = await _statuses(h, session_id)
    assert statuses == {"张三": "present", "钱七": "late", "赵六": "late", "李四": "absent"}

    # the organizer excuses 李四 after all
    await h.say(WANG, "/attendance")
    await h.tap(WANG, f"av:{session_id}")
    await h.api.wait_for(lambda: "应到" in h.api.last_text(WANG))
    roll = h.api.last_text(WANG)
    assert "出席 1，迟到 2" in roll and "缺席：李四（王家村）" in roll
    li = await h.services.roster.people.roster_keys()
    li_id = next(k.id for k in li if k.name == "李四")
    answer = await h.tap(WANG, f"am:{session_id}:{li_id}:e")
    assert "请假" in answer["text"]
    assert (await _statuses(h, session_id))["李四"] == "excused"
    assert "只有组织者" in (await h.tap(ZHANG, f"am:{session_id}:{li_id}:p"))["text"]

    # class hours: present 2, late 2 × 0.5, excused 0; /me shows them
    assert "培训 2 / 2" in await h.say(ZHANG, "/me")
    assert "培训 1 / 1" in await h.say(QIAN, "/me")


async def _qr_of(h: Harness, session_id: int) -> bytes:
    from bot.render import qr_png

    session = await h.services.training.session(session_id)
    assert session is not None
    return qr_png(h.services.training.deep_link(session))


async def test_wrong_codes_are_limited(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-05 08:50")
    session = await h.services.training.create(
        title="普法讲座", kind="干部职工学习", mode=Mode.OFFLINE,
        starts_at=h.clock.now().replace(hour=9, minute=0), hours=1.5, by="test",
    )  # fmt: skip
    wrong = "0000" if session.code != "0000" else "1111"
    replies = [await h.say(ZHAO, f"/checkin {wrong}") for _ in range(5)]
    assert "还能试 4 次" in replies[0] and "次数太多" in replies[4]
    assert "次数太多" in await h.say(ZHAO, f"/checkin {session.code}")  # locked: even right
    assert await _statuses(h, session.id) == {}
    h.at("2026-12-05 09:01")  # ten minutes after the first wrong code
    assert "签到成功" in await h.say(ZHAO, f"/checkin {session.code}")


async def test_online_session_button_and_late_joiners(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-05 08:00")
    session = await h.services.training.create(
        title="线上民法典讲座", kind="干部职工学习", mode=Mode.ONLINE,
        starts_at=h.clock.now().replace(hour=9, minute=0), hours=1, place="会议号 123",
        by="test",
    )  # fmt: skip
    await h.run_job(jobs.tick)
    await h.settle()
    assert f"ci:{session.id}" in h.api.buttons_in(ZHAO)
    h.at("2026-12-05 09:02")
    answer = await h.tap(ZHAO, f"ci:{session.id}")
    assert "签到成功" in answer["text"]
    # someone added to the roster after the session is not counted absent for it
    h.at("2026-12-05 12:00")
    await h.services.roster.import_file(write_xlsx(tmp_path / "新人.xlsx", [
        ("孙八", "镇党政办", "干部", "13800000008")]))  # fmt: skip
    await h.run_job(jobs.tick)
    statuses = await _statuses(h, session.id)
    assert statuses["赵六"] == "present" and "孙八" not in statuses
    assert statuses["张三"] == "absent"


async def test_sign_in_sheet_import(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.at("2026-12-05 08:00")
    session = await h.services.training.create(
        title="广场普法", kind="广场咨询", mode=Mode.OFFLINE,
        starts_at=h.clock.now().replace(hour=9), hours=1, by="test",
    )  # fmt: skip
    header = ("序号", "姓名", "单位", "状态")
    bad = write_xlsx(tmp_path / "坏.xlsx", [(1, "张三", "王家村", "到"), (2, "无名", "王家村", "到"),
                                            (3, "李四", "王家村", "睡觉")], header)  # fmt: skip
    from bot.domain.errors import RosterError

    with pytest.raises(RosterError) as err:
        await h.services.training.import_sheet(session.id, bad)
    assert err.value.problems[0] == "第 3 行: 名单里没有 王家村 的 无名"
    assert err.value.problems[1].startswith("第 4 行: 状态 '睡觉' 不认识")
    assert await _statuses(h, session.id) == {}
    good = write_xlsx(tmp_path / "签到表.xlsx", [(1, "张三", "王家村", "出席"),
                                                 (2, "李四", "王家村", "请假")], header)  # fmt: skip
    assert await h.services.training.import_sheet(session.id, good) == 2
    assert await _statuses(h, session.id) == {"张三": "present", "李四": "excused"}
    assert Attendance("excused") is Attendance.EXCUSED
    _ = (LI, ZHANG)
