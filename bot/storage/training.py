"""Training sessions, attendance records and wrong-code attempts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.domain.people import Role
from bot.domain.training import Attendance, Mode, TrainingSession
from bot.storage.db import Database, from_utc_text, utc_text


def _session(row: sqlite3.Row) -> TrainingSession:
    return TrainingSession(
        id=row["id"],
        title=row["title"],
        kind=row["kind"],
        mode=Mode(row["mode"]),
        starts_at=from_utc_text(row["starts_at"]),
        hours=float(row["hours"]),
        place=row["place"],
        roles=frozenset(Role(r) for r in json.loads(row["roles"])),
        units=frozenset(json.loads(row["units"])),
        opens_at=from_utc_text(row["opens_at"]),
        closes_at=from_utc_text(row["closes_at"]),
        late_after=from_utc_text(row["late_after"]),
        code=row["code"],
        token=row["token"],
        announced=row["announced_at"] is not None,
        reminded=row["reminded_at"] is not None,
        closed=row["closed_at"] is not None,
    )


@dataclass(frozen=True, slots=True)
class NewSession:
    title: str
    kind: str
    mode: Mode
    starts_at: datetime
    hours: float
    place: str
    roles: frozenset[Role]
    units: frozenset[str]
    opens_at: datetime
    closes_at: datetime
    late_after: datetime
    code: str
    token: str


@dataclass(frozen=True, slots=True)
class Mark:
    person_id: int
    status: Attendance
    at: datetime


class TrainingStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, s: NewSession, by: str, now: datetime) -> TrainingSession:
        session_id = await self.db.insert(
            "INSERT INTO sessions(title, kind, mode, starts_at, hours, place, roles, units,"
            " opens_at, closes_at, late_after, code, token, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                s.title,
                s.kind,
                s.mode.value,
                utc_text(s.starts_at),
                s.hours,
                s.place,
                json.dumps(sorted(r.value for r in s.roles), ensure_ascii=False),
                json.dumps(sorted(s.units), ensure_ascii=False),
                utc_text(s.opens_at),
                utc_text(s.closes_at),
                utc_text(s.late_after),
                s.code,
                s.token,
                by,
                utc_text(now),
            ),
        )
        created = await self.get(session_id)
        assert created is not None
        return created

    async def get(self, session_id: int) -> TrainingSession | None:
        row = await self.db.fetchone("SELECT * FROM sessions WHERE id = ?", (session_id,))
        return _session(row) if row else None

    async def by_token(self, token: str) -> TrainingSession | None:
        row = await self.db.fetchone("SELECT * FROM sessions WHERE token = ?", (token,))
        return _session(row) if row else None

    async def by_code(self, code: str) -> list[TrainingSession]:
        """Sessions with this code, newest first (a code is reused only after a window ends)."""
        rows = await self.db.fetchall(
            "SELECT * FROM sessions WHERE code = ? ORDER BY starts_at DESC", (code,)
        )
        return [_session(r) for r in rows]

    async def codes_in_use(self, now: datetime) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT code FROM sessions WHERE closes_at >= ? AND closed_at IS NULL", (utc_text(now),)
        )
        return {r[0] for r in rows}

    async def recent(self, limit: int = 10) -> list[TrainingSession]:
        rows = await self.db.fetchall(
            "SELECT * FROM sessions ORDER BY starts_at DESC LIMIT ?", (limit,)
        )
        return [_session(r) for r in rows]

    async def between(self, start: datetime, end: datetime) -> list[TrainingSession]:
        rows = await self.db.fetchall(
            "SELECT * FROM sessions WHERE starts_at >= ? AND starts_at < ? ORDER BY starts_at",
            (utc_text(start), utc_text(end)),
        )
        return [_session(r) for r in rows]

    async def to_announce(self) -> list[TrainingSession]:
        rows = await self.db.fetchall(
            "SELECT * FROM sessions WHERE announced_at IS NULL AND closed_at IS NULL"
        )
        return [_session(r) for r in rows]

    async def to_remind(self, until: datetime, now: datetime) -> list[TrainingSession]:
        rows = await self.db.fetchall(
            "SELECT * FROM sessions WHERE reminded_at IS NULL AND closed_at IS NULL"
            " AND starts_at <= ? AND starts_at > ?",
            (utc_text(until), utc_text(now)),
        )
        return [_session(r) for r in rows]

    async def to_close(self, now: datetime) -> list[TrainingSession]:
        rows = await self.db.fetchall(
            "SELECT * FROM sessions WHERE closed_at IS NULL AND closes_at <= ?", (utc_text(now),)
        )
        return [_session(r) for r in rows]

    async def stamp(self, session_id: int, column: str, now: datetime) -> bool:
        """Set announced_at / reminded_at / closed_at once; False if it was already set."""
        if column not in ("announced_at", "reminded_at", "closed_at"):
            raise ValueError(column)
        return (
            await self.db.execute(
                f"UPDATE sessions SET {column} = ? WHERE id = ? AND {column} IS NULL",
                (utc_text(now), session_id),
            )
            > 0
        )

    # --- attendance ----------------------------------------------------------------------

    async def check_in(
        self, session_id: int, person_id: int, status: Attendance, via: str, now: datetime
    ) -> bool:
        """Record a check-in once; False when the person already has a record (kept as is)."""
        return (
            await self.db.execute(
                "INSERT INTO attendance(session_id, person_id, status, via, at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(session_id, person_id) DO NOTHING",
                (session_id, person_id, status.value, via, utc_text(now)),
            )
            > 0
        )

    async def mark(self, session_id: int, marks: Iterable[Mark], via: str, by: str) -> None:
        """Organizer marks (or a sheet import): set the status, replacing what was there."""
        async with self.db.tx() as conn:
            await conn.executemany(
                "INSERT INTO attendance(session_id, person_id, status, via, at, marked_by)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(session_id, person_id) DO UPDATE SET"
                " status = excluded.status, via = excluded.via, at = excluded.at,"
                " marked_by = excluded.marked_by",
                [(session_id, m.person_id, m.status.value, via, utc_text(m.at), by) for m in marks],
            )

    async def mark_absent(self, session_id: int, person_ids: Iterable[int], now: datetime) -> int:
        async with self.db.tx() as conn:
            before = conn.total_changes
            await conn.executemany(
                "INSERT INTO attendance(session_id, person_id, status, via, at)"
                " VALUES (?, ?, 'absent', 'close', ?) ON CONFLICT(session_id, person_id) DO NOTHING",
                [(session_id, pid, utc_text(now)) for pid in person_ids],
            )
            return conn.total_changes - before

    async def records(self, session_id: int) -> dict[int, tuple[Attendance, datetime]]:
        rows = await self.db.fetchall(
            "SELECT person_id, status, at FROM attendance WHERE session_id = ?", (session_id,)
        )
        return {r[0]: (Attendance(r[1]), from_utc_text(r[2])) for r in rows}

    async def record(self, session_id: int, person_id: int) -> Attendance | None:
        value = await self.db.scalar(
            "SELECT status FROM attendance WHERE session_id = ? AND person_id = ?",
            (session_id, person_id),
        )
        return None if value is None else Attendance(value)

    async def person_hours(
        self, person_id: int, start: datetime, end: datetime, late_credit: float
    ) -> float:
        row = await self.db.fetchone(
            "SELECT COALESCE(SUM(CASE a.status WHEN 'present' THEN s.hours"
            " WHEN 'late' THEN s.hours * ? ELSE 0 END), 0) FROM attendance a"
            " JOIN sessions s ON s.id = a.session_id"
            " WHERE a.person_id = ? AND s.starts_at >= ? AND s.starts_at < ?",
            (late_credit, person_id, utc_text(start), utc_text(end)),
        )
        return float(row[0]) if row else 0.0

    # --- wrong codes ---------------------------------------------------------------------

    async def wrong_code(self, telegram_id: int, now: datetime) -> None:
        await self.db.execute(
            "INSERT INTO code_attempts(telegram_id, at) VALUES (?, ?)", (telegram_id, utc_text(now))
        )

    async def wrong_codes_since(self, telegram_id: int, since: datetime) -> int:
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM code_attempts WHERE telegram_id = ? AND at >= ?",
                (telegram_id, utc_text(since)),
            )
        )
