"""Command and button registration, with the one central permission check.

Every command and button goes through `CommandRegistry.command` / `.button`: organizer-only
entries are wrapped in the same guard, the command menu (`set_my_commands`, one scope for
everyone and one per organizer chat) and /help are generated from the same list.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import texts
from bot.handlers.context import App, Ctx

log = logging.getLogger(__name__)

R = TypeVar("R")
Callback = Callable[[Update, Ctx], Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    description: str
    organizer: bool
    where: str  # "any" | "private" | "group"


async def deny(update: Update, text: str) -> None:
    """Tell the sender why not: as an alert on a button, as a reply on a command."""
    if update.callback_query:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message:
        await update.effective_message.reply_text(text)


def guarded(
    fn: Callable[[Update, Ctx], Coroutine[Any, Any, R]], organizer: bool, where: str
) -> Callable[[Update, Ctx], Coroutine[Any, Any, R | None]]:
    @wraps(fn)
    async def wrapper(update: Update, context: Ctx) -> R | None:
        chat = update.effective_chat
        if chat is not None and where == "private" and chat.type != ChatType.PRIVATE:
            await deny(update, texts.PRIVATE_ONLY)
            return None
        if chat is not None and where == "group" and chat.type == ChatType.PRIVATE:
            await deny(update, texts.GROUP_ONLY)
            return None
        if organizer:
            user = update.effective_user
            if user is None or not await context.services.access.is_organizer(user.id):
                await deny(update, texts.ORGANIZERS_ONLY)
                return None
        return await fn(update, context)

    return wrapper


class CommandRegistry:
    def __init__(self, app: App) -> None:
        self.app = app
        self.commands: list[Command] = []

    def command(
        self,
        name: str,
        fn: Callback,
        *,
        organizer: bool = False,
        where: str = "any",
        in_menu: bool = True,
    ) -> None:
        self.app.add_handler(CommandHandler(name, guarded(fn, organizer, where)))
        if in_menu:
            self.commands.append(Command(name, texts.COMMANDS[name], organizer, where))

    def conversation(
        self,
        name: str,
        entry: Callable[[Update, Ctx], Coroutine[Any, Any, int]],
        states: Mapping[object, Sequence[BaseHandler[Update, Ctx, Any]]],
        fallbacks: Sequence[BaseHandler[Update, Ctx, Any]],
        *,
        organizer: bool = False,
        where: str = "any",
    ) -> None:
        """A guided flow started by /name; only the entry needs the guard (states follow it)."""
        with warnings.catch_warnings():  # PTB notes per_message tracking for button states
            warnings.simplefilter("ignore")
            flow = ConversationHandler(
                entry_points=[CommandHandler(name, guarded(entry, organizer, where))],
                states={k: list(v) for k, v in states.items()},
                fallbacks=list(fallbacks),
                conversation_timeout=15 * 60,
            )
        self.app.add_handler(flow)
        self.commands.append(Command(name, texts.COMMANDS[name], organizer, where))

    def button(self, pattern: str, fn: Callback, *, organizer: bool = False) -> None:
        self.app.add_handler(CallbackQueryHandler(guarded(fn, organizer, "any"), pattern=pattern))

    def visible(self, organizer: bool) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(everyone's commands, organizer commands) for /help."""
        everyone = [(c.name, c.description) for c in self.commands if not c.organizer]
        extra = [(c.name, c.description) for c in self.commands if c.organizer] if organizer else []
        return everyone, extra

    async def publish(self, organizer_chat_ids: set[int]) -> None:
        """Set the command menu: everyone's commands by default, all commands for organizers."""
        bot = self.app.bot
        everyone = [BotCommand(c.name, c.description) for c in self.commands if not c.organizer]
        full = [BotCommand(c.name, c.description) for c in self.commands]
        await bot.set_my_commands(everyone, scope=BotCommandScopeDefault())
        for chat_id in sorted(organizer_chat_ids):
            try:
                await bot.set_my_commands(full, scope=BotCommandScopeChat(chat_id))
            except TelegramError as e:  # an admin who never opened a chat with the bot
                log.warning("could not set the organizer menu for one chat: %s", e.message)
