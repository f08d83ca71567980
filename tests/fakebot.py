"""A fake Telegram Bot API server for tests and benchmarks (aiohttp on 127.0.0.1).

The real python-telegram-bot Application talks HTTP to it through `telegram.base_url`. It:
- answers the methods the bot uses, with realistic result objects;
- records every call (method + decoded parameters);
- lets a test inject updates (messages, commands, button taps, poll answers) into getUpdates;
- injects faults: 429 with retry_after, 500, 403 for a chat, dropped connections;
- rejects calls that break Bot API limits (text > 4096, callback_data > 64 bytes, poll limits)
  and, when the machine-readable spec is available, unknown methods and parameters.
Violations are answered with 400 and collected in `violations`, which tests assert is empty.

Run standalone for benchmarks: `python -m tests.fakebot --port 8081` (control endpoints under
`/_control/`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import random
import re
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

SPEC_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "telegram-bot-api"
BOT_ID = 7000000001
BOT_USERNAME = "legal_study_bot"
TAG = re.compile(r"<[^>]+>")


def load_spec() -> dict[str, Any] | None:
    path = SPEC_DIR / "api-10.0.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["methods"]


def visible_length(text: str, parse_mode: str | None) -> int:
    """Length after entity parsing (what Telegram counts)."""
    if parse_mode and parse_mode.upper() == "HTML":
        return len(html.unescape(TAG.sub("", text)))
    return len(text)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float


@dataclass
class Fault:
    """Answer matching calls with an error `times` times (or with `probability`)."""

    status: int  # 429, 500, 403, or 0 = drop the connection
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1
    probability: float | None = None
    retry_after: int = 1
    description: str = ""

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method and self.method != method:
            return False
        if self.chat_id is not None and _int(params.get("chat_id")) != self.chat_id:
            return False
        if self.times is not None and self.times <= 0:
            return False
        return not (self.probability is not None and random.random() >= self.probability)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decode(value: str) -> Any:
    try:
        return json.loads(value)
    except (ValueError, TypeError):
        return value


@dataclass
class FakeBotApi:
    token: str = "123456:TEST-token-for-the-fake-bot-api-server"
    spec: dict[str, Any] | None = field(default_factory=load_spec)
    calls: list[Call] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    record_calls: bool = True
    latency: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)
    delivered: Counter[int] = field(default_factory=Counter)  # chat id → messages delivered

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._poll_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.polls: dict[str, dict[str, Any]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._waiters: list[tuple[Callable[[], bool], asyncio.Future[None]]] = []
        self.first_sent_at = 0.0
        self.last_sent_at = 0.0

    # --- server lifecycle ----------------------------------------------------------------

    async def start(self, port: int = 0) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        app.router.add_get("/_control/stats", self._stats)
        app.router.add_post("/_control/faults", self._set_faults)
        app.router.add_post("/_control/reset", self._reset)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        server = site._server
        assert server is not None and server.sockets
        self.port = server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # --- what tests look at --------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def messages_to(self, chat_id: int) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == "sendMessage"
                and _int(c.params.get("chat_id")) == chat_id]  # fmt: skip

    def texts_to(self, chat_id: int) -> list[str]:
        return [str(p["text"]) for p in self.messages_to(chat_id)]

    def last_text(self, chat_id: int) -> str:
        texts = self.texts_to(chat_id)
        return texts[-1] if texts else ""

    def polls_in(self, chat_id: int) -> list[dict[str, Any]]:
        """Polls sent to a chat, oldest first (each with its "id")."""
        return [p for p in self.polls.values() if p["chat_id"] == chat_id]

    def buttons_in(self, chat_id: int) -> list[str]:
        """callback_data of every button the bot put in a chat (sent or edited), in order."""
        out = []
        for c in self.calls:
            if (
                c.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup")
                and _int(c.params.get("chat_id")) == chat_id
            ):
                markup = c.params.get("reply_markup") or {}
                for row in markup.get("inline_keyboard", []):
                    out += [b["callback_data"] for b in row if "callback_data" in b]
        return out

    def callback_answers(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls_to("answerCallbackQuery")]

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until `predicate()` holds (re-checked after every call the bot makes)."""
        if predicate():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((predicate, future))
        try:
            await asyncio.wait_for(future, within)
        except TimeoutError:
            raise AssertionError(f"timed out waiting; last calls: {self._tail()}") from None

    def _tail(self) -> str:
        return "; ".join(f"{c.method}({str(c.params)[:120]})" for c in self.calls[-5:])

    def _notify(self) -> None:
        for predicate, future in list(self._waiters):
            if not future.done() and predicate():
                future.set_result(None)
                self._waiters.remove((predicate, future))

    # --- injecting updates ---------------------------------------------------------------

    def _push_update(self, kind: str, body: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, kind: body})
        self._new_update.set()
        return update_id

    @staticmethod
    def user(user_id: int, name: str = "用户") -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "zh-hans"}

    @staticmethod
    def chat(chat_id: int, title: str = "学习群") -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "用户"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": title}

    def inject_message(
        self, user_id: int, text: str, chat_id: int | None = None, reply_to: int | None = None
    ) -> int:
        chat_id = user_id if chat_id is None else chat_id
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id), "from": self.user(user_id), "text": text,
        }  # fmt: skip
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            original = self._messages.get((chat_id, reply_to))
            if original:
                message["reply_to_message"] = original
        self._messages[(chat_id, message["message_id"])] = message
        return self._push_update("message", message)

    def inject_callback(
        self, user_id: int, data: str, chat_id: int | None = None, message_id: int | None = None
    ) -> str:
        """A tap on an inline button. The message defaults to the last one sent to the chat."""
        chat_id = user_id if chat_id is None else chat_id
        if message_id is None:
            sent = [
                m
                for (c, _), m in self._messages.items()
                if c == chat_id and m.get("from", {}).get("id") == BOT_ID
            ]
            message = sent[-1] if sent else self._bot_message(chat_id, "…")
        else:
            message = self._messages.get((chat_id, message_id)) or self._bot_message(chat_id, "…")
        query_id = f"cq{next(self._update_ids)}"
        self._push_update("callback_query", {
            "id": query_id, "from": self.user(user_id), "chat_instance": f"ci{chat_id}",
            "data": data, "message": message,
        })  # fmt: skip
        return query_id

    def inject_poll_answer(self, user_id: int, poll_id: str, option_ids: list[int]) -> None:
        options = self.polls.get(poll_id, {}).get("options", [])
        persistent = [options[i]["persistent_id"] for i in option_ids if i < len(options)]
        self._push_update("poll_answer", {
            "poll_id": poll_id, "user": self.user(user_id), "option_ids": option_ids,
            "option_persistent_ids": persistent,
        })  # fmt: skip

    def answer_for(self, query_id: str) -> dict[str, Any] | None:
        for c in self.calls_to("answerCallbackQuery"):
            if c.params.get("callback_query_id") == query_id:
                return c.params
        return None

    # --- faults ---------------------------------------------------------------------------

    def fail(self, status: int, **kwargs: Any) -> Fault:
        fault = Fault(status=status, **kwargs)
        self.faults.append(fault)
        return fault

    def block(self, chat_id: int) -> None:
        self.blocked_chats.add(chat_id)

    # --- HTTP -----------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                params.update(await request.json())
                return params
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField) or hasattr(value, "file"):
                    params[key] = {"__file__": getattr(value, "filename", "file"),
                                   "size": len(value.file.read())}  # fmt: skip
                else:
                    params[key] = _decode(str(value))
        return params

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        token, method = request.match_info["token"], request.match_info["method"]
        params = await self._params(request)
        if self.record_calls:
            self.calls.append(Call(method, params, time.time()))
        self.counts[method] += 1
        try:
            if token != self.token:
                return self._error(401, "Unauthorized")
            fault = next((f for f in self.faults if f.matches(method, params)), None)
            if fault is not None:
                if fault.times is not None:
                    fault.times -= 1
                if fault.status == 0:
                    assert request.transport is not None
                    request.transport.close()
                    raise ConnectionResetError("dropped by the fake server")
                if fault.status == 429:
                    return self._error(429, f"Too Many Requests: retry after {fault.retry_after}",
                                       {"retry_after": fault.retry_after})  # fmt: skip
                return self._error(fault.status, fault.description or "Internal Server Error")
            chat_id = _int(params.get("chat_id"))
            if chat_id in self.blocked_chats and method.startswith("send"):
                return self._error(403, "Forbidden: bot was blocked by the user")
            problem = self._check(method, params)
            if problem:
                self.violations.append(f"{method}: {problem}")
                return self._error(400, f"Bad Request: {problem}")
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                return self._error(404, "Not Found: method not found")
            if self.latency:
                await asyncio.sleep(self.latency)
            result = (
                await handler(params) if asyncio.iscoroutinefunction(handler) else handler(params)
            )
            return web.json_response({"ok": True, "result": result})
        finally:
            self._notify()

    @staticmethod
    def _error(
        code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    async def _file(self, request: web.Request) -> web.Response:
        return web.Response(body=b"fake-file-content")

    # --- validation -----------------------------------------------------------------------

    def _check(self, method: str, params: dict[str, Any]) -> str | None:
        if self.spec is not None:
            problem = self._check_spec(method, params)
            if problem:
                return problem
        return self._check_limits(method, params)

    def _check_spec(self, method: str, params: dict[str, Any]) -> str | None:
        assert self.spec is not None
        spec = self.spec.get(method)
        if spec is None:
            return f"unknown method {method}"
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for name in params:
            if name not in fields:
                return f"unknown parameter {name}"
        for name, f in fields.items():
            if f["required"] and name not in params:
                return f"missing required parameter {name}"
            if name in params and not _type_ok(params[name], f["types"]):
                return f"parameter {name} has the wrong type for {f['types']}"
        return None

    def _check_limits(self, method: str, params: dict[str, Any]) -> str | None:
        parse_mode = params.get("parse_mode")
        if method in ("sendMessage", "editMessageText"):
            n = visible_length(str(params.get("text", "")), parse_mode)
            if not 1 <= n <= 4096:
                return f"message text must be 1-4096 characters, got {n}"
            if parse_mode and str(parse_mode).upper() == "HTML":
                problem = _html_problem(str(params["text"]))
                if problem:
                    return problem
        if "caption" in params and visible_length(str(params["caption"]), parse_mode) > 1024:
            return "caption longer than 1024 characters"
        if method == "answerCallbackQuery" and len(str(params.get("text", ""))) > 200:
            return "callback answer text longer than 200 characters"
        markup = params.get("reply_markup")
        if isinstance(markup, dict):
            for row in markup.get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        return "callback_data must be 1-64 bytes"
                    if not button.get("text"):
                        return "button text is empty"
        if method == "sendPoll":
            return _poll_problem(params)
        if method == "setMyCommands":
            commands = params.get("commands") or []
            if len(commands) > 100:
                return "more than 100 commands"
            for c in commands:
                if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")):
                    return f"bad command name {c.get('command')!r}"
                if not 1 <= len(c.get("description", "")) <= 256:
                    return "command description must be 1-256 characters"
        return None

    # --- methods --------------------------------------------------------------------------

    def _bot_message(self, chat_id: int, text: str | None = None, **extra: Any) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids), "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "普法学习", "username": BOT_USERNAME},
        }  # fmt: skip
        if text is not None:
            message["text"] = text
        message.update(extra)
        self._messages[(chat_id, message["message_id"])] = message
        return message

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "普法学习", "username": BOT_USERNAME,
                "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}  # fmt: skip

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        while True:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            if self._updates or time.monotonic() >= deadline:
                return self._updates[:limit]
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                return []

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        self.delivered[chat_id] += 1
        now = time.time()
        self.first_sent_at = self.first_sent_at or now
        self.last_sent_at = now
        extra = {}
        if isinstance(params.get("reply_markup"), dict):
            extra["reply_markup"] = params["reply_markup"]
        return self._bot_message(chat_id, TAG.sub("", str(params["text"])), **extra)

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        message = self._messages.get((chat_id, message_id)) or self._bot_message(chat_id)
        message["text"] = TAG.sub("", str(params["text"]))
        return message

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        return self._messages.get((chat_id, message_id)) or self._bot_message(chat_id, "…")

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    def _m_deleteMessage(self, params: dict[str, Any]) -> bool:
        return True

    def _m_sendPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        poll_id = f"poll{next(self._poll_ids)}"
        options = [{"persistent_id": f"{poll_id}-{i}", "voter_count": 0,
                    "text": o["text"] if isinstance(o, dict) else str(o)}
                   for i, o in enumerate(params["options"])]  # fmt: skip
        poll = {
            "id": poll_id, "question": params["question"], "options": options,
            "total_voter_count": 0, "is_closed": False,
            "is_anonymous": params.get("is_anonymous", True), "type": params.get("type", "regular"),
            "allows_multiple_answers": bool(params.get("allows_multiple_answers", False)),
            "allows_revoting": False,
            "members_only": False,
        }  # fmt: skip
        if "correct_option_ids" in params:
            poll["correct_option_ids"] = params["correct_option_ids"]
        if "explanation" in params:
            poll["explanation"] = params["explanation"]
        self.polls[poll_id] = {"chat_id": chat_id, **poll}
        self.delivered[chat_id] += 1
        return self._bot_message(chat_id, poll=poll)

    def _m_stopPoll(self, params: dict[str, Any]) -> dict[str, Any]:
        for poll in self.polls.values():
            poll["is_closed"] = True
        return {"id": "stopped", "question": "q", "options": [], "total_voter_count": 0,
                "is_closed": True, "is_anonymous": False, "type": "quiz",
                "allows_multiple_answers": False, "allows_revoting": False, "members_only": False}  # fmt: skip

    def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        doc = params.get("document") or {}
        return self._bot_message(chat_id, document={
            "file_id": f"doc{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}",
            "file_name": doc.get("__file__", "file") if isinstance(doc, dict) else "file",
        })  # fmt: skip

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        return self._bot_message(chat_id, photo=[{
            "file_id": f"photo{len(self.calls)}", "file_unique_id": f"p{len(self.calls)}",
            "width": 100, "height": 100,
        }])  # fmt: skip

    # --- control endpoints (benchmarks) ---------------------------------------------------

    async def _stats(self, request: web.Request) -> web.Response:
        per_chat = Counter(self.delivered.values())
        return web.json_response({
            "counts": dict(self.counts), "chats": len(self.delivered),
            "messages": sum(self.delivered.values()),
            "duplicates": sum(n - 1 for n in self.delivered.values() if n > 1),
            "per_chat_histogram": {str(k): v for k, v in per_chat.items()},
            "first_sent_at": self.first_sent_at, "last_sent_at": self.last_sent_at,
            "violations": self.violations[:20],
        })  # fmt: skip

    async def _set_faults(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.faults = [Fault(**f) for f in body.get("faults", [])]
        self.latency = float(body.get("latency", 0))
        return web.json_response({"ok": True})

    async def _reset(self, request: web.Request) -> web.Response:
        self.calls.clear()
        self.counts.clear()
        self.delivered.clear()
        self.violations.clear()
        self.faults.clear()
        self.first_sent_at = self.last_sent_at = 0.0
        return web.json_response({"ok": True})


def _type_ok(value: Any, types: list[str]) -> bool:
    for t in types:
        if t == "String" or t == "InputFile":
            return True
        if t == "Integer" and isinstance(value, int) and not isinstance(value, bool):
            return True
        if t == "Float" and isinstance(value, int | float) and not isinstance(value, bool):
            return True
        if t == "Boolean" and isinstance(value, bool):
            return True
        if t.startswith("Array of") and isinstance(value, list):
            return True
        if t[0].isupper() and t not in ("Integer", "Float", "Boolean") and isinstance(value, dict):
            return True
    return False


_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "blockquote", "tg-spoiler", "span", "tg-emoji"}  # fmt: skip


