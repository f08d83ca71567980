"""/start (binding with a code), /help."""

from __future__ import annotations

import contextlib

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot import render, texts
from bot.domain.errors import BindError
from bot.domain.people import Person, Role
from bot.handlers.attendance import checkin_link
from bot.handlers.common import current_person
from bot.handlers.context import Ctx
from bot.handlers.menu import CommandRegistry


def _person_words(person: Person) -> dict[str, str]:
    return {"name": person.name, "unit": person.unit_name, "role": person.role.value}


async def start(update: Update, context: Ctx) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    if chat.type != ChatType.PRIVATE:
        await message.reply_text(texts.START_IN_GROUP)
        return
    code = context.args[0] if context.args else ""
    services = context.services
    if code.startswith("checkin_"):  # the QR code at a training venue
        person = await current_person(update, context)
        if person is None:
            await message.reply_text(texts.NOT_BOUND)
        else:
            await checkin_link(update, context, person, code.removeprefix("checkin_"))
        return
    if not code:
        person = await current_person(update, context)
        if person is None:
            await message.reply_text(texts.START_NO_CODE)
        else:
            await message.reply_text(texts.START_BOUND.format(**_person_words(person)))
        return
    try:
        person = await services.access.bind(code, user.id)
    except BindError as e:
        await message.reply_text(texts.BIND_FAIL.get(e.reason, texts.BIND_FAIL["unknown"]))
        return
    await message.reply_text(texts.BIND_OK.format(**_person_words(person)))
    if person.role is Role.ORGANIZER:
        await _organizer_menu(context, user.id)
    await services.study.deliver_today_to(person)


async def _organizer_menu(context: Ctx, chat_id: int) -> None:
    full = [BotCommand(c.name, c.description) for c in context.commands.commands]
    with contextlib.suppress(TelegramError):  # a convenience; /help lists everything anyway
        await context.bot.set_my_commands(full, scope=BotCommandScopeChat(chat_id))


async def help_command(update: Update, context: Ctx) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    organizer = await context.services.access.is_organizer(user.id)
    everyone, extra = context.commands.visible(organizer)
    await message.reply_text(render.help_text(everyone, extra), parse_mode=ParseMode.HTML)


def register(registry: CommandRegistry) -> None:
    registry.command("start", start)
    registry.command("help", help_command)
