"""What the bot sends, independent of Telegram: text messages with buttons, in parts.

`render.py` builds these; the outbox stores them as JSON; the Telegram sender turns them into
Bot API calls. A payload is a tuple of parts (a long study item is split into several
messages; the buttons ride on the last one).
"""

from __future__ import annotations

import json
from dataclasses import dataclass


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


Payload = tuple[OutMessage, ...]


def payload_to_json(payload: Payload) -> str:
    parts = [
        {
            "text": part.text,
            "buttons": [
                [{"label": b.label, "callback": b.callback, "url": b.url} for b in row]
                for row in part.buttons
            ],
        }
        for part in payload
    ]
    return json.dumps(parts, ensure_ascii=False, separators=(",", ":"))


def payload_from_json(raw: str) -> Payload:
    return tuple(
        OutMessage(
            text=part["text"],
            buttons=tuple(
                tuple(Button(b["label"], b.get("callback"), b.get("url")) for b in row)
                for row in part["buttons"]
            ),
        )
        for part in json.loads(raw)
    )
