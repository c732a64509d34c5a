"""Builders for Bot API ``Update`` JSON dicts, shaped like the ones Telegram sends.

Each builder returns a plain dict that ``telegram.Update.de_json`` accepts and that
``FakeBotApi.push_update`` can deliver (the server replaces ``update_id`` with its own).
Commands get real ``bot_command`` entities, because PTB's ``CommandHandler`` matches on the
entity, not on the text: a builder that forgot them would make command tests pass vacuously.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import time
import uuid
from typing import Any

__all__ = [
    "DEFAULT_BOT_ID",
    "DEFAULT_BOT_USERNAME",
    "GROUP_ANONYMOUS_BOT_ID",
    "anonymous_admin_message",
    "bot_message",
    "bot_user",
    "callback_query",
    "channel_chat",
    "channel_post",
    "command_entities",
    "document",
    "document_message",
    "group_chat",
    "group_message",
    "inline_query",
    "make_message",
    "private_chat",
    "private_message",
    "supergroup_chat",
    "supergroup_message",
    "user",
]

JSON = dict[str, Any]

DEFAULT_BOT_ID = 123456789
DEFAULT_BOT_USERNAME = "scobot_test_bot"
# Telegram shows anonymous group admins as this bot, with sender_chat set to the group.
GROUP_ANONYMOUS_BOT_ID = 1087968824

_update_ids = itertools.count(1)
# Start high so builder-made ids don't collide with ids the fake server hands out from 1.
_message_ids = itertools.count(10_000)

# A command starts a word; Telegram cuts it at the first character that can't be in one.
_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@])")


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[JSON]:
    """``bot_command`` entities for every ``/cmd`` or ``/cmd@botname`` in ``text``."""
    return [
        {"type": "bot_command", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m.group())}
        for m in _COMMAND_RE.finditer(text)
    ]


def user(
    user_id: int = 1001,
    first_name: str = "Alice",
    *,
    username: str | None = "alice",
    last_name: str | None = None,
    language_code: str | None = "en",
    is_bot: bool = False,
) -> JSON:
    data: JSON = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
    if last_name is not None:
        data["last_name"] = last_name
    if username is not None:
        data["username"] = username
    if language_code is not None:
        data["language_code"] = language_code
    return data


def bot_user(bot_id: int = DEFAULT_BOT_ID, username: str = DEFAULT_BOT_USERNAME) -> JSON:
    return {"id": bot_id, "is_bot": True, "first_name": "Scobot Test", "username": username}


def _anonymous_admin() -> JSON:
    return {"id": GROUP_ANONYMOUS_BOT_ID, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}


def private_chat(of: JSON | None = None) -> JSON:
    """The private chat with ``of`` (a user dict); its id is the user's id, as in Telegram."""
    of = of or user()
    chat: JSON = {"id": of["id"], "type": "private", "first_name": of["first_name"]}
    for key in ("last_name", "username"):
        if key in of:
            chat[key] = of[key]
    return chat


def group_chat(chat_id: int = -4001, title: str = "Test group") -> JSON:
    return {"id": chat_id, "type": "group", "title": title}


def supergroup_chat(
    chat_id: int = -1001000000001, title: str = "Test supergroup", *, username: str | None = None
) -> JSON:
    chat: JSON = {"id": chat_id, "type": "supergroup", "title": title}
    if username is not None:
        chat["username"] = username
    return chat


def channel_chat(chat_id: int = -1001000000002, title: str = "Test channel", *, username: str | None = None) -> JSON:
    chat: JSON = {"id": chat_id, "type": "channel", "title": title}
    if username is not None:
        chat["username"] = username
    return chat


def make_message(
    text: str | None = None,
    *,
    chat: JSON,
    from_user: JSON | None = None,
    sender_chat: JSON | None = None,
    message_id: int | None = None,
    date: int | None = None,
    reply_to: JSON | None = None,
    reply_markup: JSON | None = None,
    document: JSON | None = None,
    caption: str | None = None,
    entities: list[JSON] | None = None,
) -> JSON:
    """A ``Message`` dict. Command entities are derived from ``text``/``caption`` unless given."""
    msg: JSON = {
        "message_id": message_id if message_id is not None else next(_message_ids),
        "date": date if date is not None else int(time.time()),
        "chat": chat,
    }
    if from_user is not None:
        msg["from"] = from_user
    if sender_chat is not None:
        msg["sender_chat"] = sender_chat
    if reply_to is not None:
        # Telegram never nests replies more than one level deep.
        msg["reply_to_message"] = {k: v for k, v in reply_to.items() if k != "reply_to_message"}
    if text is not None:
        msg["text"] = text
        found = entities if entities is not None else command_entities(text)
        if found:
            msg["entities"] = found
    if document is not None:
        msg["document"] = document
    if caption is not None:
        msg["caption"] = caption
        found = command_entities(caption)
        if found:
            msg["caption_entities"] = found
    if reply_markup is not None:
        msg["reply_markup"] = reply_markup
    return msg


