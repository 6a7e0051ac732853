"""A strict, local fake of the Telegram Bot API for coopbot's tests.

Telegram's servers are unreachable from the test environment, and a mock that accepts anything
would let the bot ship calls that Telegram refuses (a 65-byte ``callback_data``, an unclosed ``<b>``,
a misspelt parameter).  This module therefore runs a real HTTP server on 127.0.0.1 that speaks the
Bot API wire protocol and validates every call against the published machine-readable spec
(the facts of ``tests/data/bot-api.json``, derived by ``tests/support/bot_api_spec.py``), plus the limits Telegram only states in prose.  Invalid calls are answered
exactly the way Telegram answers them (HTTP 400 and ``{"ok": false, ...}``), so python-telegram-bot
raises the same exceptions it would raise in production.

The server runs in a background thread (``ThreadingHTTPServer``), so it works with whatever asyncio
event loop a test uses, and with synchronous clients as well.

Typical use::

    with FakeBotApi() as api:
        bot = telegram.Bot(TOKEN, base_url=api.base_url)
        api.push_update(api.make_message("/start"))
        ...  # run the bot
        call = api.wait_for("sendMessage")
        assert "Welcome" in call.params["text"]
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import difflib
import email.parser
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

from tests.support.bot_api_spec import BotApiSpec, load_spec

__all__ = [
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_CHANNEL_ID",
    "DEFAULT_GROUP_ID",
    "DEFAULT_USER_ID",
    "BotApiError",
    "Call",
    "FakeBotApi",
    "HtmlParseError",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]

BOT_ID = 7_000_000_001
BOT_USERNAME = "coopbot_test_bot"
BOT_FIRST_NAME = "CoopBot Test"
DEFAULT_USER_ID = 10_001
DEFAULT_GROUP_ID = -1_001_000_000_001
DEFAULT_CHANNEL_ID = -1_002_000_000_002

# Update types Telegram does not send unless they are listed explicitly in allowed_updates.
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
PARSE_MODES = frozenset({"html", "markdown", "markdownv2"})
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
MAX_INLINE_RESULTS = 50
MAX_BOT_COMMANDS = 100

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_PATH_RE = re.compile(r"^/bot(?P<token>[^/]*)/(?P<method>[^/]*)$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_FLOAT_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_BOOL_STRINGS = {"true": True, "false": False, "1": True, "0": False}
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_BOT_COMMAND_IN_TEXT_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_TEXT_FIELDS_FOR_PARSE_MODE = ("text", "message_text", "caption")

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# --------------------------------------------------------------------------------------------
# Telegram's HTML parse mode
# --------------------------------------------------------------------------------------------


class HtmlParseError(ValueError):
    """Text that Telegram rejects with "Bad Request: can't parse entities: ..."."""


_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "code": "code",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_ENTITY_RE = re.compile(r"&(?:([a-zA-Z]+)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8}));")


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: Telegram's unit for offsets and for its text limits."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


def _decode_html_entity(text: str, index: int) -> tuple[str, int]:
    """Decode the entity starting at ``text[index] == "&"``; a bare ``&`` is an error."""
    match = _HTML_ENTITY_RE.match(text, index)
    decoded: str | None = None
    if match is not None:
        name, decimal, hexadecimal = match.groups()
        if name is not None:
            decoded = _NAMED_ENTITIES.get(name)
        else:
            code = int(decimal) if decimal is not None else int(hexadecimal, 16)
            if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF:
                decoded = chr(code)
    if decoded is None or match is None:
        raise HtmlParseError(
            f"Character '&' at byte offset {_byte_offset(text, index)} does not start a "
            "supported HTML entity; escape it as &amp; (only &lt; &gt; &amp; &quot; and numeric "
            "entities are supported)"
        )
    return decoded, match.end()


def _decode_attribute(value: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(value):
        if value[i] == "&":
            decoded, i = _decode_html_entity(value, i)
            out.append(decoded)
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the parsed text
    attrs: dict[str, str]
    byte_offset: int
    language: str | None = None


def _parse_attributes(text: str, j: int, tag: str, tag_offset: int) -> tuple[dict[str, str], int]:
    """Parse ``name="value"`` pairs up to ``>``; returns the attributes and the index after it."""
    n = len(text)
    attrs: dict[str, str] = {}
    while True:
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        if text[j] == ">":
            return attrs, j + 1
        start = j
        while j < n and not text[j].isspace() and text[j] not in "=>":
            j += 1
        name = text[start:j].lower()
        if not name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte_offset(text, j)}'
            )
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        if text[j] != "=":
            if tag == "blockquote" and name == "expandable":
                attrs[name] = ""
                continue
            raise HtmlParseError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte_offset(text, j)}"
            )
        j += 1
        while j < n and text[j].isspace():
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        if text[j] in "\"'":
            end = text.find(text[j], j + 1)
            if end == -1:
                raise HtmlParseError(
                    f'Unclosed attribute value in the tag "{tag}" '
                    f"at byte offset {_byte_offset(text, j)}"
                )
            raw = text[j + 1 : end]
            j = end + 1
        else:
            start = j
            while j < n and (text[j].isalnum() or text[j] in ".-"):
                j += 1
            if j == start:
                raise HtmlParseError(
                    f"Unexpected end of name token at byte offset {_byte_offset(text, j)}"
                )
            raw = text[start:j]
        attrs[name] = _decode_attribute(raw)


def _check_start_tag(tag: str, attrs: dict[str, str]) -> None:
    if tag == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlParseError('Tag "span" must have class "tg-spoiler"')
    if tag == "a" and not attrs.get("href"):
        raise HtmlParseError('Tag "a" must have a non-empty attribute "href"')
    if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
        raise HtmlParseError('Tag "tg-emoji" must have a numeric attribute "emoji-id"')


def _entity_for_tag(tag: _OpenTag, end: int) -> dict[str, Any] | None:
    length = end - tag.start
    if length <= 0:
        return None
    entity: dict[str, Any] = {"offset": tag.start, "length": length}
    if tag.name in _SIMPLE_ENTITY_TYPES:
        entity["type"] = _SIMPLE_ENTITY_TYPES[tag.name]
    elif tag.name == "pre":
        entity["type"] = "pre"
        if tag.language:
            entity["language"] = tag.language
    elif tag.name == "blockquote":
        entity["type"] = "expandable_blockquote" if "expandable" in tag.attrs else "blockquote"
    elif tag.name == "tg-emoji":
        entity["type"] = "custom_emoji"
        entity["custom_emoji_id"] = tag.attrs["emoji-id"]
    else:  # "a"
        href = tag.attrs["href"]
        mention = re.fullmatch(r"tg://user\?id=(\d+)", href)
        if mention:
            entity["type"] = "text_mention"
            entity["user"] = {"id": int(mention.group(1)), "is_bot": False, "first_name": "User"}
        else:
            entity["type"] = "text_link"
            entity["url"] = href
    return entity


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram-flavoured HTML into ``(plain text, MessageEntity dicts)``.

    Follows Telegram's own parser (tdlib's ``parse_html``): only the documented tags, properly
    nested and closed, and only ``&lt; &gt; &amp; &quot;`` plus numeric entities.  Stricter on one
    point, as our brief asks: a bare ``&`` is an error rather than a literal, because it is always
    a bug in bot code (unescaped user or knowledge-base text).  Raises HtmlParseError with
    Telegram's wording and byte offsets.
    """
    out: list[str] = []
    pos = 0
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded, i = _decode_html_entity(text, i)
            out.append(decoded)
            pos += utf16_len(decoded)
            continue
        if ch != "<":
            out.append(ch)
            pos += 2 if ord(ch) > 0xFFFF else 1
            i += 1
            continue
        tag_offset = _byte_offset(text, i)
        if text.startswith("</", i):
            end = text.find(">", i + 2)
            if end == -1:
                raise HtmlParseError(f"Unclosed end tag at byte offset {tag_offset}")
            name = text[i + 2 : end].strip().lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {tag_offset}")
            top = stack.pop()
            if name != top.name:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {tag_offset}, expected "</{top.name}>", '
                    f'found "</{name}>"'
                )
            language = top.attrs.get("class", "")
            if top.name == "code" and stack and stack[-1].name == "pre" and language:
                if language.startswith("language-"):
                    stack[-1].language = language.removeprefix("language-")
            else:
                entity = _entity_for_tag(top, pos)
                if entity is not None:
                    entities.append(entity)
            i = end + 1
            continue
        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        name = text[i + 1 : j].lower()
        if name not in _HTML_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {tag_offset}')
        attrs, i = _parse_attributes(text, j, name, tag_offset)
        _check_start_tag(name, attrs)
        stack.append(_OpenTag(name, pos, attrs, tag_offset))
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace like Telegram does, shifting entity offsets to match."""
    stripped = text.strip()
    lead = utf16_len(text[: len(text) - len(text.lstrip())])
    total = utf16_len(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


# --------------------------------------------------------------------------------------------
# Validation of parameters against the spec
# --------------------------------------------------------------------------------------------


class BotApiError(Exception):
    """An error answer: HTTP status plus Telegram's ``description`` (and ``parameters``)."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(description: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class UploadedFile:
    """A multipart/form-data file part (what Telegram calls an InputFile)."""

    field: str
    filename: str
    content_type: str
    data: bytes


