"""/session_new: the organizer's guided flow to create a training session (with /cancel)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from html import escape

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import render, texts
from bot.domain.people import Role, Track
from bot.domain.training import Mode, TrainingSession
from bot.handlers.common import buttons
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry
from bot.services.training import SessionError, parse_when

TITLE, KIND, MODE, START, HOURS, PLACE, AUDIENCE = range(7)
DRAFT = "session_draft"


@dataclass
class Draft:
    title: str = ""
    kind: str = ""
    mode: Mode = Mode.OFFLINE
    starts_at: datetime | None = None
    hours: float = 0
    place: str = ""
    roles: frozenset[Role] = field(default_factory=frozenset)


def _draft(context: Ctx) -> Draft:
    assert context.user_data is not None
    draft = context.user_data.get(DRAFT)
    if not isinstance(draft, Draft):
        draft = context.user_data[DRAFT] = Draft()
    return draft


# --- /session_new ---------------------------------------------------------------------------


async def new_start(update: Update, context: Ctx) -> int:
    assert context.user_data is not None
    context.user_data[DRAFT] = Draft()
    if update.effective_message:
        await update.effective_message.reply_text(texts.SESSION_ASK_TITLE)
    return TITLE


async def new_title(update: Update, context: Ctx) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    _draft(context).title = message.text.strip()[:60]
    kinds = context.services.training.settings.kinds
    rows = [
        [(k, f"sk:{i}") for i, k in enumerate(kinds[j : j + 2], start=j)]
        for j in range(0, len(kinds), 2)
    ]
    await message.reply_text(texts.SESSION_ASK_KIND, reply_markup=buttons(rows))
    return KIND


async def new_kind(update: Update, context: Ctx) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    kinds = context.services.training.settings.kinds
    _draft(context).kind = kinds[int(query.data.split(":")[1]) % len(kinds)]
    await query.edit_message_text(
        texts.SESSION_ASK_MODE,
        reply_markup=buttons([[(Mode.OFFLINE.value, "sm:off"), (Mode.ONLINE.value, "sm:on")]]),
    )
    return MODE


async def new_mode(update: Update, context: Ctx) -> int:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _draft(context).mode = Mode.ONLINE if query.data == "sm:on" else Mode.OFFLINE
    await query.edit_message_text(texts.SESSION_ASK_START)
    return START


async def new_when(update: Update, context: Ctx) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    when = parse_when(message.text, context.services.clock.now())
    if when is None:
        await message.reply_text(texts.SESSION_BAD_TIME)
        return START
    _draft(context).starts_at = when
    await message.reply_text(texts.SESSION_ASK_HOURS)
    return HOURS


async def new_hours(update: Update, context: Ctx) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    try:
        hours = float(message.text.strip().replace("课时", ""))
    except ValueError:
        hours = -1
    if not 0 < hours <= 24:
        await message.reply_text(texts.SESSION_BAD_HOURS)
        return HOURS
    draft = _draft(context)
    draft.hours = hours
    online = draft.mode is Mode.ONLINE
    await message.reply_text(
        texts.SESSION_ASK_PLACE_ONLINE if online else texts.SESSION_ASK_PLACE_OFFLINE
    )
    return PLACE


async def new_place(update: Update, context: Ctx) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    _draft(context).place = message.text.strip()[:200]
    await message.reply_text(
        texts.SESSION_ASK_AUDIENCE,
        reply_markup=buttons(
            [
                [(texts.AUDIENCE_ALL, "sa:all")],
                [(texts.AUDIENCE_CADRES, "sa:cadre")],
                [(texts.AUDIENCE_VILLAGERS, "sa:villager")],
            ]
        ),
    )
    return AUDIENCE


async def new_audience(update: Update, context: Ctx) -> int:
    query, user = update.callback_query, update.effective_user
    assert query is not None and query.data is not None and user is not None
    await query.answer()
    choice = query.data.split(":")[1]
    draft = _draft(context)
    draft.roles = frozenset() if choice == "all" else Track(choice).roles
    assert draft.starts_at is not None
    training = context.services.training
    try:
        session = await training.create(
            title=draft.title,
            kind=draft.kind,
            mode=draft.mode,
            starts_at=draft.starts_at,
            hours=draft.hours,
            place=draft.place,
            roles=draft.roles,
            by=f"tg:{user.id}",
        )
    except SessionError as e:
        await query.edit_message_text(str(e))
        return ConversationHandler.END
    await query.edit_message_text(await _created_text(context, session), parse_mode=ParseMode.HTML)
    if query.message is not None:
        await context.bot.send_photo(
            query.message.chat.id, render.qr_png(training.deep_link(session)), caption=session.title
        )
    await training.announce_due()
    return ConversationHandler.END


async def _created_text(context: Ctx, session: TrainingSession) -> str:
    training = context.services.training
    tz = context.services.clock.tz
    audience = [p for p in await training.audience(session) if p.telegram_id is not None]
    return escape(
        texts.SESSION_CREATED.format(
            id=session.id,
            title=session.title,
            code=session.code,
            opens=render.local_when(session.opens_at, tz),
            closes=render.local_when(session.closes_at, tz),
            link=training.deep_link(session),
            audience=len(audience),
        )
    )


async def new_cancel(update: Update, context: Ctx) -> int:
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    if update.effective_message:
        await update.effective_message.reply_text(texts.SESSION_CANCELLED)
    return ConversationHandler.END


def register(registry: CommandRegistry) -> None:
    text = filters.TEXT & ~filters.COMMAND
    registry.conversation(
        "session_new",
        new_start,
        states={
            TITLE: [MessageHandler(text, new_title)],
            KIND: [CallbackQueryHandler(new_kind, pattern=r"^sk:\d+$")],
            MODE: [CallbackQueryHandler(new_mode, pattern=r"^sm:(on|off)$")],
            START: [MessageHandler(text, new_when)],
            HOURS: [MessageHandler(text, new_hours)],
            PLACE: [MessageHandler(text, new_place)],
            AUDIENCE: [CallbackQueryHandler(new_audience, pattern=r"^sa:(all|cadre|villager)$")],
        },
        fallbacks=[CommandHandler("cancel", new_cancel)],
        organizer=True,
        where="private",
    )
