"""Training sessions and attendance: create, announce and remind through the outbox, check in
(code, deep link/QR, button), organizer marks and sign-in sheets, closing, class hours."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from bot import render, texts
from bot.domain.clock import Clock
from bot.domain.delivery import NewDelivery, Recipient, RecipientKind, session_kind
from bot.domain.errors import LegalBotError, RosterError
from bot.domain.people import Person, Role
from bot.domain.training import (
    Attendance,
    AttendanceRow,
    HoursLedger,
    Mode,
    TrainingSession,
    parse_attendance,
)
from bot.services.outbox import Outbox
from bot.sheets import find_columns, read_table
from bot.storage.audit import AuditStore
from bot.storage.people import PeopleStore
from bot.storage.study import StudyStore
from bot.storage.training import Mark, NewSession, TrainingStore


class SessionError(LegalBotError):
    """A session cannot be created as asked; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class TrainingSettings:
    kinds: tuple[str, ...]
    before: timedelta
    after: timedelta
    grace: timedelta
    late_credit: float
    reminder_lead: timedelta
    code_attempts: int
    code_window: timedelta
    minutes_per_class_hour: int


class CheckIn(StrEnum):
    PRESENT = "present"
    LATE = "late"
    ALREADY = "already"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    CLOSED = "closed"
    WRONG_CODE = "wrong_code"
    LOCKED = "locked"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class CheckInOutcome:
    status: CheckIn
    session: TrainingSession | None = None
    attempts_left: int = 0


SHEET_COLUMNS = {
    "name": ("姓名", "名字"),
    "unit": ("单位", "所在单位", "村（单位）", "村(单位)", "所在村", "部门"),
    "status": ("状态", "签到", "出勤", "出勤情况", "签到情况"),
}


