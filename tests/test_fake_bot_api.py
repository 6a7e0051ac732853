"""Tests of the fake Bot API server itself.

The bot's own tests trust this fake to refuse what Telegram refuses and to accept what Telegram
accepts; these tests pin both halves down, first with plain HTTP (so the wire format is under our
control) and then with a real python-telegram-bot ``Bot`` (so PTB's own encoding is covered).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.ext import Application, CommandHandler
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from tests.support.bot_api_spec import COMMITTED_SPEC, SPEC_ENV_VAR, load_spec, spec_path
from tests.support.fake_bot_api import (
    BOT_USERNAME,
    DEFAULT_USER_ID,
    FakeBotApi,
    parse_html,
)

TOKEN = "123456:TEST-token_for_the_fake"
CHAT_ID = 4242

Post = Callable[..., httpx.Response]


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def http(api: FakeBotApi) -> Iterator[httpx.Client]:
    """A plain HTTP client on ``/bot<TOKEN>/``; trust_env=False keeps proxies out of the way."""
    with httpx.Client(
        base_url=f"{api.base_url}{TOKEN}/", trust_env=False, verify=False, timeout=10
    ) as client:
        yield client


@pytest.fixture
def post(http: httpx.Client) -> Post:
    """``post("sendMessage", chat_id=1, text="hi")`` sends form-encoded params like PTB does."""

    def _post(method: str, **params: Any) -> httpx.Response:
        form = {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in params.items()
        }
        return http.post(method, data=form)

    return _post


@pytest.fixture
def send(post: Post) -> Post:
    """``send("hi", parse_mode="HTML")``: a sendMessage to the test chat, the usual call."""

    def _send(text: str, **params: Any) -> httpx.Response:
        return post("sendMessage", chat_id=CHAT_ID, text=text, **params)

    return _send


@pytest.fixture
async def bot(api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    """PTB's own HTTPXRequest; verify=False only skips building TLS contexts for plain HTTP."""
    request = HTTPXRequest(httpx_kwargs={"verify": False})
    async with telegram.Bot(TOKEN, base_url=api.base_url, request=request) as ptb_bot:
        yield ptb_bot


@pytest.fixture
def inline_query_id(api: FakeBotApi) -> str:
    """An inline query the bot may answer (the fake refuses answers to unknown query ids)."""
    update = api.make_inline_query("hong kong")
    api.push_update(update)
    return update["inline_query"]["id"]


@pytest.fixture
def callback_query_id(api: FakeBotApi) -> str:
    update = api.make_callback_query("more")
    api.push_update(update)
    return update["callback_query"]["id"]


def description(response: httpx.Response) -> str:
    body = response.json()
    assert body["ok"] is False, body
    return body["description"]


def keyboard(**button: Any) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": "Press", **button}]]}


def article(result_id: str, text: str = "answer", **content: Any) -> dict[str, Any]:
    return {
        "type": "article",
        "id": result_id,
        "title": "Title",
        "input_message_content": {"message_text": text, **content},
    }


# --------------------------------------------------------------------------------------------
# Accepting valid calls
# --------------------------------------------------------------------------------------------


def test_valid_send_message_is_accepted_with_a_message(send: Post) -> None:
    response = send("Hello")

    assert response.status_code == 200
    result = response.json()["result"]
    assert result["text"] == "Hello"
    assert result["chat"]["id"] == CHAT_ID
    assert isinstance(result["date"], int)


def test_message_ids_increase_with_each_message(send: Post) -> None:
    first = send("one").json()["result"]["message_id"]
    second = send("two").json()["result"]["message_id"]

    assert second > first


def test_json_body_is_accepted(http: httpx.Client) -> None:
    response = http.post(
        "sendMessage",
        json={"chat_id": CHAT_ID, "text": "hi", "reply_markup": keyboard(url="https://a.hk")},
    )

    assert response.status_code == 200, response.text


