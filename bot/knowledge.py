"""The knowledge base: YAML files in, plain dataclasses out, and every problem with its file and line.

Curators are not programmers, so a mistake must point at the place to fix (`FILE:LINE: ENTRY: message`)
rather than raise a traceback. Loading is all-or-nothing for the callers that serve users: a knowledge
base with errors is never served, and the one already running stays in place.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from bot.text import LANGS, Lang, is_cjk, to_simplified

META_FILE = "meta.yaml"
#: A knowledge-base file larger than this is refused before parsing: no curated topic comes close.
MAX_FILE_BYTES = 2_000_000
#: Deepest nesting of lists and mappings accepted (a topic file needs six levels): deeper is a mistake
#: or an attack, and is refused with its line before Python's recursion limit is reached without one.
MAX_DEPTH = 32
#: Most phrasings of one entry in one language (curated entries have under 20): `coopbot validate`
#: puts every phrasing to the matcher, so this bounds its work whatever a file holds.
MAX_QUESTIONS = 100
TOPIC_KINDS = ("platform", "policy", "about")
#: The longest answer any front end must show in one message (Telegram's limit is the smallest).
MAX_ANSWER_CHARS = 4096


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    entry_id: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}: {self.entry_id}: {prefix}{self.message}"


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    read: dt.date | None = None


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    questions: dict[Lang, tuple[str, ...]]
    answer: dict[Lang, str]
    sources: tuple[Source, ...]
    as_of: dt.date | None = None
    related: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    def question(self, lang: Lang) -> str:
        """The main question, as shown on a button."""
        return self.questions[lang][0]

    def all_questions(self) -> Iterator[str]:
        for lang in LANGS:
            yield from self.questions.get(lang, ())


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    name: dict[Lang, str]
    overview: str
    aliases: tuple[str, ...] = ()
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class Meta:
    official_page: dict[Lang, Source]
    min_questions: dict[str, int] = field(default_factory=lambda: {"en": 1, "zh-Hant": 1})
    max_answer_chars: int = 900
    allowed_domains: tuple[str, ...] = ()
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class KnowledgeBase:
    meta: Meta
    topics: dict[str, Topic]
    entries: dict[str, Entry]
    path: Path

    def topic_entries(self, topic_id: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.topic == topic_id]

    def platforms(self) -> list[Topic]:
        return [t for t in self.topics.values() if t.kind == "platform"]

    def all_sources(self) -> list[Source]:
        """Every distinct source, in knowledge-base order: the basis of /sources."""
        seen: dict[str, Source] = {}
        for entry in self.entries.values():
            for source in entry.sources:
                seen.setdefault(source.url, source)
        return list(seen.values())

    def latest_as_of(self) -> dt.date | None:
        dates = [e.as_of for e in self.entries.values() if e.as_of]
        return max(dates) if dates else None


class KnowledgeError(Exception):
    """The knowledge base cannot be served; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} problem(s) in the knowledge base; first: {errors[0]}")


# --- YAML with line numbers -------------------------------------------------------------------