def _update(kind: str, payload: JSON) -> JSON:
    return {"update_id": next(_update_ids), kind: payload}


def private_message(text: str, *, from_user: JSON | None = None, **kwargs: Any) -> JSON:
    """An update with a private-chat text message from ``from_user`` (default Alice)."""
    sender = from_user or user()
    return _update("message", make_message(text, chat=private_chat(sender), from_user=sender, **kwargs))


def group_message(text: str, *, chat: JSON | None = None, from_user: JSON | None = None, **kwargs: Any) -> JSON:
    """A basic-group text message; write ``/cmd@botname`` to address one bot."""
    return _update("message", make_message(text, chat=chat or group_chat(), from_user=from_user or user(), **kwargs))


def supergroup_message(text: str, *, chat: JSON | None = None, from_user: JSON | None = None, **kwargs: Any) -> JSON:
    return _update(
        "message",
        make_message(text, chat=chat or supergroup_chat(), from_user=from_user or user(), **kwargs),
    )


def channel_post(text: str, *, chat: JSON | None = None, **kwargs: Any) -> JSON:
    """A channel post: no ``from``, the channel itself is ``sender_chat``."""
    channel = chat or channel_chat()
    return _update("channel_post", make_message(text, chat=channel, sender_chat=channel, **kwargs))


def anonymous_admin_message(text: str, *, chat: JSON | None = None, **kwargs: Any) -> JSON:
    """A message from an anonymous admin: ``from`` is GroupAnonymousBot, ``sender_chat`` the group."""
    group = chat or supergroup_chat()
    return _update("message", make_message(text, chat=group, from_user=_anonymous_admin(), sender_chat=group, **kwargs))


def bot_message(
    text: str,
    *,
    chat: JSON,
    message_id: int | None = None,
    reply_markup: JSON | None = None,
    bot: JSON | None = None,
) -> JSON:
    """A ``Message`` the bot itself sent, e.g. the one carrying an inline keyboard."""
    return make_message(
        text,
        chat=chat,
        from_user=bot or bot_user(),
        message_id=message_id,
        reply_markup=reply_markup,
        entities=[],
    )


def callback_query(
    data: str,
    *,
    message: JSON | None = None,
    from_user: JSON | None = None,
    query_id: str | None = None,
    chat_instance: str | None = None,
) -> JSON:
    """A button press on ``message`` (default: a bot message in the presser's private chat)."""
    sender = from_user or user()
    if message is None:
        button = {"text": "button", "callback_data": data}
        message = bot_message("pick one", chat=private_chat(sender), reply_markup={"inline_keyboard": [[button]]})
    return _update(
        "callback_query",
        {
            "id": query_id or str(uuid.uuid4().int >> 64),
            "from": sender,
            "message": message,
            # Telegram derives this from the chat; a stable per-chat value is close enough.
            "chat_instance": chat_instance or str(abs(hash(message["chat"]["id"])) % 10**18),
            "data": data,
        },
    )


def inline_query(
    query: str,
    *,
    from_user: JSON | None = None,
    offset: str = "",
    query_id: str | None = None,
    chat_type: str | None = "private",
) -> JSON:
    payload: JSON = {
        "id": query_id or str(uuid.uuid4().int >> 64),
        "from": from_user or user(),
        "query": query,
        "offset": offset,
    }
    if chat_type is not None:
        payload["chat_type"] = chat_type
    return _update("inline_query", payload)


def document(
    file_id: str = "BQACAgIAAxkBAAIBdocument",
    *,
    file_unique_id: str | None = None,
    file_name: str = "statement.pdf",
    mime_type: str = "application/pdf",
    file_size: int = 1024,
) -> JSON:
    return {
        "file_id": file_id,
        "file_unique_id": file_unique_id or "AgAD" + hashlib.sha1(file_id.encode()).hexdigest()[:12],
        "file_name": file_name,
        "mime_type": mime_type,
        "file_size": file_size,
    }


def document_message(
    doc: JSON | None = None,
    *,
    chat: JSON | None = None,
    from_user: JSON | None = None,
    caption: str | None = None,
    **kwargs: Any,
) -> JSON:
    """A message carrying a document; pass ``server.register_file(...)`` to make it downloadable."""
    sender = from_user or user()
    return _update(
        "message",
        make_message(
            chat=chat or private_chat(sender),
            from_user=sender,
            document=doc or document(),
            caption=caption,
            **kwargs,
        ),
    )
