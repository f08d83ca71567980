"""Quizzes and exams as domain values: questions asked, answers, sittings, exams, review boxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.content import QuestionType, QuizQuestion
from bot.domain.people import Role

# Spaced review (错题本) is a Leitner scheme: a wrong answer puts the question in box 1; a right
# answer moves it up one box; each box has its own interval before the question comes back;
# a right answer in the last box takes it out of the notebook.
LEITNER_INTERVALS_DAYS = (1, 3, 7)


class QuizContext(StrEnum):
    DAILY = "daily"
    REVIEW = "review"
    EXAM = "exam"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Ask:
    """One presentation of a question: to one person (private) or as a poll in a group."""

    id: int
    question_id: str
    context: QuizContext
    chat_id: int
    person_id: int | None  # None: a group poll anyone bound may answer
    sitting_id: int | None
    message_id: int | None
    poll_id: str | None
    selection: frozenset[int]  # multiple-answer toggles, kept server-side
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Sitting:
    """A round of questions for one person: a daily quiz, a review round or an exam sitting."""

    id: int
    person_id: int
    kind: QuizContext
    exam_id: str | None
    chat_id: int
    question_ids: tuple[str, ...]
    position: int
    started_at: datetime
    deadline: datetime | None
    finished_at: datetime | None
    score: int | None
    passed: bool | None


@dataclass(frozen=True, slots=True)
class Exam:
    id: str
    title: str
    counts: tuple[tuple[QuestionType, int], ...]
    tags: frozenset[str]  # empty: any question
    laws: frozenset[str]  # full law names the questions must cite; empty: any
    time_limit_minutes: int
    pass_score: int  # of 100
    audience: frozenset[Role]
    units: frozenset[str]  # empty: every unit
    opens: datetime | None  # local wall time (the configured timezone)
    closes: datetime | None
    attempts: int
    source: str

    @property
    def size(self) -> int:
        return sum(n for _, n in self.counts)

    def admits(self, question: QuizQuestion) -> bool:
        """Whether a question may be drawn for this exam (tag and law filters)."""
        if self.tags and not self.tags & set(question.tags):
            return False
        if self.laws:
            law = (question.reference or "").partition("》")[0].lstrip("《")
            return law in self.laws
        return True


class AnswerStatus(StrEnum):
    RECORDED = "recorded"
    NOT_YOURS = "not_yours"
    ALREADY = "already"
    EXPIRED = "expired"
    GONE = "gone"
    NOT_BOUND = "not_bound"
    EMPTY = "empty"  # a multiple-answer submit with nothing chosen


@dataclass(frozen=True, slots=True)
class QuizStats:
    answered: int
    correct: int
    exams_passed: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


def score_of(correct: int, total: int) -> int:
    """Exam score out of 100, every question weighing the same (multiple: all or nothing)."""
    return round(100 * correct / total) if total else 0
