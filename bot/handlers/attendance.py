"""Check-in in chat (/checkin, the 签到 button, the QR deep link) and the organizer's
/attendance roll with marking and /session_close."""

from __future__ import annotations

from telegram import Update

from bot import render, texts
from bot.domain.people import Person
from bot.domain.training import ATTENDANCE_WORDS, Attendance
from bot.handlers.common import bound_person, buttons, current_person
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry
from bot.services.training import CheckIn, CheckInOutcome

PAGE = 15  # people per page of marking buttons


# --- checking in ----------------------------------------------------------------------------


def checkin_words(outcome: CheckInOutcome, context: Ctx) -> str:
    s = outcome.session
    tz = context.services.clock.tz
    title = s.title if s else ""
    when = render.local_when(s.starts_at, tz) if s else ""
    return {
        CheckIn.PRESENT: texts.CHECKIN_PRESENT.format(title=title, when=when),
        CheckIn.LATE: texts.CHECKIN_LATE.format(title=title),
        CheckIn.ALREADY: texts.CHECKIN_ALREADY.format(title=title),
        CheckIn.TOO_EARLY: texts.CHECKIN_TOO_EARLY.format(
            title=title, opens=render.local_when(s.opens_at, tz) if s else ""
        ),
        CheckIn.TOO_LATE: texts.CHECKIN_TOO_LATE.format(
            title=title, closes=render.local_when(s.closes_at, tz) if s else ""
        ),
        CheckIn.CLOSED: texts.CHECKIN_CLOSED,
        CheckIn.WRONG_CODE: texts.CHECKIN_WRONG.format(left=outcome.attempts_left),
        CheckIn.LOCKED: texts.CHECKIN_LOCKED,
        CheckIn.UNKNOWN: texts.CHECKIN_UNKNOWN,
    }[outcome.status]


async def checkin_command(update: Update, context: Ctx) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    person = await bound_person(update, context)
    if person is None:
        return
    if not context.args:
        await message.reply_text(texts.CHECKIN_USAGE)
        return
    outcome = await context.services.training.check_in_code(person, user.id, context.args[0])
    await message.reply_text(checkin_words(outcome, context))


async def checkin_link(update: Update, context: Ctx, person: Person, token: str) -> None:
    """/start checkin_<token> (the QR code at the venue)."""
    outcome = await context.services.training.check_in_token(person, token)
    if update.effective_message:
        await update.effective_message.reply_text(checkin_words(outcome, context))


