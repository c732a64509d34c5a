"""The bot without Telegram: `scobot ask` and `scobot chat` run the real handlers on a local Bot API.

`LocalBotAPI` is a `telegram.request.BaseRequest` that answers the Bot API calls the handlers make
in-process and keeps what they send, so the replies printed here are exactly what Telegram would show.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot.config import Settings
from bot.store import Store
from handlers.context import services_of

BOT_USER = {
    "id": 1,
    "is_bot": True,
    "first_name": "scobot",
    "username": "scobot_local_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": True,
}
USER = {"id": 1000, "is_bot": False, "first_name": "You", "username": "local_user"}
CHAT = {"id": 1000, "type": "private", "first_name": "You"}
_TAG = re.compile(r"<[^>]+>")
# Telegram marks a command only for these characters, up to the first one that cannot be in a command.
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


@dataclass(slots=True)
class Shown:
    """A message as the user sees it: plain text and button rows of (label, data)."""

    message_id: int
    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    edited: bool = False


def html_to_plain(text: str) -> str:
    return html.unescape(_TAG.sub("", text))


class LocalBotAPI(BaseRequest):
    """Answers the bot's Bot API calls in-process and records what it shows the user."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []  # every call as sent, for checking it
        self.shown: list[Shown] = []
        self.alerts: list[str] = []
        self.messages: dict[int, Shown] = {}
        self._ids = itertools.count(1)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.calls.append((endpoint, params))
        result = self._answer(endpoint, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def _answer(self, endpoint: str, params: dict[str, Any]) -> object:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint == "sendMessage":
            shown = Shown(next(self._ids), html_to_plain(params["text"]), _buttons(params.get("reply_markup")))
            self.messages[shown.message_id] = shown
            self.shown.append(shown)
            return self._message(shown, params["text"])
        if endpoint == "editMessageText":
            message_id = int(params.get("message_id", 0))
            shown = Shown(message_id, html_to_plain(params["text"]), _buttons(params.get("reply_markup")), True)
            self.messages[message_id] = shown
            self.shown.append(shown)
            return self._message(shown, params["text"])
        if endpoint == "answerCallbackQuery" and params.get("text"):
            self.alerts.append(str(params["text"]))
        if endpoint == "answerInlineQuery":
            for result in params.get("results", []):
                self.shown.append(Shown(0, f"{result.get('title')}: {result.get('description')}"))
        return True

    def _message(self, shown: Shown, text: str) -> dict[str, object]:
        return {
            "message_id": shown.message_id,
            "date": int(time.time()),
            "chat": CHAT,
            "from": BOT_USER,
            "text": shown.text,
        }


def _buttons(markup: object) -> list[list[tuple[str, str]]]:
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not isinstance(markup, dict):
        return []
    return [
        [(button["text"], button.get("callback_data") or button.get("url") or "") for button in row]
        for row in markup.get("inline_keyboard", [])
    ]


def format_shown(shown: Shown, numbered: bool = False) -> str:
    lines = [shown.text]
    counter = itertools.count(1)
    for row in shown.buttons:
        labels = [f"[{next(counter)}: {label}]" if numbered else f"[{label}]" for label, _ in row]
        lines.append(" ".join(labels))
    return "\n".join(lines)


class LocalChat:
    """One private chat with the bot, driven by text lines and button numbers."""

    def __init__(self, settings: Settings, store: Store) -> None:
        from bot.app import build_application

        self.api = LocalBotAPI()
        self.application: Application = build_application(settings, store, request=self.api)
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(10_000)

    async def __aenter__(self) -> LocalChat:
        await self.application.initialize()
        await services_of(self.application).searcher.refresh()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.application.shutdown()

    async def send(self, text: str) -> list[Shown]:
        """Send a message as the user; returns what the bot showed in answer."""
        message: dict[str, object] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": CHAT,
            "from": USER,
            "text": text,
        }
        command = _COMMAND.match(text)
        if command is not None:
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.group())}]
        return await self._process({"message": message})

    async def inline(self, query: str, offset: str = "") -> list[Shown]:
        """Type `@bot query` in some chat; returns the results offered, one `Shown` each."""
        inline_query = {"id": str(next(self._update_ids)), "from": USER, "query": query, "offset": offset}
        return await self._process({"inline_query": inline_query})

    async def press(self, shown: Shown, number: int) -> list[Shown]:
        """Press the `number`th button (from 1, row by row) of a message the bot showed."""
        buttons = [button for row in shown.buttons for button in row]
        if not 1 <= number <= len(buttons):
            raise IndexError(f"there is no button {number}")
        _, data = buttons[number - 1]
        if data.startswith(("http://", "https://")):
            return [Shown(0, f"(opens {data})")]
        return await self.press_data(data, shown)

    async def press_data(self, data: str, shown: Shown | None = None) -> list[Shown]:
        """Press a button carrying `data`, on `shown` or on a message the bot sent earlier."""
        shown = shown or Shown(0, "(a message)")
        query = {
            "id": str(next(self._update_ids)),
            "from": USER,
            "chat_instance": "local",
            "data": data,
            "message": {
                "message_id": shown.message_id,
                "date": int(time.time()),
                "chat": CHAT,
                "from": BOT_USER,
                "text": shown.text,
            },
        }
        return await self._process({"callback_query": query})

    async def _process(self, payload: dict[str, object]) -> list[Shown]:
        before = len(self.api.shown)
        alerts = len(self.api.alerts)
        update = Update.de_json({"update_id": next(self._update_ids), **payload}, self.application.bot)
        await self.application.process_update(update)
        shown = self.api.shown[before:]
        shown += [Shown(0, f"(alert) {text}") for text in self.api.alerts[alerts:]]
        return shown


async def ask(settings: Settings, store: Store, text: str, write: Callable[[str], object] = print) -> int:
    async with LocalChat(settings, store) as chat:
        shown = await chat.send(text)
        if not shown:
            write("(no reply)")
            return 1
        write("\n\n".join(format_shown(s) for s in shown))
    return 0


async def chat_loop(settings: Settings, store: Store) -> int:
    """An interactive prompt: commands or words to send; a number presses that button of the last reply."""
    print("scobot local chat. Type /help, a command, or words to search. A number presses a button. Ctrl-D quits.")
    async with LocalChat(settings, store) as chat:
        last: Shown | None = None
        while True:
            try:
                line = (await asyncio.to_thread(input, "you> ")).strip()
            except EOFError:
                print()
                return 0
            if not line:
                continue
            try:
                if line.isdigit() and last is not None and last.buttons:
                    shown = await chat.press(last, int(line))
                else:
                    shown = await chat.send(line)
            except IndexError as exc:
                print(f"bot> ({exc})")
                continue
            for item in shown:
                print("bot> " + format_shown(item, numbered=True).replace("\n", "\n     "))
            with_buttons = [s for s in shown if s.buttons]
            if with_buttons:
                last = with_buttons[-1]
            sys.stdout.flush()