def test_multipart_upload_is_accepted_and_the_file_recorded(
    api: FakeBotApi, http: httpx.Client
) -> None:
    payload = b"\x00\r\n--binary--\r\n\xff"
    response = http.post(
        "sendDocument",
        data={"chat_id": str(CHAT_ID), "caption": "<b>report</b>", "parse_mode": "HTML"},
        files={"document": ("report.bin", payload, "application/octet-stream")},
    )

    assert response.status_code == 200, response.text
    assert api.sent("sendDocument")[0].files["document"].data == payload


def test_method_names_are_case_insensitive_like_telegram(http: httpx.Client) -> None:
    assert http.post("getme").json()["result"]["username"] == BOT_USERNAME


def test_params_are_recorded_decoded_to_python_values(api: FakeBotApi, post: Post) -> None:
    post(
        "sendMessage",
        chat_id=CHAT_ID,
        text="hi",
        disable_notification=True,
        reply_markup=keyboard(callback_data="a"),
    )

    params = api.sent("sendMessage")[0].params
    assert params["chat_id"] == CHAT_ID
    assert params["disable_notification"] is True
    assert params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


# --------------------------------------------------------------------------------------------
# Refusing what Telegram refuses
# --------------------------------------------------------------------------------------------


def test_unknown_method_is_answered_404_not_found(post: Post) -> None:
    response = post("sendMesage", chat_id=CHAT_ID, text="hi")

    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


def test_unknown_parameter_is_refused(send: Post) -> None:
    response = send("hi", parse_mod="HTML")

    assert response.status_code == 400
    assert 'unknown parameter "parse_mod"' in description(response)


def test_missing_chat_id_is_refused(post: Post) -> None:
    response = post("sendMessage", text="hi")

    assert response.status_code == 400
    assert description(response) == "Bad Request: chat_id is empty"


def test_errors_have_telegrams_shape(post: Post) -> None:
    body = post("sendMessage", text="hi").json()

    assert set(body) == {"ok", "error_code", "description"}
    assert body["error_code"] == 400
    assert body["description"].startswith("Bad Request: ")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"disable_notification": "maybe"}, "must be of type Boolean"),
        ({"message_thread_id": "seven"}, "must be of type Integer"),
        ({"reply_markup": keyboard(callback_data=5)}, "callback_data must be of type String"),
        ({"reply_markup": "{not json"}, "JSON-serialized"),
        ({"link_preview_options": {"is_disabled": "yes"}}, "is_disabled must be of type Boolean"),
        ({"reply_parameters": {"message_id": "1"}}, "message_id must be of type Integer"),
        ({"entities": [{"type": "bold", "offset": 0}]}, "length is required in MessageEntity"),
    ],
    ids=[
        "boolean",
        "integer",
        "nested-button-field",
        "malformed-json",
        "link-preview-options",
        "reply-parameters",
        "message-entity",
    ],
)
def test_value_of_the_wrong_type_is_refused(
    send: Post, params: dict[str, Any], expected: str
) -> None:
    response = send("hi", **params)

    assert response.status_code == 400
    assert expected in description(response)


def test_unknown_field_inside_an_object_is_refused(send: Post) -> None:
    response = send("hi", reply_markup=keyboard(callback_dat="x"))

    assert response.status_code == 400
    assert "callback_dat is not a field of InlineKeyboardButton" in description(response)


def test_chat_id_that_is_neither_number_nor_username_is_refused(post: Post) -> None:
    response = post("sendMessage", chat_id="coopbot", text="hi")

    assert description(response) == "Bad Request: chat not found"


def test_text_of_4097_characters_is_refused(send: Post) -> None:
    response = send("x" * 4097)

    assert response.status_code == 400
    assert description(response) == "Bad Request: message is too long"


def test_text_of_4096_characters_is_accepted(send: Post) -> None:
    assert send("x" * 4096).status_code == 200


def test_text_length_counts_utf16_code_units(send: Post) -> None:
    """An emoji outside the BMP is two UTF-16 code units, so 2049 of them exceed 4096."""
    assert send("😀" * 2048).status_code == 200
    assert send("😀" * 2049).status_code == 400


def test_text_length_is_measured_after_html_parsing(send: Post) -> None:
    text = "<b>" + "&amp;" * 4096 + "</b>"

    assert send(text, parse_mode="HTML").status_code == 200


