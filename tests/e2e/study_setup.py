"""People and groups for the study-push tests."""

from __future__ import annotations

from pathlib import Path

from tests.harness import Harness
from tests.rosters import SMALL, write_xlsx

ZHANG, LI, WANG, ZHAO, QIAN = 500001, 500002, 500003, 500004, 500005
GROUP = -1001234567
BOUND = {"张三": ZHANG, "王五": WANG, "赵六": ZHAO, "钱七": QIAN}


async def people(h: Harness, tmp_path: Path, bind: dict[str, int] = BOUND) -> None:
    await h.services.roster.import_file(write_xlsx(tmp_path / "名单.xlsx", SMALL))
    codes = {r.name: r.code for r in await h.services.roster.people.open_codes()}
    for name, telegram_id in bind.items():
        await h.services.access.bind(codes[name], telegram_id)


async def village_group(h: Harness) -> None:
    await h.say(WANG, "/bindgroup", chat_id=GROUP)
    answer = await h.tap(WANG, "bg:villager:", chat_id=GROUP)
    assert "show_alert" not in answer or not answer["show_alert"]


def study_texts(h: Harness, chat_id: int) -> list[str]:
    return [t for t in h.api.texts_to(chat_id) if "每日一学" in t]


def study_buttons(h: Harness, chat_id: int) -> list[str]:
    out = []
    for params in h.api.messages_to(chat_id):
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            out += [b["callback_data"] for b in row if b.get("callback_data", "").startswith("st:")]
    return out
