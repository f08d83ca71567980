"""Composition root: builds the PTB Application, opens storage, wires services, handlers, jobs.

`Runtime` owns the lifecycle. `legalbot run` uses PTB's `run_polling` with `setup`/`stop_work`/
`teardown` as post_init/post_stop/post_shutdown; tests drive the same steps with `start()` and
`stop()` around the real Application talking HTTP to a fake Bot API server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Update
from telegram.ext import AIORateLimiter, Application, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot import jobs
from bot.config import Config
from bot.domain.clock import Clock, SystemClock
from bot.domain.content import Library
from bot.domain.delivery import RecipientKind
from bot.handlers import attendance, faq, onboarding, quiz, reports, sessions, study
from bot.handlers.common import on_error
from bot.handlers.context import CONTEXT_TYPES, App
from bot.handlers.menu import CommandRegistry
from bot.logs import quiet_http_loggers
from bot.sender import TelegramSender
from bot.services.access import AccessService
from bot.services.exams import ExamService
from bot.services.faq import FaqService
from bot.services.faq_match import FaqMatcher
from bot.services.outbox import Outbox
from bot.services.plan import StudyCalendar, StudyPlanner
from bot.services.quiz import QuizService, QuizSettings
from bot.services.registry import Services
from bot.services.reports import ReportService
from bot.services.roster import RosterService
from bot.services.study import StudyService, StudySettings
from bot.services.training import TrainingService, TrainingSettings
from bot.storage.audit import AuditStore
from bot.storage.consult import ConsultStore
from bot.storage.db import Database, ReadPool
from bot.storage.groups import GroupStore
from bot.storage.outbox import OutboxStore
from bot.storage.people import PeopleStore
from bot.storage.quiz import QuizStore
from bot.storage.reports import ReportStore
from bot.storage.study import StudyStore
from bot.storage.training import TrainingStore
from bot.transport import AiohttpRequest

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.POLL_ANSWER,
    Update.MY_CHAT_MEMBER,
]


def planner_for(config: Config, library: Library) -> StudyPlanner:
    calendar = StudyCalendar(
        weekdays=frozenset(config.study.days),
        skip_dates=frozenset(config.study.skip_dates),
        pinned_on_any_day=config.study.pinned_on_any_day,
    )
    return StudyPlanner(library, calendar)


def training_settings(config: Config) -> TrainingSettings:
    t = config.training
    return TrainingSettings(
        kinds=t.kinds,
        before=timedelta(minutes=t.checkin_before_minutes),
        after=timedelta(minutes=t.checkin_after_minutes),
        grace=timedelta(minutes=t.late_grace_minutes),
        late_credit=t.late_credit,
        reminder_lead=timedelta(minutes=t.reminder_lead_minutes),
        code_attempts=t.code_attempts,
        code_window=timedelta(minutes=t.code_attempt_window_minutes),
        minutes_per_class_hour=config.hours.minutes_per_class_hour,
    )


def study_settings(config: Config) -> StudySettings:
    return StudySettings(
        push_time=config.study.push_time,
        reminder_time=config.study.reminder_time,
        minutes_per_item=config.study.minutes_per_item,
        makeup_days=config.study.makeup_days,
        minutes_per_class_hour=config.hours.minutes_per_class_hour,
    )


@dataclass
class Runtime:
    config: Config
    library: Library
    clock: Clock
    app: App
    registry: CommandRegistry
    matcher: FaqMatcher
    db: Database | None = None
    read_pool: ReadPool | None = None
    services: Services | None = None
    _started: bool = field(default=False, repr=False)

    # --- the three lifecycle steps (also PTB's post_init / post_stop / post_shutdown) ----

    async def setup(self, _app: object = None) -> None:
        """Open the database, wire services, publish the menu, schedule jobs, resume work."""
        config = self.config
        self.db = db = await Database.open(config.database)
        people, groups, audit = PeopleStore(db), GroupStore(db), AuditStore(db)

        async def on_blocked(kind: RecipientKind, ref_id: int) -> None:
            if kind is RecipientKind.PERSON:
                await people.mark_blocked(ref_id, self.clock.now())
            elif kind is RecipientKind.GROUP:
                await groups.mark_blocked(ref_id, self.clock.now())

        async def on_moved(old_chat: int, new_chat: int) -> None:
            await groups.move_chat(old_chat, new_chat)

        sender = TelegramSender(self.app.bot)
        outbox = Outbox(
            OutboxStore(db),
            sender,
            self.clock,
            rate_per_second=config.outbox.rate_per_second,
            per_chat_interval=config.outbox.per_chat_interval,
            group_per_minute=config.outbox.group_per_minute,
            concurrency=config.outbox.concurrency,
            max_attempts=config.outbox.max_attempts,
            backoff_seconds=config.outbox.backoff_seconds,
            backoff_max_seconds=config.outbox.backoff_max_seconds,
            on_blocked=on_blocked,
            on_moved=on_moved,
        )
        access = AccessService(people, audit, self.clock, config.telegram.admin_ids)
        study_service = StudyService(
            self.library,
            planner_for(config, self.library),
            StudyStore(db),
            people,
            groups,
            outbox,
            audit,
            self.clock,
            study_settings(config),
        )
        quiz_store = QuizStore(db)
        quiz_service = QuizService(
            self.library,
            quiz_store,
            sender,
            self.clock,
            QuizSettings(
                daily_questions=config.quiz.daily_questions,
                answer_window=timedelta(hours=config.quiz.answer_window_hours),
            ),
        )
        self.services = Services(
            clock=self.clock,
            access=access,
            roster=RosterService(people, audit, self.clock),
            study=study_service,
            quiz=quiz_service,
            exams=ExamService(self.library, quiz_service, quiz_store, people, self.clock),
            training=self._training(db, people, outbox, audit),
            reports=ReportService(
                ReportStore(await self._read_pool()),
                people,
                self.clock,
                late_credit=config.training.late_credit,
                minutes_per_class_hour=config.hours.minutes_per_class_hour,
                kinds=config.training.kinds,
            ),
            faq=FaqService(
                self.library, self.matcher, ConsultStore(db), audit, self.clock, config.faq.contacts
            ),
            outbox=outbox,
            bot_username=self.app.bot.username,
        )
        self.app.bot_data.services = self.services
        await self.registry.publish(await access.organizer_ids())
        jobs.schedule(self.app, config.study.push_time, config.study.reminder_time, config.tz)
        if config.reports.weekly_day is not None:
            jobs.schedule_weekly(
                self.app, config.reports.weekly_day, config.reports.weekly_time, config.tz
            )
        outbox.start()
        await study_service.push_if_due(catch_up=True)
        log.info("bot @%s ready", self.app.bot.username)

    def _training(
        self, db: Database, people: PeopleStore, outbox: Outbox, audit: AuditStore
    ) -> TrainingService:
        service = TrainingService(
            TrainingStore(db),
            people,
            StudyStore(db),
            outbox,
            audit,
            self.clock,
            training_settings(self.config),
        )
        service.bot_username = self.app.bot.username or ""
        return service

    async def stop_work(self, _app: object = None) -> None:
        if self.services is not None:
            await self.services.outbox.stop()

    async def _read_pool(self) -> ReadPool:
        self.read_pool = await ReadPool.open(self.config.database)
        return self.read_pool

    async def teardown(self, _app: object = None) -> None:
        if self.read_pool is not None:
            await self.read_pool.close()
            self.read_pool = None
        if self.db is not None:
            await self.db.close()
            self.db = None

    # --- manual lifecycle (tests, benchmarks) --------------------------------------------

    async def start(self, poll_timeout: int | None = None) -> None:
        await self.app.initialize()
        await self.setup()
        await self.app.start()
        assert self.app.updater is not None
        await self.app.updater.start_polling(
            allowed_updates=ALLOWED_UPDATES,
            timeout=self.config.telegram.poll_timeout if poll_timeout is None else poll_timeout,
            poll_interval=0,
        )
        self._started = True

    async def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        assert self.app.updater is not None
        await self.app.updater.stop()
        await self.stop_work()
        await self.app.stop()
        await self.app.shutdown()
        await self.teardown()

    def run(self) -> None:
        """Block and serve (legalbot run)."""
        self.app.run_polling(
            allowed_updates=ALLOWED_UPDATES,
            timeout=self.config.telegram.poll_timeout,
            drop_pending_updates=False,
            close_loop=True,
        )


def _requests(config: Config) -> tuple[BaseRequest, BaseRequest]:
    """HTTP transports for bot calls and for getUpdates (see bot/transport.py for why aiohttp).

    A SOCKS proxy needs PTB's httpx transport (aiohttp's client speaks only HTTP proxies).
    """
    proxy = config.telegram.proxy_url
    pool = max(8, config.outbox.concurrency + 8)
    poll_read = config.telegram.poll_timeout + 10.0
    if proxy and proxy.startswith("socks"):
        return (
            HTTPXRequest(connection_pool_size=pool, proxy=proxy, pool_timeout=30),
            HTTPXRequest(connection_pool_size=1, proxy=proxy, read_timeout=poll_read),
        )
    return (
        AiohttpRequest(connection_pool_size=pool, proxy=proxy),
        AiohttpRequest(connection_pool_size=1, proxy=proxy, read_timeout=poll_read),
    )


def build_runtime(config: Config, library: Library, clock: Clock | None = None) -> Runtime:
    """Build the Application (not started). The token must be set; content must be loaded."""
    clock = clock or SystemClock(config.tz)
    quiet_http_loggers()
    tg = config.telegram
    request, updates_request = _requests(config)
    app: App = (
        Application.builder()
        .token(config.token)
        .base_url(tg.base_url)
        .base_file_url(tg.base_file_url)
        .defaults(Defaults(tzinfo=config.tz))
        .context_types(CONTEXT_TYPES)
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=tg.overall_rate_per_second, group_max_rate=tg.group_per_minute
            )
        )
        .request(request)
        .get_updates_request(updates_request)
        .build()
    )
    registry = CommandRegistry(app)
    app.bot_data.commands = registry
    onboarding.register(registry)
    study.register(registry)
    quiz.register(registry)
    sessions.register(registry)
    attendance.register(registry)
    reports.register(registry)
    faq.register(registry)  # last: its free-text handler catches what nothing else did
    app.add_error_handler(on_error)
    matcher = FaqMatcher.build(library.faq, library.synonyms, outside=library.outside)
    if config.faq.threshold is not None:
        matcher.threshold = config.faq.threshold
    runtime = Runtime(
        config=config, library=library, clock=clock, app=app, registry=registry, matcher=matcher
    )
    app.post_init = runtime.setup
    app.post_stop = runtime.stop_work
    app.post_shutdown = runtime.teardown
    return runtime