class _LineDict(dict):
    """A mapping that remembers the line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class _Guards:
    """Refuse aliases and nesting deeper than MAX_DEPTH before anything is built from a document.

    A mixin for either safe loader (libyaml's or the pure-Python one): the guards must hold with both.
    """

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        """Count the depth while composing; only the pure-Python composer calls this.

        Its recursion would otherwise end in a RecursionError with no line (libyaml composes in C and
        stops at 1000 levels by itself; `construct_document` applies the cap to both).
        """
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, _TOO_DEEP, self.peek_event().start_mark
                )
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """A value YAML parses but Python cannot build is a YAML error at its line, not a traceback.

        A date such as 2024-02-30, or an integer of thousands of digits, raises ValueError.
        """
        try:
            return super().construct_object(node, deep)  # type: ignore[misc]
        except (ValueError, OverflowError) as exc:
            reason = str(exc).split(";")[0]  # not Python's advice on sys.set_int_max_str_digits
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read this value: {reason}", node.start_mark
            ) from exc

    def construct_document(self, node: yaml.Node) -> Any:
        """Check the whole composed document first: an alias is refused before it is ever followed."""
        _check_graph(node)
        return super().construct_document(node)  # type: ignore[misc]


_TOO_DEEP = f"lists and mappings nested more than {MAX_DEPTH} levels deep"
_ALIAS = (
    "aliases (*name) are not allowed: write the value anchored here (&name) out in full "
    "wherever it is needed"
)


def _check_graph(root: yaml.Node) -> None:
    """Refuse a document whose nodes repeat (aliases) or nest deeper than MAX_DEPTH.

    An alias makes one node appear again: a few lines of anchors and aliases can stand for billions
    of values ("billion laughs"), which anything that walks or prints them would expand. Curators do
    not need them. Iterative, so no document can exhaust the stack here.
    """
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise yaml.constructor.ConstructorError(None, None, _ALIAS, node.start_mark)
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise yaml.constructor.ConstructorError(None, None, _TOO_DEEP, node.start_mark)
        # Children pushed last first, so nodes are visited in document order: the value reported
        # is the one whose alias comes first.
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                stack += [(value, depth + 1), (key, depth + 1)]


def _construct_mapping(loader: Any, node: yaml.MappingNode) -> Iterator[_LineDict]:
    data = _LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool | dt.date):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def loader_class(base: type) -> type:
    """The safe loader `base` (no Python tags, ever) with the guards and line numbers on mappings."""
    loader = type(f"Knowledge{base.__name__}", (_Guards, base), {})
    loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    return loader


# libyaml's parser when PyYAML has it: ten times faster, which is most of the start-up time.
_Loader = loader_class(getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _line(mapping: Any, key: str | None = None) -> int:
    if isinstance(mapping, _LineDict):
        if key is not None and key in mapping.key_lines:
            return mapping.key_lines[key]
        return mapping.line
    return 0


# What YAML forbids in a file (control characters, U+FFFE, U+FFFF): found here, so that both parsers
# report it alike, at its line (libyaml reports a byte offset, the pure-Python parser a character one).
_NOT_YAML = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _read_yaml(path: Path, display: str) -> tuple[Any, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(display, 1, "-", f"file is {size} bytes; limit {MAX_FILE_BYTES}")]
        raw = path.read_bytes()
        text = raw.decode("utf-8")
    except OSError as exc:
        return None, [Problem(display, 1, "-", f"cannot read file: {exc}")]
    except UnicodeDecodeError as exc:  # binary junk, or text saved in another encoding
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start]
        return None, [
            Problem(display, line, "-", f"not UTF-8 text (byte 0x{byte:02x}): save as UTF-8")
        ]
    bad = _NOT_YAML.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        message = f"character U+{ord(bad.group()):04X} is not allowed in YAML: remove it"
        return None, [Problem(display, line, "-", message)]
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        return None, [Problem(display, line, "-", f"YAML error: {reason}")]
    except yaml.YAMLError as exc:
        return None, [Problem(display, 1, "-", f"YAML error: {' '.join(str(exc).split())}")]
    except RecursionError:  # a safety net: MAX_DEPTH stops nesting long before this
        return None, [Problem(display, 1, "-", f"YAML error: {_TOO_DEEP}")]


# --- Field checks -------------------------------------------------------------------------------


class _Checker:
    """Collects problems for one file while turning its mappings into dataclasses."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []

    def error(self, where: Any, key: str | None, entry_id: str, message: str) -> None:
        # Line 1 when `where` has no line (an empty file, a list): the problem is in this file.
        self.problems.append(Problem(self.display, _line(where, key) or 1, entry_id, message))

    def warn(self, where: Any, key: str | None, entry_id: str, message: str) -> None:
        self.problems.append(
            Problem(self.display, _line(where, key) or 1, entry_id, message, severity="warning")
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


def _parse_meta(data: Any, checker: _Checker) -> Meta | None:
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
    )


def _parse_topic(data: Any, checker: _Checker) -> Topic | None:
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
    return Topic(
        id=topic_id,
        kind=kind or "policy",
        name=name,
        overview=overview,
        aliases=checker.string_list(data, "aliases", topic_id),
        file=checker.display,
        line=_line(data),
    )


def _parse_sources(raw: dict, checker: _Checker, entry_id: str) -> tuple[Source, ...]:
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
        title, url = checker.text(item, "title", entry_id), checker.text(item, "url", entry_id)
        if title and url:
            if urlparse(url).scheme != "https" or not urlparse(url).netloc:
                checker.error(item, "url", entry_id, f"source url must be https: {url}")
            sources.append(Source(title, url, checker.date(item, "read", entry_id)))
    return tuple(sources)


def _parse_entry(raw: Any, topic: Topic, checker: _Checker, meta: Meta | None) -> Entry | None:
    if not isinstance(raw, dict):
        checker.error(raw, None, "-", "each entry must be a mapping with id, questions, answer")
        return None
    entry_id = checker.text(raw, "id", "-")
    if entry_id is None:
        return None
    known = {"id", "questions", "answer", "sources", "as_of", "related", "keywords"}
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
        sources=_parse_sources(raw, checker, entry_id),
        as_of=checker.date(raw, "as_of", entry_id),
        related=checker.string_list(raw, "related", entry_id),
        keywords=checker.string_list(raw, "keywords", entry_id),
        file=checker.display,
        line=_line(raw),
    )


