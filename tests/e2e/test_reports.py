"""Reports against a known history built through the real bot, checked against hand counts."""

from __future__ import annotations

import asyncio
import csv
import io
import os
import sys
import warnings
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot import jobs
from bot.domain.people import Track
from bot.domain.training import Attendance, Mode
from bot.exports import charts, excel
from tests.e2e.study_setup import QIAN, WANG, ZHANG, ZHAO, people
from tests.harness import ROOT, Harness
from tests.rosters import write_xlsx

SUN = 500008
CONFIG = {"training__late_credit": 0.5, "quiz__daily_questions": 2, "faq__threshold": 0.05,
          "content_dir": str(ROOT / "tests" / "fixtures" / "content")}  # fmt: skip


async def _push(h: Harness, day: str) -> None:
    h.at(f"{day} 08:00")
    await h.run_job(jobs.tick)
    await h.settle()


async def _tap_today(h: Harness, user: int, when: str) -> None:
    h.at(when)
    buttons = [b for b in h.api.buttons_in(user) if b.startswith("st:")]
    assert buttons, h.api.texts_to(user)
    button = buttons[-1]
    assert "已" in (await h.tap(user, button))["text"]


async def _latest_ask(h: Harness, user: int, newer_than: int = 0) -> tuple[int, str, str | None]:
    for _ in range(500):
        row = await h.services.quiz.store.db.fetchone(
            "SELECT k.id, k.question_id, k.poll_id FROM quiz_asks k JOIN people p"
            " ON p.id = k.person_id WHERE p.telegram_id = ? AND k.message_id IS NOT NULL"
            " ORDER BY k.id DESC LIMIT 1",
            (user,),
        )
        if row is not None and row[0] > newer_than:
            return row[0], row[1], row[2]
        await asyncio.sleep(0.01)
    raise AssertionError("no question")


async def _answer_poll(h: Harness, user: int, poll_id: str, option: int) -> None:
    before = await h.services.quiz.store.db.scalar("SELECT COUNT(*) FROM quiz_answers")
    h.api.inject_poll_answer(user, poll_id, [option])
    for _ in range(500):
        if await h.services.quiz.store.db.scalar("SELECT COUNT(*) FROM quiz_answers") > before:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("answer not recorded")


