"""`legalbot run`: start the bot (long polling) until stopped."""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.common import CliError, library_at, load
from bot.config import TOKEN_ENV
from bot.logs import setup_logging


def cmd_run(args: argparse.Namespace) -> int:
    config = load(args)
    if not config.token:
        raise CliError(
            f"没有设置机器人令牌：请设置环境变量 {TOKEN_ENV}，或在配置文件中填写 telegram.token。"
            f"\n(no bot token: set {TOKEN_ENV} or telegram.token)"
        )
    setup_logging(config.log_level, secrets=[config.token])
    library = library_at(config.content_dir)
    from telegram.error import InvalidToken

    from bot.app import build_runtime  # imports PTB; keep the other commands light

    runtime = build_runtime(config, library)
    try:
        runtime.run()
    except InvalidToken:  # PTB's message quotes the token itself: never print it
        raise CliError(
            f"Telegram 拒绝了这个机器人令牌，请检查 {TOKEN_ENV} 或 telegram.token。"
            "\n(the bot token was rejected)"
        ) from None
    return 0


def register(add: Any) -> None:
    add("run", cmd_run, "启动机器人 (run the bot)")
