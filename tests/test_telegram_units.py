"""The Telegram layer's pure parts, without a Bot API server: callback data, flood gate, languages,
log redaction, the run settings, and the layout of answers, typos and comments awaited."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from telegram import Chat, InlineKeyboardMarkup, Message, Update, User

from bot.config import ConfigError, Settings, check_webhook
from bot.engine import Engine, short_ref
from bot.knowledge import KnowledgeBase, built_in_path, load
from bot.render import PARAGRAPH_WIDTH, paragraphs, sentences, title, width
from bot.telegram import browse, keyboards
from bot.telegram.feedback import TTL_SECONDS, AwaitingComment
from bot.telegram.flood import PRESS_FACTOR, FloodGate
from bot.telegram.handlers import answer_message, parse_lang
from bot.telegram.html import esc
from bot.telegram.inline import typo_distance_at_most_one
from bot.telegram.keyboards import Press, callback_data, parse
from bot.telegram.logs import REDACTED, redact, redact_in_logs
from bot.telegram.processor import PerUserUpdateProcessor
from bot.text import Lang, app_language

# --- callback data -------------------------------------------------------------------------------


def test_callback_data_round_trips_through_parse() -> None:
    data = callback_data(keyboards.ENTRY, "zh-Hant", "chongqing-leaders")
    assert data == "e|t|chongqing-leaders"
    assert parse(data) == Press("e", "zh-Hant", "chongqing-leaders")


def test_an_id_too_long_for_callback_data_becomes_a_short_reference() -> None:
    long_id = "x" * 80
    data = callback_data(keyboards.ENTRY, "en", long_id)
    assert len(data.encode()) <= keyboards.MAX_CALLBACK_BYTES
    press = parse(data)
    assert press is not None and press.arg.startswith("#")


def test_a_short_reference_resolves_to_its_entry(kb: KnowledgeBase) -> None:
    engine = Engine.build(kb)
    assert engine.entry(short_ref("cepa-overview")) is kb.entries["cepa-overview"]
    assert engine.topic(short_ref("chongqing")) is kb.topics["chongqing"]


@pytest.mark.parametrize(
    "data",
    [
        "",
        "e|e",  # no argument part
        "x|e|cepa-overview",  # unknown kind
        "e|q|cepa-overview",  # unknown language
        "l|e|cepa-overview",  # a language choice carries no argument
        "m|e|secrets",  # not a menu the bot has
        "é" * 40,  # over 64 bytes
    ],
)
def test_data_the_bot_never_makes_does_not_parse(data: str) -> None:
    assert parse(data) is None


def test_a_page_number_rides_on_the_kind_of_a_paged_button() -> None:
    data = callback_data(keyboards.TOPIC, "zh-Hans", "guangdong", page=2)
    assert data == "t2|s|guangdong"
    assert parse(data) == Press("t", "zh-Hans", "guangdong", 2)


@pytest.mark.parametrize("data", ["e2|e|cepa-overview", "t02|e|cepa", "t100|e|cepa", "t٣|e|cepa"])
def test_a_page_number_where_the_bot_puts_none_does_not_parse(data: str) -> None:
    assert parse(data) is None


def every_page(kb: KnowledgeBase, lang: Lang) -> list[InlineKeyboardMarkup | None]:
    """The keyboard of every menu, topic page, sources page, answer and list of questions."""
    markups = [browse.menu(kb, name, lang)[1] for name in keyboards.MENUS]
    for topic in kb.topics.values():
        entries = kb.topic_entries(topic.id)
        for page in range(browse.window(entries, browse.QUESTIONS_PER_PAGE, 0).total):
            markups.append(browse.topic_page(kb, topic, lang, page)[1])
        sources = browse.topic_sources(kb, topic)
        for page in range(browse.window(sources, browse.SOURCES_PER_PAGE, 0).total):
            markups.append(browse.topic_sources_page(kb, topic, lang, page)[1])
    markups += [
        keyboards.answer_keyboard(e, lang, more_text=True, more_sources=True)
        for e in kb.entries.values()
    ]
    markups.append(keyboards.choices_keyboard(list(kb.entries.values()), lang))
    return markups


def test_every_button_of_the_real_knowledge_base_fits_telegram_and_a_phone() -> None:
    kb, problems = load(built_in_path())
    if kb is None:
        pytest.skip(f"the real knowledge base does not load right now: {problems[:1]}")
    for lang in ("en", "zh-Hant", "zh-Hans"):
        for markup in every_page(kb, lang):
            assert markup is not None
            for row in markup.inline_keyboard:
                for button in row:
                    assert len(button.text) <= keyboards.MAX_LABEL_CHARS, button.text
                    assert not button.text.endswith("…"), button.text  # never cut: short names
                    if button.switch_inline_query is not None:
                        continue
                    assert len(button.callback_data.encode()) <= 64, button.callback_data
                    assert parse(button.callback_data) is not None, button.callback_data


def test_long_button_labels_are_cut_with_an_ellipsis() -> None:
    label = keyboards.label("word " * 30)
    assert len(label) <= keyboards.MAX_LABEL_CHARS and label.endswith("…")


def test_a_vote_marks_its_button_and_keeps_the_rest(kb: KnowledgeBase) -> None:
    entry = kb.entries["chongqing-overview"]
    markup = keyboards.answer_keyboard(entry, "en", more_text=True, more_sources=False)
    voted = keyboards.with_vote(markup, up=False)
    texts = [[b.text for b in row] for row in voted.inline_keyboard]
    assert texts == [["📖 Read more"], ["📂 More questions"], ["↗ Share", "👍", "👎 ✓"]]
    assert keyboards.vote_shown(voted, keyboards.DOWN)
    assert not keyboards.vote_shown(voted, keyboards.UP)
    changed = keyboards.with_vote(voted, up=True)
    assert [b.text for b in changed.inline_keyboard[-1]] == ["↗ Share", "👍 ✓", "👎"]


def test_a_pressed_read_more_leaves_the_keyboard_without_it(kb: KnowledgeBase) -> None:
    entry = kb.entries["chongqing-overview"]
    markup = keyboards.answer_keyboard(entry, "en", more_text=True, more_sources=True)
    after = keyboards.without(markup, keyboards.READ_MORE)
    assert after is not None
    assert [b.text for b in after.inline_keyboard[0]] == ["🔗 More sources"]
    assert not keyboards.has_button(after, keyboards.READ_MORE)
    assert keyboards.has_button(after, keyboards.CITATIONS)


# --- flood gate ----------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_flood_gate_serves_up_to_the_limit_then_warns_once_then_drops() -> None:
    gate = FloodGate(3, clock=Clock())
    verdicts = [gate.check(1) for _ in range(6)]
    assert verdicts == ["serve", "serve", "serve", "warn", "drop", "drop"]


def test_flood_gate_serves_again_once_the_minute_has_passed() -> None:
    clock = Clock()
    gate = FloodGate(2, clock=clock)
    for _ in range(4):
        gate.check(1)
    clock.now += FloodGate.WINDOW
    assert [gate.check(1) for _ in range(4)] == ["serve", "serve", "warn", "drop"]


def test_flood_gate_counts_presses_apart_and_allows_more_of_them() -> None:
    gate = FloodGate(2, clock=Clock())
    assert [gate.check(1) for _ in range(3)] == ["serve", "serve", "warn"]
    presses = [gate.check(1, "press") for _ in range(2 * PRESS_FACTOR + 1)]
    assert presses == ["serve"] * 2 * PRESS_FACTOR + ["warn"]


def test_flood_gate_counts_each_user_apart() -> None:
    gate = FloodGate(1, clock=Clock())
    assert gate.check(1) == "serve"
    assert gate.check(2) == "serve"
    assert gate.check(1) == "warn"


# --- languages -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        (None, "en"),
        ("en", "en"),
        ("de", "en"),
        ("zh-hans", "zh-Hans"),
        ("zh-cn", "zh-Hans"),
        ("zh-hant", "zh-Hant"),
        ("zh-hk", "zh-Hant"),
        ("zh-TW", "zh-Hant"),
        ("zh", "zh-Hant"),
    ],
)
def test_telegram_language_codes_map_to_the_bots_languages(code: str | None, lang: str) -> None:
    assert app_language(code) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("en", "en"),
        ("ZH_hant", "zh-Hant"),
        ("zh-Hans", "zh-Hans"),
        ("繁體中文", "zh-Hant"),
        ("xx", None),
    ],
)
def test_lang_arguments_are_read_as_people_type_them(text: str, lang: str | None) -> None:
    assert parse_lang(text) == lang


# --- the token out of the logs -------------------------------------------------------------------

SECRET = "987654321:UnitTestSecretToken-abcdefghijklmnopq"


def test_redaction_blanks_the_token_in_message_arguments(caplog: pytest.LogCaptureFixture) -> None:
    redact_in_logs(SECRET)
    with caplog.at_level(logging.INFO, logger="httpx"):
        logging.getLogger("httpx").info(
            'HTTP Request: POST %s "200 OK"', f"https://x/bot{SECRET}/getMe"
        )
    assert SECRET not in caplog.text
    assert REDACTED in caplog.records[-1].getMessage()


def test_redaction_blanks_the_token_in_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    redact_in_logs(SECRET)
    try:
        raise RuntimeError(f"The token `{SECRET}` was rejected by the server.")
    except RuntimeError:
        logging.getLogger("telegram.ext").exception("start-up failed")
    assert SECRET not in caplog.text
    assert REDACTED in caplog.text


def test_redact_blanks_the_token_in_plain_text() -> None:
    redact_in_logs(SECRET)
    assert redact(f"error at /bot{SECRET}/x") == f"error at /bot{REDACTED}/x"


# --- run settings --------------------------------------------------------------------------------


def test_a_webhook_needs_an_https_url() -> None:
    with pytest.raises(ConfigError, match="https"):
        check_webhook("http://bot.example.org/hook", "secret")


def test_a_webhook_needs_a_secret() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        check_webhook("https://bot.example.org/hook", None)


def test_a_webhook_secret_may_use_only_telegrams_characters() -> None:
    with pytest.raises(ConfigError, match="A-Z"):
        check_webhook("https://bot.example.org/hook", "not secret!")


def test_the_webhook_is_served_on_the_path_of_its_public_url() -> None:
    assert check_webhook("https://bot.example.org/telegram/hook", "s3cret") == "telegram/hook"


def test_flags_override_the_environment() -> None:
    from bot.cli import build_parser, run_settings

    env = {
        "TELEGRAM_BOT_TOKEN": SECRET,
        "TELEGRAM_API_URL": "http://env.example",
        "COOPBOT_DB": "/env.db",
    }
    args = build_parser().parse_args(["run", "--api-url", "http://flag.example/", "--db", "x.db"])
    settings = run_settings(args, env)
    assert (settings.api_url, settings.db_path) == ("http://flag.example", Path("x.db"))


def test_an_unknown_log_level_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        Settings.from_env({"LOG_LEVEL": "chatty"})


# --- documentation -------------------------------------------------------------------------------


def test_every_setting_is_in_env_example_and_the_telegram_docs() -> None:
    root = Path(__file__).resolve().parent.parent
    source = (root / "bot" / "config.py").read_text(encoding="utf-8")
    names = set(re.findall(r'(?:\.get\(|env\[|env, )"([A-Z][A-Z0-9_]+)"', source))
    assert {"TELEGRAM_BOT_TOKEN", "PORT", "COOPBOT_FLOOD_LIMIT"} <= names  # the pattern works
    # The XDG standard's, read only for the default paths of the database and the engine cache.
    names -= {"XDG_DATA_HOME", "XDG_CACHE_HOME"}
    example = (root / ".env.example").read_text(encoding="utf-8")
    docs = (root / "docs" / "telegram.md").read_text(encoding="utf-8")
    for name in sorted(names):
        assert re.search(rf"^{name}=", example, re.MULTILINE), f"{name} not in .env.example"
        assert f"`{name}`" in docs, f"{name} not in docs/telegram.md"


# --- one user at a time --------------------------------------------------------------------------


def update_from(user_id: int, update_id: int) -> Update:
    user = User(user_id, "Test", is_bot=False)
    chat = Chat(user_id, Chat.PRIVATE)
    message = Message(update_id, dt.datetime.now(dt.UTC), chat, from_user=user, text="hi")
    return Update(update_id, message=message)


async def test_one_users_updates_run_in_order_and_other_users_alongside() -> None:
    processor = PerUserUpdateProcessor(8)
    events: list[str] = []

    async def work(name: str, delay: float) -> None:
        events.append(f"start {name}")
        await asyncio.sleep(delay)
        events.append(f"end {name}")

    await asyncio.gather(
        processor.process_update(update_from(1, 1), work("first", 0.05)),
        processor.process_update(update_from(1, 2), work("second", 0)),
        processor.process_update(update_from(2, 3), work("other", 0)),
    )
    assert events.index("end first") < events.index("start second")
    assert events.index("end other") < events.index("end first")


# --- laying out answers, typing inline, waiting for a comment ------------------------------------


def test_sentences_do_not_end_at_an_abbreviation_or_an_initial() -> None:
    text = "It meets No. 2 as U.S. President J. Doe said. Note: it is new! 第一句。第二句「引號」。Last?"
    assert sentences(text) == [
        "It meets No. 2 as U.S. President J. Doe said.",
        "Note: it is new!",
        "第一句。",
        "第二句「引號」。",
        "Last?",
    ]


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_paragraphs_keep_every_sentence_in_order_within_the_width(lang: str) -> None:
    sentence = (
        "A sentence of some length about co-operation. " if lang == "en" else "一句關於合作的話。"
    )
    text = (sentence * 30).strip()
    parts = paragraphs(text)
    assert len(parts) > 1
    assert all(width(p) <= PARAGRAPH_WIDTH for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_a_title_names_the_topic_by_its_short_name(kb: KnowledgeBase) -> None:
    entry, topic = kb.entries["chongqing-leaders"], kb.topics["chongqing"]
    assert title(entry, topic, "en") == "Who leads the HK/Chongqing Conference?"
    assert title(entry, None, "en") == entry.question("en")


@pytest.mark.parametrize(
    ("typed", "meant", "close"),
    [
        ("shenzen", "shenzhen", True),  # a letter left out
        ("hubie", "hubei", True),  # two swapped
        ("guangdomg", "guangdong", True),  # one wrong
        ("guangdongg", "guangdong", True),  # one too many
        ("gaungdogn", "guangdong", False),  # two typos
    ],
)
def test_one_typo_is_forgiven_two_are_not(typed: str, meant: str, close: bool) -> None:
    assert typo_distance_at_most_one(typed, meant) is close


def test_a_comment_is_awaited_ten_minutes_taken_once_and_within_a_bound() -> None:
    clock = Clock()
    waiting = AwaitingComment(clock=clock, limit=2)
    waiting.put((1, 1), "cepa-overview")
    assert waiting.pop((1, 1)) == "cepa-overview"
    assert waiting.pop((1, 1)) is None  # taken with the reply
    waiting.put((1, 2), "cepa-overview")
    clock.now += TTL_SECONDS + 1
    assert waiting.pop((1, 2)) is None  # too late: a new question, not a reply
    for user in range(3, 6):
        waiting.put((1, user), "cepa-overview")
    assert len(waiting) == 2 and waiting.pop((1, 3)) is None  # the longest waiting went


def test_a_compared_answer_is_one_message_with_both_answers(kb: KnowledgeBase) -> None:
    first, second = list(kb.entries.values())[:2]
    text, markup = answer_message(first, kb, "en", PARAGRAPH_WIDTH, also=(second,))
    for entry in (first, second):
        assert f"<b>{esc(title(entry, kb.topics[entry.topic], 'en'))}</b>" in text
    assert f"|{first.id}" in str(markup.to_dict())  # its buttons are the first answer's
