"""The study plan as it happened (push_days) and the study records (taps on "已学习")."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.people import Track
from bot.storage.db import Database, from_utc_text, utc_text


@dataclass(frozen=True, slots=True)
class PushDay:
    id: int
    track: Track
    day: date
    item_id: str
    cycle: int
    pinned: bool


def _push_day(row: sqlite3.Row) -> PushDay:
    return PushDay(
        id=row["id"],
        track=Track(row["track"]),
        day=date.fromisoformat(row["day"]),
        item_id=row["item_id"],
        cycle=row["cycle"],
        pinned=bool(row["pinned"]),
    )


@dataclass(frozen=True, slots=True)
class StudyStats:
    month_days: int
    year_days: int
    year_minutes: int
    last_studied_at: datetime | None


class StudyStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- plan ----------------------------------------------------------------------------

    async def push_day(self, track: Track, day: date) -> PushDay | None:
        row = await self.db.fetchone(
            "SELECT * FROM push_days WHERE track = ? AND day = ?", (track.value, day.isoformat())
        )
        return _push_day(row) if row else None

    async def push_day_by_id(self, push_day_id: int) -> PushDay | None:
        row = await self.db.fetchone("SELECT * FROM push_days WHERE id = ?", (push_day_id,))
        return _push_day(row) if row else None

    async def latest_push_day(self, track: Track, up_to: date) -> PushDay | None:
        row = await self.db.fetchone(
            "SELECT * FROM push_days WHERE track = ? AND day <= ? ORDER BY day DESC LIMIT 1",
            (track.value, up_to.isoformat()),
        )
        return _push_day(row) if row else None

    async def current_cycle(self, track: Track, before: date) -> list[PushDay]:
        """Push days of the track's latest cycle before `before`, in order (the plan's memory)."""
        rows = await self.db.fetchall(
            "SELECT * FROM push_days WHERE track = ? AND day < ? AND cycle = ("
            " SELECT COALESCE(MAX(cycle), 1) FROM push_days WHERE track = ? AND day < ?)"
            " ORDER BY day",
            (track.value, before.isoformat(), track.value, before.isoformat()),
        )
        return [_push_day(r) for r in rows]

    async def save_push_day(
        self, track: Track, day: date, item_id: str, cycle: int, pinned: bool, now: datetime
    ) -> PushDay:
        """Record the day's pick; if another caller already recorded one, keep theirs."""
        await self.db.execute(
            "INSERT INTO push_days(track, day, item_id, cycle, pinned, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(track, day) DO NOTHING",
            (track.value, day.isoformat(), item_id, cycle, int(pinned), utc_text(now)),
        )
        saved = await self.push_day(track, day)
        assert saved is not None
        return saved

    async def push_days_of(self, track: Track, up_to: date, limit: int) -> list[date]:
        rows = await self.db.fetchall(
            "SELECT day FROM push_days WHERE track = ? AND day <= ? ORDER BY day DESC LIMIT ?",
            (track.value, up_to.isoformat(), limit),
        )
        return [date.fromisoformat(r[0]) for r in rows]

    # --- records -------------------------------------------------------------------------

    async def record(
        self,
        person_id: int,
        push_day: PushDay,
        now: datetime,
        today: date,
        minutes: int,
        via: str,
    ) -> bool:
        """Insert a study record; False if the person already has one for that push day.

        `delivered` notes whether that day's item was delivered to the person, so reports can
        compute participation without joining millions of deliveries."""
        n = await self.db.execute(
            "INSERT INTO study_records(person_id, item_id, push_day, studied_at, studied_day,"
            " minutes, late, via, delivered) VALUES (?, ?, ?, ?, ?, ?, ?, ?, EXISTS ("
            " SELECT 1 FROM deliveries WHERE kind = 'study' AND status = 'sent'"
            " AND recipient_kind = 'person' AND ref_id = ? AND day = ?))"
            " ON CONFLICT(person_id, push_day) DO NOTHING",
            (
                person_id,
                push_day.item_id,
                push_day.day.isoformat(),
                utc_text(now),
                today.isoformat(),
                minutes,
                int(push_day.day != today),
                via,
                person_id,
                push_day.day.isoformat(),
            ),
        )
        return n > 0

    async def studied_count(self, day: date) -> int:
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM study_records WHERE push_day = ?", (day.isoformat(),)
            )
        )

    async def studied_people(self, day: date) -> set[int]:
        rows = await self.db.fetchall(
            "SELECT person_id FROM study_records WHERE push_day = ?", (day.isoformat(),)
        )
        return {r[0] for r in rows}

    async def studied_days(self, person_id: int, days: list[date]) -> set[date]:
        if not days:
            return set()
        marks = ",".join("?" * len(days))
        rows = await self.db.fetchall(
            f"SELECT push_day FROM study_records WHERE person_id = ? AND push_day IN ({marks})",
            [person_id, *(d.isoformat() for d in days)],
        )
        return {date.fromisoformat(r[0]) for r in rows}

    async def stats(self, person_id: int, today: date) -> StudyStats:
        month_start = today.replace(day=1).isoformat()
        year_start = today.replace(month=1, day=1).isoformat()
        row = await self.db.fetchone(
            "SELECT"
            " SUM(CASE WHEN push_day >= ? THEN 1 ELSE 0 END),"
            " COUNT(*), COALESCE(SUM(minutes), 0), MAX(studied_at)"
            " FROM study_records WHERE person_id = ? AND push_day >= ? AND push_day <= ?",
            (month_start, person_id, year_start, today.isoformat()),
        )
        assert row is not None
        last = await self.db.scalar(
            "SELECT MAX(studied_at) FROM study_records WHERE person_id = ?", (person_id,)
        )
        return StudyStats(
            month_days=int(row[0] or 0),
            year_days=int(row[1] or 0),
            year_minutes=int(row[2]),
            last_studied_at=from_utc_text(last) if last else None,
        )

    # --- job state -----------------------------------------------------------------------

    async def get_state(self, name: str) -> str | None:
        value = await self.db.scalar("SELECT value FROM job_state WHERE name = ?", (name,))
        return None if value is None else str(value)

    async def set_state(self, name: str, value: str, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO job_state(name, value, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
            " updated_at = excluded.updated_at",
            (name, value, utc_text(now)),
        )

    async def minutes_between(self, person_id: int, first: date, last: date) -> int:
        """Minutes credited for study records whose push day is within [first, last]."""
        value = await self.db.scalar(
            "SELECT COALESCE(SUM(minutes), 0) FROM study_records WHERE person_id = ?"
            " AND push_day >= ? AND push_day <= ?",
            (person_id, first.isoformat(), last.isoformat()),
        )
        return int(value or 0)
