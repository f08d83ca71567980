"""The test rig: a real Runtime (PTB Application + SQLite) talking HTTP to the fake Bot API,
with a ManualClock that tests move instead of sleeping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot import jobs
from bot.app import Runtime, build_runtime
from bot.config import Config
from bot.content.loader import load_library
from bot.domain.clock import ManualClock
from bot.handlers.context import Ctx
from bot.services.registry import Services
from tests.fakebot import FakeBotApi

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"
SHANGHAI = ZoneInfo("Asia/Shanghai")
ADMIN_ID = 900001


def write_config(tmp: Path, api: FakeBotApi, **overrides: Any) -> Path:
    data: dict[str, Any] = {
        "telegram": {
            "token": api.token, "base_url": api.base_url, "base_file_url": api.base_file_url,
            "admin_ids": [ADMIN_ID], "bot_username": "legal_study_bot", "poll_timeout": 1,
            "overall_rate_per_second": 1000,
        },
        "timezone": "Asia/Shanghai",
        "database": str(tmp / "bot.sqlite3"),
        "content_dir": str(FIXTURE_CONTENT),
        "study": {"push_time": "08:00", "days": ["mon", "tue", "wed", "thu", "fri"],
                  "minutes_per_item": 10, "makeup_days": 3},
        "outbox": {"rate_per_second": 1000, "per_chat_interval": 0, "group_per_minute": 6000,
                   "backoff_seconds": 0.05, "max_attempts": 3},
    }  # fmt: skip
    for key, value in overrides.items():
        section, _, name = key.partition("__")
        if name:
            data.setdefault(section, {})[name] = value
        else:
            data[section] = value
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@dataclass
class Harness:
    api: FakeBotApi
    config: Config
    clock: ManualClock
    runtime: Runtime | None = None
    runtimes: list[Runtime] = field(default_factory=list)

    @property
    def services(self) -> Services:
        assert self.runtime is not None and self.runtime.services is not None
        return self.runtime.services

    async def start(self) -> Runtime:
        library = load_library(self.config.content_dir)
        self.runtime = build_runtime(self.config, library, self.clock)
        self.runtimes.append(self.runtime)
        await self.runtime.start(poll_timeout=1)
        return self.runtime

    async def stop(self) -> None:
        if self.runtime is not None:
            await self.runtime.stop()
            self.runtime = None

    async def restart(self) -> Runtime:
        await self.stop()
        return await self.start()

    def at(self, text: str) -> datetime:
        """Move the clock to a local time, e.g. h.at('2026-12-01 08:00')."""
        when = datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)
        self.clock.set(when)
        return when

    async def run_job(self, callback: Callable[[Ctx], Awaitable[None]] = jobs.tick) -> None:
        """Run a job callback through the real JobQueue and wait until it finished."""
        assert self.runtime is not None
        done = asyncio.Event()
        errors: list[BaseException] = []

        async def wrapper(context: Ctx) -> None:
            try:
                await callback(context)
            except BaseException as e:
                errors.append(e)
            finally:
                done.set()

        jq = self.runtime.app.job_queue
        assert jq is not None
        jq.run_once(wrapper, 0)
        await asyncio.wait_for(done.wait(), 10)
        if errors:
            raise errors[0]

    async def settle(self) -> None:
        """Wait until the outbox has nothing in flight and nothing due."""
        assert await self.services.outbox.wait_idle(20), "outbox did not settle"

    async def say(self, user_id: int, text: str, chat_id: int | None = None,
                  expect: int = 1) -> str:  # fmt: skip
        """Send a message as a user and return the bot's (last) reply text in that chat."""
        chat = user_id if chat_id is None else chat_id
        before = len(self.api.messages_to(chat))
        self.api.inject_message(user_id, text, chat_id)
        await self.api.wait_for(lambda: len(self.api.messages_to(chat)) >= before + expect)
        return self.api.last_text(chat)

    async def tap(self, user_id: int, data: str, chat_id: int | None = None,
                  message_id: int | None = None) -> dict[str, Any]:  # fmt: skip
        """Tap an inline button; returns the answerCallbackQuery parameters."""
        query_id = self.api.inject_callback(user_id, data, chat_id, message_id)
        await self.api.wait_for(lambda: self.api.answer_for(query_id) is not None)
        answer = self.api.answer_for(query_id)
        assert answer is not None
        return answer
