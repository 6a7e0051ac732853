"""The Telegram experience on a phone (issue 13), through the real Application against the strict
fake Bot API: answers at a glance, menus browsed in place, /sources, a flood limit that spares
browsing, inline mode while typing, sharing and deep links, feedback, captions and forwards, and
group manners; in English, Traditional and Simplified Chinese."""

from __future__ import annotations

import base64
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.engine import Engine, short_ref
from bot.knowledge import built_in_path, load
from bot.render import PARAGRAPH_WIDTH, plain_answer, width
from bot.telegram.flood import PRESS_FACTOR, FloodGate
from bot.telegram.keyboards import MAX_LABEL_CHARS
from bot.telegram.links import entry_payload, question_payload
from tests.support.data import REPO_ROOT
from tests.support.fake_bot_api import BOT_USERNAME, DEFAULT_GROUP_ID, DEFAULT_USER_ID, Call
from tests.support.running_bot import TELEGRAM_ADMIN_ID, RunningBot, button_data, buttons
from tests.support.transcript import transcript

MENTION = f"@{BOT_USERNAME}"
FLOOD_NOTES = ("faster than I can answer", "速度太快")
GUANGDONG_LATEST_EN = "When was the latest HK/Guangdong Joint Conference meeting?"


@pytest.fixture(scope="module")
def shipped() -> Engine:
    """The knowledge base coopbot ships with, built once for the module."""
    kb, problems = load(built_in_path())
    assert kb is not None, problems[:1]
    return Engine.build(kb)


@pytest.fixture
def real_bot(start_bot: Callable[..., RunningBot], shipped: Engine) -> RunningBot:
    return start_bot(knowledge=built_in_path(), engine=shipped)


def press(bot: RunningBot, data: str, message: dict[str, Any], method: str, **fields: Any) -> Call:
    """Press a button on `message`; the first call of `method` the press made."""
    mark = bot.api.mark()
    bot.press(data, message=message, **fields)
    return bot.api.wait_for(method, after=mark)


def labelled(call: Call, label: str) -> str:
    """The data of the button labelled `label` under a message."""
    return next(data for text, data in buttons(call) if text == label)


def inline(bot: RunningBot, query: str, **fields: Any) -> Call:
    mark = bot.api.mark()
    bot.send(bot.api.make_inline_query(query, **fields))
    return bot.api.wait_for("answerInlineQuery", after=mark)


def group_say(bot: RunningBot, text: str, **fields: Any) -> tuple[dict[str, Any], Call]:
    """A group member's message addressed to the bot by a mention; (it, the bot's reply)."""
    message = bot.api.make_message(
        f"{MENTION} {text}",
        chat_type="supergroup",
        entities=[{"type": "mention", "offset": 0, "length": len(MENTION)}],
        **fields,
    )
    mark = bot.api.mark()
    bot.send(message)
    return message["message"], bot.api.wait_for("sendMessage", after=mark)


# --- 1. an answer at a glance ----------------------------------------------------------------------


def test_an_answer_reads_at_a_glance_title_paragraphs_sources_then_as_of(
    real_bot: RunningBot,
) -> None:
    call = real_bot.say("when was the last guangdong plenary")
    lines = call.result["text"].split("\n")
    assert lines[0] == GUANGDONG_LATEST_EN
    bold = call.result["entities"][0]
    assert (bold["type"], bold["offset"], bold["length"]) == ("bold", 0, len(lines[0]))
    sources = [line for line in lines if line.startswith("Source: ")]
    assert len(sources) == 2  # of four: the rest behind a button
    assert lines[-1] == "As of 3 December 2026."
    assert call.result["entities"][-1]["type"] == "italic"
    body = "\n".join(lines[1 : lines.index(sources[0])]).strip()
    assert all(width(p) <= PARAGRAPH_WIDTH for p in body.split("\n\n"))
    assert "🔗 More sources" in [label for label, _ in buttons(call)]