def _html_problem(text: str) -> str | None:
    """Telegram rejects unknown tags and unbalanced markup."""
    stack: list[str] = []
    for m in re.finditer(r"<(/?)([a-zA-Z-]+)[^>]*>", text):
        closing, name = m.group(1) == "/", m.group(2).lower()
        if name not in _ALLOWED_TAGS:
            return f"can't parse entities: unsupported tag <{name}>"
        if closing:
            if not stack or stack.pop() != name:
                return f"can't parse entities: unexpected end tag </{name}>"
        else:
            stack.append(name)
    if stack:
        return f"can't parse entities: unclosed <{stack[-1]}>"
    if re.search(r"&(?!(amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);)", text):
        return "can't parse entities: bare & (escape it as &amp;)"
    return None


def _poll_problem(params: dict[str, Any]) -> str | None:
    question = str(params.get("question", ""))
    if not 1 <= len(question) <= 300:
        return f"poll question must be 1-300 characters, got {len(question)}"
    options = params.get("options")
    if not isinstance(options, list) or not 2 <= len(options) <= 12:
        return "a poll needs 2-12 options"
    for option in options:
        text = option.get("text", "") if isinstance(option, dict) else str(option)
        if not 1 <= len(text) <= 100:
            return f"poll option must be 1-100 characters, got {len(text)}"
    if params.get("type") == "quiz":
        if "correct_option_id" in params:
            return "correct_option_id is deprecated: use correct_option_ids"
        ids = params.get("correct_option_ids")
        if not isinstance(ids, list) or not ids or any(not 0 <= i < len(options) for i in ids):
            return "quiz needs correct_option_ids within the options"
        explanation = str(params.get("explanation", ""))
        if len(explanation) > 200 or explanation.count("\n") > 2:
            return "explanation must be 0-200 characters with at most 2 line feeds"
    return None


async def _serve(port: int, token: str) -> None:
    api = FakeBotApi(token=token, record_calls=False)
    await api.start(port)
    print(f"fake Bot API on {api.base_url}", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="fake Telegram Bot API server")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=FakeBotApi.token)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.port, args.token))
