"""The bot's handlers: one small async function per thing a user can do.

Every message is Telegram HTML: the bot's own sentences are escaped here, knowledge-base strings by
`bot.render`, and text users typed is never echoed back unescaped. Storage is a convenience, never a
condition: a failed write is logged and the user still gets the answer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import (
    ChatType,
    InlineQueryLimit,
    InlineQueryResultLimit,
    ParseMode,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import ApplicationHandlerStop, filters

from bot import __version__
from bot.engine import short_ref
from bot.knowledge import Entry, KnowledgeBase, Topic
from bot.messages import format_date, t
from bot.outcome import Outcome
from bot.render import official_page
from bot.storage import Stats, Storage, StorageError
from bot.telegram import keyboards
from bot.telegram.context import Context
from bot.telegram.html import chunks, entry_html, esc, fit, link, outcome_html
from bot.telegram.keyboards import Press
from bot.text import LANGS, Lang, app_language, detect_language

logger = logging.getLogger(__name__)

#: Buttons under an answer: enough to explore, few enough to read on a phone.
MAX_MORE_BUTTONS = 4
#: Entries offered for an empty inline query.
MAX_POPULAR = 20
#: Problems listed in a refused /reload; the rest are counted.
MAX_RELOAD_PROBLEMS = 15
#: Seconds Telegram may cache an inline answer; short, as answers follow each user's language.
INLINE_CACHE_SECONDS = 60
_KIND_ORDER = {"policy": 0, "platform": 1, "about": 2}
# Passed on each call rather than set in Defaults: PTB would then add parse_mode to calls that
# have no such parameter (editMessageReplyMarkup), which a strict Bot API server refuses.
HTML = ParseMode.HTML


# --- languages ---------------------------------------------------------------------------------


async def chosen_lang(update: Update, context: Context) -> Lang | None:
    """The language the user picked with /lang, if any; a storage failure means none."""
    user, store = update.effective_user, context.bot_data.storage
    if user is None or store is None:
        return None
    try:
        lang = await store.get_language(user.id)
    except StorageError as exc:
        logger.warning("language lookup failed, using the app language: %s", exc)
        return None
    return lang if lang in LANGS else None  # type: ignore[return-value]


async def user_lang(update: Update, context: Context) -> Lang:
    """For replies with no question to read the language from: the choice, else the app's."""
    user = update.effective_user
    return await chosen_lang(update, context) or app_language(user and user.language_code)


async def save(context: Context, write: Callable[[Storage], Awaitable[None]]) -> None:
    """Run one storage write; a failure is logged, never shown, as the user's answer matters more."""
    store = context.bot_data.storage
    if store is None:
        return
    try:
        await write(store)
    except StorageError as exc:
        logger.error("storage write failed, carrying on: %s", exc)


# --- sending -----------------------------------------------------------------------------------


def in_group(message: Message) -> bool:
    return message.chat.type != ChatType.PRIVATE


async def reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Answer a message; in a group, quote it so everyone sees whom the answer is for."""
    return await message.reply_text(
        fit(text), parse_mode=HTML, reply_markup=markup, do_quote=in_group(message)
    )


async def send_to(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """A new message in the chat where a button was pressed (also under an old message)."""
    if query.message is None:  # a button on a shared inline message: no chat to answer in
        return
    if isinstance(query.message, Message):
        await query.message.reply_text(
            fit(text), parse_mode=HTML, reply_markup=markup, do_quote=False
        )
    else:
        await query.get_bot().send_message(
            query.message.chat.id, fit(text), parse_mode=HTML, reply_markup=markup
        )


def more_entries(kb: KnowledgeBase, entry: Entry) -> list[Entry]:
    """What to offer after an entry: its related entries, else the rest of its topic."""
    related = [kb.entries[i] for i in entry.related if i in kb.entries]
    if not related:
        related = [e for e in kb.topic_entries(entry.topic) if e.id != entry.id]
    return related[:MAX_MORE_BUTTONS]


def outcome_message(outcome: Outcome, kb: KnowledgeBase) -> tuple[str, InlineKeyboardMarkup | None]:
    """The HTML and buttons for a matcher outcome: answer + feedback, options, or honest decline."""
    lang = outcome.lang
    text = outcome_html(outcome, kb)
    if outcome.entry is not None:
        entry = outcome.entry
        return text, keyboards.answer_keyboard(entry, more_entries(kb, entry), lang)
    options = [c.entry for c in outcome.candidates]
    if outcome.kind == "decline" and options:
        text += "\n\n" + esc(t("suggestions", lang))
    return text, keyboards.entries_keyboard(options, lang)


async def count_answer(context: Context, entry: Entry) -> None:
    await save(context, lambda store: store.count_answer(entry.id))


def sorted_topics(kb: KnowledgeBase) -> list[Topic]:
    """Policies first (what most ask about), then platforms, then the about-this-bot topic."""
    topics = list(kb.topics.values())
    return sorted(topics, key=lambda tp: _KIND_ORDER.get(tp.kind, 3))


# --- filters -----------------------------------------------------------------------------------


def _mentions_bot(message: Message) -> bool:
    bot = message.get_bot()
    username = f"@{bot.username}".lower()
    entities = {
        **message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]),
        **message.parse_caption_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]),
    }
    for entity, text in entities.items():
        if entity.type == MessageEntity.MENTION and text.lower() == username:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
            return True
    return False


class _AddressedToBot(filters.MessageFilter):
    """A message the bot should act on: any in a private chat; in a group, one that mentions the
    bot or replies to one of its messages, so the bot stays out of the members' conversation."""

    def filter(self, message: Message) -> bool:
        if not in_group(message):
            return True
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == message.get_bot().id:
            return True
        return _mentions_bot(message)


