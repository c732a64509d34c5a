"""The composition root: builds the Application and registers every handler, in one visible order."""

from __future__ import annotations

import gc
import logging
from datetime import timedelta

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    LinkPreviewOptions,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.botapi.request import AiohttpRequest
from bot.botapi.retry import PacedRateLimiter
from bot.config import Settings
from bot.loading import Reloader
from bot.loading.sources import WebSources
from bot.search import Searcher, keys
from bot.store import Store
from handlers import admin, catalog, inline, members, quote, start, timeline, uploads, web
from handlers.admin import operators_only
from handlers.common import reply
from handlers.context import SERVICES_KEY, BotContext, Services, services_of
from handlers.errors import on_error
from handlers.limits import RateLimiter
from handlers.render import PAGE_NUMBER
from handlers.throttle import has_query, spend_reply_budget, throttled

logger = logging.getLogger(__name__)

# How often a running bot checks whether `scobot load` or /reload changed the corpus.
CORPUS_POLL_SECONDS = 3.0

# How often the feed job looks for feeds that are due (each feed's own `every` in feeds.toml says when),
# and how soon after start-up it first looks: the first round polls every feed.
FEED_CHECK_SECONDS = 60.0
FEED_FIRST_CHECK_SECONDS = 15.0

# Bot API requests in flight at once, one connection each. Replies are paced to 30 a second, but against
# the real Bot API every request is a network round trip (50–300 ms) and edits and button answers add up.
BOT_API_CONNECTIONS = 32
# Seconds a request may wait for a free connection. The wait is local (nothing was sent yet), and in a
# burst of updates many replies queue at once: failing them after PTB's default second only makes retries.
POOL_WAIT_SECONDS = 30.0

# Updates that cost a reply one user may send at once, before UPDATES_PER_MINUTE paces them.
REPLY_BURST = 20

# The commands, in the order /help and Telegram's menu show them; channels get the same set.
# Searches spend the asker's query budget (QUERIES_PER_MINUTE): one user cannot starve the others.
COMMANDS = {
    "start": (start.start, "What this bot can do"),
    "quote": (throttled(quote.quote), "Statements by speaker, topic, country or words"),
    "members": (throttled(members.members, when=has_query), "SCO members, observers and partners"),
    "timeline": (throttled(timeline.timeline), "Statements and events in date order"),
    "speakers": (catalog.speakers, "Everyone quoted, with counts"),
    "topics": (catalog.topics, "The topics, with counts"),
    "source": (quote.source, "A statement's paragraph in its article"),
    "help": (start.help_command, "How to use the bot"),
}
# Operators' commands: registered like the rest, and shown in the menu of each admin's own chat only. Every
# operator handler here is wrapped in `operators_only`: the one place the admin policy is applied.
ADMIN_COMMANDS = {
    "reload": (operators_only(admin.reload), "Reload the corpus from SEEDS_DIR"),
    "stats": (operators_only(admin.stats), "Corpus, reloads and uptime"),
    "add": (operators_only(web.add_command), "Add an article by its URL"),
    "feeds": (operators_only(web.feeds_command), "The news feeds: last poll, added, errors"),
}
DESCRIPTION = (
    "Who said what about the Shanghai Cooperation Organization. Ask by speaker, topic, country or words "
    "(/quote norov, /quote energy, /members iran, /timeline 2023), in Latin, Cyrillic or Chinese script."
)
SHORT_DESCRIPTION = "Who said what about the SCO: quotes by speaker, topic and country, with sources."


