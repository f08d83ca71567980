"""Time, in one place: every "now" comes from a Clock, so tests can move time instead of sleeping."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Source of the current time, always timezone-aware in the programme's timezone."""

    tz: tzinfo

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz

    def now(self) -> datetime:
        return datetime.now(self.tz)


class ManualClock:
    """A clock that only moves when told to (tests, benchmarks, simulations)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self.tz: tzinfo = start.tzinfo
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when.astimezone(self.tz)

    def advance(self, **delta: float) -> None:
        self._now = self._now + timedelta(**delta)


def local_date(moment: datetime, tz: tzinfo) -> date:
    """The calendar date of `moment` in the programme's timezone."""
    return moment.astimezone(tz).date()


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)
