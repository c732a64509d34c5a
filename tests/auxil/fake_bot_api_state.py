"""What the fake Telegram remembers: updates, chats, messages, files, queries.

Kept apart from the method implementations (``fake_bot_api_methods``) so that the rules for
message ids, replies and edit permissions live in one place that every method shares.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import mimetypes
import re
import time
from dataclasses import dataclass, field
from typing import Any

from tests.auxil.fake_bot_api_validate import bad_request

__all__ = ["ApiRequest", "BotApiState", "MessageKey", "StoredFile", "UploadedFile", "to_int"]

JSON = dict[str, Any]
MessageKey = tuple[int, int]

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024
_MESSAGE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
# What Telegram sends when allowed_updates is unset or empty: everything but these three.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass(frozen=True)
class UploadedFile:
    filename: str
    body: bytes
    content_type: str


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    content: bytes

    def document(self) -> JSON:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.content),
        }


# eq=False: requests are tracked in sets by identity, and two equal requests are still two.
@dataclass(eq=False)
class ApiRequest:
    """One HTTP request as the methods see it. ``wake`` interrupts a held request."""

    params: JSON
    files: dict[str, UploadedFile] = field(default_factory=dict)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    gone: bool = False
    superseded: bool = False
    peer: Any = None  # the client's (host, port): one per connection, so tests can see connections reused


def to_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or value is None or value == "":
        raise bad_request(f"{name} is empty")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise bad_request(f"invalid {name} specified") from None


def _update_kind(update: JSON) -> str:
    return next((key for key in update if key != "update_id"), "")


class BotApiState:
    """Everything the fake Telegram remembers; methods live in ``BotApi``."""

    def __init__(self, bot: JSON, *, strict_chats: bool = False) -> None:
        self.bot = bot
        self.strict_chats = strict_chats
        self.closing = asyncio.Event()
        self.updates: list[JSON] = []  # delivered until confirmed by a getUpdates offset
        self.allowed_updates: list[str] | None = None
        self.chats: dict[int, JSON] = {}
        self.messages: dict[MessageKey, JSON] = {}
        self.sent: list[MessageKey] = []
        self.own: set[MessageKey] = set()  # messages the bot may edit
        self.inline_messages: dict[str, JSON] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.callback_queries: dict[str, JSON] = {}
        self.callback_answers: dict[str, JSON] = {}
        self.inline_queries: dict[str, JSON] = {}
        self.inline_answers: dict[str, JSON] = {}
        self.commands: dict[str, list[JSON]] = {}
        # setMyDescription and setMyShortDescription, by language code.
        self.descriptions: dict[tuple[str, str], str] = {}
        self.menu_buttons: dict[int | None, JSON] = {}
        self.webhook: JSON = {}
        self._update_ids = itertools.count(1)
        self._file_numbers = itertools.count(1)
        self._last_message_id: dict[int, int] = {}
        self._polls: set[ApiRequest] = set()

    # -- test-side state changes ----------------------------------------------------------

    def push_update(self, update: JSON) -> JSON:
        stored = copy.deepcopy(update)
        stored["update_id"] = next(self._update_ids)
        self._learn(stored)
        self.updates.append(stored)
        for poll in self._polls:
            poll.wake.set()
        return copy.deepcopy(stored)

    def webhook_update(self, update: JSON) -> JSON:
        """An update Telegram would POST to a webhook: known to the server, never queued for getUpdates."""
        stored = copy.deepcopy(update)
        stored["update_id"] = next(self._update_ids)
        self._learn(stored)
        return copy.deepcopy(stored)

    def register_file(
        self,
        file_id: str,
        content: bytes,
        file_name: str,
        mime_type: str | None = None,
        file_unique_id: str | None = None,
    ) -> JSON:
        number = next(self._file_numbers)
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=file_unique_id or f"AgAD{number:08d}",
            file_path=f"documents/file_{number}.{suffix}",
            file_name=file_name,
            mime_type=mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream",
            content=content,
        )
        self.files[file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored.document()

    def release_all(self) -> None:
        self.closing.set()
        for poll in self._polls:
            poll.wake.set()

    def _learn(self, update: JSON) -> None:
        for kind in _MESSAGE_KINDS:
            if kind in update:
                self._register_message(update[kind])
        if "callback_query" in update:
            query = update["callback_query"]
            self.callback_queries[str(query["id"])] = query
            # date 0 marks an inaccessible message: nothing to remember.
            if query.get("message", {}).get("date"):
                self._register_message(query["message"])
        if "inline_query" in update:
            self.inline_queries[str(update["inline_query"]["id"])] = update["inline_query"]
        for kind in ("my_chat_member", "chat_member", "chat_join_request"):
            if kind in update:
                self.chats[update[kind]["chat"]["id"]] = update[kind]["chat"]

    def _register_message(self, message: JSON) -> None:
        chat = message["chat"]
        self.chats[chat["id"]] = chat
        key = (chat["id"], message["message_id"])
        self.messages[key] = copy.deepcopy(message)
        self._last_message_id[chat["id"]] = max(self._last_message_id.get(chat["id"], 0), key[1])
        if message.get("from", {}).get("id") == self.bot["id"]:
            self.own.add(key)

    # -- helpers --------------------------------------------------------------------------

    def chat(self, chat_id: Any) -> JSON:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            wanted = chat_id[1:].lower()
            for chat in self.chats.values():
                if str(chat.get("username", "")).lower() == wanted:
                    return chat
            raise bad_request("chat not found")
        if isinstance(chat_id, str) and not re.fullmatch(r"-?\d+", chat_id):
            raise bad_request("chat not found")
        number = to_int(chat_id, "chat_id")
        if number in self.chats:
            return self.chats[number]
        if self.strict_chats or number == 0:
            raise bad_request("chat not found")
        # Unknown ids get a plausible chat so tests need not pre-register every chat.
        if number > 0:
            chat: JSON = {"id": number, "type": "private", "first_name": f"User {number}"}
        elif number <= -1_000_000_000_000:
            chat = {"id": number, "type": "supergroup", "title": f"Supergroup {number}"}
        else:
            chat = {"id": number, "type": "group", "title": f"Group {number}"}
        self.chats[number] = chat
        return chat

    def _new_message(self, chat: JSON, params: JSON) -> JSON:
        message_id = self._last_message_id.get(chat["id"], 0) + 1
        message: JSON = {"message_id": message_id}
        if chat["type"] == "channel":
            message["sender_chat"] = chat
        else:
            message["from"] = self.bot
        message.update(chat=chat, date=int(time.time()))
        if params.get("message_thread_id"):
            message["message_thread_id"] = params["message_thread_id"]
        reply = self._reply_to(chat, params)
        if reply is not None:
            message["reply_to_message"] = reply
        return message

    def _reply_to(self, chat: JSON, params: JSON) -> JSON | None:
        reply = params.get("reply_parameters")
        if not reply and params.get("reply_to_message_id"):
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if not isinstance(reply, dict):
            return None
        target_chat = self.chat(reply["chat_id"])["id"] if "chat_id" in reply else chat["id"]
        target = self.messages.get((target_chat, to_int(reply.get("message_id"), "message_id")))
        if target is None:
            if reply.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        # Telegram never nests replies: the quoted message carries no reply of its own.
        return {k: copy.deepcopy(v) for k, v in target.items() if k != "reply_to_message"}

    def _deliver(self, message: JSON) -> JSON:
        key = (message["chat"]["id"], message["message_id"])
        self._last_message_id[key[0]] = key[1]
        self.messages[key] = message
        self.sent.append(key)
        self.own.add(key)
        return copy.deepcopy(message)

    def _edit_target(self, params: JSON) -> tuple[JSON | None, str | None]:
        """The stored message an edit refers to, or the inline message id."""
        inline_id = params.get("inline_message_id")
        if inline_id:
            return None, str(inline_id)
        chat_id = self.chat(params.get("chat_id"))["id"]
        if params.get("message_id") in (None, ""):
            raise bad_request("message identifier is not specified")
        key = (chat_id, to_int(params["message_id"], "message_id"))
        if key not in self.messages:
            raise bad_request("message to edit not found")
        if key not in self.own:
            raise bad_request("message can't be edited")
        return self.messages[key], None

    def _pending_updates(self) -> list[JSON]:
        allowed = set(self.allowed_updates) if self.allowed_updates else None
        kept = [
            u
            for u in self.updates
            if (_update_kind(u) in allowed if allowed else _update_kind(u) not in _OPT_IN_UPDATES)
        ]
        # Telegram never stores updates the bot opted out of, so they are gone for good.
        self.updates = kept
        return kept
