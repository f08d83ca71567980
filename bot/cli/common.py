"""Shared pieces of the `legalbot` commands: config, content, exit codes, secrets."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from bot.config import TOKEN_ENV, Config, config_path_from, load_config
from bot.content.loader import load_library
from bot.domain.content import Library
from bot.domain.errors import ContentError, LegalBotError

EXIT_PROBLEMS = 1
EXIT_CONFIG = 2
_SECRETS: list[str] = []


class CliError(LegalBotError):
    def __init__(self, message: str, code: int = EXIT_CONFIG) -> None:
        self.code = code
        super().__init__(message)


def load(args: argparse.Namespace) -> Config:
    """The config named by --config / LEGALBOT_CONFIG (or config.yaml if present)."""
    path, named = config_path_from(args.config)
    config = load_config(path, required=named)
    if config.token:
        _SECRETS.append(config.token)
    return config


def library_at(root: Path) -> Library:
    try:
        return load_library(root)
    except ContentError as e:
        raise CliError(str(e), EXIT_PROBLEMS) from None


def run_async(coro: Coroutine[Any, Any, int]) -> int:
    return asyncio.run(coro)


def known_secrets() -> list[str]:
    return [os.environ.get(TOKEN_ENV, ""), *_SECRETS]


async def bot_username(config: Config, given: str | None) -> str:
    if given or config.telegram.bot_username:
        return str(given or config.telegram.bot_username).lstrip("@")
    if not config.token:
        raise CliError(
            "生成绑定链接需要机器人用户名：请用 --bot-username 或配置 telegram.bot_username"
        )
    from telegram import Bot
    from telegram.error import TelegramError

    try:
        async with Bot(config.token, base_url=config.telegram.base_url) as bot:
            return str(bot.username)
    except TelegramError:
        raise CliError(
            "无法向 Telegram 查询机器人用户名：请用 --bot-username 或配置 telegram.bot_username"
        ) from None


def print_problems(problems: list[str], summary: str) -> int:
    """Each problem on stdout, the summary on stderr; the exit code for "input has problems"."""
    for line in problems:
        print(line)
    print(summary, file=sys.stderr)
    return EXIT_PROBLEMS