def test_empty_text_is_refused(send: Post) -> None:
    response = send("<b> </b>", parse_mode="HTML")

    assert description(response) == "Bad Request: message text is empty"


@pytest.mark.parametrize(
    "text",
    [
        "<b>x",
        "<script>alert(1)</script>",
        "1 < 2",
        "fish & chips",
        "<b>x</i>",
        "x</b>",
        "<span>hidden</span>",
        '<a href="https://a.hk/?a=1&b=2">link</a>',
        "&nbsp;",
    ],
    ids=[
        "unclosed",
        "unsupported-tag",
        "bare-less-than",
        "bare-ampersand",
        "misnested",
        "stray-end-tag",
        "span-without-spoiler",
        "bare-ampersand-in-href",
        "unsupported-named-entity",
    ],
)
def test_bad_html_is_refused(send: Post, text: str) -> None:
    response = send(text, parse_mode="HTML")

    assert response.status_code == 400
    assert description(response).startswith("Bad Request: can't parse entities: ")


@pytest.mark.parametrize(
    "text",
    [
        "1 &lt; 2 &amp;&amp; 3 &gt; 2, &quot;quoted&quot;",
        "<b>b</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins> <s>s</s>",
        '<strike>k</strike> <del>d</del> <span class="tg-spoiler">x</span> <tg-spoiler>y</tg-spoiler>',
        '<a href="https://a.hk/?a=1&amp;b=2">link</a> <tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>',
        '<pre><code class="language-python">print("hi")</code></pre> <code>x</code>',
        "<blockquote>q</blockquote><blockquote expandable>long</blockquote>",
        "&#128512; &#x1F600; > is fine bare",
        "<b>bold <i>and italic</i></b>",
    ],
)
def test_valid_html_is_accepted(send: Post, text: str) -> None:
    response = send(text, parse_mode="HTML")

    assert response.status_code == 200, response.text


def test_html_reply_carries_plain_text_and_entities(send: Post) -> None:
    result = send("<b>Hi</b> &amp; bye", parse_mode="HTML").json()["result"]

    assert result["text"] == "Hi & bye"
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 2}]


def test_parse_html_reports_telegrams_byte_offsets() -> None:
    with pytest.raises(ValueError, match='Unsupported start tag "x" at byte offset 3'):
        parse_html("é <x>")


def test_unsupported_parse_mode_is_refused(send: Post) -> None:
    response = send("hi", parse_mode="htm")

    assert description(response) == "Bad Request: unsupported parse_mode"


def test_callback_data_of_65_bytes_is_refused(send: Post) -> None:
    response = send("hi", reply_markup=keyboard(callback_data="x" * 65))

    assert response.status_code == 400
    assert description(response) == "Bad Request: BUTTON_DATA_INVALID"


def test_callback_data_limit_counts_bytes_not_characters(send: Post) -> None:
    assert send("hi", reply_markup=keyboard(callback_data="é" * 32)).status_code == 200
    assert send("hi", reply_markup=keyboard(callback_data="é" * 33)).status_code == 400


def test_inline_button_without_an_action_is_refused(send: Post) -> None:
    response = send("hi", reply_markup=keyboard())

    assert "Text buttons are unallowed in the inline keyboard" in description(response)


def test_inline_button_with_two_actions_is_refused(send: Post) -> None:
    markup = keyboard(callback_data="a", url="https://a.hk")
    response = send("hi", reply_markup=markup)

    assert "exactly one of the optional action fields" in description(response)


def test_reply_keyboard_accepts_plain_string_buttons(send: Post) -> None:
    markup = {"keyboard": [["Yes", {"text": "No"}]], "resize_keyboard": True}

    assert send("hi", reply_markup=markup).status_code == 200


def test_more_than_50_inline_results_are_refused(post: Post, inline_query_id: str) -> None:
    results = [article(str(i)) for i in range(51)]
    response = post("answerInlineQuery", inline_query_id=inline_query_id, results=results)

    assert description(response) == "Bad Request: RESULTS_TOO_MUCH"


