"""The content library as domain values: laws, study items, quiz questions, FAQ entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

from bot.domain.people import Role, Track

if TYPE_CHECKING:
    from bot.domain.quiz import Exam


@dataclass(frozen=True, slots=True)
class Law:
    name: str  # 中华人民共和国民法典
    short: str  # 民法典
    version: str  # date of the text the library quotes


@dataclass(frozen=True, slots=True)
class Pin:
    """When an item is tied to the calendar: a day (MM-DD) or a month run (MM)."""

    month: int
    day: int | None  # None: the whole month is a run


@dataclass(frozen=True, slots=True)
class StudyItem:
    id: str
    title: str
    law: str
    article: str
    text: str
    explanation: str
    case: str | None
    audience: frozenset[Role]
    tags: tuple[str, ...]
    pin: Pin | None
    source: str  # "study/minfadian.yaml:12", for messages about the item

    @property
    def tracks(self) -> frozenset[Track]:
        return frozenset(r.track for r in self.audience)

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.article}"


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    JUDGE = "judge"


JUDGE_OPTIONS = ("对", "错")


@dataclass(frozen=True, slots=True)
class QuizQuestion:
    id: str
    type: QuestionType
    question: str
    options: tuple[str, ...]  # for judge: ("对", "错")
    answer: frozenset[int]  # indexes into options
    explanation: str
    reference: str | None  # 《法名》第X条; imported question banks may have none
    tags: tuple[str, ...]
    difficulty: int
    audience: frozenset[Role]
    source: str


@dataclass(frozen=True, slots=True)
class FaqEntry:
    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    references: tuple[str, ...]
    tags: tuple[str, ...]
    source: str
    keywords: tuple[str, ...] = ()  # everyday words people use about this matter


@dataclass(frozen=True, slots=True)
class OutsideTopic:
    """A matter the FAQ library does not answer; questions matching it are handed over."""

    id: str
    topic: str
    phrasings: tuple[str, ...]
    where: str | None = None  # the office that usually handles it
    chat: bool = False  # small talk rather than a question


@dataclass(frozen=True, slots=True)
class Library:
    """Everything under content/, validated; lookups by id.

    `unlinked_quiz` lists questions whose tags match no study item (allowed — e.g. imported
    banks — but they are never picked as "questions on today's item")."""

    laws: tuple[Law, ...]
    study: tuple[StudyItem, ...]
    quiz: tuple[QuizQuestion, ...]
    faq: tuple[FaqEntry, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    outside: tuple[OutsideTopic, ...] = ()  # matters the FAQ does not answer
    unlinked_quiz: tuple[str, ...] = ()
    exams: tuple[Exam, ...] = ()
    _study_by_id: dict[str, StudyItem] = field(default_factory=dict, repr=False, compare=False)
    _quiz_by_id: dict[str, QuizQuestion] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._study_by_id.update({item.id: item for item in self.study})
        self._quiz_by_id.update({q.id: q for q in self.quiz})

    def study_item(self, item_id: str) -> StudyItem | None:
        return self._study_by_id.get(item_id)

    def question(self, question_id: str) -> QuizQuestion | None:
        return self._quiz_by_id.get(question_id)

    def study_for(self, track: Track) -> tuple[StudyItem, ...]:
        return tuple(item for item in self.study if track in item.tracks)
