"""Legal FAQ answering (法律咨询): match a question, answer with the law cited or hand over to
people, log every question (reports count consultations), feedback, staff replies."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.clock import Clock
from bot.domain.consult import Consultation, Feedback, OpenQuestion, Outcome
from bot.domain.content import FaqEntry, Library, OutsideTopic
from bot.domain.people import Person
from bot.services.faq_engine.results import Verdict
from bot.storage.audit import AuditStore
from bot.storage.consult import ConsultStore

QUESTION_LIMIT = 500


class Matcher(Protocol):
    threshold: float

    def consult(self, query: str) -> Verdict: ...


@dataclass(frozen=True, slots=True)
class FaqReply:
    consultation_id: int
    entry: FaqEntry | None  # None: handed over
    related: list[FaqEntry]
    outside: OutsideTopic | None = None  # handed over as a matter the FAQ does not answer


class FaqService:
    def __init__(
        self,
        library: Library,
        matcher: Matcher,
        store: ConsultStore,
        audit: AuditStore,
        clock: Clock,
        contacts: tuple[str, ...],
    ) -> None:
        self.library = library
        self.matcher = matcher
        self.store = store
        self.audit = audit
        self.clock = clock
        self.contacts = contacts
        self._by_id = {e.id: e for e in library.faq}

    def entry(self, faq_id: str) -> FaqEntry | None:
        return self._by_id.get(faq_id)

    async def ask(
        self, person: Person | None, telegram_id: int, chat_id: int, question: str
    ) -> FaqReply:
        """Answer from the library when confident, else hand over; the question is logged."""
        question = " ".join(question.split())[:QUESTION_LIMIT]
        verdict = self.matcher.consult(question)
        hit, related = verdict.hit, verdict.related
        entry = self.entry(hit.faq_id) if hit else None
        matched: str | None
        if verdict.outside is not None:  # logged as the matter it is closest to
            matched, score = verdict.outside.id, 0.0
        elif hit is not None:
            matched, score = hit.faq_id, hit.score
        else:
            matched = related[0].faq_id if related else None
            score = related[0].score if related else 0.0
        now = self.clock.now()
        consultation_id = await self.store.log(
            person.id if person else None,
            telegram_id,
            chat_id,
            question,
            matched,
            score,
            Outcome.ANSWERED if entry else Outcome.HANDED_OVER,
            now,
            now.astimezone(self.clock.tz).date(),
            via="chat" if verdict.outside is not None and verdict.outside.chat else "ask",
        )
        others = [e for e in (self.entry(h.faq_id) for h in related) if e is not None]
        return FaqReply(consultation_id, entry, others[:3], verdict.outside)

    async def show(
        self, person: Person | None, telegram_id: int, chat_id: int, faq_id: str
    ) -> FaqReply | None:
        """A tap on a related question: answer that entry (logged as a consultation too)."""
        entry = self.entry(faq_id)
        if entry is None:
            return None
        now = self.clock.now()
        consultation_id = await self.store.log(
            person.id if person else None,
            telegram_id,
            chat_id,
            entry.question,
            entry.id,
            1.0,
            Outcome.ANSWERED,
            now,
            now.astimezone(self.clock.tz).date(),
            via="related",
        )
        return FaqReply(consultation_id, entry, [])

    async def feedback(self, consultation_id: int, telegram_id: int, helpful: bool) -> bool:
        """Only the asker may rate an answer; a second rating replaces the first."""
        consultation = await self.store.get(consultation_id)
        if consultation is None or consultation.telegram_id != telegram_id:
            return False
        await self.store.feedback(
            consultation_id, Feedback.HELPFUL if helpful else Feedback.UNHELPFUL
        )
        return True

    async def open_questions(self, days: int = 30, limit: int = 500) -> list[OpenQuestion]:
        """Unanswered and unhelpful questions of the last `days`, repeats grouped together."""
        since = self.clock.now() - timedelta(days=days)
        groups: dict[str, list[Consultation]] = {}
        for c in await self.store.open_questions(since, limit):
            groups.setdefault(_key(c.question), []).append(c)
        out = [
            OpenQuestion(
                text=items[0].question,
                ids=tuple(c.id for c in items),
                latest=max(c.asked_at for c in items),
                unhelpful=any(c.feedback is Feedback.UNHELPFUL for c in items),
            )
            for items in groups.values()
        ]
        out.sort(key=lambda q: (-len(q.ids), -q.latest.timestamp()))
        return out

    async def staff_answer(self, consultation_id: int, text: str, by: str) -> Consultation | None:
        """Record an organizer's reply; the caller delivers it to the asker."""
        consultation = await self.store.get(consultation_id)
        if consultation is None:
            return None
        now = self.clock.now()
        await self.store.staff_reply(consultation_id, text.strip(), by, now)
        await self.audit.record(by, "faq_answer", now, consultation=consultation_id)
        return consultation

    def when(self, moment: datetime) -> datetime:
        return moment.astimezone(self.clock.tz)


_NOISE = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text)).lower()