@pytest.mark.parametrize(
    ("question", "title", "as_of"),
    [
        (
            "粵港合作聯席會議最近一次會議係幾時？",
            "粵港合作聯席會議最近一次會議是何時？",
            "資料截至",
        ),
        (
            "粤港合作联席会议最近一次会议是什么时候",
            "粤港合作联席会议最近一次会议是何时？",
            "资料截至",
        ),
    ],
    ids=["zh-Hant", "zh-Hans"],
)
def test_an_answer_in_chinese_has_its_title_and_date_in_the_readers_script(
    real_bot: RunningBot, question: str, title: str, as_of: str
) -> None:
    lines = real_bot.say(question).result["text"].split("\n")
    assert lines[0] == title
    assert lines[-1].startswith(as_of)


def test_more_sources_shows_them_all_in_place_and_keeps_the_other_buttons(
    real_bot: RunningBot,
) -> None:
    answer = real_bot.say("when was the last guangdong plenary")
    edit = press(real_bot, "c|e|guangdong-latest", answer.result, "editMessageText")
    assert edit.params["message_id"] == answer.result["message_id"]
    assert len([ln for ln in edit.result["text"].split("\n") if ln.startswith("Source: ")]) == 4
    assert button_data(edit) == [d for d in button_data(answer) if d != "c|e|guangdong-latest"]


LONG_EN = " ".join(
    f"Sentence {n} of a long answer says one more thing about CEPA, its services and its goods, "
    f"at some length, so that the answer runs well past one phone screen."
    for n in range(1, 9)
)


@pytest.fixture
def long_answer_bot(
    start_bot: Callable[..., RunningBot], make_kb: Callable[..., Path]
) -> RunningBot:
    """The fixture knowledge base with a CEPA answer of eight long sentences (1,250 characters)."""
    folder = make_kb(
        meta=("max_answer_chars: 600", "max_answer_chars: 2000"),
        cepa=(
            "      en: CEPA is the Mainland and Hong Kong Closer Economic Partnership Arrangement, "
            "signed on 29 June 2003.",
            f"      en: {LONG_EN}",
        ),
    )
    return start_bot(knowledge=folder)


def test_a_long_answer_shows_a_screen_then_read_more_shows_the_rest_in_place(
    long_answer_bot: RunningBot,
) -> None:
    answer = long_answer_bot.say("What is CEPA?")
    shown = answer.result["text"]
    assert "Sentence 1 " in shown and "Sentence 8 " not in shown
    assert button_data(answer)[0] == "r|e|cepa-overview"
    edit = press(long_answer_bot, "r|e|cepa-overview", answer.result, "editMessageText")
    assert "Sentence 8 " in edit.result["text"]
    assert "r|e|cepa-overview" not in button_data(edit)
    assert edit.result["text"].count("\n\n") >= 4  # short paragraphs, not one wall


def test_the_shell_lays_an_answer_out_as_telegram_does(
    real_bot: RunningBot, shipped: Engine
) -> None:
    entry = shipped.kb.entries["guangdong-latest"]
    shell = plain_answer(entry, shipped.kb, "en").split("\n")
    telegram = real_bot.say("when was the last guangdong plenary").result["text"]
    paragraphs = [p for p in telegram.split("\n\n")[:-1]]
    assert shell[0] == GUANGDONG_LATEST_EN
    assert shell[1 : len(paragraphs) + 1] == [paragraphs[0].split("\n", 1)[1], *paragraphs[1:]]
    assert shell[-1] == "As of 3 December 2026." and shell[-2] == "…and 2 more sources."


