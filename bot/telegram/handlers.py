"""The bot's handlers: one small async function per thing a user can do.

Every message is Telegram HTML: the bot's own sentences are escaped here, knowledge-base strings by
`bot.telegram.html`, and text users typed is never echoed back unescaped. Storage is a convenience,
never a condition: a failed write is logged and the user still gets the answer.

Browsing (menus, a topic's pages, "Read more") edits the message pressed in place; an answer is a
new message, so the menu it came from stays where it was.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType, InlineQueryLimit, ParseMode
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
from bot.knowledge import Entry, KnowledgeBase
from bot.messages import format_date, t
from bot.outcome import Outcome, Turn
from bot.render import official_page, shorten
from bot.resolve import language
from bot.storage import Stats, Storage, StorageError
from bot.telegram import browse, inline, links
from bot.telegram import keyboards as kbd
from bot.telegram.context import Context
from bot.telegram.html import (
    GROUP_COLUMNS,
    PRIVATE_COLUMNS,
    answer_html,
    esc,
    fit,
    link,
    numbered,
    outcome_html,
)
from bot.telegram.keyboards import Press
from bot.text import LANGS, Lang, app_language

logger = logging.getLogger(__name__)

#: Questions offered after a 👎: enough to find the right one, few enough to read on a phone.
MAX_MORE_QUESTIONS = 4
#: Entries offered for an empty inline query, or one that found nothing.
MAX_POPULAR = 20
#: What /stats shows of a text users typed, in columns.
STATS_TEXT_COLUMNS = 60
#: Problems listed in a refused /reload; the rest are counted.
MAX_RELOAD_PROBLEMS = 15
#: Seconds Telegram may cache an inline answer: short, as the most asked answers change.
INLINE_CACHE_SECONDS = 30
#: Commands the flood gate never holds back: the way out for a user who is confused or slowed.
UNLIMITED_COMMANDS = ("help", "lang")
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


def columns_for(message: object) -> int:
    """How much of an answer a chat shows before "Read more": less in a group, where the
    answer is one message among the members' own."""
    group = isinstance(message, Message) and in_group(message)
    return GROUP_COLUMNS if group else PRIVATE_COLUMNS


