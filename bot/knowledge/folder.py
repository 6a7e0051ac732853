"""Loading a knowledge base folder: every file read, checked across files, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.knowledge.citations import news_only, source_warnings
from bot.knowledge.fields import Checker, parse_entry, parse_meta, parse_topic
from bot.knowledge.meetings import (
    check_meetings,
    meeting_entries,
    parse_meetings,
    parse_next_meeting,
    with_meetings,
)
from bot.knowledge.model import Entry, KnowledgeBase, KnowledgeError, Meta, Problem, Topic
from bot.knowledge.yamlfile import line_of, read_yaml

META_FILE = "meta.yaml"


def _url_line(raw: Any, url: str) -> int:
    """The line of the source with this url in an entry's mapping, or the entry's line."""
    for item in raw.get("sources") or ():
        if isinstance(item, dict) and str(item.get("url", "")).strip() == url:
            return line_of(item, "url")
    return line_of(raw)


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
                line = line_of(raw.get(entry.id), "related") or entry.line
                problems.append(
                    Problem(entry.file, line, entry.id, f"related id '{related}' not found")
                )
        unknown_aspect = entry.aspect is not None and entry.aspect not in kb_meta.aspects
        if unknown_aspect and kb_meta.aspects and not entry.meetings:
            line = line_of(raw.get(entry.id), "aspect") or entry.line
            problems.append(
                Problem(
                    entry.file,
                    line,
                    entry.id,
                    f"aspect '{entry.aspect}' is not in meta.yaml's aspects",
                )
            )
        for aspect in entry.not_told:
            if kb_meta.aspects and aspect not in kb_meta.aspects:
                line = line_of(raw.get(entry.id), "not_told") or entry.line
                problems.append(
                    Problem(
                        entry.file,
                        line,
                        entry.id,
                        f"not_told: aspect '{aspect}' is not in meta.yaml's aspects",
                    )
                )
        for source in () if entry.meetings else entry.sources:  # records: checked once each
            for warning in source_warnings(source, kb_meta.allowed_domains):
                line = _url_line(raw.get(entry.id, {}), source.url) or entry.line
                problems.append(Problem(entry.file, line, entry.id, warning, severity="warning"))
        if not entry.meetings and news_only(entry.sources):
            problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    entry.id,
                    "rests on news only: cite the Government's release where there is one",
                    severity="warning",
                )
            )
    for topic in topics.values():
        overview = entries.get(topic.overview)
        if overview is None or overview.topic != topic.id:
            line = line_of(raw.get(("topic", topic.id)), "overview") or topic.line
            problems.append(
                Problem(topic.file, line, topic.id, f"overview '{topic.overview}' not in topic")
            )
        problems += check_meetings(topic, kb_meta.allowed_domains)
    return list(dict.fromkeys(problems))  # a record's source is cited by several of its entries


def built_in_path() -> Path:
    """The knowledge base that ships with coopbot: the source tree's, or the one in the wheel."""
    package = Path(__file__).resolve().parents[1]  # bot/
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
    meta_checker = Checker(str(path / META_FILE))
    meta_data, read_problems = read_yaml(path / META_FILE, meta_checker.display)
    problems += read_problems
    meta = parse_meta(meta_data, meta_checker) if not read_problems else None
    problems += meta_checker.problems

    topics: dict[str, Topic] = {}
    entries: dict[str, Entry] = {}
    raw_of: dict[Any, Any] = {}  # entry id, or ("topic", id): its YAML mapping, for line numbers
    for file in sorted(path.glob("*.yaml")):
        if file.name == META_FILE:
            continue
        checker = Checker(str(file))
        data, read_problems = read_yaml(file, checker.display)
        problems += read_problems
        if read_problems:
            continue
        if not isinstance(data, dict) or "topic" not in data or "entries" not in data:
            checker.error(data, None, "-", "a topic file needs 'topic:' and 'entries:'")
            problems += checker.problems
            continue
        topic = parse_topic(data["topic"], checker)
        if topic is not None and topic.id in topics:
            checker.error(
                data["topic"], "id", topic.id, f"topic id also in {topics[topic.id].file}"
            )
        raw_entries = data["entries"]
        if not isinstance(raw_entries, list):
            checker.error(data, "entries", "-", "'entries' must be a list")
            raw_entries = []
        if topic is not None:
            topic = with_meetings(
                topic,
                parse_meetings(data, topic, checker, meta),
                parse_next_meeting(data, topic, checker),
            )
            topics.setdefault(topic.id, topic)
            raw_of.setdefault(("topic", topic.id), data["topic"])
            for raw in raw_entries:
                entry = parse_entry(raw, topic, checker, meta)
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
        for topic in topics.values():
            for entry in meeting_entries(topic, meta):
                if entry.id in entries:
                    other = entries[entry.id]
                    problems.append(
                        Problem(
                            other.file,
                            other.line,
                            entry.id,
                            "this id is the answer made from the meeting records: remove the entry "
                            "or rename it",
                        )
                    )
                    continue
                entries[entry.id] = entry
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