# --- 2. menus you can browse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "platforms", "back"),
    [
        ("en", "🤝 Platforms", "◀ Back"),
        ("zh-hk", "🤝 合作平台", "◀ 返回"),
        ("zh-cn", "🤝 合作平台", "◀ 返回"),
    ],
)
def test_start_then_platforms_then_a_topic_then_back_all_edit_one_message(
    real_bot: RunningBot, code: str, platforms: str, back: str
) -> None:
    api = real_bot.api
    menu = real_bot.say("/start", language_code=code)
    assert len(buttons(menu)) == 4
    mark = api.mark()
    step = press(real_bot, labelled(menu, platforms), menu.result, "editMessageText")
    guangdong = next(d for d in button_data(step) if d.endswith("|guangdong"))
    step = press(real_bot, guangdong, step.result, "editMessageText")
    first_page = step.result["text"]
    step = press(
        real_bot,
        labelled(step, "More ▶" if code == "en" else "更多 ▶"),
        step.result,
        "editMessageText",
    )
    assert step.result["text"] != first_page
    for _ in range(3):  # the first page, the platforms, the main menu
        step = press(real_bot, labelled(step, back), step.result, "editMessageText")
    assert step.result["text"] == menu.result["text"]
    edits = api.sent("editMessageText")
    assert {c.params["message_id"] for c in edits if c.index >= mark} == {menu.result["message_id"]}
    assert not [c for c in api.sent("sendMessage") if c.index >= mark]


def test_a_topic_page_lists_every_question_of_the_topic_over_its_pages(
    real_bot: RunningBot, shipped: Engine
) -> None:
    page = real_bot.say("/platforms")
    page = press(real_bot, "t|t|guangdong", page.result, "editMessageText")
    listed: list[str] = []
    while True:
        listed += [d.split("|", 2)[2] for d in button_data(page) if d.startswith("e|")]
        more = [d for label, d in buttons(page) if label == "更多 ▶"]
        if not more:
            break
        page = press(real_bot, more[0], page.result, "editMessageText")
    everything = [e.id for e in shipped.kb.topic_entries("guangdong")]
    assert sorted(listed) == sorted(everything)
    assert listed[0] == "guangdong-overview"
    assert page.result["text"].startswith("粵港合作聯席會議\n問題 ")


def test_menus_name_topics_by_short_names_and_keep_the_platforms_overview_with_the_platforms(
    real_bot: RunningBot,
) -> None:
    menu = real_bot.say("/start")
    policies = press(real_bot, "m|e|policies", menu.result, "editMessageText")
    labels = [label for label, _ in buttons(policies)]
    assert "CEPA" in labels and "Greater Bay Area" in labels
    assert "t|e|platforms" not in button_data(policies)
    platforms = press(real_bot, "m|e|platforms", menu.result, "editMessageText")
    assert ("The platforms at a glance", "t|e|platforms") in buttons(platforms)


def test_how_to_ask_and_language_open_in_place_and_a_language_leads_back_to_the_menu(
    real_bot: RunningBot,
) -> None:
    menu = real_bot.say("/start")
    howto = press(real_bot, "m|e|howto", menu.result, "editMessageText")
    assert "/platforms" in howto.result["text"] and button_data(howto) == ["m|e|start"]
    picker = press(real_bot, "m|e|lang", howto.result, "editMessageText")
    assert button_data(picker) == ["l|e|", "l|t|", "l|s|", "m|e|start"]
    chosen = press(real_bot, "l|s|", picker.result, "editMessageText")
    assert chosen.result["text"] == "我会以简体中文回答。"
    assert [label for label, _ in buttons(chosen)][:2] == ["🤝 合作平台", "📋 政策主题"]


def test_pressing_a_menu_button_twice_is_no_error(telegram_bot: RunningBot) -> None:
    menu = telegram_bot.say("/start")
    first = press(telegram_bot, "m|e|platforms", menu.result, "editMessageText")
    again = telegram_bot.press("m|e|platforms", message=first.result)  # a double tap
    telegram_bot.settle()
    assert again.params.get("text") is None  # not "Sorry, something went wrong"
    assert [c.description for c in telegram_bot.api.errors] == [
        "Bad Request: message is not modified: specified new message content and reply markup "
        "are exactly the same as a current content and reply markup of the message"
    ]  # what Telegram says of an edit that changes nothing, and the bot lets pass


