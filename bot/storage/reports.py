"""Read models for reports: the aggregate SQL behind every figure of REPORTS.md.

Each query takes a `Scope` (the period as local dates plus its UTC bounds, and optionally a
unit and a role) and returns plain numbers keyed by person, unit, day or kind; the reports
service does the arithmetic. Nothing here writes.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.people import Role
from bot.storage.db import ReadPool, from_utc_text, utc_text


@dataclass(frozen=True, slots=True)
class Scope:
    first: date
    last: date
    start: datetime  # first day 00:00 local, aware
    end: datetime  # the day after `last`, 00:00 local, aware (exclusive)
    unit_id: int | None = None
    unit_name: str | None = None
    role: Role | None = None


@dataclass(frozen=True, slots=True)
class PersonRow:
    id: int
    name: str
    unit: str
    role: Role


@dataclass(frozen=True, slots=True)
class SessionRow:
    id: int
    title: str
    kind: str
    mode: str
    starts_at: datetime
    hours: float
    units: frozenset[str]
    present: int
    late: int
    excused: int
    absent: int


@dataclass(frozen=True, slots=True)
class ExamRow:
    exam_id: str
    sittings: int
    passed: int
    average: float


@dataclass(frozen=True, slots=True)
class ConsultRow:
    asked_at: datetime
    name: str | None
    unit: str | None
    question: str
    matched_id: str | None
    outcome: str
    feedback: str | None
    staff_reply: str | None


class ReportStore:
    def __init__(self, db: ReadPool) -> None:
        self.db = db

    def _people_filter(self, scope: Scope, alias: str = "p") -> tuple[str, list[Any]]:
        sql = f"{alias}.active = 1 AND {alias}.created_at < ?"
        params: list[Any] = [utc_text(scope.end)]
        if scope.unit_id is not None:
            sql += f" AND {alias}.unit_id = ?"
            params.append(scope.unit_id)
        if scope.role is not None:
            sql += f" AND {alias}.role = ?"
            params.append(scope.role.value)
        return sql, params

    async def people(self, scope: Scope) -> list[PersonRow]:
        where, params = self._people_filter(scope)
        rows = await self.db.fetchall(
            f"SELECT p.id, p.name, u.name, p.role FROM people p JOIN units u ON u.id = p.unit_id"
            f" WHERE {where} ORDER BY u.name, p.id",
            params,
        )
        return [PersonRow(r[0], r[1], r[2], Role(r[3])) for r in rows]

    async def _per_person(self, sql: str, params: list[Any]) -> dict[int, tuple[Any, ...]]:
        return {r[0]: tuple(r[1:]) for r in await self.db.fetchall(sql, params)}

    # --- daily study -----------------------------------------------------------------------

    async def delivered_days(self, scope: Scope) -> dict[int, int]:
        rows = await self._per_person(
            "SELECT ref_id, COUNT(*) FROM deliveries WHERE kind = 'study' AND status = 'sent'"
            " AND recipient_kind = 'person' AND day >= ? AND day <= ? GROUP BY ref_id",
            [scope.first.isoformat(), scope.last.isoformat()],
        )
        return {k: int(v[0]) for k, v in rows.items()}

    async def study(self, scope: Scope) -> dict[int, tuple[int, int, int]]:
        """person → (study records, minutes, records on days the item was delivered to them)."""
        rows = await self._per_person(
            "SELECT person_id, COUNT(*), SUM(minutes), SUM(delivered) FROM study_records"
            " INDEXED BY study_records_person"
            " WHERE push_day >= ? AND push_day <= ? GROUP BY person_id",
            [scope.first.isoformat(), scope.last.isoformat()],
        )
        return {k: (int(v[0]), int(v[1] or 0), int(v[2])) for k, v in rows.items()}

    async def daily_participation(self, scope: Scope) -> dict[date, tuple[int, int]]:
        """push day → (people delivered to, of them studied), over people in scope."""
        bounds = [scope.first.isoformat(), scope.last.isoformat()]
        if scope.unit_id is None and scope.role is None:  # the whole township: no join needed
            delivered, studied = await asyncio.gather(
                self.db.fetchall(
                    "SELECT day, COUNT(*) FROM deliveries INDEXED BY deliveries_study_day"
                    " WHERE kind = 'study' AND status = 'sent' AND recipient_kind = 'person'"
                    " AND day >= ? AND day <= ? GROUP BY day",
                    bounds,
                ),
                self.db.fetchall(
                    "SELECT push_day, SUM(delivered) FROM study_records"
                    " INDEXED BY study_records_day_delivered"
                    " WHERE push_day >= ? AND push_day <= ? GROUP BY push_day",
                    bounds,
                ),
            )
        else:
            where, params = self._people_filter(scope)
            delivered = await self.db.fetchall(
                "SELECT d.day, COUNT(*) FROM deliveries d JOIN people p ON p.id = d.ref_id"
                " WHERE d.kind = 'study' AND d.status = 'sent' AND d.recipient_kind = 'person'"
                f" AND d.day >= ? AND d.day <= ? AND {where} GROUP BY d.day",
                [*bounds, *params],
            )
            studied = await self.db.fetchall(
                "SELECT s.push_day, SUM(s.delivered) FROM study_records s"
                f" JOIN people p ON p.id = s.person_id WHERE s.push_day >= ? AND s.push_day <= ?"
                f" AND {where} GROUP BY s.push_day",
                [*bounds, *params],
            )
        done = {r[0]: int(r[1] or 0) for r in studied}
        return {date.fromisoformat(r[0]): (int(r[1]), done.get(r[0], 0)) for r in delivered}

    async def last_studied(self, person_ids: list[int]) -> dict[int, date]:
        rows = await self.db.fetchall(
            "SELECT person_id, MAX(push_day) FROM study_records GROUP BY person_id"
        )
        wanted = set(person_ids)
        return {r[0]: date.fromisoformat(r[1]) for r in rows if r[0] in wanted}

    # --- training ----------------------------------------------------------------------------

    async def sessions(self, scope: Scope) -> list[SessionRow]:
        rows = await self.db.fetchall(
            "SELECT s.id, s.title, s.kind, s.mode, s.starts_at, s.hours, s.units,"
            " SUM(a.status = 'present'), SUM(a.status = 'late'), SUM(a.status = 'excused'),"
            " SUM(a.status = 'absent') FROM sessions s"
            " LEFT JOIN attendance a ON a.session_id = s.id"
            " WHERE s.starts_at >= ? AND s.starts_at < ? GROUP BY s.id ORDER BY s.starts_at",
            (utc_text(scope.start), utc_text(scope.end)),
        )
        out = [
            SessionRow(
                r[0],
                r[1],
                r[2],
                r[3],
                from_utc_text(r[4]),
                float(r[5]),
                frozenset(json.loads(r[6])),
                int(r[7] or 0),
                int(r[8] or 0),
                int(r[9] or 0),
                int(r[10] or 0),
            )
            for r in rows
        ]
        if scope.unit_name is not None:
            out = [s for s in out if not s.units or scope.unit_name in s.units]
        return out

    async def attendance(self, scope: Scope, late_credit: float) -> dict[int, tuple[int, float]]:
        """person → (present-or-late records, class hours earned) for sessions in the period."""
        rows = await self._per_person(
            "SELECT a.person_id, SUM(a.status IN ('present', 'late')),"
            " SUM(CASE a.status WHEN 'present' THEN s.hours WHEN 'late' THEN s.hours * ?"
            " ELSE 0 END) FROM attendance a JOIN sessions s ON s.id = a.session_id"
            " WHERE s.starts_at >= ? AND s.starts_at < ? GROUP BY a.person_id",
            [late_credit, utc_text(scope.start), utc_text(scope.end)],
        )
        return {k: (int(v[0] or 0), float(v[1] or 0.0)) for k, v in rows.items()}

    # --- quizzes and exams -------------------------------------------------------------------

    async def answers(self, scope: Scope) -> dict[int, tuple[int, int, int]]:
        """person → (answers, correct, quiz rounds with an answer in the period)."""
        rows = await self._per_person(
            "SELECT person_id, COUNT(*), SUM(correct), COUNT(DISTINCT sitting_id)"
            " FROM quiz_answers INDEXED BY quiz_answers_person_day"
            " WHERE answered_day >= ? AND answered_day <= ? GROUP BY person_id",
            [scope.first.isoformat(), scope.last.isoformat()],
        )
        return {k: (int(v[0]), int(v[1] or 0), int(v[2])) for k, v in rows.items()}

    async def exams_passed(self, scope: Scope) -> dict[int, int]:
        rows = await self._per_person(
            "SELECT person_id, SUM(passed) FROM sittings WHERE kind = 'exam'"
            " AND finished_at >= ? AND finished_at < ? GROUP BY person_id",
            [utc_text(scope.start), utc_text(scope.end)],
        )
        return {k: int(v[0] or 0) for k, v in rows.items()}

    async def group_quizzes(self, scope: Scope) -> int:
        value = await self.db.scalar(
            "SELECT COUNT(*) FROM (SELECT DISTINCT chat_id, created_at FROM quiz_asks"
            " WHERE context = 'group' AND created_at >= ? AND created_at < ?)",
            (utc_text(scope.start), utc_text(scope.end)),
        )
        return int(value or 0)

    async def exams(self, scope: Scope, person_ids: list[int]) -> list[ExamRow]:
        rows = await self.db.fetchall(
            "SELECT exam_id, person_id, passed, score FROM sittings WHERE kind = 'exam'"
            " AND finished_at >= ? AND finished_at < ?",
            (utc_text(scope.start), utc_text(scope.end)),
        )
        wanted = set(person_ids)
        by_exam: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for exam_id, person_id, passed, score in rows:
            if person_id in wanted:
                by_exam[exam_id].append((int(passed or 0), int(score or 0)))
        return [
            ExamRow(
                exam_id,
                len(items),
                sum(p for p, _ in items),
                round(sum(s for _, s in items) / len(items), 1),
            )
            for exam_id, items in sorted(by_exam.items())
        ]

    # --- consultations -----------------------------------------------------------------------

    async def consultations(self, scope: Scope) -> list[ConsultRow]:
        """Questions typed in the period (township: everyone; a unit: its people only)."""
        sql = (
            "SELECT c.asked_at, p.name, u.name, c.question, c.matched_id, c.outcome, c.feedback,"
            " c.staff_reply, p.unit_id, p.role FROM consultations c"
            " LEFT JOIN people p ON p.id = c.person_id LEFT JOIN units u ON u.id = p.unit_id"
            " WHERE c.via = 'ask' AND c.asked_day >= ? AND c.asked_day <= ? ORDER BY c.id"
        )
        rows = await self.db.fetchall(sql, (scope.first.isoformat(), scope.last.isoformat()))
        out = []
        for r in rows:
            if scope.unit_id is not None and r[8] != scope.unit_id:
                continue
            if scope.role is not None and r[9] != scope.role.value:
                continue
            out.append(ConsultRow(from_utc_text(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7]))
        return out

    async def consultations_per_person(self, scope: Scope) -> dict[int, int]:
        rows = await self._per_person(
            "SELECT person_id, COUNT(*) FROM consultations WHERE via = 'ask'"
            " AND person_id IS NOT NULL AND asked_day >= ? AND asked_day <= ? GROUP BY person_id",
            [scope.first.isoformat(), scope.last.isoformat()],
        )
        return {k: int(v[0]) for k, v in rows.items()}
