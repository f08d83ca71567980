"""Consultations: the log of every legal question, its outcome, feedback and staff replies."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from bot.domain.consult import Consultation, Feedback, Outcome
from bot.storage.db import Database, from_utc_text, utc_text


def _row(row: sqlite3.Row) -> Consultation:
    return Consultation(
        id=row["id"],
        person_id=row["person_id"],
        telegram_id=row["telegram_id"],
        chat_id=row["chat_id"],
        question=row["question"],
        matched_id=row["matched_id"],
        score=float(row["score"]),
        outcome=Outcome(row["outcome"]),
        feedback=Feedback(row["feedback"]) if row["feedback"] else None,
        asked_at=from_utc_text(row["asked_at"]),
        staff_reply=row["staff_reply"],
    )


class ConsultStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def log(
        self,
        person_id: int | None,
        telegram_id: int,
        chat_id: int,
        question: str,
        matched_id: str | None,
        score: float,
        outcome: Outcome,
        now: datetime,
        today: date,
        via: str = "ask",
    ) -> int:
        """Log one question; `via` is "ask" (typed), "related" (a related-question tap) or
        "chat" (small talk: logged, but neither a consultation nor an open question)."""
        return await self.db.insert(
            "INSERT INTO consultations(person_id, telegram_id, chat_id, question, matched_id,"
            " score, outcome, asked_at, asked_day, via) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                person_id,
                telegram_id,
                chat_id,
                question,
                matched_id,
                score,
                outcome.value,
                utc_text(now),
                today.isoformat(),
                via,
            ),
        )

    async def get(self, consultation_id: int) -> Consultation | None:
        row = await self.db.fetchone("SELECT * FROM consultations WHERE id = ?", (consultation_id,))
        return _row(row) if row else None

    async def feedback(self, consultation_id: int, feedback: Feedback) -> None:
        await self.db.execute(
            "UPDATE consultations SET feedback = ? WHERE id = ?", (feedback.value, consultation_id)
        )

    async def staff_reply(self, consultation_id: int, text: str, by: str, now: datetime) -> None:
        await self.db.execute(
            "UPDATE consultations SET staff_reply = ?, staff_by = ?, staff_at = ? WHERE id = ?",
            (text, by, utc_text(now), consultation_id),
        )

    async def open_questions(self, since: datetime, limit: int) -> list[Consultation]:
        """Handed-over or unhelpful questions not yet answered by staff, newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM consultations WHERE staff_at IS NULL AND asked_at >= ?"
            " AND via <> 'chat' AND (outcome = 'handed_over' OR feedback = 'unhelpful')"
            " ORDER BY asked_at DESC, id DESC LIMIT ?",
            (utc_text(since), limit),
        )
        return [_row(r) for r in rows]