async def build_history(h: Harness, tmp_path: Path) -> None:
    await h.start()
    await people(h, tmp_path)  # 张三 王五 赵六 钱七 bound; 李四 not
    training = h.services.training
    # day 1: everyone bound gets the item; 张三 and 赵六 study it
    await _push(h, "2026-12-01")
    await _tap_today(h, ZHANG, "2026-12-01 08:10")
    await _tap_today(h, ZHAO, "2026-12-01 09:00")
    # 张三 takes a daily quiz: one right, one wrong
    await h.say(ZHANG, "/quiz", expect=0)
    ask, question, poll = await _latest_ask(h, ZHANG)
    assert question == "q-2" and poll is not None
    await _answer_poll(h, ZHANG, poll, 1)
    ask, question, poll = await _latest_ask(h, ZHANG, ask)
    assert question == "q-4" and poll is None
    await h.tap(ZHANG, f"qa:{ask}:0")
    # a cadres' session on day 2 at 09:00: 王五 checks in, 赵六 is excused
    h.at("2026-12-01 12:00")
    s1 = await training.create(title="中心组学法", kind="中心组学法", mode=Mode.OFFLINE,
                               starts_at=h.clock.now().replace(day=2, hour=9, minute=0), hours=2,
                               roles=Track.CADRE.roles, by="test")  # fmt: skip
    # day 2: 赵六 has blocked the bot; 张三 studies; 孙八 joins the roster at 10:00 and binds
    h.api.block(ZHAO)
    await _push(h, "2026-12-02")
    h.at("2026-12-02 08:50")
    assert "签到成功" in await h.say(WANG, f"/checkin {s1.code}")
    zhao = await h.services.access.people.by_telegram(ZHAO)
    assert zhao is not None
    await training.mark(s1.id, zhao.id, Attendance.EXCUSED, "test")
    await _tap_today(h, ZHANG, "2026-12-02 09:10")
    h.at("2026-12-02 10:00")
    newcomer = [("孙八", "镇党政办", "干部", "13800000008")]
    await h.services.roster.import_file(write_xlsx(tmp_path / "新人.xlsx", newcomer))
    code = next(r.code for r in await h.services.roster.people.open_codes() if r.name == "孙八")
    assert "绑定成功" in await h.say(SUN, f"/start {code}", expect=1)
    await h.api.wait_for(lambda: any("📖 每日一学" in t for t in h.api.texts_to(SUN)))
    await _tap_today(h, SUN, "2026-12-02 10:30")
    await h.run_job(jobs.tick)  # closes the 09:00 session (window ended at 09:30)
    # 张三 asks a question the library answers
    h.at("2026-12-02 11:00")
    await h.say(ZHANG, "测试问题？")
    # day 3: a villagers' session at 14:00: 张三 on time, 钱七 late, 李四 absent
    await _push(h, "2026-12-03")
    s2 = await training.create(title="法律明白人培训", kind="法律明白人培训", mode=Mode.OFFLINE,
                               starts_at=h.clock.now().replace(hour=14, minute=0), hours=1.5,
                               roles=Track.VILLAGER.roles, by="test")  # fmt: skip
    h.at("2026-12-03 13:50")
    assert "签到成功" in await h.say(ZHANG, f"/checkin {s2.code}")
    h.at("2026-12-03 14:20")
    assert "迟到" in await h.say(QIAN, f"/checkin {s2.code}")
    h.at("2026-12-03 15:00")
    await h.run_job(jobs.tick)  # closes: 李四 absent
    # 钱七 makes up the day-1 item; 王五 studies day 3 late in the evening (23:30)
    first_button = next(b for b in h.api.buttons_in(QIAN) if b.startswith("st:"))
    assert "补记" in (await h.tap(QIAN, first_button))["text"]
    await _tap_today(h, WANG, "2026-12-03 23:30")
    # 钱七 asks about the weather (handed over), an organizer replies
    await h.say(QIAN, "今天天气怎么样")
    await h.say(WANG, "/answer 2 请看天气预报")
    # day 4 at 00:30 (still 12-03 in UTC): 王五 answers one quiz question
    h.at("2026-12-04 00:30")
    await h.say(WANG, "/quiz", expect=0)
    _, question, poll = await _latest_ask(h, WANG)
    assert question == "q-1" and poll is not None
    await _answer_poll(h, WANG, poll, 1)
    await _push(h, "2026-12-04")


