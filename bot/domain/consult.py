"""Legal consultations (法律咨询): every question asked, how it was answered, feedback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Outcome(StrEnum):
    ANSWERED = "answered"  # the bot answered from the FAQ library
    HANDED_OVER = "handed_over"  # below the confidence threshold: contacts given, staff told


class Feedback(StrEnum):
    HELPFUL = "helpful"
    UNHELPFUL = "unhelpful"


@dataclass(frozen=True, slots=True)
class Consultation:
    id: int
    person_id: int | None
    telegram_id: int
    chat_id: int
    question: str
    matched_id: str | None
    score: float
    outcome: Outcome
    feedback: Feedback | None
    asked_at: datetime
    staff_reply: str | None


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """Unanswered or unhelpful questions grouped by their text, so repeats show."""

    text: str
    ids: tuple[int, ...]
    latest: datetime
    unhelpful: bool
