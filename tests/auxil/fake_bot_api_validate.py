"""The Bot API's input checks that cheaply catch real bot bugs, with Telegram's error texts.

Only checks that a bot can plausibly trip are here; everything else is accepted, because a
fake that is stricter than Telegram produces failures nobody can reproduce in production.
"""

from __future__ import annotations

import json
import re
from typing import Any

from tests.auxil.fake_bot_api_html import HtmlParseError, parse_html

__all__ = [
    "MAX_CAPTION_LENGTH",
    "MAX_TEXT_LENGTH",
    "ApiError",
    "ClientGone",
    "bad_request",
    "check_commands",
    "check_inline_results",
    "check_reply_markup",
    "format_text",
]

JSON = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_COMMANDS = 100

# Exactly one of these makes an inline button do something; a button with none is rejected.
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")


class ApiError(Exception):
    """A Bot API error response: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        data: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            data["parameters"] = self.parameters
        return data


class ClientGone(Exception):
    """The client hung up while its request was held (a long poll it abandoned)."""


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def format_text(
    text: Any,
    parse_mode: Any,
    entities: Any,
    *,
    caption: bool = False,
) -> tuple[str, list[JSON]]:
    """Apply ``parse_mode``/``entities`` like Telegram and check the resulting length.

    Only HTML is parsed; Markdown modes pass the text through unparsed, so their lengths are
    measured on the raw text (never shorter than Telegram's measure, so no false passes).
    """
    what = "caption" if caption else "text"
    limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
    text = "" if text is None else str(text)
    if isinstance(entities, list):
        found: list[JSON] = entities
    elif parse_mode:
        mode = str(parse_mode).lower()
        if mode == "html":
            try:
                text, found = parse_html(text)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        elif mode in ("markdown", "markdownv2"):
            found = []
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        found = []
    # Telegram trims surrounding whitespace before deciding the text is empty.
    if not caption and not text.strip():
        raise bad_request("message text is empty")
    if len(text) > limit:
        raise bad_request(f"message {what} is too long" if caption else "message is too long")
    return text, found


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
    actions = [key for key in _BUTTON_ACTIONS if key in button]
    if not actions:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "callback_data" in button:
        data = button["callback_data"]
        size = len(str(data).encode("utf-8"))
        if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not button["url"]:
        raise bad_request("BUTTON_URL_INVALID")


def check_reply_markup(markup: Any) -> JSON | None:
    """Validate ``reply_markup``; returns the markup to echo in the Message (inline only)."""
    if markup is None or markup == "":
        return None
    if isinstance(markup, str):
        try:
            markup = json.loads(markup)
        except ValueError:
            raise bad_request("can't parse reply keyboard markup JSON object") from None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        # Reply keyboards, ForceReply and ReplyKeyboardRemove are never echoed back by Telegram.
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays')
    for row in rows:
        for button in row:
            _check_button(button)
    return markup


def check_inline_results(results: Any) -> list[JSON]:
    if isinstance(results, str):
        try:
            results = json.loads(results)
        except ValueError:
            raise bad_request("can't parse JSON encoded inline query results") from None
    if not isinstance(results, list):
        raise bad_request("results must be an Array")
    if len(results) > MAX_INLINE_RESULTS:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        if not isinstance(result, dict) or "type" not in result:
            raise bad_request("can't parse InlineQueryResult: InlineQueryResult must be an Object")
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
        check_reply_markup(result.get("reply_markup"))
    return results


def check_commands(commands: Any) -> list[JSON]:
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not isinstance(command, dict):
            raise bad_request("can't parse BotCommand: BotCommand must be an Object")
        if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return commands