class TrainingService:
    def __init__(
        self,
        store: TrainingStore,
        people: PeopleStore,
        study: StudyStore,
        outbox: Outbox | None,
        audit: AuditStore,
        clock: Clock,
        settings: TrainingSettings,
    ) -> None:
        self.store = store
        self.people = people
        self.study = study
        self.outbox = outbox
        self.audit = audit
        self.clock = clock
        self.settings = settings
        self.bot_username = ""

    # --- creating --------------------------------------------------------------------------

    async def create(
        self,
        *,
        title: str,
        kind: str,
        mode: Mode,
        starts_at: datetime,
        hours: float,
        place: str = "",
        units: frozenset[str] = frozenset(),
        roles: frozenset[Role] = frozenset(),
        by: str,
    ) -> TrainingSession:
        title = title.strip()
        if not 1 <= len(title) <= 60:
            raise SessionError(texts.SESSION_BAD_TITLE)
        if kind not in self.settings.kinds:
            raise SessionError(texts.SESSION_BAD_KIND.format(kinds="、".join(self.settings.kinds)))
        if not 0 < hours <= 24:
            raise SessionError(texts.SESSION_BAD_HOURS_RANGE)
        if starts_at.tzinfo is None:
            raise SessionError(texts.SESSION_NO_TZ)
        known = {u.name for u in await self.people.units()}
        unknown = sorted(units - known)
        if unknown:
            raise SessionError(texts.SESSION_BAD_UNITS.format(units="、".join(unknown)))
        now = self.clock.now()
        s = self.settings
        new = NewSession(
            title=title,
            kind=kind,
            mode=mode,
            starts_at=starts_at,
            hours=hours,
            place=place.strip(),
            roles=roles,
            units=units,
            opens_at=starts_at - s.before,
            closes_at=starts_at + s.after,
            late_after=starts_at + s.grace,
            code=await self._free_code(),
            token=secrets.token_urlsafe(9),
        )
        session = await self.store.create(new, by, now)
        await self.audit.record(by, "session_new", now, session=session.id, title=title)
        return session

    async def _free_code(self) -> str:
        taken = await self.store.codes_in_use(self.clock.now())
        for digits in (4, 5, 6):
            for _ in range(50):
                code = f"{secrets.randbelow(10**digits):0{digits}d}"
                if code not in taken:
                    return code
        raise SessionError(texts.SESSION_NO_CODES)

    def deep_link(self, session: TrainingSession) -> str:
        return f"https://t.me/{self.bot_username}?start=checkin_{session.token}"

    # --- audience, announcements, reminders, closing ---------------------------------------

    async def audience(self, session: TrainingSession) -> list[Person]:
        """Who is expected: active people of the roles/units, on the roster before it ended."""
        return [
            p
            for p in await self.people.active_people()
            if session.is_for(p) and p.created_at <= session.closes_at
        ]

    async def _enqueue(self, session: TrainingSession, what: str, people: list[Person]) -> int:
        if self.outbox is None:
            raise RuntimeError("announcements need the running bot's outbox")
        payload = (
            render.session_announcement(session)
            if what == "announce"
            else render.session_reminder(session)
        )
        payload_id = await self.outbox.payload_id(payload)
        day = session.starts_at.astimezone(self.clock.tz).date()
        rows = [
            NewDelivery(
                Recipient(RecipientKind.PERSON, p.id, p.telegram_id),
                day,
                session_kind(what, session.id),
                payload_id,
            )
            for p in people
            if p.telegram_id is not None and p.blocked_at is None
        ]
        return await self.outbox.enqueue(rows)

    async def announce_due(self) -> int:
        sent = 0
        now = self.clock.now()
        for session in await self.store.to_announce():
            if now < session.closes_at and await self.store.stamp(session.id, "announced_at", now):
                sent += await self._enqueue(session, "announce", await self.audience(session))
        return sent

    async def remind_due(self) -> int:
        sent = 0
        now = self.clock.now()
        for session in await self.store.to_remind(now + self.settings.reminder_lead, now):
            if await self.store.stamp(session.id, "reminded_at", now):
                checked = await self.store.records(session.id)
                people = [p for p in await self.audience(session) if p.id not in checked]
                sent += await self._enqueue(session, "remind", people)
        return sent

    async def close(self, session: TrainingSession, by: str = "auto") -> int | None:
        """Close once and mark everyone expected without a record absent; None if closed."""
        now = self.clock.now()
        if not await self.store.stamp(session.id, "closed_at", now):
            return None
        checked = await self.store.records(session.id)
        missing = [p.id for p in await self.audience(session) if p.id not in checked]
        await self.audit.record(by, "session_close", now, session=session.id, absent=len(missing))
        return await self.store.mark_absent(session.id, missing, now)

    async def close_due(self) -> int:
        closed = 0
        for session in await self.store.to_close(self.clock.now()):
            closed += (await self.close(session)) is not None
        return closed

    # --- checking in -------------------------------------------------------------------------

    async def check_in_code(self, person: Person, telegram_id: int, code: str) -> CheckInOutcome:
        now = self.clock.now()
        since = now - self.settings.code_window
        failures = await self.store.wrong_codes_since(telegram_id, since)
        if failures >= self.settings.code_attempts:
            return CheckInOutcome(CheckIn.LOCKED)
        sessions = await self.store.by_code(code.strip()) if code.strip().isdigit() else []
        current = [s for s in sessions if not s.closed and s.opens_at <= now <= s.closes_at]
        if current:
            return await self._check_in(person, current[0], "code")
        if sessions:  # a real code, but not now: say why rather than count it as a guess
            return await self._check_in(person, sessions[0], "code")
        await self.store.wrong_code(telegram_id, now)
        left = self.settings.code_attempts - failures - 1
        return CheckInOutcome(
            CheckIn.WRONG_CODE if left > 0 else CheckIn.LOCKED, attempts_left=max(0, left)
        )

    async def check_in_token(self, person: Person, token: str) -> CheckInOutcome:
        session = await self.store.by_token(token)
        if session is None:
            return CheckInOutcome(CheckIn.UNKNOWN)
        return await self._check_in(person, session, "link")

    async def check_in_button(self, person: Person, session_id: int) -> CheckInOutcome:
        session = await self.store.get(session_id)
        if session is None:
            return CheckInOutcome(CheckIn.UNKNOWN)
        return await self._check_in(person, session, "button")

    async def _check_in(self, person: Person, session: TrainingSession, via: str) -> CheckInOutcome:
        now = self.clock.now()
        existing = await self.store.record(session.id, person.id)
        if existing in (Attendance.PRESENT, Attendance.LATE):
            return CheckInOutcome(CheckIn.ALREADY, session)
        if session.closed:
            return CheckInOutcome(CheckIn.CLOSED, session)
        if now < session.opens_at:
            return CheckInOutcome(CheckIn.TOO_EARLY, session)
        if now > session.closes_at:
            return CheckInOutcome(CheckIn.TOO_LATE, session)
        status = Attendance.PRESENT if now <= session.late_after else Attendance.LATE
        if existing is not None:  # excused earlier, came after all: the check-in counts
            await self.store.mark(session.id, [Mark(person.id, status, now)], via, "self")
        elif not await self.store.check_in(session.id, person.id, status, via, now):
            return CheckInOutcome(CheckIn.ALREADY, session)
        return CheckInOutcome(CheckIn(status.value), session)

    # --- organizers ----------------------------------------------------------------------------

    async def mark(self, session_id: int, person_id: int, status: Attendance, by: str) -> bool:
        session = await self.store.get(session_id)
        if session is None or await self.people.by_id(person_id) is None:
            return False
        now = self.clock.now()
        await self.store.mark(session_id, [Mark(person_id, status, now)], "organizer", by)
        await self.audit.record(
            by, "attendance_mark", now, session=session_id, person=person_id, status=status.value
        )
        return True

    async def import_sheet(self, session_id: int, path: Path, by: str = "cli") -> int:
        """A paper sign-in sheet (姓名, 单位, 状态): all rows valid or nothing is recorded."""
        session = await self.store.get(session_id)
        if session is None:
            raise SessionError(texts.SESSION_UNKNOWN.format(id=session_id))
        table = read_table(path)
        cols = find_columns(table[0], SHEET_COLUMNS) if table else {}
        if set(cols) != set(SHEET_COLUMNS):
            raise RosterError([texts.SHEET_BAD_HEADER])
        people = {(p.name, p.unit_name): p for p in await self.people.active_people()}
        marks, problems = [], []
        at = session.starts_at
        for line, row in enumerate(table[1:], start=2):
            cells = list(row) + [""] * 3
            name, unit, status_text = (cells[cols[k]].strip() for k in ("name", "unit", "status"))
            if not (name or unit or status_text):
                continue
            person = people.get((name, unit))
            status = parse_attendance(status_text)
            if person is None:
                problems.append(texts.SHEET_UNKNOWN_PERSON.format(line=line, unit=unit, name=name))
            elif status is None:
                problems.append(texts.SHEET_BAD_STATUS.format(line=line, status=status_text))
            else:
                marks.append(Mark(person.id, status, at))
        if problems:
            raise RosterError(problems)
        await self.store.mark(session_id, marks, "sheet", by)
        await self.audit.record(
            by, "attendance_import", self.clock.now(), session=session_id, rows=len(marks)
        )
        return len(marks)

    async def roll(self, session: TrainingSession) -> list[AttendanceRow]:
        """Everyone expected plus anyone else who checked in, with their status."""
        records = await self.store.records(session.id)
        people = {p.id: p for p in await self.audience(session)}
        for person_id in records.keys() - people.keys():
            other = await self.people.by_id(person_id)
            if other is not None:
                people[person_id] = other
        return [AttendanceRow(p, *(records.get(p.id) or (None, None))) for p in people.values()]

    async def person(self, person_id: int) -> Person | None:
        return await self.people.by_id(person_id)

    async def session(self, session_id: int) -> TrainingSession | None:
        return await self.store.get(session_id)

    async def recent(self, limit: int = 8) -> list[TrainingSession]:
        return await self.store.recent(limit)

    # --- class hours ---------------------------------------------------------------------------

    async def ledger(self, person: Person, first: date, last: date) -> HoursLedger:
        tz = self.clock.tz
        start = datetime.combine(first, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        training = await self.store.person_hours(person.id, start, end, self.settings.late_credit)
        minutes = await self.study.minutes_between(person.id, first, last)
        return HoursLedger(training, minutes, self.settings.minutes_per_class_hour)


_WHEN = re.compile(
    r"^\s*(?:(今天|明天|后天)|(?:(\d{4})[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?)\s*"
    r"(\d{1,2})[:：点](\d{2})?\s*(?:分)?\s*$"
)


def parse_when(text: str, now: datetime) -> datetime | None:
    """'12-05 09:00', '2026-12-05 9:00', '12月5日 9点', '明天 14:30' → aware local time."""
    m = _WHEN.match(text)
    if not m:
        return None
    relative, year, month, day, hour, minute = m.groups()
    local = now.astimezone(now.tzinfo)
    try:
        if relative:
            offset = {"今天": 0, "明天": 1, "后天": 2}[relative]
            base = local.date() + timedelta(days=offset)
        else:
            base = date(int(year) if year else local.year, int(month), int(day))
            if not year and base < local.date() - timedelta(days=180):
                base = base.replace(year=base.year + 1)  # "01-05" said in December
        return datetime(
            base.year, base.month, base.day, int(hour), int(minute or 0), tzinfo=now.tzinfo
        )
    except ValueError:
        return None