# --- 3. /sources ---------------------------------------------------------------------------------


def test_sources_is_one_short_message_with_a_button_per_topic(
    real_bot: RunningBot, shipped: Engine
) -> None:
    call = real_bot.say("/sources")
    text = call.result["text"]
    assert len(text.split("\n")) <= 15
    assert "official" in text and "cmab.gov.hk" in call.params["text"]
    assert {d.split("|", 2)[2] for d in button_data(call) if d.startswith("s|")} == set(
        shipped.kb.topics
    )
    page = press(real_bot, "s|e|guangdong", call.result, "editMessageText")
    assert page.result["text"].startswith("Sources: HK/Guangdong Joint Conference\n")
    assert button_data(page)[0] == "m|e|sources"


def test_sources_in_a_group_is_the_short_message_only(real_bot: RunningBot) -> None:
    call = real_bot.say("/sources", chat_type="supergroup", language_code="zh-hk")
    assert len(call.result["text"].split("\n")) <= 15
    assert "reply_markup" not in call.params
    assert "/sources" in call.result["text"]  # where to find each topic's pages


# --- 4. a flood limit that stops floods, not browsing ---------------------------------------------


def every_button(bot: RunningBot, first: dict[str, Any], limit: int = 400) -> list[Call]:
    """Press every button reachable from `first`, each kind of data once, as a user who presses
    everything; the bot's answer to each press."""
    api = bot.api
    pending, seen, answers = [first], set(), []
    while pending and len(answers) < limit:
        message = pending.pop(0)
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
            for key in row:
                data = key.get("callback_data")
                if data is None or data in seen:
                    continue
                seen.add(data)
                mark = api.mark()
                answers.append(bot.press(data, message=message))
                bot.settle()  # the press is done, its edits and messages sent
                made = [
                    c.result
                    for c in api.calls_since(mark)
                    if c.method in ("sendMessage", "editMessageText")
                    and c.ok
                    and c.params["chat_id"] == DEFAULT_USER_ID
                    and "reply_markup" in c.params
                ]
                pending += made
    return answers


def test_a_user_who_presses_every_button_is_never_muted_and_labels_fit_a_phone(
    start_bot: Callable[..., RunningBot],
) -> None:
    bot = start_bot()  # the default flood limit, and a clock as fast as the test
    api = bot.api
    answers = every_button(bot, bot.say("/start").result)
    assert len(answers) > 30
    assert not [a for a in answers if any(n in a.params.get("text", "") for n in FLOOD_NOTES)]
    assert not api.errors
    for call in api.sent():
        for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
            assert all(len(b["text"]) <= MAX_LABEL_CHARS for b in row), row
    assert button_data(bot.say("/lang")) == ["l|e|", "l|t|", "l|s|"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_browsing_never_costs_a_question_and_help_and_lang_are_never_dropped(
    start_bot: Callable[..., RunningBot],
) -> None:
    bot = start_bot(flood_limit=2)
    bot.app.bot_data.flood = FloodGate(2, clock=Clock())
    menu = bot.say("/start")  # one of the two messages a minute
    for _ in range(10):  # browsing: edits in place, not counted
        page = press(bot, "m|e|platforms", menu.result, "editMessageText")
        press(bot, "t|e|chongqing", page.result, "editMessageText")
        press(bot, "m|e|start", page.result, "editMessageText")
    assert bot.say("What is CEPA?").params["text"].startswith("<b>What is CEPA?</b>")
    mark = bot.api.mark()
    bot.send(bot.api.make_message("What is CEPA?"))  # over the limit: the note
    bot.send(bot.api.make_message("What is CEPA?"))  # then silence
    bot.send(bot.api.make_message("/lang"))  # but never for /lang and /help
    bot.settle()
    texts = [c.params["text"] for c in bot.api.sent("sendMessage") if c.index >= mark]
    assert [text.split(" ", 1)[0] for text in texts] == ["You", "Which", "Ask"]


def test_presses_that_post_have_their_own_budget_and_are_told_once(
    start_bot: Callable[..., RunningBot],
) -> None:
    bot = start_bot(flood_limit=1)
    bot.app.bot_data.flood = FloodGate(1, clock=Clock())
    bot.say("What is CEPA?")  # the one message a minute
    toasts = [bot.press("e|e|cepa-overview").params.get("text") for _ in range(PRESS_FACTOR + 2)]
    assert toasts[:PRESS_FACTOR] == [None] * PRESS_FACTOR  # answered, each a new message
    assert toasts[PRESS_FACTOR].startswith("You are pressing buttons faster")
    assert toasts[PRESS_FACTOR + 1] is None  # silence, but the button stops spinning


# --- 5. inline mode while typing -----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [*("guangdong"[:n] for n in range(2, 10)), *("粵港合作"[:n] for n in range(2, 5)), "粤港合"],
)
def test_each_prefix_of_guangdong_gives_guangdong_first(real_bot: RunningBot, typed: str) -> None:
    results = inline(real_bot, typed).params["results"]
    assert results[0]["id"] == "guangdong-overview"
    assert all(r["id"].startswith("guangdong-") for r in results[:5])


