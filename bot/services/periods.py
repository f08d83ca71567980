"""Report periods as organizers say them: 本周, 上月, 本季度, 今年, 2026, 2026-03, or a range."""

from __future__ import annotations

import re
from datetime import date, timedelta

from bot.domain.errors import LegalBotError


class PeriodError(LegalBotError):
    """The period or scope cannot be understood; the message says how to write it."""


def parse_period(text: str | None, today: date) -> tuple[date, date, str]:
    """本周/上周/本月/上月/本季度/今年/2026/2026-03/2026-01-01~2026-03-31 → (first, last, label)."""
    words = (text or "本月").strip().replace("至", "~").replace("到", "~")
    monday = today - timedelta(days=today.weekday())
    month_start = today.replace(day=1)
    if words in ("本周", "这周"):
        return monday, monday + timedelta(days=6), "本周"
    if words in ("上周",):
        return monday - timedelta(days=7), monday - timedelta(days=1), "上周"
    if words in ("本月", "这个月"):
        return month_start, _month_end(month_start), f"{today.year}年{today.month}月"
    if words in ("上月", "上个月"):
        last = month_start - timedelta(days=1)
        return last.replace(day=1), last, f"{last.year}年{last.month}月"
    if words in ("本季度", "这个季度"):
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = _month_end(date(first.year, first.month + 2, 1))
        return first, last, f"{today.year}年第{(today.month - 1) // 3 + 1}季度"
    if words in ("今年", "本年"):
        return date(today.year, 1, 1), date(today.year, 12, 31), f"{today.year}年"
    if m := re.fullmatch(r"(\d{4})年?", words):
        year = int(m.group(1))
        return date(year, 1, 1), date(year, 12, 31), f"{year}年"
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", words):
        first = date(int(m.group(1)), int(m.group(2)), 1)
        return first, _month_end(first), f"{first.year}年{first.month}月"
    if m := re.fullmatch(r"(\d{4}-\d{1,2}-\d{1,2})\s*~\s*(\d{4}-\d{1,2}-\d{1,2})", words):
        try:
            first, last = date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2))
        except ValueError:
            raise PeriodError(f"日期不对：{text}") from None
        if last < first:
            raise PeriodError("结束日期不能早于开始日期")
        return first, last, f"{first.isoformat()} 至 {last.isoformat()}"
    raise PeriodError(
        "时间段可以写：本周、上周、本月、上月、本季度、今年、2026、2026-03，"
        "或 2026-01-01~2026-03-31"
    )


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
