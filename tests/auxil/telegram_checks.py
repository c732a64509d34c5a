"""Telegram's rules for what a bot sends, applied to calls recorded in-process (`bot.serving.local.LocalBotAPI`).

The same validators the fake Bot API server answers 400 with, so a reply these accept is one Telegram
accepts: HTML that parses, 1-4096 characters after parsing, callback data of 1-64 bytes, valid inline results.
"""

from __future__ import annotations

import json
from typing import Any

from tests.auxil.fake_bot_api_validate import check_inline_results, check_reply_markup, format_text

# Bot API methods that put text in front of a user, and those that answer a query.
TEXT_METHODS = frozenset({"sendMessage", "editMessageText"})
ANSWER_METHODS = frozenset({"answerCallbackQuery", "answerInlineQuery"})
MAX_ALERT_CHARS = 200


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def check_call(method: str, params: dict[str, Any]) -> None:
    """Raise (the fake's `ApiError`, or AssertionError) if Telegram would refuse this call."""
    if method in TEXT_METHODS:
        format_text(params.get("text"), params.get("parse_mode"), params.get("entities"))
        check_reply_markup(_json(params.get("reply_markup")))
    elif method == "answerCallbackQuery":
        assert len(str(params.get("text") or "")) <= MAX_ALERT_CHARS, params
    elif method == "answerInlineQuery":
        for result in check_inline_results(_json(params.get("results"))):
            content = result.get("input_message_content") or {}
            format_text(content.get("message_text"), content.get("parse_mode"), content.get("entities"))
        button = _json(params.get("button"))
        if button:
            assert button.get("text") and (button.get("start_parameter") or button.get("web_app")), button


def callback_data(params: dict[str, Any]) -> list[str]:
    markup = _json(params.get("reply_markup")) or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row if "callback_data" in b]
