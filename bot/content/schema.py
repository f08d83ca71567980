"""The shape of each content item (pydantic), turned into domain objects after validation."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from bot.content.articles import parse_articles, parse_citation
from bot.domain.people import Role, parse_role

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=48)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]


def _roles(values: list[str]) -> list[Role]:
    roles = []
    for v in values:
        role = parse_role(str(v))
        if role is None:
            raise ValueError(f"不认识的角色 {v!r}（可用: {', '.join(r.value for r in Role)}）")
        roles.append(role)
    if not roles:
        raise ValueError("至少要有一个角色")
    return roles


def _known_roles(v: list[str]) -> list[str]:
    _roles(v)
    return v


Audience = Annotated[list[str], AfterValidator(_known_roles)]  # role names, each known


class _Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LawModel(_Item):
    name: Text
    short: Text
    version: Text


class StudyModel(_Item):
    id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
    law: Text
    article: Text
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=3000)]
    explanation: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    case: Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)] | None = None
    audience: Audience = Field(min_length=1)
    tags: list[Tag] = Field(min_length=1)
    date: str | None = None

    @field_validator("article")
    @classmethod
    def _article(cls, v: str) -> str:
        parse_articles(v)
        return v

    @field_validator("date")
    @classmethod
    def _date(cls, v: str | None) -> str | None:
        if v is None:
            return None
        m = re.fullmatch(r"(\d{2})(?:-(\d{2}))?", str(v))
        ok = bool(m) and 1 <= int(m.group(1)) <= 12 if m else False
        if ok and m and m.group(2):
            days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][int(m.group(1)) - 1]
            ok = 1 <= int(m.group(2)) <= days
        if not ok:
            raise ValueError(f'日期应为 "MM-DD"（某一天）或 "MM"（整月），收到 {v!r}')
        return str(v)


class QuizModel(_Item):
    id: Id
    type: str
    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
    ]
    options: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    ] = []
    answer: str
    explanation: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
    ]
    reference: Text | None = None
    tags: list[Tag] = Field(min_length=1)
    difficulty: int = Field(ge=1, le=3)
    audience: Audience | None = None

    @field_validator("type")
    @classmethod
    def _type(cls, v: str) -> str:
        if v not in ("single", "multiple", "judge"):
            raise ValueError("题型应为 single（单选）、multiple（多选）或 judge（判断）")
        return v

    @field_validator("answer", mode="before")
    @classmethod
    def _answer_text(cls, v: object) -> str:
        if isinstance(v, bool):  # YAML reads an unquoted `yes`/`true` as a boolean
            return "对" if v else "错"
        return str(v).strip()

    @field_validator("reference")
    @classmethod
    def _reference(cls, v: str | None) -> str | None:
        if v is not None:
            parse_citation(v)
        return v


class FaqModel(_Item):
    id: Id
    question: Text
    alternates: list[Text] = Field(min_length=3)
    answer: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    references: list[Text] = Field(min_length=1)
    tags: list[Tag] = Field(min_length=1)
    keywords: list[Tag] = []

    @field_validator("references")
    @classmethod
    def _references(cls, v: list[str]) -> list[str]:
        for ref in v:
            parse_citation(ref)
        return v


class OutsideModel(_Item):
    """A matter the FAQ library does not answer (faq/outside*.yaml): questions matching it are
    handed over, with `where` (the office that handles it) when known."""

    id: Id
    topic: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
    where: Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)] | None = None
    chat: bool = False  # small talk: greet back and show how to ask, no hand-over to staff
    phrasings: list[Text] = Field(min_length=3)


def roles_of(values: list[str] | None) -> frozenset[Role]:
    return frozenset(Role) if values is None else frozenset(_roles(values))


class ExamModel(_Item):
    id: Id
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
    questions: dict[str, int]
    tags: list[Tag] = []
    laws: list[Text] = []
    time_limit_minutes: int = Field(ge=1, le=600)
    pass_score: int = Field(default=60, ge=1, le=100)
    audience: Audience | None = None
    units: list[Text] = []
    opens: str | None = None
    closes: str | None = None
    attempts: int = Field(default=1, ge=1, le=20)

    @field_validator("questions")
    @classmethod
    def _questions(cls, v: dict[str, int]) -> dict[str, int]:
        for kind, count in v.items():
            if kind not in ("single", "multiple", "judge"):
                raise ValueError(f"题型 {kind!r} 不认识（single、multiple、judge）")
            if not 0 <= count <= 200:
                raise ValueError("每种题型 0–200 道")
        if sum(v.values()) < 1:
            raise ValueError("至少要有 1 道题")
        return v

    @field_validator("opens", "closes")
    @classmethod
    def _when(cls, v: str | None) -> str | None:
        if v is not None:
            parse_local(v)
        return v


def parse_local(text: str) -> datetime:
    """'2026-12-01 08:00' (local wall time) → naive datetime; ValueError when malformed."""
    try:
        return datetime.strptime(str(text).strip(), "%Y-%m-%d %H:%M")
    except ValueError:
        raise ValueError(f'时间应写成 "2026-12-01 08:00"，收到 {text!r}') from None
