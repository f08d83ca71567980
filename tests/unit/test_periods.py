"""Report periods as organizers write them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.periods import PeriodError, parse_period

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("text", "first", "last", "label"),
    [
        ("本周", date(2026, 11, 23), date(2026, 11, 29), "本周"),
        ("上周", date(2026, 11, 16), date(2026, 11, 22), "上周"),
        ("本月", date(2026, 11, 1), date(2026, 11, 30), "2026年11月"),
        (None, date(2026, 11, 1), date(2026, 11, 30), "2026年11月"),
        ("上月", date(2026, 10, 1), date(2026, 10, 31), "2026年10月"),
        ("本季度", date(2026, 10, 1), date(2026, 12, 31), "2026年第4季度"),
        ("今年", date(2026, 1, 1), date(2026, 12, 31), "2026年"),
        ("2025", date(2025, 1, 1), date(2025, 12, 31), "2025年"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        ("2026-01-01~2026-03-31", date(2026, 1, 1), date(2026, 3, 31), "2026-01-01 至 2026-03-31"),
        ("2026-01-01至2026-01-01", date(2026, 1, 1), date(2026, 1, 1), "2026-01-01 至 2026-01-01"),
    ],
)
def test_periods(text: str | None, first: date, last: date, label: str) -> None:
    assert parse_period(text, TODAY) == (first, last, label)


def test_last_month_in_january_and_bad_input() -> None:
    assert parse_period("上月", date(2027, 1, 15))[:2] == (date(2026, 12, 1), date(2026, 12, 31))
    for bad in ("明年", "2026-13-01~2026-14-01", "2026-03-01~2026-01-01"):
        with pytest.raises(PeriodError):
            parse_period(bad, TODAY)