class _Invalid(Exception):
    """A validation failure at ``path``; ``telegram`` overrides the final description."""

    def __init__(self, path: str, message: str, telegram: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.telegram = telegram


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _describe(value: Any) -> str:
    text = json.dumps(value, default=repr) if not isinstance(value, UploadedFile) else "a file"
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _limit_error(owner: str, name: str, too_long: bool) -> str | None:
    """Telegram's own wording for the prose limits bots most often trip over."""
    if name in ("text", "message_text") and owner in (
        "sendMessage",
        "editMessageText",
        "InputTextMessageContent",
    ):
        return (
            "Bad Request: message is too long" if too_long else "Bad Request: message text is empty"
        )
    if name == "caption" and too_long:
        return "Bad Request: message caption is too long"
    if owner == "InlineKeyboardButton" and name == "callback_data":
        return "Bad Request: BUTTON_DATA_INVALID"
    if owner.startswith("InlineQueryResult") and name == "id":
        return "Bad Request: RESULT_ID_INVALID"
    return None


class _Validator:
    """Checks one call's parameters; collects the entity-parsed texts for building replies."""

    def __init__(self, spec: BotApiSpec, files: dict[str, UploadedFile]) -> None:
        self.spec = spec
        self.files = files
        self.parsed: dict[str, tuple[str, list[dict[str, Any]]]] = {}

    # -- entry points -------------------------------------------------------------------------

    def method_params(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        fields = self.spec.method_fields(method)
        for name in raw:
            if name not in fields:
                raise _bad_request(
                    f'unknown parameter "{name}" for method {method}{_suggest(name, fields)}'
                )
        values: dict[str, Any] = {}
        for name, value in raw.items():
            types = fields[name]["types"]
            if value == "" and types != ["String"]:
                continue  # Telegram treats an empty non-string parameter as absent
            values[name] = self._top_level(name, value, types)
        for name, spec_field in fields.items():
            if spec_field["required"] and name not in values:
                raise _bad_request(self._missing_message(name))
        try:
            self._semantics(values, fields, method, "")
        except _Invalid as exc:
            raise self._as_error(exc.path.split(".", 1)[0].split("[", 1)[0], exc) from None
        return values

    def update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Validate an update a test injects, so typos in test data fail loudly."""
        try:
            return self._object(update, "Update", "")
        except _Invalid as exc:
            raise ValueError(
                f"invalid update for {self.spec.version}: {exc.path} {exc.message}"
            ) from None

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def _missing_message(name: str) -> str:
        if name in ("chat_id", "from_chat_id"):
            return f"{name} is empty"
        if name == "text":
            return "message text is empty"
        return f'parameter "{name}" is required'

    @staticmethod
    def _as_error(name: str, exc: _Invalid) -> BotApiError:
        if exc.telegram is not None:
            return BotApiError(400, exc.telegram)
        if exc.path in ("", name):
            return _bad_request(f'parameter "{name}" {exc.message}')
        return _bad_request(f"can't parse {name}: {exc.path} {exc.message}")

    def _top_level(self, name: str, value: Any, types: list[str]) -> Any:
        try:
            return self._value(value, types, name, top=True)
        except _Invalid as exc:
            raise self._as_error(name, exc) from None

    def _value(self, value: Any, types: list[str], path: str, *, top: bool) -> Any:
        errors: list[tuple[str, _Invalid]] = []
        for type_name in types:
            try:
                return self._as_type(value, type_name, path, top=top)
            except _Invalid as exc:
                errors.append((type_name, exc))
        if len(errors) == 1:
            raise errors[0][1]
        object_errors = [(t, e) for t, e in errors if t in self.spec.types and t != "InputFile"]
        candidate = value
        if top and isinstance(value, str) and object_errors:
            try:
                candidate = json.loads(value)
            except ValueError:
                raise object_errors[0][1] from None  # "must be JSON-serialized ..."
        if isinstance(candidate, dict) and object_errors:
            best = min(object_errors, key=lambda te: self.spec.mismatch_score(candidate, te[0]))
            raise best[1]
        for _, exc in errors:
            if exc.telegram is not None:
                raise exc
        raise _Invalid(path, f"must be of type {' or '.join(types)}, got {_describe(value)}")

    def _as_type(self, value: Any, type_name: str, path: str, *, top: bool) -> Any:
        wrong = _Invalid(path, f"must be of type {type_name}, got {_describe(value)}")
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            if top and isinstance(value, str):
                value = self._json(value, path, type_name)
            if not isinstance(value, list):
                raise wrong
            return [
                self._value(item, [inner], _join(path, i), top=False)
                for i, item in enumerate(value)
            ]
        if type_name == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if top and isinstance(value, str) and _INT_RE.match(value):
                return int(value)
            raise wrong
        if type_name == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return value
            if top and isinstance(value, str) and _FLOAT_RE.match(value):
                return float(value)
            raise wrong
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if top and isinstance(value, str) and value.lower() in _BOOL_STRINGS:
                return _BOOL_STRINGS[value.lower()]
            raise wrong
        if type_name == "String":
            if isinstance(value, str):
                return value
            raise wrong
        if type_name == "InputFile":
            if isinstance(value, UploadedFile):
                return value
            if isinstance(value, str) and value.startswith("attach://"):
                if value.removeprefix("attach://") in self.files:
                    return value
                raise _Invalid(path, f"refers to {value}, but no such file part was uploaded")
            raise wrong
        if type_name not in self.spec.types:
            raise _Invalid(path, f"has unknown spec type {type_name}")
        loose_members = [
            sub
            for sub in self.spec.types[type_name].get("subtypes", [])
            if sub not in self.spec.types
        ]
        if loose_members and not isinstance(value, dict):
            return self._value(value, loose_members, path, top=top)  # RichText may be a String
        if isinstance(value, str) and self.spec.accepts_plain_string(type_name):
            return value
        if top and isinstance(value, str):
            value = self._json(value, path, type_name)
        if not isinstance(value, dict):
            raise _Invalid(path, f"must be a JSON object ({type_name}), got {_describe(value)}")
        return self._object(value, type_name, path)

    @staticmethod
    def _json(value: str, path: str, type_name: str) -> Any:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise _Invalid(path, f"must be JSON-serialized {type_name}: {exc}") from None

    def _object(self, value: dict[str, Any], type_name: str, path: str) -> dict[str, Any]:
        subtypes = self.spec.subtypes(type_name)
        if subtypes:
            return self._union(value, type_name, subtypes, path)
        fields = self.spec.type_fields(type_name)
        if fields is None:
            return value
        for key in value:
            if key not in fields:
                raise _Invalid(
                    _join(path, key), f"is not a field of {type_name}{_suggest(key, fields)}"
                )
        for name, spec_field in fields.items():
            if spec_field["required"] and name not in value:
                raise _Invalid(_join(path, name), f"is required in {type_name}")
        result = {
            key: self._value(item, fields[key]["types"], _join(path, key), top=False)
            for key, item in value.items()
        }
        discriminator = self.spec.discriminator(type_name)
        if discriminator is not None and result[discriminator[0]] != discriminator[1]:
            raise _Invalid(
                _join(path, discriminator[0]), f'must be "{discriminator[1]}" for {type_name}'
            )
        self._exclusive(result, type_name, path)
        self._semantics(result, fields, type_name, path)
        return result

    def _union(
        self, value: dict[str, Any], type_name: str, subtypes: list[str], path: str
    ) -> dict[str, Any]:
        discriminators = [self.spec.discriminator(sub) for sub in subtypes]
        candidates = subtypes
        if all(discriminators):
            key = discriminators[0][0]  # type: ignore[index]
            if key not in value:
                raise _Invalid(_join(path, key), f"is required in {type_name}")
            candidates = [
                sub
                for sub, disc in zip(subtypes, discriminators, strict=True)
                if disc is not None and disc[1] == value[key]
            ]
            if not candidates:
                allowed = sorted({d[1] for d in discriminators if d is not None})
                raise _Invalid(
                    _join(path, key),
                    f"{value[key]!r} is not a valid {type_name} {key}; expected one of {allowed}",
                )
        errors: list[tuple[str, _Invalid]] = []
        for sub in candidates:
            try:
                return self._object(value, sub, path)
            except _Invalid as exc:
                errors.append((sub, exc))
        best = min(errors, key=lambda se: self.spec.mismatch_score(value, se[0]))
        raise best[1]

    def _exclusive(self, value: dict[str, Any], type_name: str, path: str) -> None:
        rule = self.spec.exclusive_rule(type_name)
        if rule is None:
            return
        kind, action_fields = rule
        used = sorted(name for name in value if name in action_fields)
        if kind == "exactly" and not used:
            if type_name == "InlineKeyboardButton":
                raise _Invalid(
                    path,
                    "has no action field",
                    telegram="Bad Request: can't parse inline keyboard button: Text buttons are "
                    "unallowed in the inline keyboard",
                )
            raise _Invalid(path, f"must use exactly one of {sorted(action_fields)}")
        if len(used) > 1:
            raise _Invalid(
                path,
                f"must use {kind} one of the optional action fields of {type_name}, "
                f"got {', '.join(used)}",
            )

    def _semantics(
        self, values: dict[str, Any], fields: dict[str, dict[str, Any]], owner: str, path: str
    ) -> None:
        """Prose rules: parse modes, text/byte limits, entity and command formats."""
        for mode_field in fields:
            if not mode_field.endswith("parse_mode") or not values.get(mode_field):
                continue
            mode = values[mode_field]
            if mode.lower() not in PARSE_MODES:
                raise _Invalid(
                    _join(path, mode_field), "is unsupported", "Bad Request: unsupported parse_mode"
                )
            target = mode_field.removesuffix("parse_mode").rstrip("_")
            if not target:
                target = next((t for t in _TEXT_FIELDS_FOR_PARSE_MODE if t in fields), "")
            if mode.lower() != "html" or not isinstance(values.get(target), str):
                continue
            try:
                self.parsed[_join(path, target)] = _trim(*parse_html(values[target]))
            except HtmlParseError as exc:
                raise _Invalid(
                    _join(path, target), str(exc), f"Bad Request: can't parse entities: {exc}"
                ) from None
        for name, item in values.items():
            limit = self.spec.string_limit(fields[name])
            if limit is None or not isinstance(item, str):
                continue
            low, high, unit = limit
            parsed = self.parsed.get(_join(path, name))
            text = parsed[0] if parsed is not None else item
            if name in _TEXT_FIELDS_FOR_PARSE_MODE and parsed is None:
                text = text.strip()
            size = len(text.encode("utf-8")) if unit == "bytes" else utf16_len(text)
            if low <= size <= high:
                continue
            after = " after entities parsing" if parsed is not None else ""
            raise _Invalid(
                _join(path, name),
                f"must be {low}-{high} {unit}{after}, got {size}",
                _limit_error(owner, name, too_long=size > high),
            )
        if owner == "MessageEntity":
            allowed = fields["type"]["values"]
            if values["type"] not in allowed:
                raise _Invalid(_join(path, "type"), f"must be one of {allowed}")
        if owner == "BotCommand" and not _COMMAND_RE.match(values["command"]):
            raise _Invalid(
                _join(path, "command"),
                "may contain only lowercase English letters, digits and underscores",
                "Bad Request: BOT_COMMAND_INVALID",
            )


# --------------------------------------------------------------------------------------------
# Recorded calls and HTTP plumbing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One request the bot made: what it asked and what the fake answered."""

    index: int
    method: str
    params: dict[str, Any]
    status: int  # HTTP status; 0 when the connection was dropped on purpose
    response: dict[str, Any] | None
    token: str
    http_method: str = "POST"
    content_type: str = ""
    files: dict[str, UploadedFile] = field(default_factory=dict)
    timestamp: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response and self.response.get("ok"))

    @property
    def result(self) -> Any:
        return (self.response or {}).get("result")

    @property
    def description(self) -> str:
        if self.status == 0:
            return "connection dropped (fault injection)"
        return str((self.response or {}).get("description", ""))

    def summary(self, width: int = 160) -> str:
        """One line for failure dumps."""
        params = json.dumps(self.params, ensure_ascii=False, default=repr)
        if len(params) > width:
            params = params[: width - 3] + "..."
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        return f"#{self.index} {self.method} -> {outcome} | {params}"


@dataclass
class _Fault:
    method: str
    kind: int | str
    count: int
    retry_after: int
    delay: float
    description: str | None


class _Server(ThreadingHTTPServer):
    """Threaded server that can drop its keep-alive connections on shutdown.

    Idle keep-alive sockets would otherwise hold handler threads (and ``server_close``) open.
    """

    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients vanishing mid-request (timeouts, dropped keep-alives) are normal in tests."""

    def drop_all_connections(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as httpx expects
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's
    # delayed ACK, adding ~40 ms to every call on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def do_POST(self) -> None:
        self.server.fake._serve(self)

    do_GET = do_POST

    def log_message(self, format: str, *args: Any) -> None:
        """Silence per-request logging; the recorded calls are the log."""


class _DropConnection(Exception):
    """Fault injection: close the connection without answering."""


class _ClientGone(Exception):
    """The client hung up while its long poll was waiting; nobody is left to answer."""


def _client_disconnected(connection: socket.socket | None) -> bool:
    """True once the peer has closed its end (EOF is readable without consuming data)."""
    if connection is None:
        return False
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except (BlockingIOError, InterruptedError):
        return False
    except OSError:
        return True


def _read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if "chunked" in handler.headers.get("Transfer-Encoding", "").lower():
        chunks: list[bytes] = []
        while True:
            size = int(handler.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                handler.rfile.readline()
                return b"".join(chunks)
            chunks.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    return handler.rfile.read(length) if length > 0 else b""


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    header = email.parser.HeaderParser().parsestr(f"Content-Type: {content_type}\n\n")
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise _bad_request("multipart/form-data without a boundary")
    values: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    for chunk in body.split(b"--" + boundary.encode("latin-1"))[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk.removeprefix(b"\r\n")
        head, _, data = chunk.partition(b"\r\n\r\n")
        data = data.removesuffix(b"\r\n")
        headers = email.parser.HeaderParser().parsestr(head.decode("utf-8") + "\n\n")
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise _bad_request("multipart part without a name")
        filename = headers.get_filename()
        if filename is not None:
            upload = UploadedFile(name, filename, headers.get_content_type(), data)
            files[name] = upload
            values[name] = upload
        else:
            values[name] = data.decode("utf-8")
    return values, files


def _parse_request_params(
    handler: BaseHTTPRequestHandler, body: bytes
) -> tuple[dict[str, Any], dict[str, UploadedFile], str]:
    """Decode query string plus body the three ways Telegram accepts."""
    values: dict[str, Any] = dict(parse_qsl(urlsplit(handler.path).query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    content_type = handler.headers.get("Content-Type", "")
    media_type = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return values, files, media_type
    if media_type == "application/x-www-form-urlencoded":
        try:
            values.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            raise _bad_request("request body is not valid UTF-8") from None
    elif media_type == "multipart/form-data":
        form, files = _parse_multipart(content_type, body)
        values.update(form)
    elif media_type == "application/json":
        try:
            decoded = json.loads(body)
        except ValueError:
            raise _bad_request("can't parse JSON object in request body") from None
        if not isinstance(decoded, dict):
            raise _bad_request("JSON request body must be an object")
        values.update(decoded)
    else:
        raise _bad_request(f"unsupported Content-Type {content_type!r}")
    return values, files, media_type


def _loose_decode(raw: dict[str, Any]) -> dict[str, Any]:
    """Best-effort decoding of a rejected call's parameters, for readable dumps."""
    decoded: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and value[:1] in "[{":
            try:
                decoded[key] = json.loads(value)
                continue
            except ValueError:
                pass
        decoded[key] = value
    return decoded


# --------------------------------------------------------------------------------------------
# The fake server
# --------------------------------------------------------------------------------------------

Predicate = Callable[[Call], bool]
TokenCheck = str | Callable[[str], bool] | None


class FakeBotApi:
    """A strict local Bot API server plus the test-side API to drive and inspect it.

    ``token_check`` decides which well-formed tokens are accepted: None accepts any, a string
    accepts only that token, a callable decides.  Rejected tokens get Telegram's 401.
    """

    def __init__(
        self,
        token_check: TokenCheck = None,
        *,
        spec_file: str | os.PathLike[str] | None = None,
        bot_id: int = BOT_ID,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = BOT_FIRST_NAME,
    ) -> None:
        self.spec = load_spec(spec_file)
        self.token_check = token_check
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self._cond = threading.Condition(threading.RLock())
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._local = threading.local()  # the connection a handler thread is answering
        self._calls: list[Call] = []
        self._faults: list[_Fault] = []
        self._queue: list[dict[str, Any]] = []
        self._next_update_id = 100_000_001
        self._next_message_id = 1
        self._next_query_id = 1
        self._allowed_updates: list[str] | None = None
        self._poll_generation = 0
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._pending_callback_queries: set[str] = set()
        self._pending_inline_queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._menu_buttons: dict[int | str | None, dict[str, Any]] = {}
        self._webhook: dict[str, Any] = {}
        self._held: set[str] = set()  # methods whose calls wait for `release`
        self.holding = 0  # calls waiting now
        self.webhook_deliveries: list[tuple[str, dict[str, Any], int]] = []

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeBotApi:
        """Bind a free port on 127.0.0.1 and serve from a daemon thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="fake-bot-api",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; wakes blocked getUpdates so the bot's shutdown is not held up."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()
        server.shutdown()
        server.drop_all_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def root(self) -> str:
        """``http://127.0.0.1:PORT``; the bot's API base is ``f"{root}/bot"``."""
        if self._server is None:
            raise RuntimeError("FakeBotApi is not running; call start() or use it as a context")
        return f"http://127.0.0.1:{self._server.server_port}"

    @property
    def base_url(self) -> str:
        """What to pass as ``telegram.Bot(token, base_url=...)``."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root}/file/bot"

    # -- inspection ---------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every request so far, in arrival order (a snapshot; safe to iterate)."""
        with self._cond:
            return list(self._calls)

    def mark(self) -> int:
        """A place in the record of calls: pass it to `calls_since` or `wait_for(after=...)`."""
        with self._cond:
            return len(self._calls)

    def calls_since(self, mark: int) -> list[Call]:
        """Every request made after `mark`, in arrival order."""
        with self._cond:
            return list(self._calls[mark:])

    def sent(self, method: str | None = None) -> list[Call]:
        """Successful calls, optionally of one method."""
        return [c for c in self.calls if c.ok and (method is None or c.method == method)]

    @property
    def errors(self) -> list[Call]:
        """Calls answered with an error (validation failures and injected faults)."""
        return [c for c in self.calls if not c.ok]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts of successful sendMessage calls, optionally to one chat (raw, pre-parsing)."""
        return [
            c.params["text"]
            for c in self.sent("sendMessage")
            if chat_id is None or c.params["chat_id"] == chat_id
        ]

    @property
    def tokens(self) -> list[str]:
        """Distinct tokens the bot has used, in order of first use."""
        return list(dict.fromkeys(c.token for c in self.calls))

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """setMyCommands state keyed by ``(scope, language_code)``.

        Scope keys: ``"default"``, ``"all_private_chats"``, ``"all_group_chats"``,
        ``"all_chat_administrators"``, ``"chat:<id>"``, ``"chat_administrators:<id>"``,
        ``"chat_member:<chat_id>:<user_id>"``; language ``""`` means all languages.
        """
        with self._cond:
            return copy.deepcopy(self._commands)

    def commands_for(self, scope: str = "default", language_code: str = "") -> list[str]:
        """Command names registered for one scope and language (empty if none)."""
        return [c["command"] for c in self.commands.get((scope, language_code), [])]

    @property
    def webhook(self) -> dict[str, Any]:
        """Current setWebhook state (empty when no webhook is set)."""
        with self._cond:
            return dict(self._webhook)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by a getUpdates offset."""
        with self._cond:
            return copy.deepcopy(self._queue)

    def clear_calls(self) -> None:
        with self._cond:
            self._calls.clear()

    def wait_for(
        self,
        predicate: Predicate | str | None = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
        include_errors: bool = False,
    ) -> Call:
        """Block until a recorded call matches, then return it.

        ``predicate`` is a method name or a function of a Call (exceptions such as KeyError count
        as "no match").  Only successful calls match unless ``include_errors``; ``after`` skips
        calls with a smaller index (take one with ``api.mark()``).  On timeout raises
        AssertionError listing the recent calls, rejected ones included, so a failing test shows
        what Telegram would have refused.  This blocks the calling thread: if the bot runs on the
        same event loop as the test, use ``await api.wait_for_async(...)`` instead.
        """
        match = self._as_predicate(predicate, include_errors)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self._calls[after:]:
                    if match(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(min(remaining, 0.1))
        hint = ""
        try:
            asyncio.get_running_loop()
            hint = (
                "\n(wait_for blocks the running event loop; if the bot runs on it, "
                "use `await api.wait_for_async(...)`)"
            )
        except RuntimeError:
            pass
        raise AssertionError(self._timeout_message(predicate, timeout) + hint)

    async def wait_for_async(
        self,
        predicate: Predicate | str | None = None,
        timeout: float = 5.0,
        *,
        after: int = 0,
        include_errors: bool = False,
    ) -> Call:
        """``wait_for`` that yields to the event loop, for bots running on the test's loop."""
        match = self._as_predicate(predicate, include_errors)
        deadline = time.monotonic() + timeout
        while True:
            for call in self.calls[after:]:
                if match(call):
                    return call
            if time.monotonic() >= deadline:
                raise AssertionError(self._timeout_message(predicate, timeout))
            await asyncio.sleep(0.01)

    @staticmethod
    def _as_predicate(predicate: Predicate | str | None, include_errors: bool) -> Predicate:
        def match(call: Call) -> bool:
            if not include_errors and not call.ok:
                return False
            if predicate is None:
                return True
            if isinstance(predicate, str):
                return call.method == predicate
            try:
                return bool(predicate(call))
            except (KeyError, IndexError, TypeError, AttributeError, ValueError):
                return False

        return match

    def _timeout_message(self, predicate: Predicate | str | None, timeout: float) -> str:
        calls = self.calls
        shown = [c for c in calls if not (c.method == "getUpdates" and c.ok and not c.result)]
        polls = len(calls) - len(shown)
        lines = [c.summary() for c in shown[-25:]]
        what = predicate if isinstance(predicate, str) else getattr(predicate, "__name__", "call")
        header = f"no call matching {what!r} within {timeout:.1f}s; {len(calls)} calls recorded"
        if polls:
            header += f" ({polls} empty getUpdates omitted)"
        errors = [c for c in calls if not c.ok]
        if errors:
            header += f"; {len(errors)} rejected, last: {errors[-1].summary()}"
        return "\n".join([header, *(f"  {line}" for line in lines)])

    # -- fault injection ----------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        status: int | Literal["drop", "delay"] = 500,
        *,
        count: int = 1,
        retry_after: int = 1,
        delay: float = 1.0,
        description: str | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail.

        ``status`` is an HTTP error code (429 carries ``parameters.retry_after``), ``"drop"``
        (close the connection without answering) or ``"delay"`` (answer normally after
        ``delay`` seconds, to exercise client timeouts).
        """
        canonical = self.spec.canonical_method(method)
        if canonical is None:
            raise ValueError(f"{method!r} is not a Bot API {self.spec.version} method")
        if isinstance(status, str) and status not in ("drop", "delay"):
            raise ValueError(f"unknown fault {status!r}; use an HTTP status, 'drop' or 'delay'")
        with self._cond:
            self._faults.append(_Fault(canonical, status, count, retry_after, delay, description))

    def hold(self, method: str) -> None:
        """Make calls of ``method`` wait, unanswered and unrecorded, until `release`: as if they
        had not reached Telegram yet. A call whose client goes away meanwhile (a bot killed)
        is dropped, never recorded: it never reached Telegram."""
        canonical = self.spec.canonical_method(method)
        if canonical is None:
            raise ValueError(f"{method!r} is not a Bot API {self.spec.version} method")
        with self._cond:
            self._held.add(canonical)

    def release(self) -> None:
        """Let held calls through, and stop holding."""
        with self._cond:
            self._held.clear()
            self._cond.notify_all()

    def _wait_while_held(self, method: str) -> None:
        connection = getattr(self._local, "connection", None)
        with self._cond:
            if method not in self._held:
                return
            self.holding += 1
            self._cond.notify_all()
            try:
                while method in self._held and not self._stopping.is_set():
                    self._cond.wait(0.05)
                    if _client_disconnected(connection):
                        raise _ClientGone
            finally:
                self.holding -= 1
                self._cond.notify_all()

    def faults_pending(self, method: str | None = None) -> int:
        """Injected failures not used yet, of one method or of all."""
        with self._cond:
            return sum(f.count for f in self._faults if method is None or f.method == method)

    def _take_fault(self, method: str) -> _Fault | None:
        with self._cond:
            for fault in self._faults:
                if fault.method == method:
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    @staticmethod
    def _fault_error(fault: _Fault) -> BotApiError:
        status = int(fault.kind)
        defaults = {
            400: "Bad Request: injected failure",
            401: "Unauthorized",
            403: "Forbidden: bot was blocked by the user",
            404: "Not Found",
            409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
            "instance is running",
            429: f"Too Many Requests: retry after {fault.retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
        }
        description = fault.description or defaults.get(status, f"Error {status}")
        parameters = {"retry_after": fault.retry_after} if status == 429 else None
        return BotApiError(status, description, parameters)

    # -- building updates ---------------------------------------------------------------------

    def _new_message_id(self) -> int:
        with self._cond:
            message_id = self._next_message_id
            self._next_message_id += 1
            return message_id

    def _new_query_id(self) -> str:
        with self._cond:
            query_id = self._next_query_id
            self._next_query_id += 1
            return f"{4_000_000_000_000_000 + query_id}"

    @staticmethod
    def make_user(
        user_id: int = DEFAULT_USER_ID,
        *,
        first_name: str = "Test",
        username: str | None = None,
        language_code: str | None = "en",
        is_bot: bool = False,
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": is_bot, "first_name": first_name}
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        return user

    @staticmethod
    def make_chat(
        chat_id: int, chat_type: str = "private", *, title: str | None = None, **extra: Any
    ) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat.setdefault("first_name", "Test")
        else:
            chat["title"] = title or f"Test {chat_type}"
        chat.update(extra)
        return chat

    def _message(
        self, chat: dict[str, Any], message_id: int | None = None, date: int | None = None
    ) -> dict[str, Any]:
        """What every Message has: its id (a fresh one unless given), its chat and its time."""
        return {
            "message_id": message_id if message_id is not None else self._new_message_id(),
            "chat": chat,
            "date": date if date is not None else int(time.time()),
        }

    def _text_message(
        self,
        text: str | None,
        *,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        language_code: str | None,
        first_name: str,
        username: str | None,
        message_id: int | None,
        date: int | None,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        if chat_id is None:
            chat_id = {"private": user_id, "channel": DEFAULT_CHANNEL_ID}.get(
                chat_type, DEFAULT_GROUP_ID
            )
        message = self._message(self.make_chat(chat_id, chat_type), message_id, date)
        message["from"] = self.make_user(
            user_id, first_name=first_name, username=username, language_code=language_code
        )
        if text is not None:
            message["text"] = text
            commands = [
                {
                    "type": "bot_command",
                    "offset": utf16_len(text[: m.start()]),
                    "length": utf16_len(m.group()),
                }
                for m in _BOT_COMMAND_IN_TEXT_RE.finditer(text)
            ]
            if commands and "entities" not in extra:
                message["entities"] = commands
        message.update(extra)
        return message

    def make_message(
        self,
        text: str | None,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        language_code: str | None = "en",
        first_name: str = "Test",
        username: str | None = None,
        message_id: int | None = None,
        date: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """An update carrying a user's message.

        Leading ``/commands`` get ``bot_command`` entities as Telegram adds them, because
        python-telegram-bot's CommandHandler only recognises commands through those entities.
        ``extra`` is merged into the Message (e.g. ``reply_to_message=...``).
        """
        message = self._text_message(
            text,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            language_code=language_code,
            first_name=first_name,
            username=username,
            message_id=message_id,
            date=date,
            extra=extra,
        )
        return {"message": message}

    def make_edited_message(
        self, text: str, *, edit_date: int | None = None, **fields: Any
    ) -> dict[str, Any]:
        """An ``edited_message`` update (pass the original ``message_id`` to edit a known one);
        ``fields`` are those of `make_message`."""
        now = int(time.time())
        message = self.make_message(text, date=now - 1, **fields)["message"]
        message["edit_date"] = edit_date if edit_date is not None else now
        return {"edited_message": message}

    def make_channel_post(
        self,
        text: str,
        *,
        chat_id: int = DEFAULT_CHANNEL_ID,
        title: str = "Test channel",
        username: str | None = None,
        message_id: int | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """A ``channel_post`` update: no ``from``, the channel itself is ``sender_chat``."""
        chat = self.make_chat(chat_id, "channel", title=title)
        if username is not None:
            chat["username"] = username
        post = self._message(chat, message_id)
        post.update(sender_chat=chat, text=text, **extra)
        return {"channel_post": post}

    def make_bot_message(
        self,
        text: str,
        *,
        chat_id: int = DEFAULT_USER_ID,
        chat_type: str = "private",
        reply_markup: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A Message as if the bot had sent it (e.g. the message a callback button sits on)."""
        message = self._message(self.make_chat(chat_id, chat_type))
        message.update({"from": dict(self.bot_user), "text": text})
        if reply_markup is not None:
            message["reply_markup"] = reply_markup
        return message

    def make_callback_query(
        self,
        data: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        message: dict[str, Any] | None = None,
        language_code: str | None = "en",
        chat_instance: str | None = None,
        query_id: str | None = None,
    ) -> dict[str, Any]:
        """A ``callback_query`` update from pressing a button carrying ``data``.

        Without ``message``, the button sits on a fresh bot message in the user's private chat;
        pass ``call.result`` of the bot's own sendMessage to press a button it really sent.
        """
        if message is None:
            keyboard = {"inline_keyboard": [[{"text": "button", "callback_data": data}]]}
            message = self.make_bot_message("Choose:", chat_id=user_id, reply_markup=keyboard)
        query: dict[str, Any] = {
            "id": query_id or self._new_query_id(),
            "from": self.make_user(user_id, language_code=language_code),
            "message": message,
            "chat_instance": chat_instance or f"ci-{message['chat']['id']}",
            "data": data,
        }
        return {"callback_query": query}

    def make_inline_query(
        self,
        query: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        offset: str = "",
        chat_type: str | None = "sender",
        language_code: str | None = "en",
        query_id: str | None = None,
    ) -> dict[str, Any]:
        """An ``inline_query`` update (``@coopbot_test_bot query`` typed in some chat)."""
        inline: dict[str, Any] = {
            "id": query_id or self._new_query_id(),
            "from": self.make_user(user_id, language_code=language_code),
            "query": query,
            "offset": offset,
        }
        if chat_type is not None:
            inline["chat_type"] = chat_type
        return {"inline_query": inline}

    def make_update(
        self, update_type: str, payload: dict[str, Any], *, update_id: int | None = None
    ) -> dict[str, Any]:
        """Any update kind the spec knows, e.g. ``make_update("my_chat_member", {...})``."""
        if update_type not in self.spec.update_types:
            raise ValueError(
                f"{update_type!r} is not an Update field{_suggest(update_type, self.spec.update_types)}"
            )
        update: dict[str, Any] = {update_type: payload}
        if update_id is not None:
            update["update_id"] = update_id
        return update

    # -- delivering updates -------------------------------------------------------------------

    def _prepare_update(self, update: dict[str, Any]) -> tuple[dict[str, Any], str]:
        update = copy.deepcopy(update)
        kinds = [key for key in update if key != "update_id"]
        if len(kinds) != 1:
            raise ValueError(f"an update carries exactly one kind, got {kinds}")
        with self._cond:
            if "update_id" not in update:
                update["update_id"] = self._next_update_id
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
        _Validator(self.spec, {}).update(update)
        self._remember(kinds[0], update[kinds[0]])
        return update, kinds[0]

    def _remember(self, kind: str, payload: dict[str, Any]) -> None:
        """Learn chats, messages and query ids so later calls can be checked against them."""
        with self._cond:
            message = payload if "message_id" in payload else payload.get("message")
            if isinstance(message, dict) and message.get("date") and "chat" in message:
                chat = message["chat"]
                self._chats.setdefault(chat["id"], chat)
                self._messages[(chat["id"], message["message_id"])] = copy.deepcopy(message)
                self._next_message_id = max(self._next_message_id, message["message_id"] + 1)
            if kind == "callback_query":
                self._pending_callback_queries.add(payload["id"])
            elif kind == "inline_query":
                self._pending_inline_queries.add(payload["id"])

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates (validated against the spec); returns its update_id.

        The id is taken and the update queued under one hold of the lock: were another thread to
        queue a later id in between, getUpdates could confirm past this one and lose it.
        """
        with self._cond:
            prepared, _ = self._prepare_update(update)
            self._queue.append(prepared)
            self._queue.sort(key=lambda u: u["update_id"])
            self._cond.notify_all()
        return prepared["update_id"]

    def deliver_webhook(
        self, url: str, update: dict[str, Any], secret: str | None = None, timeout: float = 5.0
    ) -> int:
        """POST an update to the bot's webhook like Telegram does; returns the HTTP status.

        ``secret`` is sent as ``X-Telegram-Bot-Api-Secret-Token``; None sends the secret_token
        the bot registered with setWebhook (if any), ``""`` sends no header.  Blocking: from a
        test whose event loop also runs the bot's webhook server use ``deliver_webhook_async``.
        """
        prepared, _ = self._prepare_update(update)
        if secret is None:
            secret = self.webhook.get("secret_token", "")
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        request = urllib.request.Request(
            url, data=json.dumps(prepared).encode("utf-8"), headers=headers, method="POST"
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(request, timeout=timeout) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
        with self._cond:
            self.webhook_deliveries.append((url, prepared, status))
        return status

    async def deliver_webhook_async(
        self, url: str, update: dict[str, Any], secret: str | None = None, timeout: float = 5.0
    ) -> int:
        """``deliver_webhook`` in a worker thread, so the bot's server on this loop can answer."""
        return await asyncio.to_thread(self.deliver_webhook, url, update, secret, timeout)

    # -- request handling ---------------------------------------------------------------------

    def _serve(self, handler: _Handler) -> None:
        path = urlsplit(handler.path).path
        token, method = "", path
        raw: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        content_type = ""
        params: dict[str, Any] | None = None
        try:
            body = _read_body(handler)
            match = _PATH_RE.match(path)
            if match is None:
                raise BotApiError(404, "Not Found")
            token, method = match.group("token"), match.group("method")
            if not _TOKEN_RE.match(token):
                raise BotApiError(404, "Not Found")
            if not self._token_accepted(token):
                raise BotApiError(401, "Unauthorized")
            canonical = self.spec.canonical_method(method)
            if canonical is None:
                raise BotApiError(404, "Not Found")
            method = canonical
            raw, files, content_type = _parse_request_params(handler, body)
            self._local.connection = handler.connection
            self._wait_while_held(method)
            fault = self._take_fault(method)
            if fault is not None and fault.kind == "drop":
                raise _DropConnection
            if fault is not None and fault.kind == "delay":
                self._stopping.wait(fault.delay)
            elif fault is not None:
                raise self._fault_error(fault)
            validator = _Validator(self.spec, files)
            params = validator.method_params(method, raw)
            self._local.connection = handler.connection
            result = self._dispatch(method, params, validator.parsed)
            status, payload = 200, {"ok": True, "result": result}
        except _DropConnection:
            loose = _loose_decode(raw)
            self._record(method, loose, 0, None, token, handler, files, content_type)
            handler.close_connection = True
            return
        except _ClientGone:
            handler.close_connection = True
            return
        except BotApiError as exc:
            status, payload = exc.status, exc.payload()
        except Exception as exc:  # a bug in the fake must not look like a network error
            status = 500
            payload = {"ok": False, "error_code": 500, "description": f"fake bug: {exc!r}"}
        call_params = params if params is not None else _loose_decode(raw)
        self._record(method, call_params, status, payload, token, handler, files, content_type)
        body_bytes = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(body_bytes)))
            handler.end_headers()
            handler.wfile.write(body_bytes)
        except OSError:
            handler.close_connection = True

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        payload: dict[str, Any] | None,
        token: str,
        handler: _Handler,
        files: dict[str, UploadedFile],
        content_type: str = "",
    ) -> None:
        with self._cond:
            self._calls.append(
                Call(
                    index=len(self._calls),
                    method=method,
                    params=params,
                    status=status,
                    response=payload,
                    token=token,
                    http_method=handler.command,
                    content_type=content_type,
                    files=files,
                    timestamp=time.time(),
                )
            )
            self._cond.notify_all()

    def _token_accepted(self, token: str) -> bool:
        if self.token_check is None:
            return True
        if isinstance(self.token_check, str):
            return token == self.token_check
        return bool(self.token_check(token))

    def _dispatch(
        self,
        method: str,
        params: dict[str, Any],
        parsed: dict[str, tuple[str, list[dict[str, Any]]]],
    ) -> Any:
        handler = getattr(self, f"_api_{method}", None)
        if handler is not None:
            return handler(params, parsed)
        return self._generic_result(method, params, parsed)

    # -- chats and messages -------------------------------------------------------------------

    def _resolve_chat(self, chat_id: int | str) -> dict[str, Any]:
        with self._cond:
            if isinstance(chat_id, str):
                if _INT_RE.match(chat_id):
                    chat_id = int(chat_id)
                elif chat_id.startswith("@") and len(chat_id) > 1:
                    username = chat_id[1:]
                    for chat in self._chats.values():
                        if chat.get("username", "").lower() == username.lower():
                            return chat
                    synthetic_id = -1_003_000_000_000 - len(self._chats)
                    chat = self.make_chat(synthetic_id, "channel", title=username)
                    chat["username"] = username
                    self._chats[synthetic_id] = chat
                    return chat
                else:
                    raise _bad_request("chat not found")
            if chat_id in self._chats:
                return self._chats[chat_id]
            if chat_id > 0:
                chat = self.make_chat(chat_id, "private")
            elif chat_id <= -1_000_000_000_000:
                chat = self.make_chat(chat_id, "supergroup")
            else:
                chat = self.make_chat(chat_id, "group")
            self._chats[chat_id] = chat
            return chat

    def _text_and_entities(
        self,
        params: dict[str, Any],
        parsed: dict[str, tuple[str, list[dict[str, Any]]]],
        name: str,
        entities_name: str,
    ) -> tuple[str, list[dict[str, Any]]]:
        if name in parsed:
            return parsed[name]
        return params[name], list(params.get(entities_name, []))

    def _store_new_message(self, chat: dict[str, Any], **content: Any) -> dict[str, Any]:
        message = self._message(chat)
        message["from"] = dict(self.bot_user)
        message.update({key: value for key, value in content.items() if value})
        with self._cond:
            self._messages[(chat["id"], message["message_id"])] = message
        return copy.deepcopy(message)

    @staticmethod
    def _inline_markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        return markup if isinstance(markup, dict) and "inline_keyboard" in markup else None

    def _editable_message(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The stored message an edit targets, or None for an inline message."""
        if "inline_message_id" in params:
            return None
        if "chat_id" not in params:
            raise _bad_request("chat_id is empty")
        if "message_id" not in params:
            raise _bad_request("message identifier is not specified")
        chat = self._resolve_chat(params["chat_id"])
        with self._cond:
            message = self._messages.get((chat["id"], params["message_id"]))
        if message is None:
            raise _bad_request("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_user["id"]:
            raise _bad_request("message can't be edited")
        return message

    # -- method implementations ---------------------------------------------------------------

    def _api_getMe(self, params: dict[str, Any], parsed: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _api_getUpdates(self, params: dict[str, Any], parsed: dict[str, Any]) -> list[Any]:
        offset = params.get("offset", 0)
        limit = min(max(params.get("limit", 100), 1), 100)
        timeout = max(params.get("timeout", 0), 0)
        deadline = time.monotonic() + timeout
        with self._cond:
            if self._webhook.get("url"):
                raise BotApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; use "
                    "deleteWebhook to delete the webhook first",
                )
            if "allowed_updates" in params:
                self._allowed_updates = list(params["allowed_updates"]) or None
            self._poll_generation += 1
            generation = self._poll_generation
            if offset < 0:
                self._queue = self._queue[offset:]
            elif offset > 0:
                self._queue = [u for u in self._queue if u["update_id"] >= offset]
            while True:
                self._drop_unwanted_updates()
                if self._queue or self._stopping.is_set():
                    return copy.deepcopy(self._queue[:limit])
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                self._cond.wait(min(remaining, 0.1))
                if _client_disconnected(getattr(self._local, "connection", None)):
                    raise _ClientGone  # e.g. the bot's updater stopped; not a call to record
                if self._poll_generation != generation:
                    raise BotApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )

    def _drop_unwanted_updates(self) -> None:
        """Telegram never creates updates of types the bot did not subscribe to."""
        allowed = self._allowed_updates
        self._queue = [
            u
            for u in self._queue
            if (kind := next(k for k in u if k != "update_id"))
            and (kind in allowed if allowed is not None else kind not in OPT_IN_UPDATE_TYPES)
        ]

    def _api_sendMessage(self, params: dict[str, Any], parsed: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(params["chat_id"])
        text, entities = self._text_and_entities(params, parsed, "text", "entities")
        return self._store_new_message(
            chat, text=text, entities=entities, reply_markup=self._inline_markup(params)
        )

    def _api_editMessageText(self, params: dict[str, Any], parsed: dict[str, Any]) -> Any:
        if "text" not in params and "rich_message" not in params:
            raise _bad_request("message text is empty")
        message = self._editable_message(params)
        if message is None:
            return True
        if "text" not in params:
            return self._edited(message, {}, ())
        text, entities = self._text_and_entities(params, parsed, "text", "entities")
        changes = {"text": text, "entities": entities, "reply_markup": self._inline_markup(params)}
        return self._edited(message, changes, ("text", "entities", "reply_markup"))

    def _api_editMessageReplyMarkup(self, params: dict[str, Any], parsed: dict[str, Any]) -> Any:
        message = self._editable_message(params)
        if message is None:
            return True
        changes = {"reply_markup": self._inline_markup(params)}
        return self._edited(message, changes, ("reply_markup",))

    def _edited(
        self, message: dict[str, Any], changes: dict[str, Any], compared: Iterable[str]
    ) -> dict[str, Any]:
        with self._cond:
            compared = tuple(compared)
            if compared and all(
                (message.get(key) or None) == (changes.get(key) or None) for key in compared
            ):
                raise BotApiError(400, NOT_MODIFIED)
            for key, value in changes.items():
                if value:
                    message[key] = value
                else:
                    message.pop(key, None)
            message["edit_date"] = int(time.time())
            return copy.deepcopy(message)

    def _api_deleteMessage(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        with self._cond:
            if self._messages.pop((chat["id"], params["message_id"]), None) is None:
                raise _bad_request("message to delete not found")
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        with self._cond:
            if params["callback_query_id"] not in self._pending_callback_queries:
                raise BotApiError(400, QUERY_INVALID)
            self._pending_callback_queries.discard(params["callback_query_id"])
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        results = params["results"]
        if len(results) > MAX_INLINE_RESULTS:
            raise _bad_request("RESULTS_TOO_MUCH")
        ids = [r["id"] for r in results]
        if len(set(ids)) != len(ids):
            raise _bad_request("RESULT_ID_DUPLICATE")
        with self._cond:
            if params["inline_query_id"] not in self._pending_inline_queries:
                raise BotApiError(400, QUERY_INVALID)
            self._pending_inline_queries.discard(params["inline_query_id"])
        return True

    @staticmethod
    def _scope_key(scope: dict[str, Any] | None) -> str:
        if not scope or scope["type"] == "default":
            return "default"
        parts = [scope["type"]]
        if "chat_id" in scope:
            parts.append(str(scope["chat_id"]))
        if "user_id" in scope:
            parts.append(str(scope["user_id"]))
        return ":".join(parts)

    def _commands_key(self, params: dict[str, Any]) -> tuple[str, str]:
        language = params.get("language_code", "")
        if language and not _LANGUAGE_RE.match(language):
            raise _bad_request("invalid language code specified")
        return self._scope_key(params.get("scope")), language

    def _api_setMyCommands(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        commands = params["commands"]
        if len(commands) > MAX_BOT_COMMANDS:
            raise _bad_request("too many commands specified")
        key = self._commands_key(params)
        with self._cond:
            if commands:
                self._commands[key] = copy.deepcopy(commands)
            else:
                self._commands.pop(key, None)
        return True

    def _api_getMyCommands(self, params: dict[str, Any], parsed: dict[str, Any]) -> list[Any]:
        key = self._commands_key(params)
        with self._cond:
            return copy.deepcopy(self._commands.get(key, []))

    def _api_deleteMyCommands(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        key = self._commands_key(params)
        with self._cond:
            self._commands.pop(key, None)
        return True

    def _api_setWebhook(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        url = params["url"]
        if url:
            parts = urlsplit(url)
            if parts.scheme != "https" or not parts.hostname:
                raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            if parts.port is not None and parts.port not in WEBHOOK_PORTS:
                raise _bad_request(
                    "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
                )
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.match(secret):
            raise _bad_request("secret token contains unallowed characters")
        with self._cond:
            if params.get("drop_pending_updates"):
                self._queue.clear()
            if "allowed_updates" in params:
                self._allowed_updates = list(params["allowed_updates"]) or None
            self._webhook = {k: v for k, v in params.items() if k != "certificate"} if url else {}
            self._poll_generation += 1  # a webhook ends any long poll in progress
            self._cond.notify_all()
        return True

    def _api_deleteWebhook(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        with self._cond:
            if params.get("drop_pending_updates"):
                self._queue.clear()
            self._webhook = {}
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any], parsed: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            info: dict[str, Any] = {
                "url": self._webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._queue),
            }
            if info["url"]:
                info["max_connections"] = self._webhook.get("max_connections", 40)
                info["ip_address"] = "127.0.0.1"
            if self._allowed_updates is not None:
                info["allowed_updates"] = list(self._allowed_updates)
            return info

    def _api_sendChatAction(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        if params["action"] not in CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        self._resolve_chat(params["chat_id"])
        return True

    def _api_setChatMenuButton(self, params: dict[str, Any], parsed: dict[str, Any]) -> bool:
        with self._cond:
            self._menu_buttons[params.get("chat_id")] = params.get("menu_button") or {
                "type": "default"
            }
        return True

    def _api_getChatMenuButton(
        self, params: dict[str, Any], parsed: dict[str, Any]
    ) -> dict[str, Any]:
        with self._cond:
            button = self._menu_buttons.get(params.get("chat_id"))
            return copy.deepcopy(button) if button else {"type": "default"}

    def _generic_result(
        self,
        method: str,
        params: dict[str, Any],
        parsed: dict[str, tuple[str, list[dict[str, Any]]]],
    ) -> Any:
        """Plausible results for the remaining methods: a Message where one is due, else True."""
        returns = self.spec.methods[method]["returns"]
        if method.startswith("edit") and "Message" in returns:
            message = self._editable_message(params)
            if message is None:
                return True
            return self._edited(message, {}, ())
        if returns == ["Message"] and "chat_id" in params:
            chat = self._resolve_chat(params["chat_id"])
            caption = parsed.get("caption", (params.get("caption"), []))
            return self._store_new_message(
                chat,
                caption=caption[0],
                caption_entities=caption[1],
                reply_markup=self._inline_markup(params),
            )
        if returns == ["Array of Message"] and "chat_id" in params:
            chat = self._resolve_chat(params["chat_id"])
            return [self._store_new_message(chat) for _ in params.get("media", [None])]
        if returns == ["MessageId"]:
            return {"message_id": self._new_message_id()}
        if returns == ["Array of MessageId"]:
            return [{"message_id": self._new_message_id()} for _ in params.get("message_ids", [])]
        return True
