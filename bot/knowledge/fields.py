"""Fields of the YAML checked one by one and turned into dataclasses, each problem at its line."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any
from urllib.parse import urlparse

from bot.knowledge.model import SMALLTALK_KINDS, SOURCE_KINDS, Entry, Meta, Problem, Source, Topic
from bot.knowledge.yamlfile import line_of
from bot.text import LANGS, Lang, detect_language, is_cjk, to_simplified

#: Most phrasings of one entry in one language (curated entries have under 20): `coopbot validate`
#: puts every phrasing to the matcher, so this bounds its work whatever a file holds.
MAX_QUESTIONS = 100
TOPIC_KINDS = ("platform", "policy", "about")
_SOURCE_FIELDS = frozenset({"title", "url", "lang", "kind", "read"})
#: The longest answer any front end must show in one message (Telegram's limit is the smallest).
MAX_ANSWER_CHARS = 4096
#: The longest `short` name of a topic: about what a phone shows on a button before cutting it.
MAX_SHORT_CHARS = 30


class Checker:
    """Collects problems for one file while turning its mappings into dataclasses."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []

    def error(self, where: Any, key: str | None, entry_id: str, message: str) -> None:
        # Line 1 when `where` has no line (an empty file, a list): the problem is in this file.
        self.problems.append(Problem(self.display, line_of(where, key) or 1, entry_id, message))

    def warn(self, where: Any, key: str | None, entry_id: str, message: str) -> None:
        self.problems.append(
            Problem(self.display, line_of(where, key) or 1, entry_id, message, severity="warning")
        )

    def text(self, mapping: dict, key: str, entry_id: str, required: bool = True) -> str | None:
        value = mapping.get(key)
        if value is None:
            if required:
                self.error(mapping, None, entry_id, f"missing required field '{key}'")
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(mapping, key, entry_id, f"'{key}' must be non-empty text")
            return None
        return value.strip()

    def by_language(self, mapping: dict, key: str, entry_id: str) -> dict | None:
        value = mapping.get(key)
        if value is None:
            self.error(mapping, None, entry_id, f"missing required field '{key}'")
            return None
        if not isinstance(value, dict):
            self.error(
                mapping, key, entry_id, f"'{key}' must list languages (en, zh-Hant, zh-Hans)"
            )
            return None
        for lang in value:
            if lang not in LANGS:
                self.error(value, lang, entry_id, f"unknown language '{lang}' in '{key}'")
        for lang in ("en", "zh-Hant"):
            if lang not in value:
                self.error(value, None, entry_id, f"'{key}' has no {lang}")
        return value

    def string_list(self, mapping: dict, key: str, entry_id: str) -> tuple[str, ...]:
        value = mapping.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.error(mapping, key, entry_id, f"'{key}' must be a list of text")
            return ()
        return tuple(v.strip() for v in value)

    def date(self, mapping: dict, key: str, entry_id: str) -> dt.date | None:
        value = mapping.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.error(mapping, key, entry_id, f"'{key}' must be a date like 2024-07-12")
            return None