def test_hub_is_hubei_before_the_aviation_hub(real_bot: RunningBot) -> None:
    ids = [r["id"] for r in inline(real_bot, "hub").params["results"]]
    assert ids[0] == "hubei-overview"
    assert ids.index("fyp14-aviation-hub") > ids.index("hubei-latest")


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("shenz", "shenzhen-overview"),
        ("shenzen", "shenzhen-overview"),  # a typo
        ("who leads the guang", "guangdong-leaders"),
        ("what is ce", "cepa-overview"),
    ],
)
def test_names_and_questions_are_found_while_typed(
    real_bot: RunningBot, typed: str, first: str
) -> None:
    assert inline(real_bot, typed).params["results"][0]["id"] == first


def test_the_start_of_a_question_word_lists_questions_not_a_sorry(real_bot: RunningBot) -> None:
    titles = [r["title"] for r in inline(real_bot, "wh").params["results"]]
    assert len(titles) >= 5
    assert all(title.startswith("Wh") for title in titles[:5])


def test_nothing_found_lists_the_most_asked_and_a_button_to_ask_in_private(
    real_bot: RunningBot, shipped: Engine
) -> None:
    call = inline(real_bot, "weather in tsim sha tsui")
    results = call.params["results"]
    overviews = {topic.overview for topic in shipped.kb.topics.values()}
    assert results and {r["id"] for r in results} <= overviews  # nothing asked yet: overviews
    assert not any("Sorry" in r["input_message_content"]["message_text"] for r in results)
    payload = call.params["button"]["start_parameter"]
    assert base64.urlsafe_b64decode(payload[2:] + "==").decode() == "weather in tsim sha tsui"
    asked = real_bot.say(f"/start {payload}")
    assert asked.params["text"].startswith("Sorry, I don't have an answer to that.")


@pytest.mark.parametrize(
    ("typed", "code", "title"),
    [
        ("粵港", "en", "粵港合作聯席會議是甚麼？"),
        ("粤港合作", "en", "粤港合作联席会议是什么"),  # as its Simplified phrasings have it
        ("guangdong", "zh-hk", "What is the HK/Guangdong Joint Conference?"),
    ],
)
def test_inline_results_come_in_the_language_typed(
    real_bot: RunningBot, typed: str, code: str, title: str
) -> None:
    first = inline(real_bot, typed, language_code=code).params["results"][0]
    assert first["title"] == title
    opener = first["reply_markup"]["inline_keyboard"][0][0]
    assert opener["url"] == f"https://t.me/{BOT_USERNAME}?start=guangdong-overview"


