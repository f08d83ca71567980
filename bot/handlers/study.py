"""Daily study in chat: the "已学习" tap, /today, /me, /push_now, /push_status, /bindgroup."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType

from bot import texts
from bot.domain.people import Track
from bot.handlers.common import bound_person, current_person, reply_payload
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry
from bot.services.study import TapStatus


def _md(day: date | None) -> str:
    return "" if day is None else texts.month_day(day.month, day.day)


async def studied_tap(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    push_day_id = int(query.data.split(":")[1])
    person = await current_person(update, context)
    chat = update.effective_chat
    via = "private" if chat is None or chat.type == ChatType.PRIVATE else "group"
    outcome = await context.services.study.record_tap(person, push_day_id, via)
    day = _md(outcome.day)
    settings = context.services.study.settings
    answers = {
        TapStatus.RECORDED: (texts.STUDY_RECORDED.format(rank=outcome.rank), False),
        TapStatus.RECORDED_LATE: (texts.STUDY_RECORDED_LATE.format(date=day), False),
        TapStatus.ALREADY: (
            texts.STUDY_ALREADY
            if outcome.day == context.services.study.today()
            else texts.STUDY_ALREADY_LATE.format(date=day),
            False,
        ),
        TapStatus.TOO_LATE: (texts.STUDY_TOO_LATE.format(days=settings.makeup_days), True),
        TapStatus.GONE: (texts.STUDY_GONE, True),
        TapStatus.NOT_BOUND: (texts.NOT_BOUND_ALERT, True),
    }
    text, alert = answers[outcome.status]
    await query.answer(text, show_alert=alert)


async def today(update: Update, context: Ctx) -> None:
    message = update.effective_message
    person = await bound_person(update, context)
    if message is None or person is None:
        return
    study = context.services.study
    latest = await study.latest_for(person)
    push_time = study.settings.push_time.strftime("%H:%M")
    if latest is None:
        await message.reply_text(texts.TODAY_NONE.format(time=push_time))
        return
    push_day, payload = latest
    if push_day.day != study.today() and study.planner.is_push_day(person.track, study.today()):
        await message.reply_text(texts.TODAY_EARLIER.format(time=push_time, date=_md(push_day.day)))
    await reply_payload(update, payload)


async def today_button(update: Update, context: Ctx) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    await today(update, context)


async def me(update: Update, context: Ctx) -> None:
    message = update.effective_message
    person = await bound_person(update, context)
    if message is None or person is None:
        return
    record = await context.services.study.my_record(person)
    quiz_stats, reviews = await context.services.quiz.stats(person)
    today = context.services.study.today()
    month = await context.services.training.ledger(person, today.replace(day=1), today)
    year = await context.services.training.ledger(person, today.replace(month=1, day=1), today)
    last = texts.ME_NEVER
    if record.last_studied_at:
        local = record.last_studied_at.astimezone(context.services.clock.tz)
        last = f"{texts.month_day(local.month, local.day)} {local:%H:%M}"
    await message.reply_text(
        texts.ME.format(
            name=person.name,
            month_days=record.month_days,
            year_days=record.year_days,
            streak=record.streak,
            minutes=record.year_minutes,
            hours=record.class_hours,
            last=last,
        )
        + texts.ME_QUIZ.format(
            answered=quiz_stats.answered,
            accuracy=f"{quiz_stats.accuracy:.0%}" if quiz_stats.answered else "—",
            passed=quiz_stats.exams_passed,
            reviews=reviews,
        )
        + texts.ME_HOURS.format(
            tm=_h(month.training_hours),
            ty=_h(year.training_hours),
            sm=_h(month.study_hours),
            sy=_h(year.study_hours),
            am=_h(month.total),
            ay=_h(year.total),
        )
    )


def _h(hours: float) -> str:
    return f"{hours:.1f}".removesuffix(".0")


async def push_now(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    user = update.effective_user
    summary = await context.services.study.push_now(by=f"tg:{user.id if user else 0}")
    day = _md(summary.day)
    if summary.people == 0 and summary.groups == 0 and summary.new_rows == 0:
        await message.reply_text(texts.PUSH_NOTHING.format(date=day))
        return
    await message.reply_text(
        texts.PUSH_STARTED.format(date=day, people=summary.people, groups=summary.groups)
    )


async def push_status(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    status = await context.services.study.status()
    c = status.counts
    text = texts.PUSH_STATUS.format(
        date=_md(status.day),
        sent=c.sent,
        pending=c.pending,
        failed=c.failed,
        blocked=c.blocked,
        studied=status.studied,
    )
    if status.blocked_people:
        text += texts.PUSH_STATUS_BLOCKED.format(
            count=len(status.blocked_people), names="、".join(status.blocked_people)
        )
    await message.reply_text(text)


async def bindgroup(update: Update, context: Ctx) -> None:
    message = update.effective_message
    if message is None:
        return
    unit = " ".join(context.args or []).strip()
    unit_id = ""
    if unit:
        found = await context.services.study.find_unit(unit)
        if found is None:
            await message.reply_text(texts.BINDGROUP_NO_UNIT.format(unit=unit))
            return
        unit_id = str(found.id)
    keyboard = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(texts.BINDGROUP_CADRE, callback_data=f"bg:cadre:{unit_id}")],
            [
                InlineKeyboardButton(
                    texts.BINDGROUP_VILLAGER, callback_data=f"bg:villager:{unit_id}"
                )
            ],
        ]
    )
    await message.reply_text(texts.BINDGROUP_ASK, reply_markup=keyboard)


async def bindgroup_choice(update: Update, context: Ctx) -> None:
    query, chat, user = update.callback_query, update.effective_chat, update.effective_user
    if query is None or query.data is None or chat is None or user is None:
        return
    _, track_value, unit_text = query.data.split(":")
    track = Track(track_value)
    unit_id = int(unit_text) if unit_text else None
    services = context.services
    _group, unit_name = await services.study.bind_group(
        chat.id, chat.title or "", track, unit_id, user.id
    )
    unit_words = texts.BINDGROUP_UNIT.format(unit=unit_name) if unit_name else ""
    kind = texts.BINDGROUP_CADRE if track is Track.CADRE else texts.BINDGROUP_VILLAGER
    await query.answer()
    await query.edit_message_text(
        texts.BINDGROUP_DONE.format(
            kind=kind, unit=unit_words, time=services.study.settings.push_time.strftime("%H:%M")
        )
    )


async def unbindgroup(update: Update, context: Ctx) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    removed = await context.services.study.unbind_group(chat.id, user.id)
    await message.reply_text(texts.UNBINDGROUP_DONE if removed else texts.UNBINDGROUP_NONE)


def register(registry: CommandRegistry) -> None:
    registry.command("today", today)
    registry.command("me", me)
    registry.command("push_now", push_now, organizer=True)
    registry.command("push_status", push_status, organizer=True)
    registry.command("bindgroup", bindgroup, organizer=True, where="group")
    registry.command("unbindgroup", unbindgroup, organizer=True, where="group")
    registry.button(r"^st:\d+$", studied_tap)
    registry.button(r"^today$", today_button)
    registry.button(r"^bg:(cadre|villager):\d*$", bindgroup_choice, organizer=True)
