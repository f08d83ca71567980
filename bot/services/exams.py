"""Exams (考试): who may sit which exam when, drawing questions per person, the time limit with
automatic submission, scores and pass marks, and results for organizers."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from html import escape

from bot import texts
from bot.domain.clock import Clock
from bot.domain.content import Library
from bot.domain.messages import OutMessage
from bot.domain.people import Person
from bot.domain.quiz import Exam, QuizContext, Sitting, score_of
from bot.services.quiz import QuizService
from bot.storage.people import PeopleStore
from bot.storage.quiz import QuizStore


class StartStatus(StrEnum):
    STARTED = "started"
    CLOSED = "closed"
    NOT_FOR_YOU = "not_for_you"
    NO_ATTEMPTS = "no_attempts"
    IN_PROGRESS = "in_progress"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ExamResults:
    exam: Exam
    audience: int
    taken: int
    passed: int
    average: float | None
    missing: list[str]  # 姓名（单位） of people in the audience who have not taken it


class ExamService:
    def __init__(
        self,
        library: Library,
        quiz: QuizService,
        store: QuizStore,
        people: PeopleStore,
        clock: Clock,
    ) -> None:
        self.library = library
        self.quiz = quiz
        self.store = store
        self.people = people
        self.clock = clock
        self.exams = {e.id: e for e in library.exams}
        quiz.exam_titles.update({e.id: e.title for e in library.exams})

    def _aware(self, local: datetime | None) -> datetime | None:
        return None if local is None else local.replace(tzinfo=self.clock.tz)

    def is_open(self, exam: Exam, now: datetime | None = None) -> bool:
        now = now or self.clock.now()
        opens, closes = self._aware(exam.opens), self._aware(exam.closes)
        return (opens is None or now >= opens) and (closes is None or now < closes)

    def is_for(self, exam: Exam, person: Person) -> bool:
        return person.role in exam.audience and (not exam.units or person.unit_name in exam.units)

    async def available(self, person: Person) -> list[tuple[Exam, int]]:
        """Open exams this person may sit, with the attempts they have left."""
        out = []
        for exam in self.exams.values():
            if self.is_open(exam) and self.is_for(exam, person):
                used = await self.store.exam_sittings(person.id, exam.id)
                if used < exam.attempts:
                    out.append((exam, exam.attempts - used))
        return out

    def draw(self, exam: Exam, person: Person, attempt: int) -> list[str]:
        """Questions for one sitting: per type, a random sample (seeded per person and attempt)."""
        rng = random.Random(f"{exam.id}:{person.id}:{attempt}")
        chosen: list[str] = []
        for qtype, count in exam.counts:
            pool = sorted(
                q.id
                for q in self.library.quiz
                if q.type is qtype and person.role in q.audience and exam.admits(q)
            )
            chosen += rng.sample(pool, min(count, len(pool)))
        rng.shuffle(chosen)
        return chosen

    async def start(self, person: Person, exam_id: str, chat_id: int) -> StartStatus:
        exam = self.exams.get(exam_id)
        if exam is None:
            return StartStatus.UNKNOWN
        if not self.is_for(exam, person):
            return StartStatus.NOT_FOR_YOU
        if not self.is_open(exam):
            return StartStatus.CLOSED
        if await self.store.open_sitting(person.id, QuizContext.EXAM):
            return StartStatus.IN_PROGRESS
        used = await self.store.exam_sittings(person.id, exam.id)
        if used >= exam.attempts:
            return StartStatus.NO_ATTEMPTS
        questions = self.draw(exam, person, used + 1)
        now = self.clock.now()
        deadline = now + timedelta(minutes=exam.time_limit_minutes)
        closes = self._aware(exam.closes)
        if closes is not None:
            deadline = min(deadline, closes)
        await self._send(
            chat_id,
            texts.EXAM_RULES.format(
                title=exam.title,
                size=len(questions),
                minutes=exam.time_limit_minutes,
                pass_score=exam.pass_score,
            ),
        )
        await self.quiz.begin_sitting(person, chat_id, exam.id, questions, deadline)
        return StartStatus.STARTED

    async def finish(self, sitting: Sitting, timed_out: bool = False) -> bool:
        """Score and close a sitting once; tell the person. False if it was already closed."""
        exam = self.exams.get(sitting.exam_id or "")
        _answered, right = await self.store.sitting_answers(sitting.id)
        total = len(sitting.question_ids)
        score = score_of(right, total)
        passed = exam is not None and score >= exam.pass_score
        if not await self.store.finish(sitting.id, self.clock.now(), score, passed):
            return False
        text = texts.EXAM_DONE.format(
            title=exam.title if exam else texts.EXAM_DEFAULT_TITLE,
            right=right,
            total=total,
            score=score,
            verdict=texts.EXAM_PASS if passed else texts.EXAM_FAIL,
        )
        if timed_out:
            text += "\n" + texts.EXAM_TIMEOUT_NOTE
        await self._send(sitting.chat_id, text)
        return True

    async def expire_due(self) -> int:
        """Submit every exam sitting whose time is up (the tick job calls this)."""
        finished = 0
        for sitting in await self.store.overdue(self.clock.now()):
            if sitting.kind is QuizContext.EXAM:
                finished += await self.finish(sitting, timed_out=True)
            else:
                await self.store.finish(sitting.id, self.clock.now(), None, None)
        return finished

    async def results(self, exam_id: str) -> ExamResults | None:
        exam = self.exams.get(exam_id)
        if exam is None:
            return None
        tallies = {t.person_id: t for t in await self.store.exam_tallies(exam.id)}
        audience = [p for p in await self.people.active_people() if self.is_for(exam, p)]
        scores = [t.best_score for t in tallies.values()]
        return ExamResults(
            exam=exam,
            audience=len(audience),
            taken=len(tallies),
            passed=sum(1 for t in tallies.values() if t.passed),
            average=round(sum(scores) / len(scores), 1) if scores else None,
            missing=[f"{p.name}（{p.unit_name}）" for p in audience if p.id not in tallies],
        )

    async def _send(self, chat_id: int, text: str) -> None:
        await self.quiz.notify(chat_id, OutMessage(escape(text)))