async def reply(message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Answer a message; in a group, quote it so everyone sees whom the answer is for."""
    return await message.reply_text(
        fit(text), parse_mode=HTML, reply_markup=markup, do_quote=in_group(message)
    )


async def send_to(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """A new message in the chat where a button was pressed (also under an old message); in a
    group, quoting the message pressed, so everyone sees what it follows."""
    if query.message is None:  # a button on a shared inline message: no chat to answer in
        return
    if isinstance(query.message, Message):
        await query.message.reply_text(
            fit(text), parse_mode=HTML, reply_markup=markup, do_quote=in_group(query.message)
        )
    else:
        await query.get_bot().send_message(
            query.message.chat.id, fit(text), parse_mode=HTML, reply_markup=markup
        )


async def edit(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Put a page in place of the message pressed; where that message can no longer be edited
    (too old for Telegram to show it to the bot), post the page anew. Pressing the same button
    twice changes nothing, which Telegram calls an error and which is none."""
    if not isinstance(query.message, Message):
        await send_to(query, text, markup)
        return
    try:
        await query.edit_message_text(fit(text), parse_mode=HTML, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


def answer_message(
    entry: Entry, kb: KnowledgeBase, lang: Lang, columns: int, also: tuple[Entry, ...] = ()
) -> tuple[str, InlineKeyboardMarkup]:
    """An answer as a new message shows it: what fits `columns`, and the buttons for the rest;
    a compared subject's answer after it, its own buttons a tap away under "related"."""
    view = answer_html(entry, lang, kb.topics.get(entry.topic), columns=columns)
    markup = kbd.answer_keyboard(
        entry, lang, more_text=view.more_text, more_sources=view.more_sources
    )
    compared = [answer_html(e, lang, kb.topics.get(e.topic), columns=columns).text for e in also]
    return fit("\n\n".join([view.text, *compared])), markup


def outcome_message(
    outcome: Outcome, kb: KnowledgeBase, group: bool
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The HTML and buttons for an outcome: the answer, small talk with the menu (one short line
    in a group), or the questions it could be, numbered, with a button per number."""
    lang = outcome.lang
    if outcome.entry is not None:
        columns = GROUP_COLUMNS if group else PRIVATE_COLUMNS
        return answer_message(outcome.entry, kb, lang, columns, outcome.also)
    if outcome.kind == "smalltalk":
        if group:
            return esc(t(f"smalltalk_group_{outcome.smalltalk}", lang)), None
        if outcome.candidates:  # a remark on a subject: more on it to pick
            options = [c.entry for c in outcome.candidates]
            return outcome_html(outcome, kb), kbd.choices_keyboard(options, lang)
        return outcome_html(outcome, kb), kbd.start_keyboard(lang)
    options = [c.entry for c in outcome.candidates]
    return outcome_html(outcome, kb), kbd.choices_keyboard(options, lang)


async def count_answer(context: Context, entry: Entry) -> None:
    await save(context, lambda store: store.count_answer(entry.id))


def more_entries(kb: KnowledgeBase, entry: Entry) -> list[Entry]:
    """What to offer after an entry that did not help: its related entries, else the rest of
    its topic."""
    related = [kb.entries[i] for i in entry.related if i in kb.entries]
    if not related:
        related = [e for e in kb.topic_entries(entry.topic) if e.id != entry.id]
    return related[:MAX_MORE_QUESTIONS]


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
    """The question in a message, or in a photo's or a document's caption, without the @mention
    that addressed it to the bot."""
    text = message.text or message.caption or ""
    mention = f"@{message.get_bot().username}".lower()
    found = message.parse_entities([MessageEntity.MENTION]) if message.text else {}
    if not message.text:
        found = message.parse_caption_entities([MessageEntity.MENTION])
    for value in found.values():
        if value.lower() == mention:
            text = text.replace(value, " ")
    return " ".join(text.split())


# --- commands ----------------------------------------------------------------------------------


async def cmd_start(update: Update, context: Context) -> None:
    """The main menu; with a deep link's payload (`/start cepa-overview`), what it opens: an
    answer, or a question asked (see `bot.telegram.links`). An unknown payload gets the menu."""
    message = update.effective_message
    eng = context.bot_data.engine
    lang = await user_lang(update, context)
    opened = links.opened(eng, context.args[0]) if context.args else None
    if isinstance(opened, Entry):
        await reply(message, *answer_message(opened, eng.kb, lang, columns_for(message)))
        await count_answer(context, opened)
        return
    if isinstance(opened, str):
        await answer_question(update, context, opened)
        return
    await reply(message, *browse.menu(eng.kb, kbd.START, lang))


async def cmd_help(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    await reply(update.effective_message, esc(t("help", lang)))


async def cmd_platforms(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    kb = context.bot_data.engine.kb
    await reply(update.effective_message, *browse.menu(kb, kbd.PLATFORMS, lang))


async def cmd_topics(update: Update, context: Context) -> None:
    lang = await user_lang(update, context)
    kb = context.bot_data.engine.kb
    await reply(update.effective_message, *browse.menu(kb, kbd.TOPICS, lang))


def parse_lang(text: str) -> Lang | None:
    """`/lang` arguments as people type them: en, zh-hant, zh_Hans, English, 繁體中文, ..."""
    wanted = text.strip().lower().replace("_", "-")
    for lang in LANGS:
        if wanted in (lang.lower(), kbd.LANG_LABELS[lang].lower()):
            return lang
    return None


async def set_language(update: Update, context: Context, lang: Lang) -> None:
    user = update.effective_user
    if user is not None:
        await save(context, lambda store: store.set_language(user.id, lang))


#: What `/lang auto` stores: no language chosen, so each reply follows the question's language.
AUTO = "auto"


async def cmd_lang(update: Update, context: Context) -> None:
    """`/lang CODE` sets the language; `/lang auto` goes back to following each question; bare
    `/lang`, or a code it cannot read, offers buttons."""
    message = update.effective_message
    if context.args and " ".join(context.args).strip().lower() == AUTO:
        user = update.effective_user
        if user is not None:
            await save(context, lambda store: store.set_language(user.id, AUTO))
        await reply(message, esc(t("lang_auto", await user_lang(update, context))))
        return
    lang = parse_lang(" ".join(context.args)) if context.args else None
    if lang is not None:
        await set_language(update, context, lang)
        await reply(message, esc(t("lang_set", lang)))
        return
    prompt = "lang_usage" if context.args else "lang_prompt"
    current = await user_lang(update, context)
    await reply(message, esc(t(prompt, current)), kbd.language_keyboard(current))


async def cmd_sources(update: Update, context: Context) -> None:
    """Where the answers come from, in one short message; in a private chat, with a button per
    topic for its pages (in a group, the short message only)."""
    lang = await user_lang(update, context)
    message = update.effective_message
    kb = context.bot_data.engine.kb
    await reply(message, *browse.sources_overview(kb, lang, buttons=not in_group(message)))


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
    """The operators' summary: most answered entries, recent declines, what users were looking
    for when an answer did not help, and the votes."""
    none = f"  <i>{esc(t('stats_none', lang))}</i>"
    lines = [f"<b>{esc(t('stats_heading', lang))}</b>", ""]
    lines.append(f"<b>{esc(t('stats_top', lang))}</b>")
    lines += [
        f"  {n}. <code>{esc(entry)}</code> — {count}"
        for n, (entry, count) in enumerate(stats.top_answers, 1)
    ] or [none]
    lines += ["", f"<b>{esc(t('stats_declined', lang))}</b>"]
    lines += [
        f"  • {esc(shorten(text, STATS_TEXT_COLUMNS))} <i>({esc(asked[:10])})</i>"
        for text, asked in stats.recent_declined
    ] or [none]
    lines += ["", f"<b>{esc(t('stats_comments', lang))}</b>"]
    lines += [
        f"  • <code>{esc(entry)}</code>: {esc(shorten(text, STATS_TEXT_COLUMNS))} "
        f"<i>({esc(written[:10])})</i>"
        for entry, text, written in stats.recent_comments
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
    """A question typed (or forwarded): answered like any other."""
    await answer_question(update, context, question_text(update.effective_message))


async def on_non_text(update: Update, context: Context) -> None:
    """A photo or a document with a caption: the caption is the question. Anything else (a
    sticker, a voice message): one polite line saying the bot reads text."""
    message = update.effective_message
    if message.caption:
        await answer_question(update, context, question_text(message))
        return
    lang = await user_lang(update, context)
    await reply(message, esc(t("non_text", lang)))


async def answer_question(update: Update, context: Context, question: str) -> None:
    """A question: the answer with its buttons, the options, or a decline. Right after a 👎,
    the message is also what the user was looking for: kept for the curators, and thanked."""
    message = update.effective_message
    eng = context.bot_data.engine
    user = update.effective_user
    app_lang = app_language(user and user.language_code)
    if not question:
        await reply(message, esc(t("empty", await user_lang(update, context))))
        return
    data = context.bot_data
    key = conversation_key(message)
    previous = replied_turn(message, context) or data.conversations.get(key)
    lang = await chosen_lang(update, context)
    outcome = eng.ask(question, lang=lang, previous=previous, app=app_lang)
    wanted = data.awaiting_comment.pop((message.chat_id, user.id)) if user else None
    if wanted is not None:
        await save(context, lambda store: store.add_feedback_comment(wanted, question))
        await reply(message, esc(t("feedback_noted", outcome.lang)))
        if outcome.kind not in ("answer", "clarify"):
            return
    sent = await reply(message, *outcome_message(outcome, eng.kb, in_group(message)))
    data.conversations.put(key, outcome.turn)
    if outcome.entry is not None:
        data.answers.put((sent.chat_id, sent.message_id), outcome.turn)
        await count_answer(context, outcome.entry)
    elif outcome.kind == "decline":
        await save(context, lambda store: store.add_declined(question))


def conversation_key(message: Message) -> tuple[int, int | None]:
    """Whose conversation a message continues: the chat's, and in a group each member's own."""
    user = message.from_user
    return message.chat_id, (user.id if user and in_group(message) else None)


def replied_turn(message: Message, context: Context) -> Turn | None:
    """A reply to one of the bot's answers continues that answer's conversation."""
    replied = message.reply_to_message
    if replied is None or replied.from_user is None or replied.from_user.id != message.get_bot().id:
        return None
    return context.bot_data.answers.get((replied.chat_id, replied.message_id))


# --- buttons -----------------------------------------------------------------------------------


async def on_button(update: Update, context: Context) -> None:
    """Every button press; data the bot never made, or for an entry since removed, is stale."""
    query = update.callback_query
    press = kbd.parse(query.data)
    handler = _PRESS_HANDLERS.get(press.kind) if press else None
    if press is None or handler is None or not await handler(query, context, press):
        lang = press.lang if press else app_language(query.from_user.language_code)
        await query.answer(t("stale_button", lang))


async def _press_entry(query: CallbackQuery, context: Context, press: Press) -> bool:
    """A question chosen: its answer, as a new message under the list it was chosen from."""
    eng = context.bot_data.engine
    entry = eng.entry(press.arg)
    if entry is None:
        return False
    await query.answer()
    await send_to(query, *answer_message(entry, eng.kb, press.lang, columns_for(query.message)))
    await count_answer(context, entry)
    return True


async def _press_topic(query: CallbackQuery, context: Context, press: Press) -> bool:
    """A topic's page of questions: in place of a menu, or (from under an answer, which stays)
    as a new message."""
    eng = context.bot_data.engine
    topic = eng.topic(press.arg)
    if topic is None:
        return False
    await query.answer()
    page = browse.topic_page(eng.kb, topic, press.lang, press.page)
    if press.kind == kbd.TOPIC_NEW:
        await send_to(query, *page)
    else:
        await edit(query, *page)
    return True


async def _press_sources(query: CallbackQuery, context: Context, press: Press) -> bool:
    eng = context.bot_data.engine
    topic = eng.topic(press.arg)
    if topic is None:
        return False
    await query.answer()
    await edit(query, *browse.topic_sources_page(eng.kb, topic, press.lang, press.page))
    return True


async def _press_menu(query: CallbackQuery, context: Context, press: Press) -> bool:
    await query.answer()
    await edit(query, *browse.menu(context.bot_data.engine.kb, press.arg, press.lang))
    return True


async def _press_expand(query: CallbackQuery, context: Context, press: Press) -> bool:
    """ "Read more" or "More sources": the answer again, in place, with what was held back; the
    other of the two stays as it was (pressed or not), and so do the votes."""
    eng = context.bot_data.engine
    entry = eng.entry(press.arg)
    if entry is None:
        return False
    await query.answer()
    message = query.message
    markup = message.reply_markup if isinstance(message, Message) else None
    if markup is None:  # no longer editable: the whole answer, anew, with its buttons
        markup = kbd.answer_keyboard(entry, press.lang, more_text=False, more_sources=False)
    whole = press.kind == kbd.READ_MORE or not kbd.has_button(markup, kbd.READ_MORE)
    every = press.kind == kbd.CITATIONS or not kbd.has_button(markup, kbd.CITATIONS)
    view = answer_html(
        entry,
        press.lang,
        eng.kb.topics.get(entry.topic),
        columns=None if whole else columns_for(message),
        all_sources=every,
    )
    await edit(query, view.text, kbd.without(markup, press.kind))
    return True


async def _press_feedback(query: CallbackQuery, context: Context, press: Press) -> bool:
    """A vote: saved, thanked, and shown on the vote row (which stays, so it can be changed).
    A 👎 also asks what the user was looking for and offers other questions and the official
    page; the reply, in their next message, is kept for the curators."""
    eng = context.bot_data.engine
    entry = eng.entry(press.arg)
    if entry is None:
        return False
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    if kbd.vote_shown(markup, press.kind):
        await query.answer(t("feedback_voted", press.lang))
        return True
    up = press.kind == kbd.UP
    await save(context, lambda store: store.add_feedback(query.from_user.id, entry.id, up))
    await query.answer(t("feedback_thanks", press.lang))
    if markup is not None:
        try:
            await query.edit_message_reply_markup(kbd.with_vote(markup, up))
        except TelegramError as exc:  # e.g. the message was deleted meanwhile: the vote counts
            logger.info("could not show the vote: %s", exc)
    if not up:
        await ask_what_was_missing(query, context, entry, press.lang)
    return True


async def ask_what_was_missing(
    query: CallbackQuery, context: Context, entry: Entry, lang: Lang
) -> None:
    kb = context.bot_data.engine.kb
    others = more_entries(kb, entry)
    lines = [esc(t("feedback_wanted", lang))]
    if others:
        lines += ["", esc(t("feedback_related", lang)), numbered(others, kb, lang)]
    lines += ["", f"{esc(t('official', lang))} {link(official_page(kb, lang))}"]
    await send_to(query, "\n".join(lines), kbd.choices_keyboard(others, lang))
    if query.message is not None:
        context.bot_data.awaiting_comment.put((query.message.chat.id, query.from_user.id), entry.id)


async def _press_language(query: CallbackQuery, context: Context, press: Press) -> bool:
    """A language chosen: saved, confirmed in it, and the main menu in it, to carry on."""
    await save(context, lambda store: store.set_language(query.from_user.id, press.lang))
    await query.answer()
    await edit(query, esc(t("lang_set", press.lang)), kbd.start_keyboard(press.lang))
    return True


_PRESS_HANDLERS: dict[str, Callable[[CallbackQuery, Context, Press], Awaitable[bool]]] = {
    kbd.ENTRY: _press_entry,
    kbd.TOPIC: _press_topic,
    kbd.TOPIC_NEW: _press_topic,
    kbd.SOURCES: _press_sources,
    kbd.MENU: _press_menu,
    kbd.READ_MORE: _press_expand,
    kbd.CITATIONS: _press_expand,
    kbd.UP: _press_feedback,
    kbd.DOWN: _press_feedback,
    kbd.LANGUAGE: _press_language,
}


# --- inline mode -------------------------------------------------------------------------------


async def popular_entries(context: Context, kb: KnowledgeBase) -> list[Entry]:
    """Most answered first, then each topic's overview; storage trouble leaves the overviews."""
    ids: list[str] = []
    store = context.bot_data.storage
    if store is not None:
        try:
            ids = [entry_id for entry_id, _count in (await store.stats(limit=10)).top_answers]
        except StorageError as exc:
            logger.warning("popular entries unavailable: %s", exc)
    ids += [topic.overview for topic in browse.sorted_topics(kb)]
    unique = [kb.entries[i] for i in dict.fromkeys(ids) if i in kb.entries]
    return unique[:MAX_POPULAR]


async def on_inline(update: Update, context: Context) -> None:
    """`@bot words` in any chat: answers to share, found from the first letters typed (see
    `bot.telegram.inline`); nothing typed, or nothing found: the most asked answers, and then a
    button to ask in the private chat. Personal (not cached for others) where the user's
    language decides the results."""
    query = update.inline_query
    eng = context.bot_data.engine
    text = " ".join(query.query.split())
    app_lang = app_language(query.from_user.language_code)
    chosen = await chosen_lang(update, context)
    lang = language(text, chosen, None, app_lang) if text else chosen or app_lang
    ids = inline.search(eng, text, chosen, app_lang) if text else []
    button = None
    if not ids:
        ids = [entry.id for entry in await popular_entries(context, eng.kb)]
        button = inline.ask_in_private(text, lang) if text else None
    username = context.bot.username
    results = [inline.article(eng.kb.entries[i], eng.kb, lang, username) for i in ids]
    by_app = language(text, None, None, "zh-Hans") != language(text, None, None, "zh-Hant")
    await query.answer(
        results[: InlineQueryLimit.RESULTS],
        cache_time=INLINE_CACHE_SECONDS,
        is_personal=chosen is not None or not text or by_app,
        button=button,
    )


# --- flood and errors --------------------------------------------------------------------------


def unlimited(message: Message | None) -> bool:
    """/help and /lang: never held back, so a slowed or lost user always finds the way out."""
    words = (message.text or "").split(maxsplit=1) if message else []
    return bool(words) and words[0].lstrip("/").split("@")[0].lower() in UNLIMITED_COMMANDS


async def flood_guard(update: Update, context: Context) -> None:
    """Runs before every other handler: past the per-minute limit, one note, then silence.

    Presses that only edit the message pressed (browsing) are not counted; other presses have a
    budget of their own, larger than the messages' (`bot.telegram.flood`); /help and /lang are
    always served.
    """
    user = update.effective_user
    if user is None:
        return
    query = update.callback_query
    if query is not None:
        press = kbd.parse(query.data)
        if press is not None and press.kind in kbd.EDITS_IN_PLACE:
            return
    elif unlimited(update.effective_message):
        return
    verdict = context.bot_data.flood.check(user.id, "press" if query else "message")
    if verdict == "serve":
        return
    if verdict == "warn":
        logger.info("flood limit reached by a user; slowing them down")
    lang = await user_lang(update, context)
    if query is not None:
        # A press must always be answered, or the user's button keeps spinning.
        await query.answer(t("flood_press", lang) if verdict == "warn" else None)
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
