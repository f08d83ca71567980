"""Scheduled callbacks (PTB JobQueue → APScheduler) that call services.

The daily push runs at `study.push_time` in the configured timezone (an aware time, never a
naive one). Jobs live in memory and APScheduler skips a run missed while the bot was down, so
the push state is kept in SQLite and a minute tick (plus a catch-up at start) pushes a missed
day late instead of never.
"""

from __future__ import annotations

import logging
from datetime import time, tzinfo
from html import escape

from bot import render, texts
from bot.domain.messages import OutMessage
from bot.handlers.context import App, Ctx

log = logging.getLogger(__name__)

EVERY_DAY = (0, 1, 2, 3, 4, 5, 6)  # PTB: 0 = Sunday … 6 = Saturday
JOB_KWARGS = {"misfire_grace_time": 6 * 3600, "coalesce": True}


async def study_push(context: Ctx) -> None:
    await context.services.study.push_if_due()


async def study_reminder(context: Ctx) -> None:
    await context.services.study.remind_if_due()


async def tick(context: Ctx) -> None:
    """Every minute: anything due that a missed job left undone; nudge the outbox."""
    services = context.services
    await services.study.push_if_due()
    await services.study.remind_if_due()
    await services.exams.expire_due()
    await services.training.announce_due()
    await services.training.remind_due()
    await services.training.close_due()
    services.outbox.wake()


def schedule(app: App, push_time: time, reminder_time: time | None, tz: tzinfo) -> None:
    jq = app.job_queue
    if jq is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    jq.run_daily(
        study_push,
        push_time.replace(tzinfo=tz),
        days=EVERY_DAY,
        name="study_push",
        job_kwargs=JOB_KWARGS,
    )
    if reminder_time is not None:
        jq.run_daily(
            study_reminder,
            reminder_time.replace(tzinfo=tz),
            days=EVERY_DAY,
            name="study_reminder",
            job_kwargs=JOB_KWARGS,
        )
    jq.run_repeating(tick, interval=60, first=30, name="tick", job_kwargs=JOB_KWARGS)


async def weekly_summary(context: Ctx) -> None:
    """Last week's figures to every organizer's private chat (through the outbox)."""
    services = context.services
    scope, label = await services.reports.scope("上周")
    report = await services.reports.build(scope, label)
    idle = [f"{p.name}（{p.unit}）" for p, _ in await services.reports.inactive(7)]
    text = f"{texts.WEEKLY_HEADER}\n{render.report_summary(report, idle, 7)}"[:4000]
    await services.study.broadcast(
        sorted(await services.access.organizer_ids()), (OutMessage(escape(text)),), "weekly"
    )


def schedule_weekly(app: App, weekday: int, at: time, tz: tzinfo) -> None:
    """`weekday` is ISO (1 = Monday); PTB counts 0 = Sunday."""
    jq = app.job_queue
    if jq is None:
        raise RuntimeError("python-telegram-bot was installed without the job-queue extra")
    jq.run_daily(
        weekly_summary,
        at.replace(tzinfo=tz),
        days=(weekday % 7,),
        name="weekly_summary",
        job_kwargs=JOB_KWARGS,
    )
