"""Serving: the ways the application runs. `runner` polls or serves a webhook for Telegram; `local` is the
local chat, the same application over an in-process Bot API. Both start `bot.app`; nothing imports them
but the command line.
"""
