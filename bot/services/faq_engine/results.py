"""What the engine answers with (a hit, a verdict), and how entries and the matters the
library does not answer are read as documents."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.content import FaqEntry, OutsideTopic


@dataclass(frozen=True, slots=True)
class FaqHit:
    """One retrieved entry; `score` is the engine's confidence in [0, 1]."""

    faq_id: str
    score: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a question: answer with `hit`, or hand over (`hit` None); `outside`
    is the matter the FAQ does not answer that the question is closest to, if any."""

    hit: FaqHit | None
    related: list[FaqHit]
    outside: OutsideTopic | None


# A query of nothing but fillers (“谢谢”, “在吗”, “好的”): chatting, not asking.
CHATTING = OutsideTopic("small-talk", "闲聊", (), chat=True)


def as_entry(topic: OutsideTopic) -> FaqEntry:
    """A matter the FAQ does not answer, indexed by its phrasings only."""
    return FaqEntry(topic.id, topic.topic, topic.phrasings, "", (), (), "")


def phrasings(entry: FaqEntry) -> tuple[str, ...]:
    """The ways the entry is asked: its question and its alternates."""
    return (entry.question, *entry.alternates)