def build_application(
    settings: Settings, store: Store, *, request: BaseRequest | None = None, updates_request: BaseRequest | None = None
) -> Application:
    """The whole bot. `request` replaces HTTP (the local chat uses this); else `AiohttpRequest` calls the Bot API.

    Flood control is for Telegram's limits: a `request` of the caller's own (the local chat) is not paced.
    """
    flood_control = request is None
    if request is None:
        request = AiohttpRequest(connections=BOT_API_CONNECTIONS, pool_timeout=POOL_WAIT_SECONDS)
        # getUpdates is one long poll at a time, on a connection of its own so replies never wait behind it.
        updates_request = AiohttpRequest(connections=1)
    builder = (
        ApplicationBuilder()
        .token(settings.token or "0:local")
        .base_url(settings.bot_api_base_url)
        .base_file_url(settings.file_url)
        .context_types(ContextTypes(context=BotContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .post_init(_post_init)
        .concurrent_updates(True)
        .request(request)
        .get_updates_request(updates_request or request)
    )
    # Each chat's replies are paced to its own limit before they share the overall 30 a second, so a
    # flooding chat cannot crowd out the others and 429s are rare; those that come are retried 3 times.
    application: Application = builder.rate_limiter(PacedRateLimiter()).build() if flood_control else builder.build()
    searcher = Searcher(store)
    reloader = Reloader(settings.database_path, settings.seeds_dir, settings.spacy_model, searcher)
    application.bot_data[SERVICES_KEY] = Services(
        settings=settings,
        store=store,
        searcher=searcher,
        reloader=reloader,
        limiter=RateLimiter(settings.queries_per_minute),
        web=WebSources(
            settings.seeds_dir,
            allow_private=settings.allow_private_fetch,
            timeout=settings.fetch_timeout,
            host_interval=settings.fetch_host_interval,
        ),
        reply_budget=RateLimiter(settings.updates_per_minute, burst=REPLY_BURST),
    )
    register_handlers(application)
    return application


def register_handlers(application: Application) -> None:
    # Group -2 sees every update first and never stops it: counting for /stats. Group -1 is the per-user
    # budget of updates that cost a reply: beyond it, no handler runs (one "slow down", then silence).
    application.add_handler(TypeHandler(object, _count_update), group=-2)
    application.add_handler(TypeHandler(Update, spend_reply_budget), group=-1)

    # Commands, in messages and channel posts alike. CommandHandler answers /quote and /quote@thisbot, and
    # ignores /quote@otherbot.
    commands_here = filters.UpdateType.MESSAGES | filters.UpdateType.CHANNEL_POSTS
    for name, (callback, _) in (COMMANDS | ADMIN_COMMANDS).items():
        application.add_handler(CommandHandler(name, callback, filters=commands_here))
    # An article sent as a document, in a private chat only: in groups and channels documents are other
    # people's business, and answering each with a refusal would be noise. The handler refuses non-admins.
    application.add_handler(
        MessageHandler(filters.Document.ALL & filters.ChatType.PRIVATE, operators_only(uploads.upload))
    )

    # Buttons. Each pattern owns one prefix of callback data; the data is "prefix|…" and at most 64 bytes.
    # The patterns are strict because clients can send any data: what does not fit falls to the last one.
    key, page = keys.PATTERN, PAGE_NUMBER
    application.add_handler(_PressWithoutData(quote.on_unknown_button))
    application.add_handler(CallbackQueryHandler(quote.on_card_button, pattern=rf"^q\|{key}\|{page}$"))
    application.add_handler(CallbackQueryHandler(quote.on_source_button, pattern=r"^src\|[0-9]{1,18}$"))
    application.add_handler(CallbackQueryHandler(quote.on_export_button, pattern=rf"^exp\|{key}$"))
    application.add_handler(CallbackQueryHandler(quote.on_random_button, pattern=r"^rnd$"))
    application.add_handler(CallbackQueryHandler(timeline.on_timeline_button, pattern=rf"^tl\|{key}\|{page}$"))
    application.add_handler(CallbackQueryHandler(members.on_country_button, pattern=r"^mc\|[^|]{1,60}$"))
    application.add_handler(CallbackQueryHandler(catalog.on_speakers_button, pattern=rf"^sp\|all\|{page}$"))
    application.add_handler(
        CallbackQueryHandler(operators_only(web.on_add_button), pattern=r"^add\|[A-Za-z0-9_-]{1,16}$")
    )
    application.add_handler(CallbackQueryHandler(quote.on_noop_button, pattern=r"^noop$"))
    application.add_handler(
        CallbackQueryHandler(operators_only(uploads.on_upload_button), pattern=uploads.BUTTON_PATTERN)
    )
    application.add_handler(CallbackQueryHandler(quote.on_unknown_button))  # stale, unknown or forged data

    application.add_handler(InlineQueryHandler(throttled(inline.inline_query, when=_inline_search)))

    # Order matters: these catch what nothing above took, so they come last. A link in plain text comes
    # before plain words: an admin's is offered for the corpus, anyone else's is a search as before.
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, _unknown_command))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE
            & filters.TEXT
            & ~filters.COMMAND
            & (filters.Regex(web.URL_IN_TEXT) | filters.Entity(MessageEntity.TEXT_LINK)),
            throttled(web.offer_url),
        )
    )
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, throttled(_plain_text))
    )

    application.add_error_handler(on_error)