def parse_meta(data: Any, checker: Checker) -> Meta | None:
    if not isinstance(data, dict):
        checker.error(data, None, "meta", "meta.yaml must be a mapping of settings")
        return None
    pages = checker.by_language(data, "official_page", "meta") or {}
    official: dict[Lang, Source] = {}
    for lang, page in pages.items():
        if isinstance(page, dict) and lang in LANGS:
            title, url = checker.text(page, "title", "meta"), checker.text(page, "url", "meta")
            if title and url:
                official[lang] = Source(title, url)
    if "zh-Hans" not in official and "zh-Hant" in official:
        hant = official["zh-Hant"]
        official["zh-Hans"] = Source(to_simplified(hant.title), hant.url)
    minimum = data.get("min_questions", {"en": 1, "zh-Hant": 1})
    if not isinstance(minimum, dict) or not all(isinstance(v, int) for v in minimum.values()):
        checker.error(
            data, "min_questions", "meta", "'min_questions' must map languages to numbers"
        )
        minimum = {"en": 1, "zh-Hant": 1}
    max_chars = data.get("max_answer_chars", 900)
    if not isinstance(max_chars, int) or not 0 < max_chars <= MAX_ANSWER_CHARS:
        checker.error(data, "max_answer_chars", "meta", "'max_answer_chars' must be 1..4096")
        max_chars = 900
    synonyms_raw = data.get("synonyms", {}) or {}
    synonyms: dict[str, tuple[str, ...]] = {}
    if not isinstance(synonyms_raw, dict):
        checker.error(data, "synonyms", "meta", "'synonyms' must map a word to its variants")
    else:
        for canonical, variants in synonyms_raw.items():
            synonyms[str(canonical)] = checker.string_list(synonyms_raw, canonical, "meta")
            if not variants:
                checker.error(synonyms_raw, canonical, "meta", "a synonym needs variants")
    return Meta(
        official_page=official,
        min_questions=dict(minimum),
        max_answer_chars=max_chars,
        allowed_domains=checker.string_list(data, "allowed_domains", "meta"),
        synonyms=synonyms,
        aspects=_phrase_table(data, "aspects", checker),
        smalltalk=_smalltalk(data, checker),
        fillers=_phrase_table(data, "fillers", checker),
        off_topic=_phrase_table(data, "off_topic", checker),
        meeting_kinds=_names(data, "meeting_kinds", checker),
        meeting_questions=_phrase_table(data, "meeting_questions", checker),
    )


def _phrase_table(data: dict, key: str, checker: Checker) -> dict[str, dict[Lang, tuple[str, ...]]]:
    """`key: {name: {en: [...], zh-Hant: [...]}}`: phrases per name and language (zh-Hans
    phrases are matched through Traditional anyway, so they may be left out)."""
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        checker.error(data, key, "meta", f"'{key}' must map names to phrases per language")
        return {}
    table: dict[str, dict[Lang, tuple[str, ...]]] = {}
    for name, by_lang in raw.items():
        if not isinstance(by_lang, dict) or not by_lang:
            checker.error(raw, name, "meta", f"'{key}.{name}' must list phrases per language")
            continue
        phrases: dict[Lang, tuple[str, ...]] = {}
        for lang in by_lang:
            if lang not in LANGS:
                checker.error(by_lang, lang, "meta", f"unknown language '{lang}' in '{key}.{name}'")
                continue
            phrases[lang] = checker.string_list(by_lang, lang, "meta")
        table[str(name)] = phrases
    return table


def _smalltalk(data: dict, checker: Checker) -> dict[str, dict[Lang, tuple[str, ...]]]:
    """The small-talk phrases by kind: a kind the bot has no reply for would fail when asked."""
    table = _phrase_table(data, "smalltalk", checker)
    for kind in [k for k in table if k not in SMALLTALK_KINDS]:
        checker.error(
            data["smalltalk"],
            kind,
            "meta",
            f"unknown small-talk kind '{kind}': one of {', '.join(SMALLTALK_KINDS)}",
        )
        del table[kind]
    return table


def _names(data: dict, key: str, checker: Checker) -> dict[str, dict[Lang, str]]:
    """`key: {name: {en: ..., zh-Hant: ...}}`: one text per name and language."""
    raw = data.get(key) or {}
    if not isinstance(raw, dict):
        checker.error(data, key, "meta", f"'{key}' must map names to a text per language")
        return {}
    return {
        str(name): texts for name in raw if (texts := by_language_text(raw, name, "meta", checker))
    }


def by_language_text(
    mapping: dict, key: str, entry_id: str, checker: Checker, required: bool = True
) -> dict[Lang, str]:
    """A text per language (en and zh-Hant needed; zh-Hans derived from zh-Hant if absent)."""
    if mapping.get(key) is None and not required:
        return {}
    value = checker.by_language(mapping, key, entry_id) or {}
    texts: dict[Lang, str] = {}
    for lang in value:
        if lang in LANGS:
            text = checker.text(value, lang, entry_id)
            if text:
                texts[lang] = join_lines(text)
    if "zh-Hant" in texts and "zh-Hans" not in texts:
        texts["zh-Hans"] = to_simplified(texts["zh-Hant"])
    return texts


