"""Shared fixtures: the fake Bot API server, a config pointing at it, and the harness."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.domain.clock import ManualClock
from tests.fakebot import FakeBotApi
from tests.harness import SHANGHAI, Harness, write_config

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.stop()
    assert not api.violations, f"calls that break the Bot API: {api.violations}"


@pytest.fixture
def clock() -> ManualClock:
    from datetime import datetime

    return ManualClock(datetime(2026, 12, 1, 7, 0, tzinfo=SHANGHAI))  # a Tuesday


@pytest.fixture
async def harness(
    fake_api: FakeBotApi, tmp_path: Path, clock: ManualClock, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    overrides = getattr(request, "param", {})
    config = load_config(write_config(tmp_path, fake_api, **overrides))
    h = Harness(api=fake_api, config=config, clock=clock)
    yield h
    await h.stop()
