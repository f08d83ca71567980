"""Rendering study items: HTML escaping, splitting under Telegram's limit, the button."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot import render, texts
from bot.content.loader import load_library
from bot.render import MESSAGE_LIMIT, callback, study_message
from tests.fakebot import _html_problem, visible_length
from tests.harness import FIXTURE_CONTENT


def _item():  # type: ignore[no-untyped-def]
    item = load_library(FIXTURE_CONTENT).study_item("c-2")
    assert item is not None
    return item


def test_short_item_is_one_message_with_everything() -> None:
    (part,) = study_message(_item(), date(2026, 12, 1), 42)
    assert "📖 每日一学 · 12月1日 周二" in part.text
    assert "《中华人民共和国宪法》第六条" in part.text
    assert "&amp; &lt;符号&gt;" in part.text  # user content is escaped
    assert "⚖️ 以案释法" in part.text and "测试案例二" in part.text
    assert part.buttons[0][0].callback == "st:42"
    assert _html_problem(part.text) is None


def test_long_item_splits_at_paragraphs_under_the_limit() -> None:
    paragraphs = [f"第{i}段" + "条文内容" * 150 for i in range(12)]  # ~7,300 characters
    item = replace(_item(), text="\n".join(paragraphs), case="案例" * 150)
    parts = study_message(item, date(2026, 12, 1), 7)
    assert len(parts) >= 2
    for part in parts:
        assert len(part.text) <= MESSAGE_LIMIT
        assert visible_length(part.text, "HTML") <= 4096
        assert _html_problem(part.text) is None
    assert all(not p.buttons for p in parts[:-1]) and parts[-1].buttons
    assert parts[1].text.startswith("（接上条）")
    joined = "".join(p.text for p in parts)
    for paragraph in paragraphs:  # nothing lost, no paragraph cut in two
        assert paragraph in joined


def test_callback_data_limit() -> None:
    assert callback("st", 123) == "st:123"
    with pytest.raises(ValueError):
        callback("x" * 70)


def test_open_questions_fit_one_message_in_whole_lines() -> None:
    from datetime import UTC, datetime

    from bot.domain.consult import OpenQuestion

    when = datetime(2026, 11, 28, tzinfo=UTC)
    many = [
        OpenQuestion(f"第{n}个问题" + "很长" * 60, tuple(range(n, n + 30)), when, n % 2 == 0)
        for n in range(40)
    ]
    text = render.faq_open_questions(many)
    lines = text.split("\n")
    assert len(text) <= render.MESSAGE_LIMIT and 1 < len(lines) < 41
    assert all(line.startswith(f"{n}. ") for n, line in enumerate(lines[1:], start=1))
    assert render.faq_open_questions([]) == texts.FAQ_OPEN_NONE
