"""Channel posts: CommandHandler never sees them, so commands in a channel are dispatched here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from telegram import Update
from telegram.ext import ContextTypes

Callback = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def channel_dispatcher(commands: Mapping[str, Callback]) -> Callback:
    """A callback that runs the command a channel post starts with, if it is ours and meant for us."""

    async def dispatch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        post = update.channel_post
        if post is None or not post.text:
            return
        name, _, addressee = post.text.split(maxsplit=1)[0][1:].partition("@")
        if addressee and addressee.lower() != (context.bot.username or "").lower():
            return  # a command for another bot in the same channel
        callback = commands.get(name.lower())
        if callback is not None:
            await callback(update, context)

    return dispatch
