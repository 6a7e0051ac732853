"""Any text at all, through the engine: normalising, language detection, matching and rendering.

A public bot is sent control characters, right-to-left marks, emoji, zero-width joiners, combining
marks, full-width forms, lone surrogates (Telegram's JSON can carry "\\ud800") and 100 KB pastes.
Whatever arrives, the engine must answer, clarify or decline: no exception, bounded time, a
confidence in [0, 1], a reply language it can speak, the same outcome for the same question, and
Telegram HTML that Telegram accepts, in one message. The Telegram handlers have their own tests.

The matcher is tried on the real knowledge base (knowledge/) and on the small fixture; HTML is
checked with the fake Bot API server's parser, which follows Telegram's.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge import Entry, KnowledgeBase, Source, load_or_raise
from bot.matcher import Matcher
from bot.render import message_text, plain, title, to_json
from bot.telegram.html import MESSAGE_LIMIT, entry_html, fit, outcome_html
from bot.text import LANGS, Lang, detect_language, normalise
from tests.support.fake_bot_api import parse_html, utf16_len

REAL_KB = Path(__file__).resolve().parent.parent / "knowledge"

# Generous for a busy 2-core CI machine: a question takes about a millisecond, a long one ten.
ENGINE_SETTINGS = settings(max_examples=40, deadline=500)

# Pieces that break naive text handling, and words that lead the matcher to answer or clarify, so
# that every kind of outcome is rendered.
NASTY = [
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\udcff",  # a non-UTF-8 byte from the command line (surrogateescape)
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200d",  # zero-width joiner
    "\u200b",  # zero-width space
    "\ufeff",  # byte-order mark
    "\u0301\u0301\u0301",  # combining marks with nothing to combine with
    "👨‍👩‍👧",  # family: emoji joined by ZWJ
    "🇭🇰",  # a flag: two regional indicators
    "𠝹𨋢",  # Cantonese characters beyond the Basic Multilingual Plane
    "ＣＥＰＡ",  # full-width
    "\ufdfa",  # one character that NFKC turns into eighteen
    "\u0345",  # combining Greek ypogegrammeni: casefolds to ι
    "ß",  # casefolds to "ss"
    "\x00",
    "\x1b[31m",
    "\r\n",
    "\u3000",  # ideographic space
    "<b>&amp;</b>",
    "cepa",
    "greater bay area",
    "who leads the chongqing conference",
    "what is the",
    "深圳",
    "粵港合作聯席會議",
    "大湾区",
    "的",
]

any_character = st.characters(exclude_categories=())  # lone surrogates included
hostile_text = st.lists(
    st.one_of(st.text(any_character, max_size=30), st.sampled_from(NASTY)), max_size=12
).map("".join)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    """The knowledge base users meet, loaded once per session."""
    return load_or_raise(REAL_KB)


@pytest.fixture(scope="session")
def real_matcher(real_kb: KnowledgeBase) -> Matcher:
    return Matcher(real_kb)


@pytest.fixture(scope="session", params=["knowledge", "fixture", "fixture-clarifying"])
def engine(
    request: pytest.FixtureRequest,
    real_kb: KnowledgeBase,
    real_matcher: Matcher,
    kb: KnowledgeBase,
    matcher: Matcher,
    clarifying_matcher: Matcher,
) -> tuple[KnowledgeBase, Matcher]:
    """The real knowledge base with its matcher, then the small fixture with its own, and with
    one that clarifies what it would answer (random text rarely lands between the thresholds)."""
    return {
        "knowledge": (real_kb, real_matcher),
        "fixture": (kb, matcher),
        "fixture-clarifying": (kb, clarifying_matcher),
    }[request.param]


def for_any_question(test: Callable[..., None]) -> Callable[..., None]:
    """Run `test` on many hostile questions (its `question` argument), each within the budget."""
    return ENGINE_SETTINGS(given(question=hostile_text)(test))


def telegram_text(message: str) -> str:
    """What Telegram shows for HTML `message`; raises HtmlParseError where Telegram would refuse it."""
    return parse_html(message)[0]


# --- text -----------------------------------------------------------------------------------------


@ENGINE_SETTINGS
@given(text=hostile_text)
def test_normalise_leaves_no_separator_control_or_surrogate(text: str) -> None:
    # Punctuation, symbols, spaces and control characters (surrogates included) all become one
    # space between words, so the index never sees them; "+" is kept, as in "9+2".
    result = normalise(text)
    assert all(
        ch == " " or ch == "+" or unicodedata.category(ch)[0] not in "PSZC" for ch in result
    ), ascii(result)
    assert result == result.strip()
    assert "  " not in result


@ENGINE_SETTINGS
@given(text=hostile_text)
def test_detect_language_is_always_a_reply_language(text: str) -> None:
    assert detect_language(text) in LANGS


# --- the matcher ----------------------------------------------------------------------------------


@for_any_question
def test_ask_gives_a_confidence_between_0_and_1(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    _, matcher = engine
    assert 0.0 <= matcher.ask(question).confidence <= 1.0


@for_any_question
def test_ask_replies_in_a_language_the_bot_speaks(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    _, matcher = engine
    assert matcher.ask(question).lang in LANGS


@for_any_question
def test_ask_gives_the_same_outcome_for_the_same_question(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    _, matcher = engine
    assert matcher.ask(question) == matcher.ask(question)


@for_any_question
def test_ask_outcome_is_one_the_renderers_handle(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    # An answer names its entry first; clarify and decline offer entries of the knowledge base.
    kb, matcher = engine
    outcome = matcher.ask(question)
    assert outcome.kind in ("answer", "clarify", "decline")
    assert outcome.kind != "answer" or outcome.candidates
    assert all(kb.entries[c.entry.id] == c.entry for c in outcome.candidates)


LONG_QUESTIONS = {
    "latin": "who leads the chongqing conference " * 3_000,
    "one-word": "x" * 100_000,
    "han": "粵港合作聯席會議" * 12_500,
    "emoji": "👨‍👩‍👧" * 20_000,
    "combining": "e\u0301" * 50_000,
    "nfkc-expanding": "\ufdfa" * 100_000,
    "surrogates": "\ud800\udfff" * 50_000,
}


@pytest.mark.parametrize("question", LONG_QUESTIONS.values(), ids=LONG_QUESTIONS.keys())
def test_100_kb_question_is_answered_within_two_seconds(
    real_matcher: Matcher, question: str
) -> None:
    assert len(question) >= 100_000
    start = time.perf_counter()
    real_matcher.ask(question)
    assert time.perf_counter() - start < 2.0  # a loose bound: the matcher reads only the start


# --- rendering an outcome -------------------------------------------------------------------------


@for_any_question
def test_outcome_html_is_html_telegram_accepts(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    kb, matcher = engine
    telegram_text(outcome_html(matcher.ask(question), kb))


@for_any_question
def test_outcome_html_fits_one_telegram_message(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    kb, matcher = engine
    assert utf16_len(telegram_text(outcome_html(matcher.ask(question), kb))) <= MESSAGE_LIMIT


@for_any_question
def test_to_json_is_utf8_json_that_reads_back_the_same(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    # As `coopbot ask --json` prints it: not ASCII-escaped, so a lone surrogate would not encode.
    kb, matcher = engine
    result = to_json(matcher.ask(question), kb)
    text = json.dumps(result, ensure_ascii=False).encode("utf-8")
    assert json.loads(text) == result


@for_any_question
def test_plain_starts_with_the_main_message(
    engine: tuple[KnowledgeBase, Matcher], question: str
) -> None:
    kb, matcher = engine
    outcome = matcher.ask(question)
    text = plain(outcome, kb)
    if outcome.entry is None:
        assert text.startswith(message_text(outcome, kb))
    else:  # under the line saying what it answers, the whole answer, in short paragraphs
        first, body = text.split("\n", 1)
        entry = outcome.entry
        assert first == title(entry, kb.topics.get(entry.topic), outcome.lang)
        assert "".join(body.split()).startswith("".join(outcome.entry.answer[outcome.lang].split()))


# --- rendering any entry, and cutting any message -------------------------------------------------

# Knowledge-base text comes from UTF-8 files, so it holds no surrogates; anything else goes, at
# lengths up to the largest answer meta.yaml may allow, dense with characters that count twice.
kb_text = st.text(st.characters(), max_size=40)
long_kb_text = st.builds(
    lambda head, filler, count: head + filler * count,
    kb_text,
    st.sampled_from(["a", "&", "<", "中", "😀", "𠝹", "e\u0301", "👨‍👩‍👧"]),
    st.integers(0, MESSAGE_LIMIT),
)
sources = st.lists(
    st.builds(
        Source,
        title=kb_text.filter(str.strip),
        url=kb_text.map(lambda path: "https://www.gov.hk/" + path),
    ),
    min_size=1,
    max_size=4,
)
entries = st.builds(
    lambda answer, found, as_of: Entry(
        id="hostile",
        topic="hostile",
        questions={lang: ("?",) for lang in LANGS},
        answer=dict.fromkeys(LANGS, answer),
        sources=tuple(found),
        as_of=as_of,
    ),
    long_kb_text,
    sources,
    st.none() | st.dates(dt.date(1997, 7, 1), dt.date(2100, 12, 31)),
)


@settings(max_examples=60, deadline=500)
@given(entry=entries, lang=st.sampled_from(LANGS))
def test_entry_html_is_one_telegram_message_whatever_the_entry(entry: Entry, lang: Lang) -> None:
    assert utf16_len(telegram_text(entry_html(entry, lang))) <= MESSAGE_LIMIT


def tagged(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """HTML of the kinds the bot sends: escaped text, and the tags it uses around HTML."""
    return st.one_of(
        st.builds(lambda body: f"<b>{body}</b>", inner),
        st.builds(lambda body: f"<i>{body}</i>", inner),
        st.builds(
            lambda url, body: f'<a href="https://{html.escape(url, quote=True)}">{body}</a>',
            kb_text,
            inner,
        ),
        st.lists(inner, max_size=4).map("".join),
    )


bot_html = st.recursive(long_kb_text.map(html.escape), tagged, max_leaves=8)


@settings(max_examples=100, deadline=500)
@given(message=bot_html, limit=st.integers(50, MESSAGE_LIMIT))
def test_fit_cuts_any_message_to_html_telegram_accepts_within_the_limit(
    message: str, limit: int
) -> None:
    assert utf16_len(telegram_text(fit(message, limit))) <= limit