def test_inline_results_are_cached_briefly_and_personal_only_where_the_user_matters(
    real_bot: RunningBot,
) -> None:
    english = inline(real_bot, "cepa", user_id=501).params
    assert english["cache_time"] <= 60 and english["is_personal"] is False
    real_bot.say("/lang zh-Hant", user_id=502)
    chosen = inline(real_bot, "cepa", user_id=502).params
    assert chosen["is_personal"] is True and chosen["results"][0]["title"] == "CEPA係乜嘢？"
    assert inline(real_bot, "", user_id=501).params["is_personal"] is True  # app's language


# --- 6. sharing and deep links -------------------------------------------------------------------


def test_share_offers_the_question_inline_and_that_query_finds_the_answer_first(
    real_bot: RunningBot,
) -> None:
    answer = real_bot.say("渝港合作會議由邊個主持")
    share = answer.params["reply_markup"]["inline_keyboard"][-1][0]
    assert share["text"] == "↗ 分享"
    query = share["switch_inline_query"]
    assert inline(real_bot, query).params["results"][0]["id"] == "chongqing-leaders"


@pytest.mark.parametrize(
    ("payload", "start"),
    [
        ("guangdong-latest", GUANGDONG_LATEST_EN),
        ("cepa", "What is CEPA?"),  # a topic: its overview
        ("_" + "0" * 16, "Hello!"),  # a reference to no entry: the welcome
        ("_" + short_ref("cepa-zero-tariff")[1:], "Does CEPA give Hong Kong goods zero tariffs?"),
        ("no-such-thing", "Hello!"),
        (question_payload("who chairs the hubei conference") or "", "Who leads the HK/Hubei"),
    ],
)
def test_a_deep_link_opens_its_answer_and_an_unknown_one_the_welcome(
    real_bot: RunningBot, payload: str, start: str
) -> None:
    assert real_bot.say(f"/start {payload}").result["text"].startswith(start)


def test_an_id_a_deep_link_cannot_hold_goes_by_its_short_reference() -> None:
    assert entry_payload("cepa-overview") == "cepa-overview"
    odd = entry_payload("cepa/overview: 2024")
    assert re.fullmatch(r"_[0-9a-f]{16}", odd) and odd[1:] == short_ref("cepa/overview: 2024")[1:]
    assert entry_payload("x" * 65).startswith("_")


# --- 7. feedback that helps ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "wanted", "official"),
    [
        (
            "Who leads the Hong Kong/Chongqing Co-operation Conference?",
            "What were you looking for?",
            "/en/",
        ),
        ("渝港合作會議由邊個主持？", "你想找甚麼？", "/tc/"),
    ],
    ids=["en", "zh-Hant"],
)
def test_a_vote_down_asks_what_was_missing_and_offers_other_questions_and_the_official_page(
    telegram_bot: RunningBot, question: str, wanted: str, official: str
) -> None:
    answer = telegram_bot.say(question)
    down = next(d for d in button_data(answer) if d.startswith("d|"))
    prompt = press(telegram_bot, down, answer.result, "sendMessage")
    assert wanted in prompt.result["text"]
    assert button_data(prompt) == [f"e|{down[2]}|chongqing-overview"]
    assert official in prompt.params["text"]
    shown = telegram_bot.api.sent("editMessageReplyMarkup")[-1]
    assert shown.params["reply_markup"]["inline_keyboard"][-1][2]["text"] == "👎 ✓"