def test_inline_result_html_is_validated(post: Post, inline_query_id: str) -> None:
    results = [article("1", text="<b>unclosed", parse_mode="HTML")]
    response = post("answerInlineQuery", inline_query_id=inline_query_id, results=results)

    assert "can't parse entities" in description(response)


def test_inline_result_of_unknown_type_is_refused(post: Post, inline_query_id: str) -> None:
    results = [{**article("1"), "type": "articel"}]
    response = post("answerInlineQuery", inline_query_id=inline_query_id, results=results)

    assert "not a valid InlineQueryResult type" in description(response)


def test_answer_to_an_unknown_inline_query_is_refused(post: Post) -> None:
    response = post("answerInlineQuery", inline_query_id="999", results=[article("1")])

    assert "query ID is invalid" in description(response)


def test_callback_answer_text_over_200_characters_is_refused(
    post: Post, callback_query_id: str
) -> None:
    response = post("answerCallbackQuery", callback_query_id=callback_query_id, text="x" * 201)

    assert response.status_code == 400
    assert "0-200 characters" in description(response)


def test_callback_answer_of_200_characters_is_accepted(post: Post, callback_query_id: str) -> None:
    response = post("answerCallbackQuery", callback_query_id=callback_query_id, text="x" * 200)

    assert response.status_code == 200


def test_bot_command_with_uppercase_letters_is_refused(post: Post) -> None:
    response = post("setMyCommands", commands=[{"command": "Start", "description": "Begin"}])

    assert description(response) == "Bad Request: BOT_COMMAND_INVALID"


def test_editing_to_identical_content_is_refused_as_not_modified(post: Post, send: Post) -> None:
    sent = send("same").json()["result"]
    response = post("editMessageText", chat_id=CHAT_ID, message_id=sent["message_id"], text="same")

    assert "message is not modified" in description(response)


def test_editing_an_unknown_message_is_refused(post: Post) -> None:
    response = post("editMessageText", chat_id=CHAT_ID, message_id=999, text="new")

    assert description(response) == "Bad Request: message to edit not found"


def test_edit_reply_markup_returns_the_updated_message(post: Post, send: Post) -> None:
    sent = send("pick").json()["result"]
    markup = keyboard(callback_data="b")
    response = post(
        "editMessageReplyMarkup",
        chat_id=CHAT_ID,
        message_id=sent["message_id"],
        reply_markup=markup,
    )

    assert response.json()["result"]["reply_markup"] == markup


def test_http_webhook_url_is_refused(post: Post) -> None:
    response = post("setWebhook", url="http://coopbot.example/hook")

    assert "HTTPS URL must be provided" in description(response)


# --------------------------------------------------------------------------------------------
# getUpdates
# --------------------------------------------------------------------------------------------


def test_get_updates_returns_pushed_updates_in_order(api: FakeBotApi, post: Post) -> None:
    first = api.push_update(api.make_message("one"))
    second = api.push_update(api.make_message("two"))

    result = post("getUpdates").json()["result"]

    assert [u["update_id"] for u in result] == [first, second]
    assert result[1]["message"]["text"] == "two"


def test_get_updates_offset_confirms_earlier_updates(api: FakeBotApi, post: Post) -> None:
    first = api.push_update(api.make_message("one"))
    second = api.push_update(api.make_message("two"))

    result = post("getUpdates", offset=first + 1).json()["result"]

    assert [u["update_id"] for u in result] == [second]
    assert [u["update_id"] for u in post("getUpdates").json()["result"]] == [second]


def test_updates_pushed_from_many_threads_are_never_skipped_by_an_offset(
    api: FakeBotApi, post: Post
) -> None:
    pushers = [
        threading.Thread(target=lambda: [api.push_update(api.make_message("x")) for _ in range(60)])
        for _ in range(8)
    ]
    for thread in pushers:
        thread.start()
    received: list[int] = []
    offset = 0
    deadline = time.monotonic() + 10
    while len(received) < 480 and time.monotonic() < deadline:
        result = post("getUpdates", offset=offset, timeout=0).json()["result"]
        received += [u["update_id"] for u in result]
        offset = max([offset - 1, *received]) + 1
    for thread in pushers:
        thread.join()

    assert len(received) == 480
    assert sorted(received) == received


