"""Roster import → /start <code> binds → /help lists the sender's commands, over real HTTP."""

from __future__ import annotations

from pathlib import Path

from bot.storage.people import CodeRow
from tests.harness import ADMIN_ID, Harness
from tests.rosters import SMALL, write_xlsx

ZHANG, LI, WANG = 500001, 500002, 500003


async def _import(h: Harness, tmp_path: Path) -> dict[str, CodeRow]:
    result = await h.services.roster.import_file(write_xlsx(tmp_path / "名单.xlsx", SMALL))
    assert (result.added, result.updated, result.unchanged) == (5, 0, 0)
    return {row.name: row for row in await h.services.roster.people.open_codes()}


async def test_bind_with_code_then_help(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    codes = await _import(h, tmp_path)

    reply = await h.say(ZHANG, f"/start {codes['张三'].code}")
    assert "绑定成功" in reply and "张三" in reply and "王家村" in reply

    person = await h.services.access.person(ZHANG)
    assert person is not None and person.name == "张三"

    help_text = await h.say(ZHANG, "/help")
    assert "/today" in help_text and "/me" in help_text
    assert "/push_now" not in help_text  # not an organizer

    # an organizer bound through the roster sees organizer commands too
    await h.say(WANG, f"/start {codes['王五'].code}")
    organizer_help = await h.say(WANG, "/help")
    assert "/push_now" in organizer_help and "组织者命令" in organizer_help


async def test_wrong_reused_and_second_account(harness: Harness, tmp_path: Path) -> None:
    h = harness
    await h.start()
    codes = await _import(h, tmp_path)

    assert "绑定码不对" in await h.say(ZHANG, "/start NOSUCHCD")
    assert await h.services.access.person(ZHANG) is None

    assert "绑定成功" in await h.say(ZHANG, f"/start {codes['张三'].code}")
    # the same code from another account: used, and nothing changes
    assert "已经用过" in await h.say(LI, f"/start {codes['张三'].code}")
    assert await h.services.access.person(LI) is None
    # an already-bound account trying a second person's code
    assert "已经绑定了其他人员" in await h.say(ZHANG, f"/start {codes['李四'].code}")
    li_code = {r.name: r for r in await h.services.roster.people.open_codes()}
    assert "李四" in li_code  # 李四's code is still open
    # the same account sending its own used code again
    assert "已经绑定过了" in await h.say(ZHANG, f"/start {codes['张三'].code}")
    person = await h.services.access.person(ZHANG)
    assert person is not None and person.name == "张三"


async def test_start_without_code_explains(harness: Harness) -> None:
    h = harness
    await h.start()
    reply = await h.say(ZHANG, "/start")
    assert "绑定码" in reply and "/start" in reply
    assert "只有组织者" in await h.say(ZHANG, "/push_status")


async def test_command_menu_scopes(harness: Harness) -> None:
    h = harness
    await h.start()
    calls = h.api.calls_to("setMyCommands")
    scopes = {c.params.get("scope", {}).get("type"): c.params for c in calls}
    everyone = [c["command"] for c in scopes["default"]["commands"]]
    assert "start" in everyone and "push_now" not in everyone
    admin = scopes["chat"]
    assert admin["scope"]["chat_id"] == ADMIN_ID
    assert "push_now" in [c["command"] for c in admin["commands"]]
    # admins from the config are organizers without being in the roster
    assert "/push_now" in await h.say(ADMIN_ID, "/help")