def _parse_questions(
    raw: dict, checker: _Checker, entry_id: str, meta: Meta | None
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


def _parse_answer(
    raw: dict, checker: _Checker, entry_id: str, meta: Meta | None
) -> dict[Lang, str]:
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


def _domain_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == d or host.endswith("." + d) for d in allowed)


def _url_line(raw: Any, url: str) -> int:
    """The line of the source with this url in an entry's mapping, or the entry's line."""
    for item in raw.get("sources") or ():
        if isinstance(item, dict) and str(item.get("url", "")).strip() == url:
            return _line(item, "url")
    return _line(raw)


def _cross_checks(
    kb_meta: Meta,
    topics: dict[str, Topic],
    entries: dict[str, Entry],
    raw: dict[Any, Any],
) -> list[Problem]:
    """Checks across files; `raw` maps entry and topic ids to their YAML, for the exact lines."""
    problems = []
    for entry in entries.values():
        for related in entry.related:
            if related not in entries:
                line = _line(raw.get(entry.id), "related") or entry.line
                problems.append(
                    Problem(entry.file, line, entry.id, f"related id '{related}' not found")
                )
        for source in entry.sources:
            if kb_meta.allowed_domains and not _domain_allowed(source.url, kb_meta.allowed_domains):
                problems.append(
                    Problem(
                        entry.file,
                        _url_line(raw.get(entry.id, {}), source.url) or entry.line,
                        entry.id,
                        f"source outside allowed_domains: {source.url}",
                        severity="warning",
                    )
                )
    for topic in topics.values():
        overview = entries.get(topic.overview)
        if overview is None or overview.topic != topic.id:
            line = _line(raw.get(("topic", topic.id)), "overview") or topic.line
            problems.append(
                Problem(topic.file, line, topic.id, f"overview '{topic.overview}' not in topic")
            )
    return problems


def built_in_path() -> Path:
    """The knowledge base that ships with coopbot: the source tree's, or the one in the wheel."""
    package = Path(__file__).resolve().parent
    source_tree = package.parent / "knowledge"
    if (source_tree / META_FILE).is_file():
        return source_tree
    return package / "knowledge_data"  # where the wheel puts the knowledge base


def load(path: Path) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Read every file; return the knowledge base (None if any error) and all problems found."""
    path = Path(path)
    if not (path / META_FILE).is_file():
        return None, [Problem(str(path), 0, "-", f"not a knowledge base folder (no {META_FILE})")]
    problems: list[Problem] = []
    meta_checker = _Checker(str(path / META_FILE))
    meta_data, read_problems = _read_yaml(path / META_FILE, meta_checker.display)
    problems += read_problems
    meta = _parse_meta(meta_data, meta_checker) if not read_problems else None
    problems += meta_checker.problems

    topics: dict[str, Topic] = {}
    entries: dict[str, Entry] = {}
    raw_of: dict[Any, Any] = {}  # entry id, or ("topic", id): its YAML mapping, for line numbers
    for file in sorted(path.glob("*.yaml")):
        if file.name == META_FILE:
            continue
        checker = _Checker(str(file))
        data, read_problems = _read_yaml(file, checker.display)
        problems += read_problems
        if read_problems:
            continue
        if not isinstance(data, dict) or "topic" not in data or "entries" not in data:
            checker.error(data, None, "-", "a topic file needs 'topic:' and 'entries:'")
            problems += checker.problems
            continue
        topic = _parse_topic(data["topic"], checker)
        if topic is not None and topic.id in topics:
            checker.error(
                data["topic"], "id", topic.id, f"topic id also in {topics[topic.id].file}"
            )
        raw_entries = data["entries"]
        if not isinstance(raw_entries, list):
            checker.error(data, "entries", "-", "'entries' must be a list")
            raw_entries = []
        if topic is not None:
            topics.setdefault(topic.id, topic)
            raw_of.setdefault(("topic", topic.id), data["topic"])
            for raw in raw_entries:
                entry = _parse_entry(raw, topic, checker, meta)
                if entry is None:
                    continue
                if entry.id in entries:
                    other = entries[entry.id]
                    checker.error(
                        raw, "id", entry.id, f"duplicate id; first at {other.file}:{other.line}"
                    )
                    continue
                entries[entry.id] = entry
                raw_of[entry.id] = raw
        problems += checker.problems

    if meta is not None:
        problems += _cross_checks(meta, topics, entries, raw_of)
    if not entries:
        problems.append(Problem(str(path), 0, "-", "no entries found"))
    if meta is None or any(p.severity == "error" for p in problems):
        return None, problems
    return KnowledgeBase(meta=meta, topics=topics, entries=entries, path=path), problems


def load_or_raise(path: Path) -> KnowledgeBase:
    kb, problems = load(path)
    if kb is None:
        raise KnowledgeError(problems)
    return kb