def test_get_updates_honours_limit(api: FakeBotApi, post: Post) -> None:
    for text in ("a", "b", "c"):
        api.push_update(api.make_message(text))

    assert len(post("getUpdates", limit=2).json()["result"]) == 2


def test_long_poll_returns_as_soon_as_an_update_is_pushed(api: FakeBotApi, post: Post) -> None:
    timer = threading.Timer(0.05, api.push_update, args=(api.make_message("late"),))
    started = time.monotonic()
    timer.start()

    result = post("getUpdates", timeout=5).json()["result"]

    assert time.monotonic() - started < 2
    assert result[0]["message"]["text"] == "late"


def test_long_poll_waits_for_the_timeout_when_nothing_arrives(post: Post) -> None:
    started = time.monotonic()

    result = post("getUpdates", timeout=1).json()["result"]

    assert result == []
    assert time.monotonic() - started >= 0.9


def test_allowed_updates_filters_update_types(api: FakeBotApi, post: Post) -> None:
    api.push_update(api.make_message("text"))
    api.push_update(api.make_callback_query("data"))

    result = post("getUpdates", allowed_updates=["callback_query"]).json()["result"]

    assert [next(k for k in u if k != "update_id") for u in result] == ["callback_query"]


def test_get_updates_conflicts_with_an_active_webhook(post: Post) -> None:
    post("setWebhook", url="https://coopbot.example/hook")

    response = post("getUpdates")

    assert response.status_code == 409
    assert "webhook is active" in description(response)


def test_push_update_rejects_fields_the_spec_does_not_know(api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="txt is not a field of Message"):
        api.push_update(api.make_message("hi", txt="typo"))


def test_make_message_marks_commands_with_bot_command_entities(api: FakeBotApi) -> None:
    message = api.make_message("/start@coopbot_test_bot now")["message"]

    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 23}]


def test_make_update_builds_any_update_kind(api: FakeBotApi) -> None:
    update = api.make_update(
        "poll_answer",
        {
            "poll_id": "p",
            "option_ids": [0],
            "option_persistent_ids": ["a"],
            "user": api.make_user(),
        },
    )

    update_id = api.push_update(update)

    assert api.pending_updates == [{"update_id": update_id, **update}]


# --------------------------------------------------------------------------------------------
# Test-side API: recording, waiting, tokens, faults, webhooks, commands
# --------------------------------------------------------------------------------------------


def test_errors_lists_only_refused_calls(api: FakeBotApi, send: Post) -> None:
    send("fine")
    send("<b>broken", parse_mode="HTML")

    assert [c.params["text"] for c in api.errors] == ["<b>broken"]
    assert [c.params["text"] for c in api.sent("sendMessage")] == ["fine"]


def test_token_used_by_the_client_is_recorded(api: FakeBotApi, post: Post) -> None:
    post("getMe")

    assert api.tokens == [TOKEN]


def test_token_check_refuses_other_tokens_with_401(http: httpx.Client) -> None:
    with FakeBotApi(token_check="1:right") as strict:
        response = http.post(f"{strict.base_url}2:wrong/getMe")

    assert response.status_code == 401
    assert response.json()["description"] == "Unauthorized"


def test_malformed_token_is_answered_404(api: FakeBotApi, http: httpx.Client) -> None:
    assert http.post(f"{api.base_url}not-a-token/getMe").status_code == 404


def test_wait_for_returns_the_matching_call(api: FakeBotApi, post: Post) -> None:
    later = threading.Timer(0.05, post, args=("sendMessage",), kwargs={"chat_id": 1, "text": "x"})
    later.start()

    call = api.wait_for(lambda c: c.method == "sendMessage" and c.params["text"] == "x")
    later.join()  # its client reads the answer before the test closes the client

    assert call.ok
    assert call.result["text"] == "x"


def test_wait_for_timeout_dumps_the_refused_calls(api: FakeBotApi, send: Post) -> None:
    send("a < b", parse_mode="HTML")

    with pytest.raises(AssertionError, match="can't parse entities"):
        api.wait_for("sendMessage", timeout=0.05)