ADDRESSED = _AddressedToBot(name="addressed_to_bot")
#: New messages only: an edit of a message already answered, or a channel post, is not answered.
NEW_MESSAGE = filters.UpdateType.MESSAGE


def question_text(message: Message) -> str:
    """The question in a message, without the @mention that addressed it to the bot."""
    text = message.text or ""
    mention = f"@{message.get_bot().username}".lower()
    for value in message.parse_entities([MessageEntity.MENTION]).values():
        if value.lower() == mention:
            text = text.replace(value, " ")
    return " ".join(text.split())


# --- commands ----------------------------------------------------------------------------------


async def cmd_start(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    markup = keyboards.start_keyboard(context.bot_data.engine.kb, lang)
    await reply(update.effective_message, esc(t("welcome", lang)), markup)


async def cmd_help(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    await reply(update.effective_message, esc(t("help", lang)))


def platforms_message(kb: KnowledgeBase, lang: Lang) -> tuple[str, InlineKeyboardMarkup]:
    return esc(t("platforms", lang)), keyboards.topics_keyboard(kb.platforms(), lang)


def topics_message(kb: KnowledgeBase, lang: Lang) -> tuple[str, InlineKeyboardMarkup]:
    return esc(t("topics", lang)), keyboards.topics_keyboard(sorted_topics(kb), lang)


async def cmd_platforms(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    await reply(update.effective_message, *platforms_message(context.bot_data.engine.kb, lang))


async def cmd_topics(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    await reply(update.effective_message, *topics_message(context.bot_data.engine.kb, lang))


def parse_lang(text: str) -> Lang | None:
    """`/lang` arguments as people type them: en, zh-hant, zh_Hans, English, 繁體中文, ..."""
    wanted = text.strip().lower().replace("_", "-")
    for lang in LANGS:
        if wanted in (lang.lower(), keyboards.LANG_LABELS[lang].lower()):
            return lang
    return None


async def set_language(update: Update, context: Context, lang: Lang) -> None:
    user = update.effective_user
    if user is not None:
        await save(context, lambda store: store.set_language(user.id, lang))


async def cmd_lang(update: Update, context: Context) -> None:
    """`/lang CODE` sets the language; bare `/lang`, or a code it cannot read, offers buttons."""
    message = update.effective_message
    lang = parse_lang(" ".join(context.args)) if context.args else None
    if lang is not None:
        await set_language(update, context, lang)
        await reply(message, esc(t("lang_set", lang)))
        return
    prompt = "lang_usage" if context.args else "lang_prompt"
    current = await user_lang(update, context)
    await reply(message, esc(t(prompt, current)), keyboards.language_keyboard())


async def cmd_sources(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    kb = context.bot_data.engine.kb
    lines = [f"<b>{esc(t('sources_heading', lang))}</b>"]
    lines += [f"• {link(source)}" for source in kb.all_sources()]
    for text in chunks(lines):
        await reply(update.effective_message, text)


def about_text(kb: KnowledgeBase, lang: Lang, operator: str | None) -> str:
    parts = [f"<b>coopbot</b>\n{esc(t('about', lang, entries=str(len(kb.entries))))}"]
    if operator:
        parts.append(esc(t("about_official", lang, operator=operator)))
    else:
        parts.append(f"{esc(t('about_unofficial', lang))} {link(official_page(kb, lang))}")
    as_of = kb.latest_as_of()
    checked = [s.read for s in kb.all_sources() if s.read]
    if as_of and checked:
        dates = t(
            "about_dates",
            lang,
            as_of=format_date(as_of, lang),
            checked=format_date(max(checked), lang),
        )
        parts.append(esc(dates))
    parts.append(esc(t("about_version", lang, version=__version__)))
    return "\n\n".join(parts)


async def cmd_about(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    text = about_text(context.bot_data.engine.kb, lang, context.bot_data.settings.official_operator)
    await reply(update.effective_message, text)


async def cmd_unknown(update: Update, context: Context) -> None:
    """Unknown commands, and the admin commands for everyone else: the same reply, so the
    admin commands cannot be discovered by trying. In a group, only `/x@thisbot` is answered:
    a bare `/x` there is probably for another bot."""
    message = update.effective_message
    if in_group(message):
        command = (message.text or "").split(maxsplit=1)[0]
        if not command.lower().endswith(f"@{message.get_bot().username}".lower()):
            return
    lang = await user_lang(update, context)
    await reply(message, esc(t("unknown_command", lang)))


# --- operators ---------------------------------------------------------------------------------


async def cmd_stats(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    message = update.effective_message
    store = context.bot_data.storage
    try:
        if store is None:
            raise StorageError("storage is not open")
        stats = await store.stats()
    except StorageError as exc:
        logger.error("/stats failed: %s", exc)
        await reply(message, esc(t("stats_unavailable", lang)))
        return
    await reply(message, stats_text(stats, lang))


def stats_text(stats: Stats, lang: Lang) -> str:
    """The operators' summary: most answered entries, recent declines, and the votes."""
    none = f"  <i>{esc(t('stats_none', lang))}</i>"
    lines = [f"<b>{esc(t('stats_heading', lang))}</b>", ""]
    lines.append(f"<b>{esc(t('stats_top', lang))}</b>")
    lines += [
        f"  {n}. <code>{esc(entry)}</code> — {count}"
        for n, (entry, count) in enumerate(stats.top_answers, 1)
    ] or [none]
    lines += ["", f"<b>{esc(t('stats_declined', lang))}</b>"]
    lines += [
        f"  • {esc(keyboards.label(text))} <i>({esc(asked[:10])})</i>"
        for text, asked in stats.recent_declined
    ] or [none]
    votes = stats.feedback_up + stats.feedback_down
    share = f"{stats.feedback_up / votes:.0%}" if votes else "–"
    feedback = t(
        "stats_feedback",
        lang,
        up=str(stats.feedback_up),
        down=str(stats.feedback_down),
        share=share,
    )
    lines += ["", esc(feedback)]
    lines += [
        f"  <code>{esc(entry)}</code>: {up} 👍 {down} 👎"
        for entry, up, down in stats.feedback_by_entry
    ]
    return "\n".join(lines)


async def cmd_reload(update: Update, context: Context) -> None:
    """Re-read the knowledge base; a broken one is refused and the running one kept."""
    lang = await user_lang(update, context)
    message = update.effective_message
    current = context.bot_data.engine
    path = current.kb.path
    engine, problems = await asyncio.to_thread(current.reload)
    if engine is None:
        errors = [p for p in problems if p.severity == "error"]
        logger.warning("/reload refused: %d error(s) in %s", len(errors), path)
        lines = [esc(t("reload_failed", lang, errors=str(len(errors))))]
        lines += [f"<code>{esc(str(p))}</code>" for p in errors[:MAX_RELOAD_PROBLEMS]]
        if len(errors) > MAX_RELOAD_PROBLEMS:
            extra = str(len(errors) - MAX_RELOAD_PROBLEMS)
            lines.append(esc(t("reload_more", lang, count=extra)))
        await reply(message, "\n".join(lines))
        return
    context.bot_data.engine = engine
    kb = engine.kb
    warnings = len(problems)
    logger.info("/reload: %d entries, %d warning(s) from %s", len(kb.entries), warnings, path)
    done = t(
        "reload_ok",
        lang,
        entries=str(len(kb.entries)),
        topics=str(len(kb.topics)),
        warnings=str(warnings),
    )
    await reply(message, esc(done))


# --- questions ---------------------------------------------------------------------------------


async def on_text(update: Update, context: Context) -> None:
    """A question: the answer with related questions and 👍 / 👎, the options, or a decline."""
    message = update.effective_message
    eng = context.bot_data.engine
    question = question_text(message)
    user = update.effective_user
    app_lang = app_language(user and user.language_code)
    if not question:
        await reply(message, esc(t("empty", await user_lang(update, context))))
        return
    lang = await chosen_lang(update, context) or detect_language(question, default=app_lang)
    outcome = eng.matcher.ask(question, lang=lang)
    await reply(message, *outcome_message(outcome, eng.kb))
    if outcome.entry is not None:
        await count_answer(context, outcome.entry)
    elif outcome.kind == "decline":
        await save(context, lambda store: store.add_declined(question))


async def on_non_text(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    await reply(update.effective_message, esc(t("non_text", lang)))


# --- buttons -----------------------------------------------------------------------------------


async def show_entry(
    query: CallbackQuery, context: Context, entry: Entry | None, lang: Lang
) -> bool:
    """Answer a press with `entry`; False, for the caller to call the button stale, when the
    entry it named is gone (removed by a /reload since the button was sent)."""
    if entry is None:
        return False
    await query.answer()
    kb = context.bot_data.engine.kb
    markup = keyboards.answer_keyboard(entry, more_entries(kb, entry), lang)
    await send_to(query, entry_html(entry, lang), markup)
    await count_answer(context, entry)
    return True


async def on_button(update: Update, context: Context) -> None:
    """Every button press; data the bot never made, or for an entry since removed, is stale."""
    query = update.callback_query
    press = keyboards.parse(query.data)
    handler = _PRESS_HANDLERS.get(press.kind) if press else None
    if press is None or handler is None or not await handler(query, context, press):
        lang = press.lang if press else app_language(query.from_user.language_code)
        await query.answer(t("stale_button", lang))


async def _press_entry(query: CallbackQuery, context: Context, press: Press) -> bool:
    return await show_entry(query, context, context.bot_data.engine.entry(press.arg), press.lang)


async def _press_topic(query: CallbackQuery, context: Context, press: Press) -> bool:
    eng = context.bot_data.engine
    topic = eng.topic(press.arg)
    overview = eng.kb.entries.get(topic.overview) if topic else None
    return await show_entry(query, context, overview, press.lang)


async def _press_feedback(query: CallbackQuery, context: Context, press: Press) -> bool:
    entry = context.bot_data.engine.entry(press.arg)
    if entry is None:
        return False
    up = press.kind == keyboards.UP
    await save(context, lambda store: store.add_feedback(query.from_user.id, entry.id, up))
    await query.answer(t("feedback_thanks", press.lang))
    if isinstance(query.message, Message) and query.message.reply_markup:
        try:
            await query.edit_message_reply_markup(
                keyboards.without_feedback(query.message.reply_markup)
            )
        except TelegramError as exc:  # e.g. the message was deleted meanwhile: the vote counts
            logger.info("could not remove the feedback buttons: %s", exc)
    return True


async def _press_language(query: CallbackQuery, context: Context, press: Press) -> bool:
    await save(context, lambda store: store.set_language(query.from_user.id, press.lang))
    await query.answer()
    text = esc(t("lang_set", press.lang))
    if isinstance(query.message, Message):
        await query.edit_message_text(text, parse_mode=HTML)
    else:
        await send_to(query, text, None)
    return True


async def _press_menu(query: CallbackQuery, context: Context, press: Press) -> bool:
    kb = context.bot_data.engine.kb
    build = platforms_message if press.arg == "platforms" else topics_message
    await query.answer()
    await send_to(query, *build(kb, press.lang))
    return True


_PRESS_HANDLERS: dict[str, Callable[[CallbackQuery, Context, Press], Awaitable[bool]]] = {
    keyboards.ENTRY: _press_entry,
    keyboards.TOPIC: _press_topic,
    keyboards.UP: _press_feedback,
    keyboards.DOWN: _press_feedback,
    keyboards.LANGUAGE: _press_language,
    keyboards.MENU: _press_menu,
}


# --- inline mode -------------------------------------------------------------------------------


def shared_message(text: str) -> InputTextMessageContent:
    """What an inline result sends: Telegram HTML without link previews, like the bot's own
    messages, so a shared answer looks as it does in the chat with the bot."""
    return InputTextMessageContent(
        text, parse_mode=HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


def inline_article(entry: Entry, lang: Lang) -> InlineQueryResultArticle:
    """An answer to share: titled with its question, sent with its citation."""
    fits = len(entry.id.encode()) <= InlineQueryResultLimit.MAX_ID_LENGTH
    summary = " ".join(entry.answer[lang].split())
    return InlineQueryResultArticle(
        id=entry.id if fits else short_ref(entry.id),
        title=entry.question(lang),
        description=keyboards.label(summary) if summary else None,
        input_message_content=shared_message(entry_html(entry, lang)),
    )


async def popular_entries(context: Context, kb: KnowledgeBase) -> list[Entry]:
    """Most answered first, then each topic's overview; storage trouble leaves the overviews."""
    ids: list[str] = []
    store = context.bot_data.storage
    if store is not None:
        try:
            ids = [entry_id for entry_id, _count in (await store.stats(limit=10)).top_answers]
        except StorageError as exc:
            logger.warning("popular entries unavailable: %s", exc)
    ids += [topic.overview for topic in sorted_topics(kb)]
    unique = [kb.entries[i] for i in dict.fromkeys(ids) if i in kb.entries]
    return unique[:MAX_POPULAR]


async def on_inline(update: Update, context: Context) -> None:
    """`@bot question` in any chat: matching answers to share; no question: popular topics."""
    query = update.inline_query
    eng = context.bot_data.engine
    text = query.query.strip()
    app_lang = app_language(query.from_user.language_code)
    lang = await chosen_lang(update, context)
    if not text:
        entries = await popular_entries(context, eng.kb)
        results = [inline_article(e, lang or app_lang) for e in entries]
    else:
        outcome = eng.matcher.ask(text, lang=lang or detect_language(text, default=app_lang))
        entries = [c.entry for c in outcome.candidates if eng.matcher.good_enough(c)]
        if outcome.kind == "decline" or not entries:
            results = [decline_article(outcome, eng.kb)]
        else:
            results = [inline_article(e, outcome.lang) for e in entries]
    await query.answer(
        results[: InlineQueryLimit.RESULTS], cache_time=INLINE_CACHE_SECONDS, is_personal=True
    )


def decline_article(outcome: Outcome, kb: KnowledgeBase) -> InlineQueryResultArticle:
    """Nothing matched: offer to share the official page rather than an empty list."""
    lang = outcome.lang
    return InlineQueryResultArticle(
        id="none",
        title=t("inline_none", lang),
        description=t("inline_none_hint", lang),
        input_message_content=shared_message(outcome_html(outcome, kb)),
    )


# --- flood and errors --------------------------------------------------------------------------


async def flood_guard(update: Update, context: Context) -> None:
    """Runs before every other handler: past the per-minute limit, one note, then silence."""
    user = update.effective_user
    if user is None:
        return
    verdict = context.bot_data.flood.check(user.id)
    if verdict == "serve":
        return
    if verdict == "warn":
        logger.info("flood limit reached by a user; slowing them down")
    lang = await user_lang(update, context)
    if update.callback_query is not None:
        # A press must always be answered, or the user's button keeps spinning.
        await update.callback_query.answer(t("flood", lang) if verdict == "warn" else None)
    elif verdict == "warn" and update.effective_message is not None:
        await reply(update.effective_message, esc(t("flood", lang)))
    raise ApplicationHandlerStop


def bot_api_trouble(error: object) -> bool:
    """A failure of the Bot API or of the way to it (network, Telegram's servers, its rate limit,
    a user who blocked the bot), not of the bot: a BadRequest is the bot's own fault."""
    if isinstance(error, RetryAfter | Forbidden):
        return True
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def on_error(update: object, context: Context) -> None:
    """Log the failure (the logging filter keeps the token out) and apologise to the user.

    Every failed update is one line starting "handling update ID (KIND) failed", so failures
    can be counted and matched with updates. Only the update's id and kind are logged, not its
    content: it holds names and messages. Bot API trouble gets no traceback, which would only
    bury the bugs; a timed-out call may have reached Telegram, so its line says so.
    """
    error = context.error
    if isinstance(update, Update):
        kind = next((k for k in Update.ALL_TYPES if getattr(update, k, None)), "unknown")
        if bot_api_trouble(error):
            maybe = "; Telegram may have delivered it" if isinstance(error, TimedOut) else ""
            logger.error(
                "handling update %s (%s) failed: a Bot API call failed (%s)%s",
                update.update_id,
                kind,
                error,
                maybe,
            )
        else:
            logger.error("handling update %s (%s) failed", update.update_id, kind, exc_info=error)
    elif isinstance(error, NetworkError):  # polling while the server is unreachable:
        logger.warning("Bot API unreachable, retrying: %s", error)  # no traceback needed
        return
    else:
        logger.error("error outside any update: %s", error, exc_info=error)
        return
    if isinstance(error, TimedOut):  # the answer may yet arrive: no apology after it
        return
    lang = await user_lang(update, context)
    try:
        if update.callback_query is not None:
            try:
                await update.callback_query.answer(t("error", lang))
            except TelegramError:  # already answered before the failure: say it in the chat
                await send_to(update.callback_query, esc(t("error", lang)), None)
        elif update.message is not None:
            await reply(update.message, esc(t("error", lang)))
    except TelegramError as exc:
        logger.warning("could not tell the user about the error: %s", exc)
