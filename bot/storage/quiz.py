"""Quiz storage: sittings (rounds and exams), asks, answers, the review notebook, exams."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.quiz import Ask, QuizContext, QuizStats, Sitting
from bot.storage.db import Database, from_utc_text, utc_text


def _ask(row: sqlite3.Row) -> Ask:
    selection = frozenset(int(x) for x in row["selection"].split(",") if x)
    return Ask(
        id=row["id"],
        question_id=row["question_id"],
        context=QuizContext(row["context"]),
        chat_id=row["chat_id"],
        person_id=row["person_id"],
        sitting_id=row["sitting_id"],
        message_id=row["message_id"],
        poll_id=row["poll_id"],
        selection=selection,
        expires_at=from_utc_text(row["expires_at"]),
    )


def _sitting(row: sqlite3.Row) -> Sitting:
    return Sitting(
        id=row["id"],
        person_id=row["person_id"],
        kind=QuizContext(row["kind"]),
        exam_id=row["exam_id"],
        chat_id=row["chat_id"],
        question_ids=tuple(json.loads(row["question_ids"])),
        position=row["position"],
        started_at=from_utc_text(row["started_at"]),
        deadline=from_utc_text(row["deadline"]) if row["deadline"] else None,
        finished_at=from_utc_text(row["finished_at"]) if row["finished_at"] else None,
        score=row["score"],
        passed=None if row["passed"] is None else bool(row["passed"]),
    )


@dataclass(frozen=True, slots=True)
class ExamTally:
    person_id: int
    best_score: int
    passed: bool
    sittings: int


class QuizStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- sittings ------------------------------------------------------------------------

    async def create_sitting(
        self,
        person_id: int,
        kind: QuizContext,
        exam_id: str | None,
        chat_id: int,
        question_ids: list[str],
        now: datetime,
        deadline: datetime | None,
    ) -> Sitting:
        sitting_id = await self.db.insert(
            "INSERT INTO sittings(person_id, kind, exam_id, chat_id, question_ids, started_at,"
            " deadline) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                person_id,
                kind.value,
                exam_id,
                chat_id,
                json.dumps(question_ids),
                utc_text(now),
                utc_text(deadline) if deadline else None,
            ),
        )
        sitting = await self.sitting(sitting_id)
        assert sitting is not None
        return sitting

    async def sitting(self, sitting_id: int) -> Sitting | None:
        row = await self.db.fetchone("SELECT * FROM sittings WHERE id = ?", (sitting_id,))
        return _sitting(row) if row else None

    async def advance(self, sitting_id: int, position: int) -> bool:
        """Move to `position` if the sitting is still open and not already past it."""
        return (
            await self.db.execute(
                "UPDATE sittings SET position = ? WHERE id = ? AND position < ? AND finished_at IS NULL",
                (position, sitting_id, position),
            )
            > 0
        )

    async def finish(
        self, sitting_id: int, now: datetime, score: int | None, passed: bool | None
    ) -> bool:
        """Close a sitting once; False if it was already closed (so it is reported once)."""
        return (
            await self.db.execute(
                "UPDATE sittings SET finished_at = ?, score = ?, passed = ? WHERE id = ?"
                " AND finished_at IS NULL",
                (utc_text(now), score, None if passed is None else int(passed), sitting_id),
            )
            > 0
        )

    async def overdue(self, now: datetime) -> list[Sitting]:
        rows = await self.db.fetchall(
            "SELECT * FROM sittings WHERE finished_at IS NULL AND deadline IS NOT NULL"
            " AND deadline <= ?",
            (utc_text(now),),
        )
        return [_sitting(r) for r in rows]

    async def open_sitting(self, person_id: int, kind: QuizContext) -> Sitting | None:
        row = await self.db.fetchone(
            "SELECT * FROM sittings WHERE person_id = ? AND kind = ? AND finished_at IS NULL"
            " ORDER BY id DESC LIMIT 1",
            (person_id, kind.value),
        )
        return _sitting(row) if row else None

    async def close_open_rounds(self, person_id: int, now: datetime) -> None:
        """A new daily/review round replaces an unfinished one."""
        await self.db.execute(
            "UPDATE sittings SET finished_at = ? WHERE person_id = ? AND finished_at IS NULL"
            " AND kind IN ('daily', 'review')",
            (utc_text(now), person_id),
        )

    async def exam_sittings(self, person_id: int, exam_id: str) -> int:
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM sittings WHERE person_id = ? AND exam_id = ?",
                (person_id, exam_id),
            )
        )

    async def sitting_answers(self, sitting_id: int) -> tuple[int, int]:
        """(answered, correct) of a sitting."""
        row = await self.db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(a.correct), 0) FROM quiz_answers a"
            " JOIN quiz_asks k ON k.id = a.ask_id WHERE k.sitting_id = ?",
            (sitting_id,),
        )
        assert row is not None
        return int(row[0]), int(row[1])

    # --- asks and answers ----------------------------------------------------------------

    async def create_ask(
        self,
        question_id: str,
        context: QuizContext,
        chat_id: int,
        person_id: int | None,
        sitting_id: int | None,
        now: datetime,
        expires_at: datetime,
    ) -> int:
        return await self.db.insert(
            "INSERT INTO quiz_asks(question_id, context, chat_id, person_id, sitting_id,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                question_id,
                context.value,
                chat_id,
                person_id,
                sitting_id,
                utc_text(now),
                utc_text(expires_at),
            ),
        )

    async def attach(self, ask_id: int, message_id: int, poll_id: str | None) -> None:
        await self.db.execute(
            "UPDATE quiz_asks SET message_id = ?, poll_id = ? WHERE id = ?",
            (message_id, poll_id, ask_id),
        )

    async def drop_ask(self, ask_id: int) -> None:
        """The question could not be delivered: forget the ask (it has no answers)."""
        await self.db.execute("DELETE FROM quiz_asks WHERE id = ?", (ask_id,))

    async def ask(self, ask_id: int) -> Ask | None:
        row = await self.db.fetchone("SELECT * FROM quiz_asks WHERE id = ?", (ask_id,))
        return _ask(row) if row else None

    async def ask_by_poll(self, poll_id: str) -> Ask | None:
        row = await self.db.fetchone("SELECT * FROM quiz_asks WHERE poll_id = ?", (poll_id,))
        return _ask(row) if row else None

    async def set_selection(self, ask_id: int, selection: frozenset[int]) -> None:
        await self.db.execute(
            "UPDATE quiz_asks SET selection = ? WHERE id = ?",
            (",".join(str(i) for i in sorted(selection)), ask_id),
        )

    async def record_answer(
        self, ask: Ask, person_id: int, choice: str, correct: bool, now: datetime, today: date
    ) -> bool:
        """Store one answer; False when this person already answered this ask."""
        return (
            await self.db.execute(
                "INSERT INTO quiz_answers(ask_id, person_id, question_id, context, choice, correct,"
                " answered_at, answered_day, sitting_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(ask_id, person_id) DO NOTHING",
                (
                    ask.id,
                    person_id,
                    ask.question_id,
                    ask.context.value,
                    choice,
                    int(correct),
                    utc_text(now),
                    today.isoformat(),
                    ask.sitting_id,
                ),
            )
            > 0
        )

    async def answered(self, ask_id: int, person_id: int) -> bool:
        return (
            await self.db.scalar(
                "SELECT 1 FROM quiz_answers WHERE ask_id = ? AND person_id = ?", (ask_id, person_id)
            )
            is not None
        )

    async def seen_questions(self, person_id: int) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT question_id FROM quiz_answers WHERE person_id = ?", (person_id,)
        )
        return {r[0] for r in rows}

    async def asked_since(self, person_id: int, since: datetime) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT DISTINCT question_id FROM quiz_asks WHERE person_id = ? AND created_at >= ?",
            (person_id, utc_text(since)),
        )
        return {r[0] for r in rows}

    async def stats(self, person_id: int) -> QuizStats:
        row = await self.db.fetchone(
            "SELECT COUNT(*), COALESCE(SUM(correct), 0) FROM quiz_answers WHERE person_id = ?",
            (person_id,),
        )
        assert row is not None
        passed = await self.db.scalar(
            "SELECT COUNT(DISTINCT exam_id) FROM sittings WHERE person_id = ? AND kind = 'exam'"
            " AND passed = 1",
            (person_id,),
        )
        return QuizStats(int(row[0]), int(row[1]), int(passed or 0))

    # --- the review notebook (错题本) -----------------------------------------------------

    async def review_box(self, person_id: int, question_id: str) -> int | None:
        value = await self.db.scalar(
            "SELECT box FROM review_queue WHERE person_id = ? AND question_id = ?",
            (person_id, question_id),
        )
        return None if value is None else int(value)

    async def put_review(
        self, person_id: int, question_id: str, box: int, due: date, now: datetime
    ) -> None:
        await self.db.execute(
            "INSERT INTO review_queue(person_id, question_id, box, due_day, updated_at)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT(person_id, question_id) DO UPDATE SET"
            " box = excluded.box, due_day = excluded.due_day, updated_at = excluded.updated_at",
            (person_id, question_id, box, due.isoformat(), utc_text(now)),
        )

    async def drop_review(self, person_id: int, question_id: str) -> None:
        await self.db.execute(
            "DELETE FROM review_queue WHERE person_id = ? AND question_id = ?",
            (person_id, question_id),
        )

    async def reviews(self, person_id: int, due_by: date | None, limit: int) -> list[str]:
        """Questions in the notebook (due by `due_by`, or all when None), most overdue first."""
        sql = "SELECT question_id FROM review_queue WHERE person_id = ?"
        params: list[object] = [person_id]
        if due_by is not None:
            sql += " AND due_day <= ?"
            params.append(due_by.isoformat())
        rows = await self.db.fetchall(sql + " ORDER BY due_day, box LIMIT ?", [*params, limit])
        return [r[0] for r in rows]

    async def review_count(self, person_id: int) -> int:
        return int(
            await self.db.scalar(
                "SELECT COUNT(*) FROM review_queue WHERE person_id = ?", (person_id,)
            )
        )

    # --- exams ---------------------------------------------------------------------------

    async def exam_tallies(self, exam_id: str) -> list[ExamTally]:
        rows = await self.db.fetchall(
            "SELECT person_id, MAX(score), MAX(passed), COUNT(*) FROM sittings"
            " WHERE exam_id = ? AND finished_at IS NOT NULL GROUP BY person_id",
            (exam_id,),
        )
        return [ExamTally(r[0], int(r[1] or 0), bool(r[2]), int(r[3])) for r in rows]
