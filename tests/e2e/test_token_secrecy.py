"""The bot token never reaches a log line, an error message or the console."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import sys
from pathlib import Path

from bot import jobs
from bot.logs import SecretFilter
from tests.e2e.study_setup import ZHANG, people
from tests.fakebot import FakeBotApi
from tests.harness import FIXTURE_CONTENT, Harness


async def test_token_absent_from_logs_even_at_debug(harness: Harness, tmp_path: Path) -> None:
    h = harness
    token = h.api.token
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.addFilter(SecretFilter([token]))
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        await h.start()
        for name in ("httpx", "httpcore", "telegram", "apscheduler"):  # as verbose as it gets
            logging.getLogger(name).setLevel(logging.DEBUG)
        await people(h, tmp_path)
        h.api.fail(500, method="sendMessage", chat_id=ZHANG, times=1)
        h.api.fail(429, method="sendMessage", retry_after=1, times=1)
        h.api.fail(0, method="answerCallbackQuery", times=1)
        h.at("2026-12-01 08:00")
        await h.run_job(jobs.tick)
        await h.settle()
        h.api.inject_callback(ZHANG, "st:1")
        await h.say(ZHANG, "/me")
        await h.stop()
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name in ("httpx", "httpcore", "telegram", "apscheduler"):
            logging.getLogger(name).setLevel(
                logging.WARNING if name != "telegram" else logging.NOTSET
            )
    text = sink.getvalue()
    assert "sendMessage" in text  # the verbose loggers really did log the requests …
    assert token not in text  # … and the token was scrubbed from every line
    assert token.split(":")[1] not in text


async def test_rejected_token_is_not_printed(fake_api: FakeBotApi, tmp_path: Path) -> None:
    wrong = "987654:AAWrong-token-that-the-server-rejects-xyz"
    config = tmp_path / "config.yaml"
    config.write_text(
        f"telegram:\n  base_url: {fake_api.base_url}\n  base_file_url: {fake_api.base_file_url}\n"
        f"database: {tmp_path / 'bot.sqlite3'}\ncontent_dir: {FIXTURE_CONTENT}\nlog_level: DEBUG\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGALBOT_")}
    env["LEGALBOT_TOKEN"] = wrong
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    output = (out + err).decode()
    assert proc.returncode != 0
    assert "令牌" in output
    assert wrong not in output and wrong.split(":")[1] not in output