class _PressWithoutData(CallbackQueryHandler):
    """A press with empty or missing data. PTB hands such a press to *any* pattern handler (its check
    passes when there is no data to match), so it must be caught before them, and answered as stale."""

    def check_update(self, update: object) -> bool:
        return isinstance(update, Update) and update.callback_query is not None and not update.callback_query.data


async def _post_init(application: Application) -> None:
    services = services_of(application)
    await services.searcher.refresh()
    # The search index is the process's biggest long-lived structure: millions of small objects at a
    # million statements. Frozen, it is left out of the cyclic garbage collector's full collections, each
    # of which walked it and held a reply up 100-200 ms. (The bot keeps its application for its lifetime,
    # so nothing frozen here is later garbage that only the collector could free.)
    gc.freeze()
    await _describe_bot(application, services.settings)
    if application.job_queue is not None:
        application.job_queue.run_repeating(
            _refresh_corpus, interval=timedelta(seconds=CORPUS_POLL_SECONDS), name="corpus-refresh"
        )
        application.job_queue.run_repeating(
            web.poll_feeds,
            interval=timedelta(seconds=FEED_CHECK_SECONDS),
            first=timedelta(seconds=FEED_FIRST_CHECK_SECONDS),
            name="feeds",
        )


async def _describe_bot(application: Application, settings: Settings) -> None:
    """The menus (everyone's, groups', each admin's) and the texts Telegram shows before the first /start."""
    bot = application.bot
    commands = [BotCommand(name, description) for name, (_, description) in COMMANDS.items()]
    await bot.set_my_commands(commands, scope=BotCommandScopeAllPrivateChats())
    await bot.set_my_commands([c for c in commands if c.command != "start"], scope=BotCommandScopeAllGroupChats())
    operators = commands + [BotCommand(name, description) for name, (_, description) in ADMIN_COMMANDS.items()]
    for admin_id in sorted(settings.admin_ids):
        try:
            await bot.set_my_commands(operators, scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # an admin who never opened a chat with the bot has no chat to scope to
            logger.warning("no operator menu for admin %s: %s", admin_id, exc)
    await bot.set_my_description(DESCRIPTION)
    await bot.set_my_short_description(SHORT_DESCRIPTION)


async def _refresh_corpus(context: BotContext) -> None:
    searcher = context.services.searcher
    if await searcher.refresh():
        logger.info("corpus version %s is now serving", searcher.version)


async def _count_update(update: object, context: BotContext) -> None:
    context.services.updates_handled += 1


async def _unknown_command(update: Update, context: BotContext) -> None:
    await reply(update, "I don't know that command. /help lists what I can do.")


def _inline_search(update: Update) -> bool:
    # An empty inline query lists the newest statements: one cheap indexed read, not a search.
    return update.inline_query is not None and bool(update.inline_query.query.strip())


async def _plain_text(update: Update, context: BotContext) -> None:
    # In a private chat, plain words are a search: nobody should have to remember /quote.
    await quote.quote(update, context)
