"""Every command, against the fake Bot API; the basic ones in both polling and webhook mode."""

from __future__ import annotations

import gc
import html
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import engine as engine_module
from bot.engine import Engine
from bot.knowledge import KnowledgeBase, Problem, built_in_path, load
from tests.support.running_bot import TELEGRAM_ADMIN_ID, RunningBot, button_data, buttons

# --- /start and /help ----------------------------------------------------------------------------


def test_start_welcomes_and_offers_the_main_topics(bot_each_mode: RunningBot) -> None:
    call = bot_each_mode.say("/start")
    assert "Hello" in call.params["text"]
    assert button_data(call) == ["m|e|platforms", "m|e|policies", "m|e|howto", "m|e|lang"]


def test_start_speaks_the_language_of_the_users_telegram_app(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say("/start", language_code="zh-hk")
    assert call.params["text"].startswith("你好")
    assert [label for label, _ in buttons(call)] == [
        "🤝 合作平台",
        "📋 政策主題",
        "❓ 如何提問",
        "🌐 語言",
    ]
    assert button_data(call) == ["m|t|platforms", "m|t|policies", "m|t|howto", "m|t|lang"]


def test_help_lists_the_commands(bot_each_mode: RunningBot) -> None:
    text = bot_each_mode.say("/help").params["text"]
    for command in ("/platforms", "/topics", "/lang", "/sources", "/about"):
        assert command in text


# --- platforms and topics ------------------------------------------------------------------------


def test_platforms_lists_each_platform_as_a_button(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say("/platforms")
    assert buttons(call) == [
        ("HK/Chongqing Conference", "t|e|chongqing"),  # its short name
        ("◀ Back", "m|e|start"),
    ]


def test_pressing_a_platform_lists_its_questions_in_place_of_the_menu(
    telegram_bot: RunningBot,
) -> None:
    menu = telegram_bot.say("/platforms")
    mark = telegram_bot.api.mark()
    telegram_bot.press("t|e|chongqing", message=menu.result)
    page = telegram_bot.api.wait_for("editMessageText", after=mark)
    assert page.params["message_id"] == menu.result["message_id"]
    assert page.result["text"].splitlines() == [
        "Hong Kong/Chongqing Co-operation Conference",
        "Questions 1–2 of 2. Pick a number:",
        "",
        "1. What is the HK/Chongqing Conference?",
        "2. Who leads the HK/Chongqing Conference?",
    ]
    assert buttons(page) == [
        ("1", "e|e|chongqing-overview"),
        ("2", "e|e|chongqing-leaders"),
        ("◀ Back", "m|e|platforms"),
    ]


def test_the_platforms_button_of_start_opens_the_platforms_menu(telegram_bot: RunningBot) -> None:
    welcome = telegram_bot.say("/start")
    mark = telegram_bot.api.mark()
    telegram_bot.press("m|e|platforms", message=welcome.result)
    menu = telegram_bot.api.wait_for("editMessageText", after=mark)
    assert menu.params["message_id"] == welcome.result["message_id"]
    assert button_data(menu) == ["t|e|chongqing", "m|e|start"]


def test_topics_lists_policies_then_platforms(telegram_bot: RunningBot) -> None:
    assert button_data(telegram_bot.say("/topics")) == ["t|e|cepa", "t|e|chongqing", "m|e|start"]


# --- /lang ---------------------------------------------------------------------------------------


def test_lang_offers_the_three_languages_each_in_itself(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say("/lang")
    assert buttons(call) == [("English", "l|e|"), ("繁體中文", "l|t|"), ("简体中文", "l|s|")]


def test_a_language_button_confirms_in_the_language_chosen(telegram_bot: RunningBot) -> None:
    prompt = telegram_bot.say("/lang")
    mark = telegram_bot.api.mark()
    telegram_bot.press("l|s|", message=prompt.result)
    edit = telegram_bot.api.wait_for("editMessageText", after=mark)
    assert edit.params["text"] == "我会以简体中文回答。"


def test_the_language_chosen_applies_to_later_answers(telegram_bot: RunningBot) -> None:
    telegram_bot.say("/lang zh-Hans")
    answer = telegram_bot.say("What is CEPA?")
    assert "内地与香港关于建立更紧密经贸关系的安排" in answer.params["text"]


def test_lang_auto_goes_back_to_the_language_of_each_question(telegram_bot: RunningBot) -> None:
    telegram_bot.say("/lang zh-Hans")
    assert (
        telegram_bot.say("/lang auto").params["text"]
        == "I will answer in the language of each question."
    )
    answer = telegram_bot.say("What is CEPA?")
    assert "Closer Economic Partnership Arrangement" in answer.params["text"]


def test_the_language_chosen_survives_a_restart(start_bot: Callable[..., RunningBot]) -> None:
    first = start_bot()
    first.say("/lang zh-Hant")
    first.stop()
    assert start_bot().say("/help").params["text"].startswith("請以")


def test_lang_with_an_unknown_language_explains_and_offers_buttons(
    telegram_bot: RunningBot,
) -> None:
    call = telegram_bot.say("/lang klingon")
    assert "/lang zh-Hant" in call.params["text"]
    assert button_data(call) == ["l|e|", "l|t|", "l|s|"]


# --- /sources and /about -------------------------------------------------------------------------


def test_sources_links_every_official_page_a_topic_at_a_time(telegram_bot: RunningBot) -> None:
    overview = telegram_bot.say("/sources")
    assert button_data(overview) == ["s|e|cepa", "s|e|chongqing", "m|e|start"]
    pages = []
    for data in ("s|e|cepa", "s|e|chongqing"):
        mark = telegram_bot.api.mark()
        telegram_bot.press(data, message=overview.result)
        pages.append(telegram_bot.api.wait_for("editMessageText", after=mark).params["text"])
    assert '<a href="https://www.info.gov.hk/gia/general/200306/29/0629129.htm">' in pages[0]
    assert '<a href="https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm">' in pages[1]


def test_about_says_it_is_not_official_and_how_current_it_is(telegram_bot: RunningBot) -> None:
    text = telegram_bot.say("/about").params["text"]
    assert "not an official government channel" in text
    assert "https://www.cmab.gov.hk/en/issues/regional_cooperation.htm" in text
    assert "11 May 2023" in text  # the newest as_of
    assert "25 November 2026" in text  # the latest date a source was read


def test_about_names_the_operator_of_an_official_deployment(
    start_bot: Callable[..., RunningBot],
) -> None:
    text = start_bot(official_operator="the CMAB").say("/about").params["text"]
    assert "official channel of the CMAB" in text
    assert "not an official" not in text


# --- the command menu and unknown commands -------------------------------------------------------


def test_the_command_menu_is_registered_in_english_and_chinese(telegram_bot: RunningBot) -> None:
    api = telegram_bot.api
    expected = ["start", "help", "platforms", "topics", "lang", "sources", "about"]
    assert api.commands_for("default") == expected
    assert api.commands_for("default", "zh") == expected
    chinese = api.commands[("default", "zh")]
    assert chinese[0]["description"] == "歡迎及主要主題"


def test_operators_see_the_admin_commands_in_their_own_chat(telegram_bot: RunningBot) -> None:
    menu = telegram_bot.api.commands_for(f"chat:{TELEGRAM_ADMIN_ID}")
    assert menu[-2:] == ["stats", "reload"]
    assert "stats" not in telegram_bot.api.commands_for("default")


def test_an_unknown_command_points_to_help(telegram_bot: RunningBot) -> None:
    text = telegram_bot.say("/frobnicate").result["text"]
    assert "don't know that command" in text and "/help" in text


# --- operators -----------------------------------------------------------------------------------


def test_stats_for_others_is_the_same_as_an_unknown_command(telegram_bot: RunningBot) -> None:
    unknown = telegram_bot.say("/frobnicate").params["text"]
    assert telegram_bot.say("/stats").params["text"] == unknown


def test_reload_for_others_is_the_same_as_an_unknown_command(telegram_bot: RunningBot) -> None:
    unknown = telegram_bot.say("/frobnicate").params["text"]
    assert telegram_bot.say("/reload").params["text"] == unknown


def test_stats_shows_answers_declines_and_feedback(telegram_bot: RunningBot) -> None:
    answer = telegram_bot.say("What is CEPA?", user_id=1)
    telegram_bot.press("u|e|cepa-overview", message=answer.result, user_id=1)
    telegram_bot.say("weather in shenzhen", user_id=2)
    telegram_bot.settle(1)
    telegram_bot.settle(2)
    text = telegram_bot.say("/stats", user_id=TELEGRAM_ADMIN_ID).params["text"]
    assert "<code>cepa-overview</code> — 1" in text
    assert "weather in shenzhen" in text
    assert "1 👍 / 0 👎 (100% positive)" in text


def test_stats_escapes_what_users_typed(telegram_bot: RunningBot) -> None:
    telegram_bot.say("<script>alert(1)</script> & co", user_id=2)
    telegram_bot.settle(2)
    text = telegram_bot.say("/stats", user_id=TELEGRAM_ADMIN_ID).params["text"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text
    assert not telegram_bot.api.errors


SIGNED = "signed on 29 June 2003"
EDITED = "signed in 2003 (edited)"


def edit_cepa(folder: Path) -> None:
    cepa = folder / "cepa.yaml"
    cepa.write_text(cepa.read_text().replace(SIGNED, EDITED))


def break_cepa(folder: Path) -> None:
    (folder / "cepa.yaml").write_text("topic: [unclosed\n")


def test_reload_serves_the_edited_knowledge_base(
    start_bot: Callable[..., RunningBot], make_kb: Callable[..., Path]
) -> None:
    folder = make_kb()
    bot = start_bot(knowledge=folder)
    edit_cepa(folder)
    reply = bot.say("/reload", user_id=TELEGRAM_ADMIN_ID).params["text"]
    assert reply.startswith("Reloaded: 3 answers in 2 topics")
    assert EDITED in bot.say("What is CEPA?").params["text"]


def test_reload_replaces_the_knowledge_base_and_its_matcher_together(
    start_bot: Callable[..., RunningBot], make_kb: Callable[..., Path]
) -> None:
    folder = make_kb()
    bot = start_bot(knowledge=folder)
    before = bot.app.bot_data.engine
    edit_cepa(folder)
    bot.say("/reload", user_id=TELEGRAM_ADMIN_ID)
    after = bot.app.bot_data.engine
    assert after.kb is not before.kb and after.matcher.kb is after.kb
    assert before.matcher.kb is before.kb  # a handler still using the old pair keeps a whole one


def test_three_reloads_leave_one_matcher_alive(telegram_bot: RunningBot) -> None:
    matchers = []
    for _ in range(3):
        telegram_bot.say("wat is cepaa", user_id=TELEGRAM_ADMIN_ID)  # fills the typo memory
        matchers.append(weakref.ref(telegram_bot.app.bot_data.engine.matcher))
        telegram_bot.say("/reload", user_id=TELEGRAM_ADMIN_ID)
    telegram_bot.settle(TELEGRAM_ADMIN_ID)  # the last /reload's handler has returned
    gc.collect()

    alive = [m for m in matchers if m() is not None]
    assert alive == []
    assert telegram_bot.app.bot_data.engine.matcher is not None


def test_reload_of_a_broken_knowledge_base_keeps_the_old_one_and_lists_the_errors(
    start_bot: Callable[..., RunningBot], make_kb: Callable[..., Path]
) -> None:
    folder = make_kb()
    bot = start_bot(knowledge=folder)
    before = bot.app.bot_data.engine
    break_cepa(folder)
    reply = bot.say("/reload", user_id=TELEGRAM_ADMIN_ID).params["text"]
    assert "kept serving the previous one" in reply
    assert f"{folder / 'cepa.yaml'}:" in reply
    assert bot.app.bot_data.engine is before
    assert SIGNED in bot.say("What is CEPA?").params["text"]


class HeldReload:
    """Holds `/reload` while it reads the knowledge base, until `finish`: so questions can be
    asked while a reload is in progress."""

    def __init__(self, bot: RunningBot, monkeypatch: pytest.MonkeyPatch) -> None:
        self.bot = bot
        self.reading, self.release = threading.Event(), threading.Event()
        real_load = engine_module.load

        def held_load(path: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
            self.reading.set()
            assert self.release.wait(10), "the test never let the reload go on"
            return real_load(path)

        monkeypatch.setattr(engine_module, "load", held_load)

    def begin(self) -> None:
        self.mark = self.bot.api.mark()
        self.bot.send(self.bot.api.make_message("/reload", user_id=TELEGRAM_ADMIN_ID))
        assert self.reading.wait(5), "the reload did not start"

    def finish(self) -> str:
        """Let the reload go on; its reply."""
        self.release.set()
        to_admin = self.bot.api.wait_for(
            lambda c: c.method == "sendMessage" and c.params["chat_id"] == TELEGRAM_ADMIN_ID,
            after=self.mark,
        )
        return to_admin.params["text"]


@pytest.mark.parametrize(
    ("change", "reloaded", "after"),
    [(edit_cepa, "Reloaded", EDITED), (break_cepa, "The knowledge base has", SIGNED)],
    ids=["edited", "broken"],
)
def test_questions_asked_during_a_reload_are_answered_by_the_running_knowledge_base(
    start_bot: Callable[..., RunningBot],
    make_kb: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
    reloaded: str,
    after: str,
) -> None:
    folder = make_kb()
    bot = start_bot(knowledge=folder)
    reload = HeldReload(bot, monkeypatch)
    change(folder)
    reload.begin()
    assert SIGNED in bot.say("What is CEPA?").params["text"]
    assert reload.finish().startswith(reloaded)
    assert after in bot.say("What is CEPA?").params["text"]


# --- the real knowledge base ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_engine() -> Engine:
    """The knowledge base the bot ships with, built once: loading it takes seconds."""
    kb, problems = load(built_in_path())
    if kb is None:
        pytest.skip(f"the real knowledge base does not load right now: {problems[0]}")
    return Engine.build(kb)


@pytest.fixture
def real_kb_bot(
    start_bot: Callable[..., RunningBot], real_engine: Engine
) -> tuple[RunningBot, KnowledgeBase]:
    """The bot on the real knowledge base; only checks that hold whatever its content use it."""
    return start_bot(knowledge=built_in_path(), engine=real_engine), real_engine.kb


def test_platforms_of_the_real_knowledge_base_are_all_offered(
    real_kb_bot: tuple[RunningBot, KnowledgeBase],
) -> None:
    bot, kb = real_kb_bot
    platforms = [f"t|e|{p.id}" for p in kb.platforms()]
    assert button_data(bot.say("/platforms")) == [*platforms, "t|e|platforms", "m|e|start"]


def test_sources_of_the_real_knowledge_base_all_reach_telegram(
    real_kb_bot: tuple[RunningBot, KnowledgeBase],
) -> None:
    bot, kb = real_kb_bot
    overview = bot.say("/sources")
    assert len(overview.result["text"].splitlines()) <= 15
    texts = []
    for topic in kb.topics.values():
        data = f"s|e|{topic.id}"
        while data:
            mark = bot.api.mark()
            bot.press(data, message=overview.result)
            page = bot.api.wait_for("editMessageText", after=mark)
            texts.append(page.params["text"])
            data = next((d for label, d in buttons(page) if label == "More ▶"), "")
    assert all(len(text) <= 4096 for text in texts)
    for source in kb.all_sources():
        assert any(html.escape(source.url) in text for text in texts), source.url
    assert not bot.api.errors