async def checkin_button(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    person = await current_person(update, context)
    if person is None:
        await query.answer(texts.NOT_BOUND_ALERT, show_alert=True)
        return
    outcome = await context.services.training.check_in_button(person, int(query.data.split(":")[1]))
    ok = outcome.status in (CheckIn.PRESENT, CheckIn.LATE)
    await query.answer(checkin_words(outcome, context), show_alert=not ok)


# --- organizers: /attendance, marking, /session_close -----------------------------------------


async def _pick(update: Update, context: Ctx, prefix: str) -> None:
    message = update.effective_message
    if message is None:
        return
    sessions = await context.services.training.recent()
    if not sessions:
        await message.reply_text(texts.SESSION_NONE)
        return
    tz = context.services.clock.tz
    rows = [
        [(f"{s.title} · {render.local_when(s.starts_at, tz)}", f"{prefix}:{s.id}")]
        for s in sessions
    ]
    await message.reply_text(texts.SESSION_PICK, reply_markup=buttons(rows))


async def attendance_command(update: Update, context: Ctx) -> None:
    await _pick(update, context, "av")


async def close_command(update: Update, context: Ctx) -> None:
    await _pick(update, context, "sc")


async def attendance_view(update: Update, context: Ctx) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    parts = query.data.split(":")
    session_id, page = int(parts[1]), int(parts[2]) if len(parts) > 2 else 0
    await query.answer()
    await _show_roll(
        context,
        query.message.chat.id if query.message else 0,
        session_id,
        page,
        edit=query if len(parts) > 2 else None,
    )


async def _show_roll(
    context: Ctx, chat_id: int, session_id: int, page: int, edit: object = None
) -> None:
    training = context.services.training
    session = await training.session(session_id)
    if session is None or not chat_id:
        return
    roll = await training.roll(session)
    by_status: dict[Attendance | None, list[str]] = {}
    for row in roll:
        by_status.setdefault(row.status, []).append(f"{row.person.name}（{row.person.unit_name}）")
    counts = {k: len(v) for k, v in by_status.items()}
    text = texts.ATTENDANCE_HEADER.format(
        title=session.title,
        when=render.local_when(session.starts_at, context.services.clock.tz),
        expected=len(roll),
        present=counts.get(Attendance.PRESENT, 0),
        late=counts.get(Attendance.LATE, 0),
        excused=counts.get(Attendance.EXCUSED, 0),
        absent=counts.get(Attendance.ABSENT, 0),
        pending=counts.get(None, 0),
    )
    for status, label in (
        (Attendance.LATE, ATTENDANCE_WORDS[Attendance.LATE]),
        (Attendance.EXCUSED, ATTENDANCE_WORDS[Attendance.EXCUSED]),
        (Attendance.ABSENT, ATTENDANCE_WORDS[Attendance.ABSENT]),
        (None, texts.NOT_CHECKED_IN),
    ):
        names = by_status.get(status, [])
        if names:
            shown = "、".join(names[:60]) + (
                texts.AND_MORE.format(count=len(names)) if len(names) > 60 else ""
            )
            text += texts.ATTENDANCE_PEOPLE.format(label=label, names=shown)
    unmarked = [r.person for r in roll if r.status in (None, Attendance.ABSENT, Attendance.EXCUSED)]
    chunk = unmarked[page * PAGE : (page + 1) * PAGE]
    rows = [
        [
            (p.name[:10], f"noop:{p.id}"),
            (texts.BUTTON_MARK_PRESENT, f"am:{session.id}:{p.id}:p"),
            (texts.BUTTON_MARK_EXCUSED, f"am:{session.id}:{p.id}:e"),
            (texts.BUTTON_MARK_ABSENT, f"am:{session.id}:{p.id}:a"),
        ]
        for p in chunk
    ]
    if len(unmarked) > (page + 1) * PAGE:
        rows.append([(texts.BUTTON_NEXT_PAGE, f"av:{session.id}:{page + 1}")])
    if chunk:
        text += texts.ATTENDANCE_MARK_HINT
    markup = buttons(rows) if rows else None
    if len(text) > 4000:
        text = text[:3990] + "…"
    await context.bot.send_message(chat_id, text, reply_markup=markup)


async def attendance_mark(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    _, session_id, person_id, code = query.data.split(":")
    status = {"p": Attendance.PRESENT, "e": Attendance.EXCUSED, "a": Attendance.ABSENT}[code]
    training = context.services.training
    if not await training.mark(int(session_id), int(person_id), status, f"tg:{user.id}"):
        await query.answer(texts.CHECKIN_UNKNOWN, show_alert=True)
        return
    person = await training.person(int(person_id))
    await query.answer(
        texts.ATTENDANCE_MARKED.format(
            name=person.name if person else "", status=ATTENDANCE_WORDS[status]
        )
    )


async def close_pick(update: Update, context: Ctx) -> None:
    query, user = update.callback_query, update.effective_user
    if query is None or query.data is None or user is None:
        return
    training = context.services.training
    session = await training.session(int(query.data.split(":")[1]))
    if session is None:
        await query.answer(texts.CHECKIN_UNKNOWN, show_alert=True)
        return
    absent = await training.close(session, by=f"tg:{user.id}")
    await query.answer()
    text = (
        texts.SESSION_ALREADY_CLOSED
        if absent is None
        else texts.SESSION_CLOSED.format(title=session.title, absent=absent)
    )
    await query.edit_message_text(text)


async def noop(update: Update, context: Ctx) -> None:
    if update.callback_query:
        await update.callback_query.answer()


def register(registry: CommandRegistry) -> None:
    registry.command("checkin", checkin_command, where="private")
    registry.command("attendance", attendance_command, organizer=True, where="private")
    registry.command("session_close", close_command, organizer=True, where="private")
    registry.button(r"^ci:\d+$", checkin_button)
    registry.button(r"^av:\d+(:\d+)?$", attendance_view, organizer=True)
    registry.button(r"^am:\d+:\d+:[pea]$", attendance_mark, organizer=True)
    registry.button(r"^sc:\d+$", close_pick, organizer=True)
    registry.button(r"^noop:\d+$", noop)
