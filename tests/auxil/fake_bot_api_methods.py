"""The Bot API methods of the fake server, independent of HTTP.

Every ``api_<methodName>`` coroutine implements one Bot API method; the HTTP layer finds them
by lower-cased name, because Telegram matches method names case-insensitively.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from tests.auxil.fake_bot_api_state import (
    MAX_DOWNLOAD_SIZE,
    ApiRequest,
    BotApiState,
    UploadedFile,
    to_int,
)
from tests.auxil.fake_bot_api_validate import (
    ApiError,
    ClientGone,
    bad_request,
    check_commands,
    check_inline_results,
    check_reply_markup,
    format_text,
)

__all__ = ["BotApi"]

JSON = dict[str, Any]

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Telegram's limits: 512 characters for the description, 120 for the short one.
_DESCRIPTION_LIMITS = {"description": 512, "short_description": 120}
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a content and reply markup of the current message"
)


class BotApi(BotApiState):
    """The state plus one coroutine per implemented Bot API method."""

    # -- registry -------------------------------------------------------------------------

    def method(self, name: str) -> tuple[str, Callable[[ApiRequest], Awaitable[Any]]] | None:
        """``(canonical name, implementation)`` for a case-insensitive method name."""
        attr = _API_ATTRS.get(name.lower())
        return None if attr is None else (attr.removeprefix("api_"), getattr(self, attr))

    # -- updates --------------------------------------------------------------------------

    async def api_getUpdates(self, req: ApiRequest) -> list[JSON]:
        p = req.params
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.get("offset")
        if offset not in (None, ""):
            offset = to_int(offset, "offset")
            if offset < 0:
                self.updates = self.updates[offset:]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
        limit = min(max(to_int(p.get("limit", 100), "limit"), 1), 100)
        timeout = max(float(p.get("timeout") or 0), 0.0)
        if "allowed_updates" in p:
            self.allowed_updates = list(p["allowed_updates"] or []) or None
        # Only one long poll may be open, as on Telegram: the older one is terminated.
        for other in self._polls:
            other.superseded = True
            other.wake.set()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        self._polls.add(req)
        try:
            while True:
                pending = self._pending_updates()
                remaining = deadline - loop.time()
                if pending or remaining <= 0 or self.closing.is_set():
                    return copy.deepcopy(pending[:limit])
                req.wake.clear()
                with suppress(TimeoutError):
                    await asyncio.wait_for(req.wake.wait(), remaining)
                if req.gone:
                    raise ClientGone
                if req.superseded:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
        finally:
            self._polls.discard(req)

    async def api_setWebhook(self, req: ApiRequest) -> bool:
        p = req.params
        url = str(p.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if p.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = {"url": url} if url else {}
        for key in ("max_connections", "allowed_updates", "secret_token", "ip_address"):
            if url and p.get(key) is not None:
                self.webhook[key] = p[key]
        return True

    async def api_deleteWebhook(self, req: ApiRequest) -> bool:
        if req.params.get("drop_pending_updates"):
            self.updates.clear()
        self.webhook = {}
        return True

    async def api_getWebhookInfo(self, req: ApiRequest) -> JSON:
        info: JSON = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if key in self.webhook:
                info[key] = self.webhook[key]
        return info

    # -- bot ------------------------------------------------------------------------------

    async def api_getMe(self, req: ApiRequest) -> JSON:
        return copy.deepcopy(self.bot)

    async def api_logOut(self, req: ApiRequest) -> bool:
        return True

    async def api_close(self, req: ApiRequest) -> bool:
        return True

    def _commands_key(self, params: JSON) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    async def api_setMyCommands(self, req: ApiRequest) -> bool:
        self.commands[self._commands_key(req.params)] = check_commands(req.params.get("commands"))
        return True

    async def api_getMyCommands(self, req: ApiRequest) -> list[JSON]:
        return copy.deepcopy(self.commands.get(self._commands_key(req.params), []))

    async def api_deleteMyCommands(self, req: ApiRequest) -> bool:
        self.commands.pop(self._commands_key(req.params), None)
        return True

    def _set_description(self, kind: str, req: ApiRequest) -> bool:
        text = req.params.get(kind) or ""
        if not isinstance(text, str) or len(text) > _DESCRIPTION_LIMITS[kind]:
            raise ApiError(400, f"Bad Request: {kind} is too long")
        self.descriptions[(kind, req.params.get("language_code") or "")] = text
        return True

    async def api_setMyDescription(self, req: ApiRequest) -> bool:
        return self._set_description("description", req)

    async def api_setMyShortDescription(self, req: ApiRequest) -> bool:
        return self._set_description("short_description", req)

    async def api_getMyDescription(self, req: ApiRequest) -> JSON:
        return {"description": self.descriptions.get(("description", req.params.get("language_code") or ""), "")}

    async def api_getMyShortDescription(self, req: ApiRequest) -> JSON:
        key = ("short_description", req.params.get("language_code") or "")
        return {"short_description": self.descriptions.get(key, "")}

    async def api_setChatMenuButton(self, req: ApiRequest) -> bool:
        chat_id = self.chat(req.params["chat_id"])["id"] if req.params.get("chat_id") else None
        button = req.params.get("menu_button") or {"type": "default"}
        if button.get("type") == "default":
            self.menu_buttons.pop(chat_id, None)
        else:
            self.menu_buttons[chat_id] = button
        return True

    async def api_getChatMenuButton(self, req: ApiRequest) -> JSON:
        chat_id = self.chat(req.params["chat_id"])["id"] if req.params.get("chat_id") else None
        fallback = self.menu_buttons.get(None, {"type": "commands"})
        return copy.deepcopy(self.menu_buttons.get(chat_id, fallback))

    # -- messages -------------------------------------------------------------------------

    async def api_sendMessage(self, req: ApiRequest) -> JSON:
        p = req.params
        chat = self.chat(p.get("chat_id"))
        text, entities = format_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        markup = check_reply_markup(p.get("reply_markup"))
        message = self._new_message(chat, p)
        message["text"] = text
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        return self._deliver(message)

    async def api_sendDocument(self, req: ApiRequest) -> JSON:
        p = req.params
        chat = self.chat(p.get("chat_id"))
        caption, caption_entities = format_text(
            p.get("caption"), p.get("parse_mode"), p.get("caption_entities"), caption=True
        )
        markup = check_reply_markup(p.get("reply_markup"))
        document = self._document_param(p.get("document"), req.files)
        message = self._new_message(chat, p)
        message["document"] = document
        if caption:
            message["caption"] = caption
        if caption_entities:
            message["caption_entities"] = caption_entities
        if markup is not None:
            message["reply_markup"] = markup
        return self._deliver(message)

    def _document_param(self, value: Any, files: dict[str, UploadedFile]) -> JSON:
        upload = files.get("document")
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value.removeprefix("attach://"))
        if upload is not None:
            file_id = f"BQACAgIAAxkBAAI{uuid.uuid4().hex}"
            return self.register_file(file_id, upload.body, upload.filename, upload.content_type or None)
        if not value:
            raise bad_request("there is no document in the request")
        if isinstance(value, str) and value in self.files:
            return self.files[value].document()
        if isinstance(value, str) and value.startswith(("http://", "https://")):
            name = value.rstrip("/").rsplit("/", 1)[-1] or "file"
            return self.register_file(f"BQACAgIAAxkBAAI{uuid.uuid4().hex}", b"", name)
        raise bad_request("wrong file identifier/HTTP URL specified")

    async def api_editMessageText(self, req: ApiRequest) -> JSON | bool:
        p = req.params
        text, entities = format_text(p.get("text"), p.get("parse_mode"), p.get("entities"))
        # Omitting reply_markup removes the keyboard, exactly as on Telegram.
        markup = check_reply_markup(p.get("reply_markup"))
        message, inline_id = self._edit_target(p)
        if inline_id is not None:
            self.inline_messages[inline_id] = {"text": text, "entities": entities, "reply_markup": markup}
            return True
        assert message is not None
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        if (
            message["text"] == text
            and message.get("entities", []) == entities
            and message.get("reply_markup") == markup
        ):
            raise bad_request(_NOT_MODIFIED)
        message["text"] = text
        self._set_optional(message, "entities", entities or None)
        self._set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    async def api_editMessageReplyMarkup(self, req: ApiRequest) -> JSON | bool:
        markup = check_reply_markup(req.params.get("reply_markup"))
        message, inline_id = self._edit_target(req.params)
        if inline_id is not None:
            self.inline_messages.setdefault(inline_id, {})["reply_markup"] = markup
            return True
        assert message is not None
        if message.get("reply_markup") == markup:
            raise bad_request(_NOT_MODIFIED)
        self._set_optional(message, "reply_markup", markup)
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    @staticmethod
    def _set_optional(message: JSON, key: str, value: Any) -> None:
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value

    async def api_sendChatAction(self, req: ApiRequest) -> bool:
        self.chat(req.params.get("chat_id"))
        if req.params.get("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    # -- queries --------------------------------------------------------------------------

    async def api_answerCallbackQuery(self, req: ApiRequest) -> bool:
        p = req.params
        query_id = str(p.get("callback_query_id") or "")
        if query_id not in self.callback_queries or query_id in self.callback_answers:
            raise bad_request(_QUERY_INVALID)
        if len(str(p.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = dict(p)
        return True

    async def api_answerInlineQuery(self, req: ApiRequest) -> bool:
        p = req.params
        query_id = str(p.get("inline_query_id") or "")
        results = check_inline_results(p.get("results"))
        if query_id not in self.inline_queries or query_id in self.inline_answers:
            raise bad_request(_QUERY_INVALID)
        self.inline_answers[query_id] = {**p, "results": results}
        return True

    # -- files ----------------------------------------------------------------------------

    async def api_getFile(self, req: ApiRequest) -> JSON:
        file_id = str(req.params.get("file_id") or "")
        if not file_id:
            raise bad_request("file_id is empty")
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.content) > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.content),
            "file_path": stored.file_path,
        }


# Lower-cased method name -> attribute, built once: Telegram ignores the case of method names.
_API_ATTRS: dict[str, str] = {attr[4:].lower(): attr for attr in dir(BotApi) if attr.startswith("api_")}
