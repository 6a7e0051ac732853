"""Free-text questions, buttons, feedback and inline mode, against the fake Bot API."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.data import CEPA_ANSWER
from tests.support.doubles import FailingStorage
from tests.support.fake_bot_api import Call
from tests.support.running_bot import TELEGRAM_ADMIN_ID, RunningBot, button_data

# --- answers in each language --------------------------------------------------------------------


def test_an_english_question_gets_the_answer_with_its_citation_as_a_link(
    bot_each_mode: RunningBot,
) -> None:
    call = bot_each_mode.say("What is CEPA?")
    assert call.params["text"].startswith("<b>What is CEPA?</b>\nCEPA is the Mainland and Hong")
    link = '<a href="https://www.info.gov.hk/gia/general/200306/29/0629129.htm">'
    assert link in call.params["text"]
    assert [e["type"] for e in call.result["entities"]] == ["bold", "text_link"]


def test_an_answer_carries_feedback_buttons(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say("What is CEPA?")
    assert button_data(call)[-2:] == ["u|e|cepa-overview", "d|e|cepa-overview"]


def test_a_traditional_chinese_question_is_answered_in_traditional(
    telegram_bot: RunningBot,
) -> None:
    call = telegram_bot.say("渝港合作會議是甚麼？")
    assert "香港特區政府與重慶市之間的高層合作機制" in call.params["text"]
    assert button_data(call)[0] == "o|t|chongqing"  # the topic's questions, in the same language
    share = call.params["reply_markup"]["inline_keyboard"][-1][0]
    assert share == {"text": "↗ 分享", "switch_inline_query": "渝港合作會議是甚麼？"}


def test_a_simplified_chinese_question_is_answered_in_simplified(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say("渝港合作会议由谁主持？")
    assert "首次会议由行政长官与重庆市委书记带领" in call.params["text"]
    assert "资料截至2023年5月11日" in call.params["text"]


def test_a_dated_fact_says_as_of_when(telegram_bot: RunningBot) -> None:
    text = telegram_bot.say("Who leads the Hong Kong/Chongqing Co-operation Conference?").result
    assert "As of 11 May 2023." in text["text"]


# --- clarify and decline -------------------------------------------------------------------------


#: Two entries asked the same way: whatever the matcher's tuning, it cannot pick one of them.
TWINS = """
topic:
  id: twins
  kind: policy
  name: {en: Twin plans, zh-Hant: 雙生計劃}
  overview: twins-overview
entries:
  - id: twins-overview
    questions:
      en: ["Which plans are twins?", "list the twin plans"]
      zh-Hant: ["有哪些雙生計劃？"]
    answer: {en: There are two., zh-Hant: 有兩個。}
    sources: [{title: Twin plans, url: "https://www.info.gov.hk/twins.htm"}]
""" + "".join(
    f"""
  - id: twins-{side}
    questions:
      en: ["What is the twin harbour plan?", "twin harbour plan details"]
      zh-Hant: ["雙港計劃是甚麼？"]
    answer: {{en: The {side} half of the twin harbour plan., zh-Hant: 雙港計劃的{side}半部。}}
    sources: [{{title: Twin plan, url: "https://www.info.gov.hk/twins-{side}.htm"}}]
