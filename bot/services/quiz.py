"""Quizzes: choosing questions, asking them (quiz poll or text with buttons), grading answers
from poll_answer updates and button taps, the review notebook (Leitner boxes), group quizzes.

Every answer refers to a server-side ask: an answer to someone else's ask, a second answer or
an answer after the ask expired is refused without touching any record.
"""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from bot import render, texts
from bot.domain.clock import Clock
from bot.domain.content import Library, QuestionType, QuizQuestion, StudyItem
from bot.domain.errors import SendError
from bot.domain.messages import OutMessage, Part
from bot.domain.people import Person, StudyGroup
from bot.domain.quiz import (
    LEITNER_INTERVALS_DAYS,
    AnswerStatus,
    Ask,
    QuizContext,
    QuizStats,
    Sitting,
)
from bot.services.outbox import Sender
from bot.storage.quiz import QuizStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class QuizSettings:
    daily_questions: int
    answer_window: timedelta


@dataclass(frozen=True, slots=True)
class Answered:
    status: AnswerStatus
    ask: Ask | None = None
    question: QuizQuestion | None = None
    correct: bool = False


class QuizService:
    def __init__(
        self,
        library: Library,
        store: QuizStore,
        sender: Sender,
        clock: Clock,
        settings: QuizSettings,
    ) -> None:
        self.library = library
        self.store = store
        self.sender = sender
        self.clock = clock
        self.settings = settings
        self._law_tags = {law.short for law in library.laws}
        self.exam_titles: dict[str, str] = {}
        self._warned_unbound: set[tuple[int, int, date]] = set()

    def today(self) -> date:
        return self.clock.now().astimezone(self.clock.tz).date()

    # --- choosing ------------------------------------------------------------------------

    async def choose_daily(self, person: Person, item: StudyItem | None, count: int) -> list[str]:
        """Questions on the item first, then due reviews, then unseen ones of the audience."""
        now = self.clock.now()
        seen = await self.store.seen_questions(person.id)
        recent = await self.store.asked_since(person.id, now - timedelta(hours=20))
        chosen: list[str] = []

        def take(ids: Sequence[str]) -> None:
            for qid in ids:
                if len(chosen) < count and qid not in chosen and qid not in recent:
                    chosen.append(qid)

        if item is not None:
            take(self._on_item(item, person, seen))
        take(await self.store.reviews(person.id, self.today(), count))
        if len(chosen) < count:
            rng = random.Random(f"{person.id}:{self.today().isoformat()}")
            fresh = [
                q.id for q in self.library.quiz if person.role in q.audience and q.id not in seen
            ]
            rng.shuffle(fresh)
            take(fresh)
        return chosen

    def _on_item(self, item: StudyItem, person: Person, seen: set[str]) -> list[str]:
        topic = set(item.tags) - self._law_tags or set(item.tags)
        scored = []
        for q in self.library.quiz:
            if person.role not in q.audience or q.id in seen:
                continue
            same_article = bool(q.reference) and q.reference == item.citation
            overlap = len(topic & set(q.tags))
            if same_article or overlap:
                scored.append((not same_article, -overlap, q.id))
        return [qid for *_, qid in sorted(scored)]

    # --- rounds --------------------------------------------------------------------------

    async def start_daily(self, person: Person, chat_id: int, item: StudyItem | None) -> bool:
        questions = await self.choose_daily(person, item, self.settings.daily_questions)
        return await self._start_round(person, chat_id, QuizContext.DAILY, questions)

    async def start_review(self, person: Person, chat_id: int) -> bool:
        due = await self.store.reviews(person.id, self.today(), self.settings.daily_questions)
        if len(due) < self.settings.daily_questions:
            for qid in await self.store.reviews(person.id, None, self.settings.daily_questions * 2):
                if qid not in due and len(due) < self.settings.daily_questions:
                    due.append(qid)
        return await self._start_round(person, chat_id, QuizContext.REVIEW, due)

    async def _start_round(
        self, person: Person, chat_id: int, kind: QuizContext, question_ids: list[str]
    ) -> bool:
        question_ids = [q for q in question_ids if self.library.question(q)]
        if not question_ids:
            return False
        now = self.clock.now()
        await self.store.close_open_rounds(person.id, now)
        sitting = await self.store.create_sitting(
            person.id, kind, None, chat_id, question_ids, now, None
        )
        await self.ask_current(sitting)
        return True

    async def begin_sitting(
        self,
        person: Person,
        chat_id: int,
        exam_id: str,
        question_ids: list[str],
        deadline: datetime,
    ) -> Sitting:
        sitting = await self.store.create_sitting(
            person.id, QuizContext.EXAM, exam_id, chat_id, question_ids, self.clock.now(), deadline
        )
        await self.ask_current(sitting)
        return sitting

    def _labels(self, sitting: Sitting, question: QuizQuestion) -> tuple[str, str]:
        """(header of a text question, prefix of a poll question) for the current position."""
        n, total = sitting.position + 1, len(sitting.question_ids)
        if sitting.kind is QuizContext.EXAM and sitting.deadline is not None:
            left = max(0, math.ceil((sitting.deadline - self.clock.now()).total_seconds() / 60))
            title = self.exam_titles.get(sitting.exam_id or "", texts.EXAM_DEFAULT_TITLE)
            header = texts.EXAM_HEADER.format(title=title, n=n, total=total, minutes=left)
            return header, texts.EXAM_POLL_PREFIX.format(n=n, total=total, minutes=left)
        kind = texts.QUESTION_KIND[question.type.value]
        header = texts.QUESTION_HEADER.format(n=n, total=total, kind=kind)
        return header, texts.POLL_PREFIX.format(n=n, total=total)

    async def ask_current(self, sitting: Sitting) -> None:
        """Send the question at the sitting's position (a quiz poll when it fits, else text)."""
        question = self.library.question(sitting.question_ids[sitting.position])
        if question is None:
            log.error("question %s left the library", sitting.question_ids[sitting.position])
            return
        now = self.clock.now()
        expires = sitting.deadline or now + self.settings.answer_window
        ask_id = await self.store.create_ask(
            question.id, sitting.kind, sitting.chat_id, sitting.person_id, sitting.id, now, expires
        )
        header, prefix = self._labels(sitting, question)
        part: Part = (
            render.quiz_poll(question, prefix)
            if render.fits_poll(question, prefix)
            else render.question_message(question, ask_id, header)
        )
        await self._deliver(ask_id, sitting.chat_id, part)

    async def _deliver(self, ask_id: int, chat_id: int, part: Part) -> bool:
        try:
            sent = await self.sender.send(chat_id, part)
        except SendError as e:
            log.warning("could not send a question: %s", e)
            await self.store.drop_ask(ask_id)
            return False
        await self.store.attach(ask_id, sent.message_id, sent.poll_id)
        return True

    async def notify(self, chat_id: int, message: OutMessage) -> None:
        """Send a message to a quiz taker; a failure is logged, the quiz goes on."""
        try:
            await self.sender.send(chat_id, message)
        except SendError as e:
            log.warning("could not send a quiz message: %s", e)

    # --- answering -----------------------------------------------------------------------

    async def answer(
        self, ask: Ask | None, person: Person | None, choice: frozenset[int]
    ) -> Answered:
        """Grade one answer and record it, or say why it is refused (nothing recorded then)."""
        check = await self._check_open(ask, person)
        if check.status is not AnswerStatus.RECORDED:
            return check
        assert ask is not None and person is not None and check.question is not None
        question, now = check.question, self.clock.now()
        if not choice:
            return Answered(AnswerStatus.EMPTY, ask, question)
        correct = choice == question.answer
        letters = "".join(render.LETTERS[i] for i in sorted(choice))
        if question.type is QuestionType.JUDGE:
            letters = question.options[min(choice)]
        if not await self.store.record_answer(ask, person.id, letters, correct, now, self.today()):
            return Answered(AnswerStatus.ALREADY, ask, question)
        await self._review(person.id, question.id, correct)
        return Answered(AnswerStatus.RECORDED, ask, question, correct)

    async def _sitting_open(self, ask: Ask) -> bool:
        if ask.sitting_id is None:
            return True
        sitting = await self.store.sitting(ask.sitting_id)
        return sitting is not None and sitting.finished_at is None

    async def _review(self, person_id: int, question_id: str, correct: bool) -> None:
        """Leitner: wrong → box 1; right → next box; right in the last box → out."""
        now, today = self.clock.now(), self.today()
        box = await self.store.review_box(person_id, question_id)
        if not correct:
            due = today + timedelta(days=LEITNER_INTERVALS_DAYS[0])
            await self.store.put_review(person_id, question_id, 1, due, now)
        elif box is not None:
            if box >= len(LEITNER_INTERVALS_DAYS):
                await self.store.drop_review(person_id, question_id)
            else:
                due = today + timedelta(days=LEITNER_INTERVALS_DAYS[box])
                await self.store.put_review(person_id, question_id, box + 1, due, now)

    async def toggle(self, ask: Ask | None, person: Person | None, option: int) -> Answered:
        """Multiple-answer questions: flip one option in the server-side selection."""
        check = await self._check_open(ask, person)
        if check.status is not AnswerStatus.RECORDED or ask is None or check.question is None:
            return check
        if not 0 <= option < len(check.question.options):
            return Answered(AnswerStatus.GONE, ask)
        selection = ask.selection ^ {option}
        await self.store.set_selection(ask.id, selection)
        if ask.message_id is not None:
            header = await self._header_of(ask, check.question)
            await self.sender.edit(
                ask.chat_id,
                ask.message_id,
                render.question_message(check.question, ask.id, header, selection),
            )
        return check

    async def _check_open(self, ask: Ask | None, person: Person | None) -> Answered:
        """The checks every answer passes before anything is recorded."""
        if ask is None:
            return Answered(AnswerStatus.GONE)
        if person is None:
            return Answered(AnswerStatus.NOT_BOUND, ask)
        if ask.person_id is not None and ask.person_id != person.id:
            return Answered(AnswerStatus.NOT_YOURS, ask)
        question = self.library.question(ask.question_id)
        if question is None:
            return Answered(AnswerStatus.GONE, ask)
        if await self.store.answered(ask.id, person.id):
            return Answered(AnswerStatus.ALREADY, ask, question)
        if self.clock.now() > ask.expires_at or not await self._sitting_open(ask):
            return Answered(AnswerStatus.EXPIRED, ask, question)
        return Answered(AnswerStatus.RECORDED, ask, question)

    async def _header_of(self, ask: Ask, question: QuizQuestion) -> str:
        sitting = await self.store.sitting(ask.sitting_id) if ask.sitting_id else None
        if sitting is None:
            return texts.QUESTION_KIND[question.type.value]
        return self._labels(sitting, question)[0]

    async def follow_up(self, result: Answered) -> Sitting | None:
        """After a recorded private answer: show the result, then ask the next question or end
        the round. Returns an exam sitting that has just run out of questions (to be scored)."""
        ask, question = result.ask, result.question
        if ask is None or question is None or ask.sitting_id is None:
            return None
        sitting = await self.store.sitting(ask.sitting_id)
        if sitting is None:
            return None
        exam = sitting.kind is QuizContext.EXAM
        feedback = (
            escape(texts.ANSWER_NOTED) if exam else render.feedback_text(question, result.correct)
        )
        if ask.poll_id is None and ask.message_id is not None:
            shown = render.question_message(question, ask.id, await self._header_of(ask, question))
            await self.sender.edit(
                ask.chat_id, ask.message_id, OutMessage(f"{shown.text}\n\n{feedback}")
            )
        elif not exam:  # the poll itself shows right/wrong; add the explanation and the law
            await self.notify(ask.chat_id, OutMessage(feedback))
        position = sitting.position + 1
        if position < len(sitting.question_ids):
            if await self.store.advance(sitting.id, position):
                moved = await self.store.sitting(sitting.id)
                if moved is not None:
                    await self.ask_current(moved)
            return None
        if exam:
            return sitting
        await self._finish_round(sitting)
        return None

    async def _finish_round(self, sitting: Sitting) -> None:
        if not await self.store.finish(sitting.id, self.clock.now(), None, None):
            return
        _answered, right = await self.store.sitting_answers(sitting.id)
        total = len(sitting.question_ids)
        note = texts.ROUND_ALL_RIGHT if right == total else texts.ROUND_REVIEW_NOTE
        await self.notify(
            sitting.chat_id,
            OutMessage(escape(texts.ROUND_DONE.format(total=total, right=right, review=note))),
        )

    # --- group quizzes -------------------------------------------------------------------

    async def group_quiz(self, group: StudyGroup, count: int) -> int:
        """Post `count` quiz polls in a study group; every bound member's answers count."""
        now = self.clock.now()
        rng = random.Random(f"{group.chat_id}:{now.isoformat()}")
        pool = [
            q for q in self.library.quiz if group.track.roles & q.audience and render.fits_poll(q)
        ]
        rng.shuffle(pool)
        picked = pool[:count]
        if not picked:
            return 0
        await self.notify(
            group.chat_id, OutMessage(escape(texts.GROUPQUIZ_START.format(n=len(picked))))
        )
        sent = 0
        for question in picked:
            ask_id = await self.store.create_ask(
                question.id,
                QuizContext.GROUP,
                group.chat_id,
                None,
                None,
                now,
                now + timedelta(days=1),
            )
            sent += await self._deliver(ask_id, group.chat_id, render.quiz_poll(question))
        return sent

    def should_warn_unbound(self, chat_id: int, user_id: int) -> bool:
        key = (chat_id, user_id, self.today())
        if key in self._warned_unbound:
            return False
        self._warned_unbound.add(key)
        return True

    async def ask_of_poll(self, poll_id: str) -> Ask | None:
        return await self.store.ask_by_poll(poll_id)

    async def ask_by_id(self, ask_id: int) -> Ask | None:
        return await self.store.ask(ask_id)

    async def stats(self, person: Person) -> tuple[QuizStats, int]:
        return await self.store.stats(person.id), await self.store.review_count(person.id)
