"""Reports for organizers: every figure of REPORTS.md for a period and scope, per person, per
unit and for the whole programme, plus the annual-report paragraph and the inactive list."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.domain.clock import Clock
from bot.domain.people import Role
from bot.services.periods import PeriodError, parse_period
from bot.storage.people import PeopleStore
from bot.storage.reports import ConsultRow, ExamRow, PersonRow, ReportStore, Scope, SessionRow


class _Rates:
    """Participation and accuracy, computed the same way for a person and for a unit."""

    __slots__ = ()
    if TYPE_CHECKING:
        delivered: int
        studied_delivered: int
        answered: int
        correct: int

    @property
    def participation(self) -> float | None:
        return self.studied_delivered / self.delivered if self.delivered else None

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True, slots=True)
class PersonFigures(_Rates):
    person: PersonRow
    study_days: int = 0
    delivered: int = 0
    studied_delivered: int = 0
    minutes: int = 0
    attendances: int = 0
    training_hours: float = 0.0
    answered: int = 0
    correct: int = 0
    exams_passed: int = 0
    consultations: int = 0
    minutes_per_class_hour: int = 45

    @property
    def study_hours(self) -> float:
        return self.minutes / self.minutes_per_class_hour

    @property
    def class_hours(self) -> float:
        return self.training_hours + self.study_hours


@dataclass
class UnitFigures(_Rates):
    unit: str
    people: int = 0
    studying: int = 0
    study_days: int = 0
    delivered: int = 0
    studied_delivered: int = 0
    minutes: int = 0
    attendances: int = 0
    training_hours: float = 0.0
    class_hours: float = 0.0
    answered: int = 0
    correct: int = 0
    consultations: int = 0


@dataclass(frozen=True, slots=True)
class Overview:
    pushes: int
    study_records: int
    studying_people: int
    participation: float | None
    minutes: int
    sessions_by_kind: dict[str, int]
    hours_offered: float
    people_trained: int
    attendances: int
    attendance_rate: float | None
    quiz_rounds: int
    answers: int
    accuracy: float | None
    exams_taken: int
    exams_passed: int
    asked: int
    answered_by_bot: int
    handed_over: int
    answered_by_staff: int
    answered: int


@dataclass
class Report:
    scope: Scope
    label: str
    overview: Overview
    people: list[PersonFigures]
    units: list[UnitFigures]
    sessions: list[SessionRow]
    exams: list[ExamRow]
    consultations: list[ConsultRow]
    daily: dict[date, tuple[int, int]]
    kinds: tuple[str, ...] = field(default_factory=tuple)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def hours(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


class ReportService:
    def __init__(
        self,
        store: ReportStore,
        people: PeopleStore,
        clock: Clock,
        *,
        late_credit: float,
        minutes_per_class_hour: int,
        kinds: tuple[str, ...],
    ) -> None:
        self.store = store
        self.people = people
        self.clock = clock
        self.late_credit = late_credit
        self.minutes_per_class_hour = minutes_per_class_hour
        self.kinds = kinds

    # --- periods and scope -------------------------------------------------------------------

    def today(self) -> date:
        return self.clock.now().astimezone(self.clock.tz).date()

    def period(self, text: str | None) -> tuple[date, date, str]:
        return parse_period(text, self.today())

    async def scope(
        self,
        period: str | None = None,
        unit: str | None = None,
        role: Role | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> tuple[Scope, str]:
        if first is None or last is None:
            first, last, label = self.period(period)
        else:
            label = f"{first.isoformat()} 至 {last.isoformat()}"
        unit_id = None
        if unit:
            found = await self.people.unit_by_name(unit)
            if found is None:
                raise PeriodError(f"没有找到单位“{unit}”")
            unit_id = found.id
            label += f" · {unit}"
        if role is not None:
            label += f" · {role.value}"
        tz = self.clock.tz
        start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        return Scope(first, last, start, end, unit_id, unit, role), label

    # --- the report --------------------------------------------------------------------------

    async def build(self, scope: Scope, label: str) -> Report:
        store = self.store
        people = await store.people(scope)
        ids = [p.id for p in people]
        # the queries are independent: they run side by side on the read pool
        delivered, study, attendance, answers, passed, asked = await asyncio.gather(
            store.delivered_days(scope),
            store.study(scope),
            store.attendance(scope, self.late_credit),
            store.answers(scope),
            store.exams_passed(scope),
            store.consultations_per_person(scope),
        )
        sessions, consultations, daily, exams, group_quizzes = await asyncio.gather(
            store.sessions(scope),
            store.consultations(scope),
            store.daily_participation(scope),
            store.exams(scope, ids),
            store.group_quizzes(scope),
        )
        rounds = sum(answers.get(p.id, (0, 0, 0))[2] for p in people)
        figures = [
            PersonFigures(
                person=p,
                study_days=study.get(p.id, (0, 0, 0))[0],
                delivered=delivered.get(p.id, 0),
                studied_delivered=study.get(p.id, (0, 0, 0))[2],
                minutes=study.get(p.id, (0, 0, 0))[1],
                attendances=attendance.get(p.id, (0, 0.0))[0],
                training_hours=attendance.get(p.id, (0, 0.0))[1],
                answered=answers.get(p.id, (0, 0, 0))[0],
                correct=answers.get(p.id, (0, 0, 0))[1],
                exams_passed=passed.get(p.id, 0),
                consultations=asked.get(p.id, 0),
                minutes_per_class_hour=self.minutes_per_class_hour,
            )
            for p in people
        ]
        overview = self._overview(
            figures, sessions, consultations, daily, exams, rounds + group_quizzes
        )
        return Report(
            scope,
            label,
            overview,
            figures,
            _units(figures),
            sessions,
            exams,
            consultations,
            daily,
            self.kinds,
        )

    def _overview(
        self,
        people: list[PersonFigures],
        sessions: list[SessionRow],
        consultations: list[ConsultRow],
        daily: dict[date, tuple[int, int]],
        exams: list[ExamRow],
        rounds: int,
    ) -> Overview:
        delivered = sum(p.delivered for p in people)
        studied = sum(p.studied_delivered for p in people)
        answers = sum(p.answered for p in people)
        correct = sum(p.correct for p in people)
        kinds = Counter(s.kind for s in sessions)
        present = sum(s.present + s.late for s in sessions)
        counted = present + sum(s.absent for s in sessions)
        bot = sum(1 for c in consultations if c.outcome == "answered")
        staff = sum(1 for c in consultations if c.staff_reply)
        both = sum(1 for c in consultations if c.outcome == "answered" and c.staff_reply)
        return Overview(
            pushes=len(daily),
            study_records=sum(p.study_days for p in people),
            studying_people=sum(1 for p in people if p.study_days),
            participation=studied / delivered if delivered else None,
            minutes=sum(p.minutes for p in people),
            sessions_by_kind={k: kinds[k] for k in sorted(kinds, key=self._kind_order)},
            hours_offered=sum(s.hours for s in sessions),
            people_trained=sum(1 for p in people if p.attendances),
            attendances=sum(p.attendances for p in people),
            attendance_rate=present / counted if counted else None,
            quiz_rounds=rounds,
            answers=answers,
            accuracy=correct / answers if answers else None,
            exams_taken=sum(e.sittings for e in exams),
            exams_passed=sum(e.passed for e in exams),
            asked=len(consultations),
            answered_by_bot=bot,
            handed_over=sum(1 for c in consultations if c.outcome == "handed_over"),
            answered_by_staff=staff,
            answered=bot + staff - both,
        )

    def _kind_order(self, kind: str) -> tuple[int, str]:
        return (self.kinds.index(kind) if kind in self.kinds else len(self.kinds), kind)

    # --- the annual paragraph ----------------------------------------------------------------

    def annual_paragraph(self, report: Report, year: int) -> str:
        o = report.overview
        held = "、".join(f"{kind}{count}次" for kind, count in o.sessions_by_kind.items())
        rate = "—" if o.participation is None else f"{o.participation * 100:.1f}%"
        accuracy = "—" if o.accuracy is None else f"{o.accuracy * 100:.1f}%"
        parts = [
            f"{year}年，通过“每日一学”推送学法内容{o.pushes}期，参学{o.study_records}人次，"
            f"平均参学率{rate}",
            f"开展{held}" if held else "未开展集中培训",
            f"共组织{o.people_trained}人开展线上线下培训{hours(o.hours_offered)}课时",
            f"开展法律知识测验{o.quiz_rounds}次，平均正确率{accuracy}",
            f"解答法律咨询{o.answered}件次",
        ]
        return "；".join(parts) + "。"

    # --- people who stopped studying ---------------------------------------------------------

    async def inactive(self, days: int) -> list[tuple[PersonRow, date | None]]:
        """Active bound people with no study record for the last `days` days (oldest first)."""
        today = self.today()
        scope, _ = await self.scope(first=today - timedelta(days=days), last=today)
        people = [p for p in await self.store.people(scope)]
        bound = set(await self.people.bound_ids())
        last = await self.store.last_studied([p.id for p in people])
        since = today - timedelta(days=days)
        out = [
            (p, last.get(p.id))
            for p in people
            if p.id in bound and (last.get(p.id) is None or last[p.id] <= since)
        ]
        out.sort(key=lambda pl: (pl[1] or date.min, pl[0].unit, pl[0].id))
        return out


def _units(people: list[PersonFigures]) -> list[UnitFigures]:
    units: dict[str, UnitFigures] = {}
    for p in people:
        u = units.setdefault(p.person.unit, UnitFigures(p.person.unit))
        u.people += 1
        u.studying += 1 if p.study_days else 0
        u.study_days += p.study_days
        u.delivered += p.delivered
        u.studied_delivered += p.studied_delivered
        u.minutes += p.minutes
        u.attendances += p.attendances
        u.training_hours += p.training_hours
        u.class_hours += p.class_hours
        u.answered += p.answered
        u.correct += p.correct
        u.consultations += p.consultations
    return sorted(units.values(), key=lambda u: (-(u.participation or 0), u.unit))
