"""Daily study (每日一学): the day's pick, the push through the outbox, taps on "已学习",
/today, /me, the evening reminder, and the organizer's push controls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot import render
from bot.domain.clock import Clock
from bot.domain.content import Library, StudyItem
from bot.domain.delivery import (
    DeliveryCounts,
    DeliveryKind,
    NewDelivery,
    Recipient,
    RecipientKind,
)
from bot.domain.messages import Payload
from bot.domain.people import Person, StudyGroup, Track, Unit
from bot.services.outbox import Outbox
from bot.services.plan import Pick, StudyPlanner
from bot.storage.audit import AuditStore
from bot.storage.groups import GroupStore
from bot.storage.people import PeopleStore
from bot.storage.study import PushDay, StudyStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StudySettings:
    push_time: time
    reminder_time: time | None
    minutes_per_item: int
    makeup_days: int
    minutes_per_class_hour: int


@dataclass(frozen=True, slots=True)
class PushSummary:
    day: date
    people: int
    groups: int
    new_rows: int


class TapStatus(StrEnum):
    RECORDED = "recorded"
    RECORDED_LATE = "recorded_late"
    ALREADY = "already"
    TOO_LATE = "too_late"
    GONE = "gone"
    NOT_BOUND = "not_bound"


@dataclass(frozen=True, slots=True)
class TapOutcome:
    status: TapStatus
    day: date | None = None
    rank: int = 0


@dataclass(frozen=True, slots=True)
class MyRecord:
    month_days: int
    year_days: int
    streak: int
    year_minutes: int
    class_hours: float
    last_studied_at: datetime | None


@dataclass(frozen=True, slots=True)
class PushStatus:
    day: date
    counts: DeliveryCounts
    studied: int
    blocked_people: list[str]


class StudyService:
    def __init__(
        self,
        library: Library,
        planner: StudyPlanner,
        store: StudyStore,
        people: PeopleStore,
        groups: GroupStore,
        outbox: Outbox,
        audit: AuditStore,
        clock: Clock,
        settings: StudySettings,
    ) -> None:
        self.library = library
        self.planner = planner
        self.store = store
        self.people = people
        self.groups = groups
        self.outbox = outbox
        self.audit = audit
        self.clock = clock
        self.settings = settings

    def today(self) -> date:
        return self.clock.now().astimezone(self.clock.tz).date()

    def _local(self, now: datetime) -> datetime:
        return now.astimezone(self.clock.tz)

    # --- the plan ------------------------------------------------------------------------

    async def push_day_for(self, track: Track, day: date, force: bool = False) -> PushDay | None:
        """The recorded pick for (track, day), deciding and recording it if needed."""
        existing = await self.store.push_day(track, day)
        if existing or not (force or self.planner.is_push_day(track, day)):
            return existing
        history = [
            Pick(p.track, p.day, p.item_id, p.cycle, p.pinned)
            for p in await self.store.current_cycle(track, day)
        ]
        pick = self.planner.pick(track, day, history)
        if pick is None:
            return None
        return await self.store.save_push_day(
            track, day, pick.item_id, pick.cycle, pick.pinned, self.clock.now()
        )

    async def upcoming(self, track: Track, days: int) -> list[Pick]:
        """The plan for the coming days (recorded picks first, then a simulation)."""
        start = self.today()
        recorded = await self.store.push_day(track, start)
        history = [
            Pick(p.track, p.day, p.item_id, p.cycle, p.pinned)
            for p in await self.store.current_cycle(track, start)
        ]
        picks = self.planner.plan(track, start, days, history)
        if recorded and picks and picks[0].day == start:
            picks[0] = Pick(track, start, recorded.item_id, recorded.cycle, recorded.pinned)
        return picks

    def item(self, item_id: str) -> StudyItem | None:
        return self.library.study_item(item_id)

    # --- the push ------------------------------------------------------------------------

    def _payload(self, push_day: PushDay) -> Payload | None:
        item = self.item(push_day.item_id)
        if item is None:
            log.error(
                "study item %s of %s is no longer in the library", push_day.item_id, push_day.day
            )
            return None
        return render.study_message(item, push_day.day, push_day.id)

    async def enqueue_push(self, day: date, force: bool = False) -> PushSummary:
        """Write the day's deliveries for every bound person and study group (idempotent)."""
        people = groups = added = 0
        for track in Track:
            push_day = await self.push_day_for(track, day, force=force)
            if push_day is None:
                continue
            payload = self._payload(push_day)
            if payload is None:
                continue
            payload_id = await self.outbox.payload_id(payload)
            rows = [
                NewDelivery(
                    Recipient(RecipientKind.PERSON, pid, tg), day, DeliveryKind.STUDY, payload_id
                )
                for pid, tg in await self.people.recipients(track)
            ]
            track_groups = await self.groups.active(track)
            rows += [
                NewDelivery(
                    Recipient(RecipientKind.GROUP, g.id, g.chat_id),
                    day,
                    DeliveryKind.STUDY,
                    payload_id,
                )
                for g in track_groups
            ]
            people += len(rows) - len(track_groups)
            groups += len(track_groups)
            added += await self.outbox.enqueue(rows)
        log.info(
            "study push %s: %d people, %d groups, %d new deliveries", day, people, groups, added
        )
        return PushSummary(day, people, groups, added)

    async def push_if_due(self, now: datetime | None = None, catch_up: bool = False) -> bool:
        """Push today's items if push time has passed. Runs from the daily job, the minute tick
        and at start (`catch_up`: enqueue again so people missed before a crash get theirs)."""
        local = self._local(now or self.clock.now())
        day = local.date()
        if local.time() < self.settings.push_time:
            return False
        if not any(self.planner.is_push_day(t, day) for t in Track):
            return False
        if not catch_up and await self.store.get_state("push_done") == day.isoformat():
            return False
        await self.enqueue_push(day)
        await self.store.set_state("push_done", day.isoformat(), self.clock.now())
        return True

    async def push_now(self, by: str) -> PushSummary:
        """Organizer's /push_now: today's push now, even before push time or off a study day."""
        summary = await self.enqueue_push(self.today(), force=True)
        await self.store.set_state("push_done", summary.day.isoformat(), self.clock.now())
        await self.audit.record(
            by, "push_now", self.clock.now(), day=summary.day.isoformat(), new=summary.new_rows
        )
        return summary

    async def deliver_today_to(self, person: Person) -> bool:
        """Queue today's item for one person (just bound, after the push already went out)."""
        day = self.today()
        if await self.store.get_state("push_done") != day.isoformat():
            return False
        push_day = await self.store.push_day(person.track, day)
        if push_day is None or person.telegram_id is None:
            return False
        payload = self._payload(push_day)
        if payload is None:
            return False
        row = NewDelivery(
            Recipient(RecipientKind.PERSON, person.id, person.telegram_id),
            day,
            DeliveryKind.STUDY,
            await self.outbox.payload_id(payload),
        )
        return await self.outbox.enqueue([row]) > 0

    async def remind_if_due(self, now: datetime | None = None) -> int:
        """Evening reminder to people who received today's item and have not studied it."""
        if self.settings.reminder_time is None:
            return 0
        local = self._local(now or self.clock.now())
        day = local.date()
        if local.time() < self.settings.reminder_time:
            return 0
        if await self.store.get_state("remind_done") == day.isoformat():
            return 0
        await self.store.set_state("remind_done", day.isoformat(), self.clock.now())
        studied = await self.store.studied_people(day)
        waiting = [
            pid
            for pid in await self.outbox.store.sent_people(day, DeliveryKind.STUDY)
            if pid not in studied
        ]
        return await self._personal(waiting, render.reminder_message, DeliveryKind.REMINDER)

    async def nudge(self, person_ids: list[int]) -> int:
        """Remind people who stopped studying (an organizer's button); once a day each."""
        return await self._personal(person_ids, render.nudge_message, "nudge")

    async def _personal(
        self, person_ids: list[int], message: Callable[[str], Payload], kind: str
    ) -> int:
        """Queue a message addressed by name to each reachable person, once per day and kind."""
        day = self.today()
        rows = []
        for person_id in person_ids:
            person = await self.people.by_id(person_id)
            if person is None or person.telegram_id is None or person.blocked_at:
                continue
            if not person.active:
                continue
            payload_id = await self.outbox.payload_id(message(person.name))
            recipient = Recipient(RecipientKind.PERSON, person.id, person.telegram_id)
            rows.append(NewDelivery(recipient, day, kind, payload_id))
        return await self.outbox.enqueue(rows)

    async def broadcast(self, telegram_ids: list[int], payload: Payload, kind: str) -> int:
        """A message to organizers' private chats (the weekly summary), once per day and kind."""
        payload_id = await self.outbox.payload_id(payload)
        rows = [
            NewDelivery(Recipient(RecipientKind.CHAT, tg, tg), self.today(), kind, payload_id)
            for tg in telegram_ids
        ]
        return await self.outbox.enqueue(rows)

    # --- taps and views ------------------------------------------------------------------

    async def record_tap(self, person: Person | None, push_day_id: int, via: str) -> TapOutcome:
        push_day = await self.store.push_day_by_id(push_day_id)
        if push_day is None:
            return TapOutcome(TapStatus.GONE)
        if person is None:
            return TapOutcome(TapStatus.NOT_BOUND, push_day.day)
        now = self.clock.now()
        today = self._local(now).date()
        if push_day.day > today:
            return TapOutcome(TapStatus.GONE)
        if (today - push_day.day).days > self.settings.makeup_days:
            return TapOutcome(TapStatus.TOO_LATE, push_day.day)
        inserted = await self.store.record(
            person.id, push_day, now, today, self.settings.minutes_per_item, via
        )
        late = push_day.day != today
        if not inserted:
            return TapOutcome(TapStatus.ALREADY, push_day.day)
        rank = await self.store.studied_count(push_day.day)
        return TapOutcome(
            TapStatus.RECORDED_LATE if late else TapStatus.RECORDED, push_day.day, rank
        )

    async def latest_for(self, person: Person) -> tuple[PushDay, Payload] | None:
        """/today: the latest item of the person's track up to today, ready to send."""
        push_day = await self.store.latest_push_day(person.track, self.today())
        if push_day is None:
            return None
        payload = self._payload(push_day)
        return None if payload is None else (push_day, payload)

    async def my_record(self, person: Person) -> MyRecord:
        today = self.today()
        stats = await self.store.stats(person.id, today)
        push_days = await self.store.push_days_of(person.track, today, 400)
        studied = await self.store.studied_days(person.id, push_days)
        streak = 0
        for i, day in enumerate(push_days):
            if day in studied:
                streak += 1
            elif i == 0 and day == today:
                continue  # today is not over yet
            else:
                break
        return MyRecord(
            month_days=stats.month_days,
            year_days=stats.year_days,
            streak=streak,
            year_minutes=stats.year_minutes,
            class_hours=round(stats.year_minutes / self.settings.minutes_per_class_hour, 1),
            last_studied_at=stats.last_studied_at,
        )

    async def status(self) -> PushStatus:
        day = self.today()
        counts = await self.outbox.store.counts(day, DeliveryKind.STUDY)
        studied = await self.store.studied_count(day)
        blocked = await self.people.blocked_names()
        return PushStatus(day, counts, studied, blocked)

    async def item_of_push_day(self, push_day_id: int) -> StudyItem | None:
        push_day = await self.store.push_day_by_id(push_day_id)
        return None if push_day is None else self.item(push_day.item_id)

    async def latest_item(self, person: Person) -> StudyItem | None:
        """The item of the person's track most recently pushed (the quiz's topic)."""
        push_day = await self.store.latest_push_day(person.track, self.today())
        return None if push_day is None else self.item(push_day.item_id)

    # --- study groups --------------------------------------------------------------------

    async def group_of(self, chat_id: int) -> StudyGroup | None:
        group = await self.groups.by_chat(chat_id)
        return group if group is not None and group.active else None

    async def find_unit(self, name: str) -> Unit | None:
        return await self.people.unit_by_name(name)

    async def bind_group(
        self, chat_id: int, title: str, track: Track, unit_id: int | None, by: int
    ) -> tuple[StudyGroup, str | None]:
        """Register a group chat for a track (and unit); returns it and the unit's name."""
        group = await self.groups.bind(chat_id, title, track, unit_id, by, self.clock.now())
        await self.audit.record(
            f"tg:{by}", "bindgroup", self.clock.now(), chat=chat_id, track=track.value, unit=unit_id
        )
        unit_name = None
        if unit_id is not None:
            unit_name = next((u.name for u in await self.people.units() if u.id == unit_id), None)
        return group, unit_name

    async def unbind_group(self, chat_id: int, by: int) -> bool:
        removed = await self.groups.unbind(chat_id)
        if removed:
            await self.audit.record(f"tg:{by}", "unbindgroup", self.clock.now(), chat=chat_id)
        return removed

    def next_push_time(self) -> datetime:
        local = self._local(self.clock.now())
        at = datetime.combine(local.date(), self.settings.push_time, tzinfo=self.clock.tz)
        return at if at > local else at + timedelta(days=1)
