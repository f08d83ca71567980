"""What the bot sends, independent of Telegram: text messages with buttons, in parts.

`render.py` builds these; the outbox stores them as JSON; the Telegram sender turns them into
Bot API calls. A payload is a tuple of parts (a long study item is split into several
messages; the buttons ride on the last one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    callback: str | None = None  # callback_data (≤ 64 bytes)
    url: str | None = None


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class OutMessage:
    text: str  # Telegram HTML
    buttons: Keyboard = ()


@dataclass(frozen=True, slots=True)
class OutPoll:
    """A native quiz poll (type=quiz, not anonymous), graded from poll_answer updates."""

    question: str
    options: tuple[str, ...]
    correct: tuple[int, ...]
    explanation: str | None = None


Part = OutMessage | OutPoll


@dataclass(frozen=True, slots=True)
class Sent:
    """What Telegram returned for a delivered part."""

    message_id: int
    poll_id: str | None = None


Payload = tuple[Part, ...]


def _part_to_dict(part: Part) -> dict[str, object]:
    if isinstance(part, OutPoll):
        return {
            "poll": part.question,
            "options": list(part.options),
            "correct": list(part.correct),
            "explanation": part.explanation,
        }
    return {
        "text": part.text,
        "buttons": [
            [{"label": b.label, "callback": b.callback, "url": b.url} for b in row]
            for row in part.buttons
        ],
    }


def _part_from_dict(part: dict[str, Any]) -> Part:
    if "poll" in part:
        return OutPoll(
            part["poll"], tuple(part["options"]), tuple(part["correct"]), part.get("explanation")
        )
    return OutMessage(
        text=part["text"],
        buttons=tuple(
            tuple(Button(b["label"], b.get("callback"), b.get("url")) for b in row)
            for row in part["buttons"]
        ),
    )


def payload_to_json(payload: Payload) -> str:
    return json.dumps(
        [_part_to_dict(p) for p in payload], ensure_ascii=False, separators=(",", ":")
    )


def payload_from_json(raw: str) -> Payload:
    return tuple(_part_from_dict(part) for part in json.loads(raw))