def parse_topic(data: Any, checker: Checker) -> Topic | None:
    if not isinstance(data, dict):
        checker.error(data, None, "-", "'topic' must be a mapping with id, kind, name, overview")
        return None
    topic_id = checker.text(data, "id", "-")
    if topic_id is None:
        return None
    kind = checker.text(data, "kind", topic_id)
    if kind is not None and kind not in TOPIC_KINDS:
        checker.error(data, "kind", topic_id, f"'kind' must be one of {', '.join(TOPIC_KINDS)}")
    names = checker.by_language(data, "name", topic_id) or {}
    name = {lang: str(v) for lang, v in names.items() if lang in LANGS}
    if "zh-Hant" in name and "zh-Hans" not in name:
        name["zh-Hans"] = to_simplified(name["zh-Hant"])
    overview = checker.text(data, "overview", topic_id) or ""
    short = by_language_text(data, "short", topic_id, checker, required=False)
    for lang, text in short.items():
        if len(text) > MAX_SHORT_CHARS:
            checker.warn(
                data,
                "short",
                topic_id,
                f"'short' ({lang}) has {len(text)} characters; a phone shows about "
                f"{MAX_SHORT_CHARS} on a button",
            )
    return Topic(
        id=topic_id,
        kind=kind or "policy",
        name=name,
        overview=overview,
        aliases=checker.string_list(data, "aliases", topic_id),
        places=checker.string_list(data, "places", topic_id),
        cities=checker.string_list(data, "cities", topic_id),
        short=short,
        file=checker.display,
        line=line_of(data),
    )


def parse_sources(raw: dict, checker: Checker, entry_id: str) -> tuple[Source, ...]:
    value = raw.get("sources")
    if not value:
        checker.error(raw, "sources", entry_id, "no sources: every answer needs at least one")
        return ()
    if not isinstance(value, list):
        checker.error(raw, "sources", entry_id, "'sources' must be a list of {title, url, read}")
        return ()
    sources = []
    for item in value:
        if not isinstance(item, dict):
            checker.error(raw, "sources", entry_id, "each source must have a title and a url")
            continue
        for key in item:
            if key not in _SOURCE_FIELDS:
                checker.error(
                    item,
                    key,
                    entry_id,
                    f"unknown field '{key}' in a source (a comma in an unquoted title?)",
                )
        title, url = checker.text(item, "title", entry_id), checker.text(item, "url", entry_id)
        if title and url:
            if urlparse(url).scheme != "https" or not urlparse(url).netloc:
                checker.error(item, "url", entry_id, f"source url must be https: {url}")
            lang = item.get("lang") or detect_language(title)  # a title says its page's language
            if lang not in LANGS:
                checker.error(
                    item, "lang", entry_id, f"source lang must be one of {', '.join(LANGS)}"
                )
                lang = None
            kind = item.get("kind", "official")
            if kind not in SOURCE_KINDS:
                checker.error(
                    item, "kind", entry_id, f"source kind must be one of {', '.join(SOURCE_KINDS)}"
                )
                kind = "official"
            read = checker.date(item, "read", entry_id)
            sources.append(Source(title, url, read, lang, kind))
    return tuple(sources)


