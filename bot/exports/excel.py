"""The report workbook (xlsxwriter): 概览, 按单位, 按人员, 培训, 测验, 咨询; and the per-person CSV.

Numbers are written as numbers (rates as fractions with a % format), headers are frozen and
columns sized, so organizers can sort and sum in Excel.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import xlsxwriter

from bot.services.reports import Report, hours, percent

PERSON_HEADER = (
    "姓名",
    "单位",
    "角色",
    "学习天数",
    "参学率",
    "学习时长(分钟)",
    "培训课时",
    "总课时",
    "签到次数",
    "答题数",
    "正确率",
    "考试通过",
    "咨询次数",
)
UNIT_HEADER = (
    "单位",
    "人数",
    "参学人数",
    "参学人次",
    "参学率",
    "学习时长(分钟)",
    "参训人次",
    "培训课时",
    "总课时",
    "答题数",
    "正确率",
    "咨询次数",
)
SESSION_HEADER = (
    "日期",
    "培训名称",
    "类型",
    "方式",
    "课时",
    "出席",
    "迟到",
    "请假",
    "缺席",
    "出勤率",
)
EXAM_HEADER = ("考试", "参加人次", "通过人次", "平均分")
CONSULT_HEADER = ("时间", "提问人", "单位", "问题", "匹配条目", "结果", "反馈", "工作人员回复")
OUTCOME_WORDS = {"answered": "机器人解答", "handed_over": "转人工"}
FEEDBACK_WORDS = {"helpful": "有帮助", "unhelpful": "没帮助"}


def overview_rows(report: Report) -> list[tuple[str, Any]]:
    """(label, value) pairs of the 概览 sheet; rates as fractions."""
    o = report.overview
    rows: list[tuple[str, Any]] = [
        ("统计范围", report.label),
        ("推送期数", o.pushes),
        ("参学人次", o.study_records),
        ("参学人数", o.studying_people),
        ("平均参学率", o.participation),
        ("学习时长(分钟)", o.minutes),
    ]
    rows += [(f"{kind}（次）", count) for kind, count in o.sessions_by_kind.items()]
    rows += [
        ("培训课时", o.hours_offered),
        ("参训人数", o.people_trained),
        ("参训人次", o.attendances),
        ("出勤率", o.attendance_rate),
        ("测验次数", o.quiz_rounds),
        ("答题数", o.answers),
        ("平均正确率", o.accuracy),
        ("考试参加人次", o.exams_taken),
        ("考试通过人次", o.exams_passed),
        ("咨询次数", o.asked),
        ("机器人解答", o.answered_by_bot),
        ("转人工", o.handed_over),
        ("工作人员解答", o.answered_by_staff),
        ("解答法律咨询（件次）", o.answered),
    ]
    return rows


def person_rows(report: Report) -> list[list[Any]]:
    return [
        [
            p.person.name,
            p.person.unit,
            p.person.role.value,
            p.study_days,
            p.participation,
            p.minutes,
            round(p.training_hours, 2),
            round(p.class_hours, 2),
            p.attendances,
            p.answered,
            p.accuracy,
            p.exams_passed,
            p.consultations,
        ]
        for p in report.people
    ]


def write_xlsx(report: Report, target: Path | BinaryIO) -> None:
    """Write the workbook to a file, or into a binary buffer (for sending in chat)."""
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
        wb = xlsxwriter.Workbook(str(target), {"constant_memory": True})
    else:
        wb = xlsxwriter.Workbook(target, {"in_memory": True})
    try:
        fmt = _Formats(wb)
        _sheet(
            wb,
            fmt,
            "概览",
            ("项目", "数值"),
            overview_rows(report),
            percent_cols={1},
            percent_rows={"平均参学率", "出勤率", "平均正确率"},
        )
        units = [
            [
                u.unit,
                u.people,
                u.studying,
                u.study_days,
                u.participation,
                u.minutes,
                u.attendances,
                round(u.training_hours, 2),
                round(u.class_hours, 2),
                u.answered,
                u.accuracy,
                u.consultations,
            ]
            for u in report.units
        ]
        _sheet(wb, fmt, "按单位", UNIT_HEADER, units, percent_cols={4, 10})
        _sheet(wb, fmt, "按人员", PERSON_HEADER, person_rows(report), percent_cols={4, 10})
        tz = report.scope.start.tzinfo
        sessions = [
            [
                s.starts_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                s.title,
                s.kind,
                s.mode,
                s.hours,
                s.present,
                s.late,
                s.excused,
                s.absent,
                (s.present + s.late) / (s.present + s.late + s.absent)
                if s.present + s.late + s.absent
                else None,
            ]
            for s in report.sessions
        ]
        _sheet(wb, fmt, "培训", SESSION_HEADER, sessions, percent_cols={9})
        exams = [[e.exam_id, e.sittings, e.passed, e.average] for e in report.exams]
        o = report.overview
        exams.append(["（全部答题）", o.answers, None, None])
        _sheet(wb, fmt, "测验", EXAM_HEADER, exams)
        consults = [
            [
                c.asked_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                c.name or "（未绑定）",
                c.unit or "",
                c.question,
                c.matched_id or "",
                OUTCOME_WORDS.get(c.outcome, c.outcome),
                FEEDBACK_WORDS.get(c.feedback or "", ""),
                c.staff_reply or "",
            ]
            for c in report.consultations
        ]
        _sheet(wb, fmt, "咨询", CONSULT_HEADER, consults)
    finally:
        wb.close()


class _Formats:
    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.percent = wb.add_format({"num_format": "0.0%"})


def _sheet(
    wb: Any,
    fmt: _Formats,
    name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    percent_cols: set[int] | None = None,
    percent_rows: set[str] | None = None,
) -> None:
    ws = wb.add_worksheet(name)
    ws.write_row(0, 0, list(header), fmt.header)
    ws.freeze_panes(1, 0)
    widths = [max(8, len(h) * 2 + 2) for h in header]
    for r, row in enumerate(rows, start=1):
        label = str(row[0]) if row else ""
        for c, value in enumerate(row):
            as_percent = (percent_rows is None and c in (percent_cols or set())) or (
                percent_rows is not None and label in percent_rows and c in (percent_cols or set())
            )
            if value is None or value == "":
                ws.write_blank(r, c, None)
            elif as_percent and isinstance(value, float):
                ws.write_number(r, c, value, fmt.percent)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(r, c, value)
            else:
                ws.write_string(r, c, str(value))
            widths[c] = min(50, max(widths[c], len(str(value)) * 2 + 2 if value is not None else 0))
    for c, width in enumerate(widths):
        ws.set_column(c, c, width)


def write_person_csv(report: Report, path: Path) -> None:
    """按人员 as CSV, UTF-8 with a BOM so that Excel opens it; rates as percentages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(PERSON_HEADER)
        for p in report.people:
            writer.writerow(
                [
                    p.person.name,
                    p.person.unit,
                    p.person.role.value,
                    p.study_days,
                    percent(p.participation),
                    p.minutes,
                    hours(p.training_hours),
                    hours(round(p.class_hours, 1)),
                    p.attendances,
                    p.answered,
                    percent(p.accuracy),
                    p.exams_passed,
                    p.consultations,
                ]
            )
