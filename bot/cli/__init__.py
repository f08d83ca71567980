"""The `legalbot` command: run the bot, check content, manage the roster, plan, migrate,
import question banks, create training sessions, import sign-in sheets.

Exit codes: 0 success; 1 the input has problems (content, roster, sheets); 2 configuration or
usage. Every subcommand takes --config PATH (default config.yaml, or env LEGALBOT_CONFIG).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from bot.cli import content, people, reports, training
from bot.cli import run as run_command
from bot.cli.common import EXIT_CONFIG, EXIT_PROBLEMS, CliError, known_secrets
from bot.domain.errors import ConfigError, LegalBotError
from bot.logs import SecretFilter


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        metavar="PATH",
        help="配置文件 (默认 config.yaml，或环境变量 LEGALBOT_CONFIG)",
    )
    parser = argparse.ArgumentParser(
        prog="legalbot", description="普法学习机器人 — legal-literacy study bot", parents=[common]
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(
        name: str, fn: Callable[[argparse.Namespace], int], help_text: str, parent: Any = sub
    ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(
            name, help=help_text, parents=[common], description=help_text
        )
        p.set_defaults(func=fn)
        return p

    run_command.register(add)
    content.register(add, sub, common)
    people.register(add, sub, common)
    training.register(add, sub, common)
    reports.register(add, sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.func(args)
        return code
    except (CliError, ConfigError) as e:
        _complain(str(e))
        return getattr(e, "code", EXIT_CONFIG)
    except LegalBotError as e:
        _complain(str(e))
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except Exception:  # print the traceback, but never a secret that may be inside it
        import traceback

        _complain(traceback.format_exc())
        return EXIT_PROBLEMS


def _complain(text: str) -> None:
    """Errors go to stderr with every known secret (the bot token) scrubbed out."""
    print(SecretFilter(known_secrets()).scrub(text), file=sys.stderr)
