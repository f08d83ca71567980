"""Small helpers shared by handler modules: who is writing, replying with payloads, errors."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot import texts
from bot.domain.messages import OutPoll, Payload
from bot.domain.people import Person
from bot.handlers.context import Ctx
from bot.sender import NO_PREVIEW, markup

log = logging.getLogger(__name__)


async def current_person(update: Update, context: Ctx) -> Person | None:
    user = update.effective_user
    return None if user is None else await context.services.access.person(user.id)


async def bound_person(update: Update, context: Ctx) -> Person | None:
    """The person writing; when they are not on the roster yet, None after telling them how
    to bind (there is nobody to tell without a message)."""
    person = await current_person(update, context)
    if person is None and update.effective_message is not None:
        await update.effective_message.reply_text(texts.NOT_BOUND)
    return person


async def reply_payload(update: Update, payload: Payload) -> None:
    """Send a rendered payload (messages only) as the reply to this update."""
    message = update.effective_message
    if message is None:
        return
    for part in payload:
        if isinstance(part, OutPoll):
            raise TypeError("polls are sent through the quiz service, not as a reply")
        await message.reply_text(
            part.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(part.buttons),
            link_preview_options=NO_PREVIEW,
        )


async def on_error(update: object, context: Ctx) -> None:
    """Log the failure (the token never appears: see logging setup) and apologise."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update):
        try:
            if update.callback_query:
                await update.callback_query.answer(texts.ERROR_GENERIC)
            elif update.effective_message:
                await update.effective_message.reply_text(texts.ERROR_GENERIC)
        except Exception:  # the error may be that Telegram is unreachable
            log.warning("could not tell the user about the error")


def buttons(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """An inline keyboard from rows of (label, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
