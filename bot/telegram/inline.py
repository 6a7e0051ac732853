"""Inline mode: ``@bot words`` in any chat lists answers to share, from the second letter typed.

Telegram sends an inline query on every keystroke, so most queries are the first letters of a
name ("guang", "shenz", "粵港合"), not questions. The matcher reads whole words; this module adds
what typing needs, from the knowledge base's own names (topic names, short names and aliases) and
questions, without touching the matcher:

1. a query that is an entry's question, as the Share button under an answer sends it: that entry;
2. a query that is the start of a subject's name (or of one of its words, or that with one typo):
   that subject's answers, overview first ("hub" is Hubei before it is "aviation hub");
3. of more than one word, the start of a main question ("what is ce" → "What is CEPA?");
4. the engine's answer to the query as typed, and to the query with its last word completed to
   the name it starts ("who leads the guang" → "... guangdong");
5. questions, in any of their phrasings, that start with the query ("wh").

With nothing found, the most asked answers, and a button to ask in the private chat: never a
"Sorry" that, chosen, would be posted into someone else's chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz.distance import OSA
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import InlineQueryResultLimit, ParseMode

from bot.engine import Engine, short_ref
from bot.knowledge import Entry, KnowledgeBase
from bot.messages import t
from bot.outcome import Outcome
from bot.render import shorten, title
from bot.telegram import links
from bot.telegram.html import entry_html
from bot.telegram.keyboards import label
from bot.text import Lang, is_cjk, normalise

#: Results listed at most: a phone shows five or six; the rest is scrolling.
MAX_RESULTS = 20
#: Answers of the subject a query names, before other results.
MAX_SUBJECT_ANSWERS = 10
#: Other subjects the query could name: their overviews.
MAX_OTHER_SUBJECTS = 4
#: Questions that start with the query.
MAX_QUESTION_STARTS = 10
#: Other answers the engine ranked close to its answer.
MAX_ENGINE_OTHERS = 3
#: The shortest query read as the start of a name, and of a name with a typo in it.
MIN_PREFIX, MIN_TYPO_PREFIX = 2, 4
#: Columns of an answer shown under a result's title.
DESCRIPTION_COLUMNS = 120
#: Two or three letters that start a question word are a question being typed, not a name
#: ("wh" is not Wuhan's office yet).
QUESTION_WORDS = (
    "what which when where who whom whose why how are was were does did can could tell list any"
).split()
_KIND_RANK = {"platform": 0, "policy": 1, "about": 2}
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")


def key(text: str) -> str:
    """Text as names and questions are compared here: canonical (`bot.text.normalise`: lower
    case, Simplified, punctuation as spaces), with no space left between Chinese characters."""
    return _CJK_GAP.sub("", normalise(text))


def typo_distance_at_most_one(a: str, b: str) -> bool:
    """Whether `a` becomes `b` by at most one insertion, deletion, substitution or swap of two
    neighbours (Damerau's edits): the typos of a thumb on a phone, as the matcher reads them."""
    return OSA.distance(a, b, score_cutoff=1) <= 1


@dataclass(frozen=True)
class NameMatch:
    """A subject a fragment may be the start of: how well (0 the name itself, 1 its start, 2 the
    start of one of its words, 3 its start with one typo), and the name it starts."""

    score: int
    rank: int
    topic: str
    name: str


class Names:
    """The names of a knowledge base's subjects and its questions, in comparable form."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        names: set[tuple[str, str]] = set()
        for topic in kb.topics.values():
            for text in (*topic.names, *topic.name.values(), *topic.short.values()):
                if key(text):
                    names.add((key(text), topic.id))
        self.names = sorted(names)
        self.phrasings: list[tuple[str, str, bool]] = [
            (key(question), entry.id, question == entry.question(lang))
            for entry in kb.entries.values()
            for lang, questions in entry.questions.items()
            for question in questions
        ]
        self.exact = {phrasing: entry for phrasing, entry, _ in reversed(self.phrasings)}

    def subjects(self, fragment: str) -> list[NameMatch]:
        """The subjects whose names `fragment` may be the start of, best first: at equal match,
        platforms (what people look up by name) before policies."""
        if len(fragment) < MIN_PREFIX:
            return []
        if (
            fragment.isascii()
            and len(fragment) <= 3
            and any(word.startswith(fragment) for word in QUESTION_WORDS)
        ):
            return []
        best: dict[str, NameMatch] = {}
        for name, topic_id in self.names:
            score = self._score(fragment, name)
            if score is None:
                continue
            rank = _KIND_RANK.get(self.kb.topics[topic_id].kind, 3)
            found = NameMatch(score, rank, topic_id, name)
            held = best.get(topic_id)
            if held is None or (score, len(name)) < (held.score, len(held.name)):
                best[topic_id] = found
        return sorted(best.values(), key=lambda m: (m.score, m.rank, len(m.name), m.topic))

    @staticmethod
    def _score(fragment: str, name: str) -> int | None:
        if name == fragment:
            return 0
        if name.startswith(fragment):
            return 1
        chinese = any(is_cjk(ch) for ch in fragment)
        if (chinese and fragment in name) or f" {fragment}" in f" {name}":
            return 2
        if chinese or len(fragment) < MIN_TYPO_PREFIX:
            return None
        size = len(fragment)
        candidates = [name[:n] for n in (size - 1, size, size + 1) if 0 < n <= len(name)]
        if any(typo_distance_at_most_one(fragment, c) for c in candidates):
            return 3
        return None

    def starting(self, prefix: str, main: bool) -> list[str]:
        """Entries with a question starting with `prefix`, main questions (those on buttons and
        titles) first, then overviews first: with `main`, by their main questions only."""
        if len(prefix) < MIN_PREFIX:
            return []
        overviews = {tp.overview for tp in self.kb.topics.values()}
        found = [
            (not is_main, entry_id not in overviews, n, entry_id)
            for n, (phrasing, entry_id, is_main) in enumerate(self.phrasings)
            if (is_main or not main) and phrasing.startswith(prefix) and phrasing != prefix
        ]
        return unique(entry_id for *_, entry_id in sorted(found))


_cached: tuple[KnowledgeBase, Names] | None = None


def names_of(kb: KnowledgeBase) -> Names:
    """The names of `kb`, built once per knowledge base (a /reload brings a new one)."""
    global _cached
    if _cached is None or _cached[0] is not kb:
        _cached = (kb, Names(kb))
    return _cached[1]


def unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


def subject_answers(kb: KnowledgeBase, matches: list[NameMatch]) -> list[str]:
    """The first subject's answers, overview first; then the others' overviews."""
    if not matches:
        return []
    first = kb.topics[matches[0].topic]
    own = sorted(kb.topic_entries(first.id), key=lambda e: e.id != first.overview)
    others = [kb.topics[m.topic].overview for m in matches[1 : 1 + MAX_OTHER_SUBJECTS]]
    return [e.id for e in own[:MAX_SUBJECT_ANSWERS]] + others


def engine_answers(outcome: Outcome, engine: Engine) -> list[str]:
    """What the engine offers for a query: its answer and the close ones, clarify options, or a
    near miss's overview; for small talk, the subject it remarks on, if any."""
    if outcome.kind == "answer":
        close = [c.entry.id for c in outcome.candidates[1:] if engine.matcher.good_enough(c)]
        return [outcome.candidates[0].entry.id, *close[:MAX_ENGINE_OTHERS]]
    return [c.entry.id for c in outcome.candidates]


def completed(query: str, names: Names) -> str | None:
    """The query with its last word completed to the name it starts, if it is the start of one
    and not already a whole word of it: "who chairs the shenz" → "who chairs the shenzhen"."""
    words = query.split()
    if len(words) < 2 or not words[-1].isascii():
        return None
    matches = names.subjects(key(words[-1]))
    if not matches or matches[0].score == 0:
        return None
    return " ".join([*words[:-1], matches[0].name])


def search(engine: Engine, query: str, lang: Lang | None, app: Lang) -> list[str]:
    """Entry ids for an inline query, best first (see the module docstring for the order);
    `lang` is the user's language choice, `app` their app's language, as for any question."""
    kb, names = engine.kb, names_of(engine.kb)
    typed = key(query)
    found: list[str] = []
    exact = names.exact.get(typed)
    if exact is not None:
        found.append(exact)
    found += subject_answers(kb, names.subjects(typed))
    if " " in typed:  # the start of a question as the knowledge base words it: "what is ce"
        found += names.starting(typed, main=True)[:MAX_QUESTION_STARTS]
    as_typed = engine_answers(engine.ask(query, lang=lang, app=app), engine)
    longer = completed(query, names)
    if longer is None:
        found += as_typed
    else:
        as_completed = engine_answers(engine.ask(longer, lang=lang, app=app), engine)
        # A word the knowledge base does not know ("guang") is a name being typed: its
        # completion first. A word it knows ("hub") may be meant as typed.
        unknown = not engine.matcher.knows(key(query.split()[-1]))
        found += as_completed + as_typed if unknown else as_typed + as_completed
    found += names.starting(typed, main=False)[:MAX_QUESTION_STARTS]
    return [i for i in unique(found) if i in kb.entries][:MAX_RESULTS]


def shared_message(text: str) -> InputTextMessageContent:
    """What an inline result sends: Telegram HTML without link previews, like the bot's own
    messages, so a shared answer looks as it does in the chat with the bot."""
    return InputTextMessageContent(
        text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True)
    )