"""
    for side in ("east", "west")
)


@pytest.fixture
def twins_bot(start_bot: Callable[..., RunningBot], make_kb: Callable[..., Path]) -> RunningBot:
    return start_bot(knowledge=make_kb(twins=TWINS))


def test_an_ambiguous_question_offers_the_candidates_as_buttons(twins_bot: RunningBot) -> None:
    call = twins_bot.say("What is the twin harbour plan?")
    assert call.params["text"].startswith("I am not sure which of these you mean")
    assert sorted(button_data(call)) == ["e|e|twins-east", "e|e|twins-west"]


def test_pressing_a_candidate_answers_it(twins_bot: RunningBot) -> None:
    options = twins_bot.say("What is the twin harbour plan?")
    mark = twins_bot.api.mark()
    twins_bot.press("e|e|twins-west", message=options.result)
    answer = twins_bot.api.wait_for("sendMessage", after=mark)
    assert answer.result["text"].startswith(
        "What is the twin harbour plan?\nThe west half of the twin harbour plan."
    )


def test_a_button_answers_in_the_language_it_was_shown_in(telegram_bot: RunningBot) -> None:
    mark = telegram_bot.api.mark()
    telegram_bot.press("e|t|chongqing-leaders", language_code="en")
    answer = telegram_bot.api.wait_for("sendMessage", after=mark)
    assert "首次會議由行政長官與重慶市委書記帶領" in answer.params["text"]


def test_an_out_of_scope_question_is_declined_with_the_official_page(
    telegram_bot: RunningBot,
) -> None:
    call = telegram_bot.say("weather in shenzhen")
    assert call.result["text"].startswith("Sorry, I don't have an answer to that.")
    official = "https://www.cmab.gov.hk/en/issues/regional_cooperation.htm"
    assert f'<a href="{official}">' in call.params["text"]


def test_a_declined_question_is_kept_for_the_curators(
    telegram_bot: RunningBot, tmp_path: Path
) -> None:
    telegram_bot.say("weather in shenzhen")
    telegram_bot.stop()
    with sqlite3.connect(tmp_path / "coopbot.db") as db:
        assert db.execute("SELECT text FROM declined").fetchall() == [("weather in shenzhen",)]


def test_a_remark_on_a_subject_gets_a_friendly_line_and_that_subject_to_pick(
    telegram_bot: RunningBot, tmp_path: Path
) -> None:
    call = telegram_bot.say("my uncle worked on CEPA for years")
    assert call.params["text"].startswith("Thanks for sharing!")
    assert button_data(call)[0] == "e|e|cepa-overview"
    telegram_bot.stop()
    with sqlite3.connect(tmp_path / "coopbot.db") as db:
        assert db.execute("SELECT text FROM declined").fetchall() == []


# --- what users type -----------------------------------------------------------------------------


def test_hostile_markup_in_a_question_never_reaches_telegram_unescaped(
    telegram_bot: RunningBot,
) -> None:
    call = telegram_bot.say("<script>alert('x')</script> & <b>")
    assert "<script>" not in call.params["text"] and "<b>" not in call.params["text"]
    assert not telegram_bot.api.errors


def test_markup_in_the_knowledge_base_is_escaped(
    start_bot: Callable[..., RunningBot], make_kb: Callable[..., Path]
) -> None:
    folder = make_kb(cepa=("signed on 29 June 2003.", "signed on 29 June 2003 <b>& more</b>."))
    call = start_bot(knowledge=folder).say("What is CEPA?")
    assert "signed on 29 June 2003 &lt;b&gt;&amp; more&lt;/b&gt;." in call.params["text"]


def test_a_5000_character_message_gets_an_answer_within_telegrams_limit(
    telegram_bot: RunningBot,
) -> None:
    question = ("What is CEPA? " * 400)[:5000]
    call = telegram_bot.say(question)
    assert call.params["text"].startswith(CEPA_ANSWER)
    assert len(call.params["text"]) <= 4096


def test_a_bare_mention_asks_for_a_question(telegram_bot: RunningBot) -> None:
    mention = "@coopbot_test_bot"
    entities = [{"type": "mention", "offset": 0, "length": len(mention)}]
    call = telegram_bot.say(mention, entities=entities)
    assert call.params["text"].startswith("Please type a question")


# --- feedback ------------------------------------------------------------------------------------


def test_a_vote_is_thanked_and_shown_on_its_row(telegram_bot: RunningBot) -> None:
    answer = telegram_bot.say("Who leads the Hong Kong/Chongqing Co-operation Conference?")
    mark = telegram_bot.api.mark()
    thanks = telegram_bot.press("u|e|chongqing-leaders", message=answer.result)
    assert thanks.params["text"] == "Thank you for your feedback!"
    edit = telegram_bot.api.wait_for("editMessageReplyMarkup", after=mark)
    rows = edit.params["reply_markup"]["inline_keyboard"]
    assert rows[:-1] == answer.params["reply_markup"]["inline_keyboard"][:-1]
    assert [b["text"] for b in rows[-1]] == ["↗ Share", "👍 ✓", "👎"]
    again = telegram_bot.press("u|e|chongqing-leaders", message=edit.result)
    assert again.params["text"] == "You have voted already. Thank you!"


def test_feedback_is_saved_and_still_there_after_a_restart(
    start_bot: Callable[..., RunningBot], tmp_path: Path
) -> None:
    first = start_bot()
    answer = first.say("What is CEPA?")
    first.press("d|e|cepa-overview", message=answer.result)
    first.stop()
    with sqlite3.connect(tmp_path / "coopbot.db") as db:
        rows = db.execute("SELECT entry_id, up FROM feedback").fetchall()
    assert rows == [("cepa-overview", 0)]
    stats = start_bot().say("/stats", user_id=TELEGRAM_ADMIN_ID).params["text"]
    assert "<code>cepa-overview</code>: 0 👍 1 👎" in stats


@pytest.fixture
def failing_storage_bot(telegram_bot: RunningBot) -> RunningBot:
    """The bot once its storage fails every call."""
    bot_data = telegram_bot.app.bot_data
    bot_data.storage = FailingStorage(bot_data.storage)
    return telegram_bot


def write_failure_logged(bot: RunningBot, caplog: pytest.LogCaptureFixture) -> bool:
    bot.settle()  # the write comes after the reply
    return "storage write failed, carrying on: coopbot.db: saving failed" in caplog.text


def test_a_storage_failure_is_logged_and_the_user_still_gets_the_answer(
    failing_storage_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    answer = failing_storage_bot.say("What is CEPA?")
    assert answer.params["text"].startswith(CEPA_ANSWER)
    assert write_failure_logged(failing_storage_bot, caplog)


def test_a_vote_that_cannot_be_saved_is_logged_and_still_thanked(
    failing_storage_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    thanks = failing_storage_bot.press("u|e|cepa-overview")
    assert thanks.params["text"] == "Thank you for your feedback!"
    assert write_failure_logged(failing_storage_bot, caplog)


def test_a_decline_that_cannot_be_kept_is_logged_and_still_sent(
    failing_storage_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    decline = failing_storage_bot.say("weather in shenzhen")
    assert decline.result["text"].startswith("Sorry, I don't have an answer to that.")
    assert write_failure_logged(failing_storage_bot, caplog)


def test_a_language_choice_that_cannot_be_saved_is_logged_and_still_confirmed(
    failing_storage_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    assert failing_storage_bot.say("/lang zh-Hans").params["text"] == "我会以简体中文回答。"
    assert write_failure_logged(failing_storage_bot, caplog)


def test_a_language_button_that_cannot_be_saved_is_logged_and_still_confirmed(
    failing_storage_bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    prompt = failing_storage_bot.say("/lang")
    mark = failing_storage_bot.api.mark()
    failing_storage_bot.press("l|s|", message=prompt.result)
    edit = failing_storage_bot.api.wait_for("editMessageText", after=mark)
    assert edit.params["text"] == "我会以简体中文回答。"
    assert write_failure_logged(failing_storage_bot, caplog)


# --- buttons the bot never sent ------------------------------------------------------------------


#: The most callback data Telegram carries, random: 32 two-byte characters.
RANDOM_64_BYTES = "".join(map(chr, random.Random(64).choices(range(0x80, 0x800), k=32)))


@pytest.mark.parametrize(
    "forged",
    [
        "x|y|z",
        "e|e|no-such-entry",
        "t|e|no-such-topic",
        "hello",
        "zzz",
        RANDOM_64_BYTES,
    ],
    ids=["x|y|z", "no-such-entry", "no-such-topic", "hello", "zzz", "64-random-bytes"],
)
def test_unknown_or_stale_button_data_gets_a_polite_answer(
    telegram_bot: RunningBot, forged: str
) -> None:
    answer = telegram_bot.press(forged)
    assert answer.params["text"] == "This button no longer works. Please ask your question again."
    telegram_bot.settle()
    assert not telegram_bot.api.errors
    assert len(telegram_bot.api.sent("sendMessage")) == 1  # only the reply to /help


# --- inline mode ---------------------------------------------------------------------------------


def inline_answer(bot: RunningBot, query: str, **fields: Any) -> Call:
    mark = bot.api.mark()
    bot.send(bot.api.make_inline_query(query, **fields))
    return bot.api.wait_for("answerInlineQuery", after=mark)


def test_an_inline_query_lists_matching_answers_with_citations(telegram_bot: RunningBot) -> None:
    results = inline_answer(telegram_bot, "What is CEPA?").params["results"]
    assert results[0]["id"] == "cepa-overview"
    assert results[0]["title"] == "What is CEPA?"
    content = results[0]["input_message_content"]
    assert "https://www.info.gov.hk/gia/general/200306/29/0629129.htm" in content["message_text"]


def test_an_empty_inline_query_lists_the_topics(telegram_bot: RunningBot) -> None:
    results = inline_answer(telegram_bot, "").params["results"]
    assert [r["id"] for r in results] == ["cepa-overview", "chongqing-overview"]


def test_an_empty_inline_query_puts_the_most_asked_first(telegram_bot: RunningBot) -> None:
    telegram_bot.say("Who leads the Hong Kong/Chongqing Co-operation Conference?")
    telegram_bot.settle()
    results = inline_answer(telegram_bot, "").params["results"]
    assert results[0]["id"] == "chongqing-leaders"


def test_an_inline_query_in_chinese_lists_chinese_answers(telegram_bot: RunningBot) -> None:
    results = inline_answer(telegram_bot, "渝港合作會議是甚麼").params["results"]
    assert results[0]["title"] == "渝港合作會議是甚麼？"


def test_an_inline_query_without_a_match_offers_popular_answers_and_the_private_chat(
    telegram_bot: RunningBot,
) -> None:
    call = inline_answer(telegram_bot, "<b>weather</b> & rain")
    results = call.params["results"]
    assert [r["id"] for r in results] == ["cepa-overview", "chongqing-overview"]
    assert not any("Sorry" in r["input_message_content"]["message_text"] for r in results)
    button = call.params["button"]
    assert button["text"] == "Ask in private chat"
    assert button["start_parameter"].startswith("q_")


def test_a_language_choice_applies_to_the_question_sent_right_after_it(
    telegram_bot: RunningBot,
) -> None:
    api = telegram_bot.api
    mark = api.mark()
    telegram_bot.send(api.make_message("/lang zh-Hans"))
    telegram_bot.send(api.make_message("What is CEPA?"))  # without waiting for the first reply
    api.wait_for(lambda c: c.method == "sendMessage" and "CEPA" in c.params["text"], after=mark)
    texts = [c.params["text"] for c in api.sent("sendMessage") if c.index >= mark]
    assert texts[0] == "我会以简体中文回答。"
    assert texts[1].startswith("<b>CEPA是甚么？</b>\nCEPA即《内地与香港")