def test_fail_next_500_is_answered_once(send: Post, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 500)

    first = send("hi")
    second = send("hi")

    assert (first.status_code, second.status_code) == (500, 200)


def test_fail_next_429_carries_retry_after_once(send: Post, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 429, retry_after=7)

    first = send("hi")
    second = send("hi")

    assert first.status_code == 429
    assert first.json()["parameters"] == {"retry_after": 7}
    assert second.status_code == 200


def test_fail_next_drop_closes_the_connection(post: Post, api: FakeBotApi) -> None:
    api.fail_next("getMe", "drop")

    with pytest.raises(httpx.RemoteProtocolError):
        post("getMe")
    assert api.errors[-1].status == 0


def test_fail_next_delay_answers_late_but_normally(post: Post, api: FakeBotApi) -> None:
    api.fail_next("getMe", "delay", delay=0.15)
    started = time.monotonic()

    response = post("getMe")

    assert response.status_code == 200
    assert time.monotonic() - started >= 0.15


def test_fail_next_refuses_a_misspelt_method(api: FakeBotApi) -> None:
    with pytest.raises(ValueError, match="not a Bot API"):
        api.fail_next("sendMesage")


class _WebhookReceiver:
    """A one-shot local webhook endpoint recording what Telegram (the fake) posted."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), json.loads(body)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        ).start()


@pytest.fixture
def receiver() -> Iterator[_WebhookReceiver]:
    hook = _WebhookReceiver()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def test_deliver_webhook_sends_the_secret_header(
    api: FakeBotApi, receiver: _WebhookReceiver
) -> None:
    status = api.deliver_webhook(receiver.url, api.make_message("hi"), secret="s3cret")

    headers, update = receiver.requests[0]
    assert status == 200
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret"
    assert update["message"]["text"] == "hi"
    assert isinstance(update["update_id"], int)


def test_deliver_webhook_defaults_to_the_registered_secret(
    api: FakeBotApi, post: Post, receiver: _WebhookReceiver
) -> None:
    post("setWebhook", url="https://coopbot.example/hook", secret_token="from-set-webhook")

    api.deliver_webhook(receiver.url, api.make_message("hi"))

    assert receiver.requests[0][0]["X-Telegram-Bot-Api-Secret-Token"] == "from-set-webhook"


def test_commands_are_stored_per_scope_and_language(api: FakeBotApi, post: Post) -> None:
    post("setMyCommands", commands=[{"command": "start", "description": "Start"}])
    post(
        "setMyCommands",
        commands=[{"command": "ask", "description": "Ask"}],
        scope={"type": "chat", "chat_id": CHAT_ID},
        language_code="zh",
    )

    assert api.commands_for() == ["start"]
    assert api.commands_for(f"chat:{CHAT_ID}", "zh") == ["ask"]
    assert post("getMyCommands", language_code="zh").json()["result"] == []


def test_delete_my_commands_removes_that_scope_only(api: FakeBotApi, post: Post) -> None:
    post("setMyCommands", commands=[{"command": "start", "description": "Start"}])
    post(
        "setMyCommands", commands=[{"command": "start", "description": "開始"}], language_code="zh"
    )

    post("deleteMyCommands", language_code="zh")

    assert set(api.commands) == {("default", "")}


def test_spec_path_honours_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    copy = tmp_path / "spec.json"
    copy.write_bytes(COMMITTED_SPEC.read_bytes())
    monkeypatch.setenv(SPEC_ENV_VAR, str(copy))

    assert spec_path() == copy


def test_the_committed_facts_are_the_default_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPEC_ENV_VAR, raising=False)

    assert spec_path() == COMMITTED_SPEC
    assert load_spec().version.startswith("Bot API ")


def test_a_full_scraped_spec_is_derived_like_the_committed_facts(tmp_path: Path) -> None:
    full = {
        "version": "Bot API 99.0",
        "methods": {
            "sendMessage": {
                "returns": ["Message"],
                "fields": [
                    {
                        "name": "chat_id",
                        "types": ["Integer", "String"],
                        "required": True,
                        "description": "Unique identifier for the target chat",
                    },
                    {
                        "name": "text",
                        "types": ["String"],
                        "required": True,
                        "description": "Text of the message to be sent, 1-4096 characters after entities parsing",
                    },
                ],
            }
        },
        "types": {
            "Update": {
                "fields": [
                    {"name": "update_id", "types": ["Integer"], "required": True, "description": ""}
                ]
            }
        },
    }
    path = tmp_path / "full.json"
    path.write_text(json.dumps(full), encoding="utf-8")

    spec = load_spec(path)

    assert spec.version == "Bot API 99.0"
    assert spec.string_limit(spec.method_fields("sendMessage")["text"]) == (1, 4096, "characters")
    assert spec.string_limit(spec.method_fields("sendMessage")["chat_id"]) is None


def test_missing_spec_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SPEC_ENV_VAR, "/nonexistent/spec.json")

    with pytest.raises(FileNotFoundError, match=SPEC_ENV_VAR):
        load_spec()


# --------------------------------------------------------------------------------------------
# A real python-telegram-bot Bot against the fake
# --------------------------------------------------------------------------------------------


async def test_ptb_get_me_reports_the_test_bot(bot: telegram.Bot) -> None:
    me = await bot.get_me()

    assert me.username == BOT_USERNAME
    assert me.is_bot
    assert me.supports_inline_queries


async def test_ptb_send_message_with_keyboard_and_html(bot: telegram.Bot, api: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:1")]])

    message = await bot.send_message(
        CHAT_ID, "<b>Answer</b> &amp; source", parse_mode="HTML", reply_markup=markup
    )

    assert message.text == "Answer & source"
    assert message.entities[0].type == "bold"
    assert message.reply_markup == markup
    assert api.sent("sendMessage")[0].params["reply_markup"] == markup.to_dict()


async def test_ptb_bad_html_raises_bad_request(bot: telegram.Bot) -> None:
    with pytest.raises(telegram.error.BadRequest, match="parse entities"):
        await bot.send_message(CHAT_ID, "<b>unclosed", parse_mode="HTML")


@pytest.mark.filterwarnings("ignore", category=PTBDeprecationWarning)
async def test_ptb_retry_after_comes_from_a_429(bot: telegram.Bot, api: FakeBotApi) -> None:
    api.fail_next("sendMessage", 429, retry_after=3)

    with pytest.raises(telegram.error.RetryAfter, match=r"Retry in (3 seconds|0:00:03)"):
        await bot.send_message(CHAT_ID, "hi")


async def test_ptb_set_my_commands_round_trips(bot: telegram.Bot, api: FakeBotApi) -> None:
    scope = BotCommandScopeChat(CHAT_ID)

    await bot.set_my_commands(
        [BotCommand("start", "Start"), BotCommand("help", "Help")], scope=scope, language_code="en"
    )

    assert api.commands_for(f"chat:{CHAT_ID}", "en") == ["start", "help"]
    got = await bot.get_my_commands(scope=scope, language_code="en")
    assert [c.command for c in got] == ["start", "help"]


async def test_ptb_answer_inline_query_is_accepted(
    bot: telegram.Bot, api: FakeBotApi, inline_query_id: str
) -> None:
    result = InlineQueryResultArticle(
        "1", "CEPA", InputTextMessageContent("<b>CEPA</b>", parse_mode="HTML")
    )

    assert await bot.answer_inline_query(inline_query_id, [result], cache_time=0) is True
    assert api.sent("answerInlineQuery")[0].params["results"][0]["title"] == "CEPA"


async def test_ptb_application_polls_and_replies(api: FakeBotApi) -> None:
    async def start(update: telegram.Update, context: Any) -> None:
        await update.effective_message.reply_text("Welcome")

    app = Application.builder().token(TOKEN).base_url(api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        api.push_update(api.make_message("/start"))
        call = await api.wait_for_async("sendMessage")
        await app.updater.stop()
        await app.stop()

    assert call.params == {"chat_id": DEFAULT_USER_ID, "text": "Welcome"}
    assert api.errors == []