def test_what_the_user_was_looking_for_is_kept_with_the_entry_and_still_answered(
    telegram_bot: RunningBot, tmp_path: Path
) -> None:
    answer = telegram_bot.say("What is CEPA?")
    press(telegram_bot, "d|e|cepa-overview", answer.result, "sendMessage")
    mark = telegram_bot.api.mark()
    telegram_bot.send(telegram_bot.api.make_message("who chairs the chongqing conference"))
    telegram_bot.settle()
    texts = [c.result["text"] for c in telegram_bot.api.sent("sendMessage") if c.index >= mark]
    assert texts[0] == "Thank you, I have passed that on."
    assert texts[1].startswith("Who leads the HK/Chongqing Conference?")
    after = telegram_bot.say("What is CEPA?")  # the next message is a question again
    assert after.result["text"].startswith("What is CEPA?")
    stats = telegram_bot.say("/stats", user_id=TELEGRAM_ADMIN_ID).result["text"]
    assert "cepa-overview: who chairs the chongqing conference" in stats
    telegram_bot.stop()
    with sqlite3.connect(tmp_path / "coopbot.db") as db:
        rows = db.execute("SELECT entry_id, text FROM feedback_comment").fetchall()
    assert rows == [("cepa-overview", "who chairs the chongqing conference")]


# --- 8. captions and forwards --------------------------------------------------------------------

PHOTO = [{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 60}]
DOCUMENT = {"file_id": "BQAC", "file_unique_id": "AgAF", "file_name": "cepa.pdf"}


def test_a_photos_caption_is_read_as_the_question(real_bot: RunningBot) -> None:
    call = real_bot.say(None, photo=PHOTO, caption="呢個係咪粵港合作聯席會議？")
    assert call.result["text"].startswith("粵港合作聯席會議是甚麼？\n")


def test_a_documents_caption_is_read_as_the_question(telegram_bot: RunningBot) -> None:
    call = telegram_bot.say(None, document=DOCUMENT, caption="what is cepa")
    assert call.result["text"].startswith("What is CEPA?\nCEPA is")


def test_a_captioned_photo_in_a_group_is_answered_when_it_mentions_the_bot(
    telegram_bot: RunningBot,
) -> None:
    caption = f"{MENTION} 渝港合作會議是甚麼？"
    call = telegram_bot.say(
        None,
        chat_type="supergroup",
        photo=PHOTO,
        caption=caption,
        caption_entities=[{"type": "mention", "offset": 0, "length": len(MENTION)}],
    )
    assert call.result["text"].startswith("渝港合作會議是甚麼？\n")


def test_a_forwarded_text_is_answered_like_a_typed_one(telegram_bot: RunningBot) -> None:
    origin = {"type": "hidden_user", "date": 1_700_000_000, "sender_user_name": "A friend"}
    call = telegram_bot.say("渝港合作会议由谁主持？", forward_origin=origin)
    assert call.result["text"].startswith("渝港合作会议由边个主持？\n首次会议")


# --- 9. group manners ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "line"),
    [
        ("thanks bot", "You're welcome!"),
        ("hello", "Hello! 👋"),
        ("唔該晒", "不用客氣！"),
        ("my dad worked at the shanghai office back then, bot", "👍"),  # a remark on a subject
    ],
)
def test_small_talk_in_a_group_is_one_short_line(
    real_bot: RunningBot, said: str, line: str
) -> None:
    _message, call = group_say(real_bot, said)
    assert call.result["text"] == line
    assert "reply_markup" not in call.params


def test_a_long_answer_in_a_group_is_a_reply_of_one_screen_with_read_more(
    long_answer_bot: RunningBot,
) -> None:
    message, call = group_say(long_answer_bot, "What is CEPA?")
    assert call.params["reply_parameters"]["message_id"] == message["message_id"]
    assert call.params["chat_id"] == DEFAULT_GROUP_ID
    private = long_answer_bot.say("What is CEPA?").result["text"]
    assert len(call.result["text"]) < len(private)
    assert button_data(call)[0] == "r|e|cepa-overview"


# --- the docs --------------------------------------------------------------------------------------


def test_the_session_in_the_docs_is_what_the_bot_shows(real_bot: RunningBot) -> None:
    docs = (REPO_ROOT / "docs" / "telegram.md").read_text(encoding="utf-8")
    shown = docs.split("<!-- transcript -->\n```\n", 1)[1].split("\n```\n<!-- /transcript -->")[0]
    assert transcript(real_bot) == shown, (
        "docs/telegram.md: paste `python -m tests.support.transcript`"
    )