def article(
    entry: Entry, kb: KnowledgeBase, lang: Lang, bot_username: str
) -> InlineQueryResultArticle:
    """An answer to share: titled with what it answers, sent with its citation, and a button
    that opens it in the private chat with the bot (where it has all its buttons)."""
    fits = len(entry.id.encode()) <= InlineQueryResultLimit.MAX_ID_LENGTH
    topic = kb.topics.get(entry.topic)
    summary = " ".join(entry.answer[lang].split())
    opener = InlineKeyboardButton(
        label(t("button_open", lang)), url=links.entry_url(bot_username, entry.id)
    )
    return InlineQueryResultArticle(
        id=entry.id if fits else short_ref(entry.id),
        title=title(entry, topic, lang),
        description=shorten(summary, DESCRIPTION_COLUMNS) if summary else None,
        input_message_content=shared_message(entry_html(entry, lang, topic)),
        reply_markup=InlineKeyboardMarkup([[opener]]),
    )


def ask_in_private(query: str, lang: Lang) -> InlineQueryResultsButton:
    """The button above the results that opens the private chat, the query asked there if it
    fits a deep link (else the welcome)."""
    payload = links.question_payload(query) or "inline"
    return InlineQueryResultsButton(t("inline_ask_private", lang), start_parameter=payload)
