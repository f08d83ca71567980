"""The typed callback context: `context.services` instead of untyped bot_data dicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from bot.handlers.menu import CommandRegistry
    from bot.services.registry import Services


class BotData:
    """What the application carries: the wired services and the command registry."""

    def __init__(self) -> None:
        self.services: Services | None = None
        self.commands: CommandRegistry | None = None


class Ctx(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def services(self) -> Services:
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not wired yet")
        return services

    @property
    def commands(self) -> CommandRegistry:
        commands = self.bot_data.commands
        if commands is None:
            raise RuntimeError("commands are not registered yet")
        return commands


CONTEXT_TYPES: ContextTypes[Ctx, dict[Any, Any], dict[Any, Any], BotData] = ContextTypes(
    context=Ctx, bot_data=BotData
)

App = Application[ExtBot[Any], Ctx, dict[Any, Any], dict[Any, Any], BotData, Any]
