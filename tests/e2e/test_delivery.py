"""The outbox over real HTTP: 429s, blocked users, server errors, dropped connections, restarts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot import jobs
from bot.domain.delivery import DeliveryKind
from tests.e2e.study_setup import WANG, ZHANG, ZHAO, people, study_texts
from tests.harness import Harness
from tests.rosters import write_xlsx


async def _push(h: Harness, day: str = "2026-12-01") -> None:
    h.at(f"{day} 08:00")
    await h.run_job(jobs.tick)
    await h.settle()


async def test_429_waits_retry_after_and_delivers_once(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.api.fail(429, method="sendMessage", chat_id=ZHANG, retry_after=1, times=1)
    await _push(h)
    attempts = [c.at for c in h.api.calls_to("sendMessage") if c.params["chat_id"] == ZHANG]
    assert len(attempts) == 2
    assert attempts[1] - attempts[0] >= 0.95  # waited retry_after before trying that chat again
    assert len(study_texts(h, ZHANG)) == 2  # the refused call is recorded too …
    counts = await h.services.outbox.store.counts(h.services.study.today(), DeliveryKind.STUDY)
    assert (counts.sent, counts.pending, counts.failed) == (4, 0, 0)  # … but sent once


async def test_blocked_user_marked_and_reported(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.api.block(ZHAO)
    await _push(h)
    assert len([c for c in h.api.calls_to("sendMessage") if c.params["chat_id"] == ZHAO]) == 1
    zhao = await h.services.roster.people.by_telegram(ZHAO)
    assert zhao is not None and zhao.blocked_at is not None
    status = await h.say(WANG, "/push_status")
    assert "对方已屏蔽：1" in status and "赵六（镇党政办）" in status

    await _push(h, "2026-12-02")  # the next day's push skips the blocked user
    assert len([c for c in h.api.calls_to("sendMessage") if c.params["chat_id"] == ZHAO]) == 1
    h.api.blocked_chats.clear()  # they unblock the bot and write to it
    await h.say(ZHAO, "/me")
    zhao = await h.services.roster.people.by_telegram(ZHAO)
    assert zhao is not None and zhao.blocked_at is None


async def test_server_errors_and_dropped_connections_are_retried(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await h.start()
    await people(h, tmp_path)
    h.api.fail(500, method="sendMessage", chat_id=ZHANG, times=2)
    h.api.fail(0, method="sendMessage", chat_id=ZHAO, times=1)  # connection dropped
    h.api.fail(502, method="sendMessage", chat_id=WANG, times=10)  # never recovers
    await _push(h)
    assert len(study_texts(h, ZHANG)) == 3
    counts = await h.services.outbox.store.counts(h.services.study.today(), DeliveryKind.STUDY)
    assert (counts.sent, counts.failed) == (3, 1)  # WANG gave up after max_attempts (3)
    assert len([c for c in h.api.calls_to("sendMessage") if c.params["chat_id"] == WANG]) == 3
    status = await h.say(WANG, "/push_status")  # interactive replies are not in the outbox
    assert "发送失败：1" in status


def _many(n: int) -> list[tuple[str, str, str, str]]:
    return [(f"村民{i:03d}", "大河村", "法律明白人", f"139{i:08d}") for i in range(n)]


async def _bind_many(h: Harness, tmp_path: Path, n: int) -> list[int]:
    await h.services.roster.import_file(write_xlsx(tmp_path / "多人.xlsx", _many(n)))
    ids = []
    for i, row in enumerate(await h.services.roster.people.open_codes()):
        await h.services.access.bind(row.code, 610000 + i)
        ids.append(610000 + i)
    return ids


@pytest.mark.parametrize("harness", [{"outbox__concurrency": 2}], indirect=True)
async def test_restart_mid_push_resumes_without_duplicates(
    harness: Harness, tmp_path: Path
) -> None:
    h = harness
    await h.start()
    users = await _bind_many(h, tmp_path, 40)
    h.api.latency = 0.03
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.tick)
    await h.api.wait_for(lambda: len(h.api.calls_to("sendMessage")) >= 10)
    await h.stop()  # graceful: in-flight sends finish, the rest stays pending
    sent_before = len(h.api.calls_to("sendMessage"))
    assert sent_before < 40
    h.api.latency = 0
    await h.start()  # resumes the pending rows
    await h.settle()
    per_chat = Counter(c.params["chat_id"] for c in h.api.calls_to("sendMessage"))
    assert all(per_chat[u] == 1 for u in users), per_chat.most_common(3)


@pytest.mark.parametrize("harness", [{"outbox__concurrency": 4}], indirect=True)
async def test_crash_mid_push_loses_nothing(harness: Harness, tmp_path: Path) -> None:
    """A crash (sends cut off mid-flight, nothing finished cleanly) then a restart."""
    h = harness
    await h.start()
    users = await _bind_many(h, tmp_path, 40)
    h.api.latency = 0.05
    h.at("2026-12-01 08:00")
    await h.run_job(jobs.tick)
    await h.api.wait_for(lambda: len(h.api.calls_to("sendMessage")) >= 12)
    await h.services.outbox.stop(grace=0)  # cancel in-flight sends like a kill would
    runtime = h.runtime
    assert runtime is not None
    await h.stop()
    h.api.latency = 0
    await h.start()
    await h.settle()
    per_chat = Counter(c.params["chat_id"] for c in h.api.calls_to("sendMessage"))
    assert all(per_chat[u] >= 1 for u in users)  # nothing lost
    assert sum(n - 1 for n in per_chat.values()) <= 4  # repeats only of the cut-off sends