def parse_entry(raw: Any, topic: Topic, checker: Checker, meta: Meta | None) -> Entry | None:
    if not isinstance(raw, dict):
        checker.error(raw, None, "-", "each entry must be a mapping with id, questions, answer")
        return None
    entry_id = checker.text(raw, "id", "-")
    if entry_id is None:
        return None
    known = {
        "id",
        "questions",
        "answer",
        "sources",
        "as_of",
        "related",
        "keywords",
        "aspect",
        "not_told",
    }
    for key in raw:
        if key not in known:
            checker.error(raw, key, entry_id, f"unknown field '{key}'")
    questions = _parse_questions(raw, checker, entry_id, meta)
    answer = _parse_answer(raw, checker, entry_id, meta)
    if not all(lang in questions and questions[lang] for lang in ("en", "zh-Hant")):
        return None
    if not all(lang in answer for lang in ("en", "zh-Hant")):
        return None
    return Entry(
        id=entry_id,
        topic=topic.id,
        questions=questions,
        answer=answer,
        sources=parse_sources(raw, checker, entry_id),
        as_of=checker.date(raw, "as_of", entry_id),
        related=checker.string_list(raw, "related", entry_id),
        keywords=checker.string_list(raw, "keywords", entry_id),
        aspect=checker.text(raw, "aspect", entry_id, required=False),
        not_told=checker.string_list(raw, "not_told", entry_id),
        file=checker.display,
        line=line_of(raw),
    )


def _parse_questions(
    raw: dict, checker: Checker, entry_id: str, meta: Meta | None
) -> dict[Lang, tuple[str, ...]]:
    """An entry's phrasings per language; the first of each is the one shown on buttons."""
    questions: dict[Lang, tuple[str, ...]] = {}
    for lang in checker.by_language(raw, "questions", entry_id) or {}:
        if lang in LANGS:
            questions[lang] = checker.string_list(raw["questions"], lang, entry_id)
            if len(questions[lang]) > MAX_QUESTIONS:
                checker.error(
                    raw["questions"],
                    lang,
                    entry_id,
                    f"{len(questions[lang])} {lang} questions; at most {MAX_QUESTIONS}",
                )
    minimum = meta.min_questions if meta else {}
    for lang, needed in minimum.items():
        if lang in questions and len(questions[lang]) < needed:
            checker.error(
                raw["questions"],
                lang,
                entry_id,
                f"{len(questions[lang])} {lang} question(s); at least {needed} needed",
            )
    for lang in ("en", "zh-Hant"):
        main = questions.get(lang, ())
        if main and not main[0].rstrip().endswith(("?", "？")):
            checker.warn(
                raw["questions"],
                lang,
                entry_id,
                f"the first {lang} question is shown on buttons; make it a full question: '{main[0]}'",
            )
    if "zh-Hans" not in questions and questions.get("zh-Hant"):
        questions["zh-Hans"] = (to_simplified(questions["zh-Hant"][0]),)
    return questions


def _parse_answer(raw: dict, checker: Checker, entry_id: str, meta: Meta | None) -> dict[Lang, str]:
    """An entry's answer per language, each one paragraph and within the length meta allows."""
    answer: dict[Lang, str] = {}
    for lang in checker.by_language(raw, "answer", entry_id) or {}:
        if lang in LANGS:
            text = checker.text(raw["answer"], lang, entry_id)
            if text:
                answer[lang] = join_lines(text)
    if "zh-Hant" in answer and "zh-Hans" not in answer:
        answer["zh-Hans"] = to_simplified(answer["zh-Hant"])
    limit = meta.max_answer_chars if meta else MAX_ANSWER_CHARS
    for lang, text in answer.items():
        if len(text) > limit:
            where = raw["answer"] if lang in raw["answer"] else raw
            checker.error(
                where, lang, entry_id, f"{lang} answer is {len(text)} chars; limit {limit}"
            )
    return answer


def join_lines(text: str) -> str:
    """One paragraph from a YAML block: lines meet with a space, except between two Chinese characters.

    Curators wrap long answers over several lines; Chinese has no spaces between words, but English
    names inside a Chinese answer keep theirs.
    """
    lines = [" ".join(line.split()) for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    result = lines[0]
    for line in lines[1:]:
        glue = "" if _is_wide(result[-1]) and _is_wide(line[0]) else " "
        result += glue + line
    return result


def _is_wide(ch: str) -> bool:
    """A CJK character or full-width punctuation, which needs no space beside another one."""
    return is_cjk(ch) or unicodedata.east_asian_width(ch) in ("W", "F")
