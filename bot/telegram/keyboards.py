"""Inline keyboards and the callback-data scheme behind their buttons.

Callback data is ``KIND|LANG|ARG`` and never longer than Telegram's 64 bytes:

- KIND: ``e`` show an entry, ``t`` show a topic (its overview and its other questions), ``u`` / ``d``
  feedback up / down on an entry, ``l`` choose a language, ``m`` show a menu (ARG ``platforms`` or
  ``topics``).
- LANG: ``e`` English, ``t`` Traditional Chinese, ``s`` Simplified Chinese: the language of the
  message the button sits under, so the answer to a press comes in the language the user was reading.
  For ``l`` it is the language chosen.
- ARG: an entry or topic id, or ``#`` and 16 hex digits of its SHA-256 when the id would not fit.

The data holds ids, never positions, so a button still works after a restart or a reload as long as
its entry exists; buttons are plain strings because PTB's arbitrary callback data lives in memory
and would break on every restart. Data that does not parse is answered politely, never trusted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine import short_ref
from bot.knowledge import Entry, KnowledgeBase, Topic
from bot.messages import t
from bot.text import Lang

MAX_CALLBACK_BYTES = 64
#: Telegram shows long button labels cut with an ellipsis; cutting them here keeps it tidy.
MAX_LABEL_CHARS = 60

ENTRY, TOPIC, UP, DOWN, LANGUAGE, MENU = "e", "t", "u", "d", "l", "m"
KINDS = frozenset((ENTRY, TOPIC, UP, DOWN, LANGUAGE, MENU))
MENUS = ("platforms", "topics")
LANG_CODES: dict[Lang, str] = {"en": "e", "zh-Hant": "t", "zh-Hans": "s"}
_CODE_LANGS: dict[str, Lang] = {code: lang for lang, code in LANG_CODES.items()}
LANG_LABELS: dict[Lang, str] = {"en": "English", "zh-Hant": "繁體中文", "zh-Hans": "简体中文"}


@dataclass(frozen=True)
class Press:
    """A parsed button press."""

    kind: str
    lang: Lang
    arg: str


def callback_data(kind: str, lang: Lang, arg: str = "") -> str:
    data = f"{kind}|{LANG_CODES[lang]}|{arg}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        data = f"{kind}|{LANG_CODES[lang]}|{short_ref(arg)}"
    return data


def parse(data: str | None) -> Press | None:
    """The press, or None for data this bot never makes (forged, or from an old version)."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    parts = data.split("|", 2)
    if len(parts) != 3:
        return None
    kind, code, arg = parts
    if kind not in KINDS or code not in _CODE_LANGS:
        return None
    if (kind == LANGUAGE) != (arg == "") or (kind == MENU and arg not in MENUS):
        return None
    return Press(kind, _CODE_LANGS[code], arg)


def label(text: str) -> str:
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _button(text: str, kind: str, lang: Lang, arg: str = "") -> InlineKeyboardButton:
    return InlineKeyboardButton(label(text), callback_data=callback_data(kind, lang, arg))


def _rows(buttons: Iterable[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [[button] for button in buttons]


def entries_keyboard(entries: Iterable[Entry], lang: Lang) -> InlineKeyboardMarkup | None:
    """One button per entry, labelled with its main question: clarify options, suggestions."""
    rows = _rows(_button(e.question(lang), ENTRY, lang, e.id) for e in entries)
    return InlineKeyboardMarkup(rows) if rows else None


def answer_keyboard(entry: Entry, more: Iterable[Entry], lang: Lang) -> InlineKeyboardMarkup:
    """Under an answer: further questions (related, or the topic's others), then 👍 / 👎."""
    rows = _rows(_button(e.question(lang), ENTRY, lang, e.id) for e in more)
    rows.append(
        [
            _button("👍", UP, lang, entry.id),
            _button("👎", DOWN, lang, entry.id),
        ]
    )
    return InlineKeyboardMarkup(rows)


def without_feedback(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard minus its 👍 / 👎 row, once the user has voted."""
    if markup is None:
        return None
    rows = [
        row
        for row in markup.inline_keyboard
        if not any(
            isinstance(b.callback_data, str) and b.callback_data[:2] in (f"{UP}|", f"{DOWN}|")
            for b in row
        )
    ]
    return InlineKeyboardMarkup(rows)


def topics_keyboard(topics: Iterable[Topic], lang: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(_rows(_button(tp.name[lang], TOPIC, lang, tp.id) for tp in topics))


def start_keyboard(kb: KnowledgeBase, lang: Lang) -> InlineKeyboardMarkup:
    """The platforms menu first, then the policy topics: what most people come to ask about."""
    rows = [[_button(t("platforms_button", lang), MENU, lang, "platforms")]]
    policies = [tp for tp in kb.topics.values() if tp.kind == "policy"]
    rows += _rows(_button(tp.name[lang], TOPIC, lang, tp.id) for tp in policies)
    return InlineKeyboardMarkup(rows)


def language_keyboard() -> InlineKeyboardMarkup:
    """Each language named in itself, so a user who cannot read the current one finds theirs."""
    return InlineKeyboardMarkup(
        [[_button(name, LANGUAGE, lang) for lang, name in LANG_LABELS.items()]]
    )