@pytest.mark.parametrize("harness", [CONFIG], indirect=True)
async def test_report_figures_match_hand_counts(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await build_history(h, tmp_path)
    reports = h.services.reports
    scope, label = await reports.scope("2026-12-01~2026-12-04")
    report = await reports.build(scope, label)
    o = report.overview
    assert (o.pushes, o.study_records, o.studying_people, o.minutes) == (4, 6, 5, 60)
    assert o.participation == pytest.approx(6 / 16)
    assert o.sessions_by_kind == {"中心组学法": 1, "法律明白人培训": 1}
    assert (o.hours_offered, o.people_trained, o.attendances) == (3.5, 3, 3)
    assert o.attendance_rate == pytest.approx(3 / 4)  # excused left out
    assert (o.answers, o.quiz_rounds) == (3, 2) and o.accuracy == pytest.approx(2 / 3)
    assert (o.asked, o.answered_by_bot, o.handed_over, o.answered_by_staff, o.answered) == (
        2,
        1,
        1,
        1,
        2,
    )
    rows = {p.person.name: p for p in report.people}
    assert set(rows) == {"张三", "李四", "王五", "赵六", "钱七", "孙八"}
    expect = {  # name: (delivered, studied of delivered, study days, training hours, answered)
        "张三": (4, 2, 2, 1.5, 2), "李四": (0, 0, 0, 0.0, 0), "王五": (4, 1, 1, 2.0, 1),
        "赵六": (1, 1, 1, 0.0, 0), "钱七": (4, 1, 1, 0.75, 0), "孙八": (3, 1, 1, 0.0, 0),
    }  # fmt: skip
    for name, (delivered, studied, days, training_hours, answered) in expect.items():
        p = rows[name]
        assert (p.delivered, p.studied_delivered, p.study_days, p.training_hours, p.answered) == (
            delivered,
            studied,
            days,
            training_hours,
            answered,
        ), name
    assert rows["张三"].class_hours == pytest.approx(1.5 + 20 / 45)
    assert rows["李四"].participation is None and rows["赵六"].participation == 1.0

    # the day boundary: 王五's answer at 00:30 on 12-04 belongs to 12-04, not 12-03
    scope3, label3 = await reports.scope("2026-12-01~2026-12-03")
    upto3 = await reports.build(scope3, label3)
    assert (upto3.overview.answers, upto3.overview.pushes) == (2, 3)

    # one unit
    unit_scope, unit_label = await reports.scope("2026-12-01~2026-12-04", "王家村")
    unit = await reports.build(unit_scope, unit_label)
    assert {p.person.name for p in unit.people} == {"张三", "李四"}
    assert unit.overview.sessions_by_kind == {"中心组学法": 1, "法律明白人培训": 1}
    assert unit.overview.asked == 1  # only 张三's question

    # the annual paragraph uses the same figures
    year_scope, year_label = await reports.scope("2026")
    year = await reports.build(year_scope, year_label)
    paragraph = reports.annual_paragraph(year, 2026)
    assert paragraph == (
        "2026年，通过“每日一学”推送学法内容4期，参学6人次，平均参学率37.5%；"
        "开展中心组学法1次、法律明白人培训1次；共组织3人开展线上线下培训3.5课时；"
        "开展法律知识测验2次，平均正确率66.7%；解答法律咨询2件次。"
    )
    assert "37.5%" in await h.say(WANG, "/annual 2026")

    # Excel: the same numbers, read back with openpyxl
    path = tmp_path / "report.xlsx"
    excel.write_xlsx(year, path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["概览", "按单位", "按人员", "培训", "测验", "咨询"]
    overview = {r[0]: r[1] for r in wb["概览"].iter_rows(min_row=2, values_only=True)}
    assert overview["推送期数"] == 4 and overview["参学人次"] == 6
    assert overview["平均参学率"] == pytest.approx(0.375) and overview["解答法律咨询（件次）"] == 2
    assert overview["中心组学法（次）"] == 1 and overview["培训课时"] == 3.5
    people_sheet = list(wb["按人员"].iter_rows(values_only=True))
    assert people_sheet[0][:5] == ("姓名", "单位", "角色", "学习天数", "参学率")
    zhang = next(r for r in people_sheet if r[0] == "张三")
    assert zhang[3:8] == (2, 0.5, 20, 1.5, pytest.approx(1.94, abs=0.01))
    assert wb["按人员"].freeze_panes == "A2"
    sessions = list(wb["培训"].iter_rows(min_row=2, values_only=True))
    assert [(s[2], s[5], s[6], s[7], s[8]) for s in sessions] == [
        ("中心组学法", 1, 0, 1, 0),
        ("法律明白人培训", 1, 1, 0, 1),
    ]
    units = {r[0]: r for r in wb["按单位"].iter_rows(min_row=2, values_only=True)}
    assert units["王家村"][3] == 2 and units["王家村"][4] == pytest.approx(2 / 4)
    quizzes = list(wb["测验"].iter_rows(min_row=2, values_only=True))
    assert quizzes[-1][:2] == ("（全部答题）", 3)
    asked = list(wb["咨询"].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[5], r[7]) for r in asked] == [
        ("张三", "测试问题？", "机器人解答", None),
        ("钱七", "今天天气怎么样", "转人工", "请看天气预报"),
    ]

    # CSV of the per-person sheet, with a BOM
    csv_path = tmp_path / "people.csv"
    excel.write_person_csv(year, csv_path)
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert lines[0][:5] == ["姓名", "单位", "角色", "学习天数", "参学率"]
    zhang_line = next(line for line in lines if line[0] == "张三")
    assert zhang_line[:7] == ["张三", "王家村", "法律明白人", "2", "50.0%", "20", "1.5"]


@pytest.mark.parametrize("harness", [CONFIG], indirect=True)
async def test_report_in_chat_and_charts_use_a_cjk_font(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await build_history(h, tmp_path)
    assert "只有组织者" in await h.say(ZHANG, "/report 2026")
    await h.say(WANG, "/report 2026", expect=1)
    await h.api.wait_for(lambda: bool(h.api.calls_to("sendPhoto")))
    summary = [t for t in h.api.texts_to(WANG) if t.startswith("📊")][-1]
    assert "推送 4 期，参学 6 人次（5 人），平均参学率 37.5%" in summary
    assert "各单位参学率" in summary
    document = h.api.calls_to("sendDocument")[-1].params["document"]
    assert document["__file__"].endswith(".xlsx") and document["size"] > 3000
    assert "时间段可以写" in await h.say(WANG, "/report 明年后年")
    reports = h.services.reports
    scope, label = await reports.scope("2026")
    report = await reports.build(scope, label)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.combined_png(report)
    missing = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert not missing, missing
    assert png.startswith(b"\x89PNG")
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(charts.cjk_font(), fallback_to_default=False))
    charmap = font.get_charmap()
    assert all(ord(c) in charmap for c in "每日参学率各单位课时培训学习折合王家村")


@pytest.mark.parametrize("harness", [{"reports": {"weekly_day": "mon", "weekly_time": "08:30"}}],
                         indirect=True)  # fmt: skip
async def test_inactive_nudge_and_weekly_summary(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    for day in ("2026-12-01", "2026-12-02", "2026-12-03"):
        await _push(h, day)
    await _tap_today(h, ZHANG, "2026-12-03 09:00")
    h.at("2026-12-05 10:00")
    listing = await h.say(WANG, "/inactive 3")
    assert "最近 3 天没学习的（3 人）" in listing
    assert "赵六（镇党政办）最近一次：从未学习" in listing and "张三" not in listing
    answer = await h.tap(WANG, "nudge:3")
    assert "已安排提醒 3 人" in answer["text"]
    await h.settle()
    assert sum("好几天没看" in t for t in h.api.texts_to(ZHAO)) == 1
    assert "已安排提醒 0 人" in (await h.tap(WANG, "nudge:3"))["text"]  # once a day
    assert "只有组织者" in (await h.tap(ZHANG, "nudge:3"))["text"]

    runtime = h.runtime
    assert runtime is not None and runtime.app.job_queue is not None
    (job,) = runtime.app.job_queue.get_jobs_by_name("weekly_summary")
    assert job.next_t is not None and job.next_t.weekday() == 0  # Monday
    h.at("2026-12-07 08:30")
    await h.run_job(jobs.weekly_summary)
    await h.settle()
    weekly = [t for t in h.api.texts_to(WANG) if "上周学法情况" in t]
    assert len(weekly) == 1 and "推送 3 期，参学 1 人次（1 人）" in weekly[0]
    assert any("上周学法情况" in t for t in h.api.texts_to(900001))  # the admin from the config


async def _cli(tmp_path: Path, *args: str) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGALBOT_")}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, "--config", str(tmp_path / "config.yaml"),
        cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        out, _ = await asyncio.wait_for(proc.communicate(), 120)
    except TimeoutError:
        proc.kill()
        out, _ = await proc.communicate()
        raise AssertionError(f"legalbot {' '.join(args)} hung: {out.decode()[-2000:]}") from None
    return proc.returncode or 0, out.decode()


@pytest.mark.parametrize("harness", [CONFIG], indirect=True)
async def test_report_and_annual_from_the_command_line(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await build_history(h, tmp_path)
    code, out = await _cli(tmp_path, "annual", "2026")
    assert code == 0 and "推送学法内容4期，参学6人次，平均参学率37.5%" in out
    for suffix in ("xlsx", "csv", "png"):
        target = tmp_path / f"out.{suffix}"
        code, out = await _cli(tmp_path, "report", "--from", "2026-12-01", "--to", "2026-12-04",
                               "--out", str(target))  # fmt: skip
        assert code == 0, out
        assert target.stat().st_size > 100
    assert load_workbook(tmp_path / "out.xlsx")["概览"]["B3"].value == 4
    assert (tmp_path / "out.png").read_bytes().startswith(b"\x89PNG")
    assert "张三,王家村,法律明白人,2,50.0%" in (tmp_path / "out.csv").read_text("utf-8-sig")
    code, out = await _cli(tmp_path, "report", "--from", "2026-12-01", "--to", "2026-12-04",
                           "--unit", "火星村", "--out", str(tmp_path / "x.xlsx"))  # fmt: skip
    assert code == 1 and "火星村" in out
