"""`coopbot validate`: the loader's problems plus self-retrieval through the real matcher.

Self-retrieval puts every phrasing of every entry to the matcher. A phrasing that lands on another
entry is an ambiguity users would meet too; when two entries take each other's phrasings the pair is
named, so the curator rewords one of them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path

from bot.knowledge import KnowledgeBase, Problem, load
from bot.knowledge.meetings import latest
from bot.matcher import Matcher


def self_retrieval(kb: KnowledgeBase) -> list[Problem]:
    """Every phrasing the real matcher gives to another entry (or to none), per pair of entries."""
    matcher = Matcher(kb)
    # An entry scoring as high as the phrasing's own takes it too: on a tie, which one ranks first is
    # only the order of ids (or the overview bonus), and users are asked to choose between the two.
    tolerance = matcher.tie_tolerance()
    stolen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for entry in kb.entries.values():
        for question in entry.all_questions():
            ranked = matcher.rank(question, limit=2)
            own = next((c.score for c in ranked if c.entry.id == entry.id), None)
            rival = next(
                (
                    c
                    for c in ranked
                    if c.entry.id != entry.id and (own is None or c.score >= own - tolerance)
                ),
                None,
            )
            if rival is not None or own is None:
                stolen[(entry.id, rival.entry.id if rival else "nothing")].append(question)
    problems = []
    for (owner, thief), questions in sorted(stolen.items()):
        entry = kb.entries[owner]
        mutual = (thief, owner) in stolen
        what = f"entries {owner} and {thief} take each other's questions; " if mutual else ""
        quoted = "; ".join(f"'{q}'" for q in questions[:3])
        problems.append(
            Problem(entry.file, entry.line, owner, f"{what}matched to {thief}: {quoted}")
        )
    return problems


def staleness(kb: KnowledgeBase, days: int, today: dt.date) -> list[Problem]:
    """Warnings for what may have moved on: a platform whose latest recorded meeting, and an
    entry whose "as of" date, is older than `days`; an entry or meeting whose sources were
    last read longer ago than that. Facts do not announce that they have dated: this asks."""
    cutoff = today - dt.timedelta(days=days)
    problems = []
    for topic in kb.platforms():
        newest = latest(topic)
        when = newest.date if newest else None
        if newest is not None and when is not None and when < cutoff:
            problems.append(
                Problem(
                    newest.file,
                    newest.line,
                    topic.id,
                    f"latest recorded meeting is of {when.isoformat()}, over {days} days ago: "
                    "check for a newer one",
                    severity="warning",
                )
            )
    for entry in kb.entries.values():
        if entry.meetings:
            continue  # the records are checked above, and by their sources below
        if entry.as_of is not None and entry.as_of < cutoff:
            problems.append(
                Problem(
                    entry.file,
                    entry.line,
                    entry.id,
                    f"as of {entry.as_of.isoformat()}, over {days} days ago: check it still holds",
                    severity="warning",
                )
            )
    read_by_place: dict[tuple[str, int, str], list[str]] = {}
    for entry in kb.entries.values():
        for source in entry.sources:
            if source.read is None or source.read < cutoff:
                key = (entry.file, entry.line, entry.topic if entry.meetings else entry.id)
                read_by_place.setdefault(key, []).append(source.url)
    for (file, line, where), urls in sorted(read_by_place.items()):
        unique = list(dict.fromkeys(urls))
        problems.append(
            Problem(
                file,
                line,
                where,
                f"{len(unique)} source(s) not read in the last {days} days: {unique[0]}",
                severity="warning",
            )
        )
    return problems


def validate(
    path: Path, stale_after: int | None = None, today: dt.date | None = None
) -> list[Problem]:
    """All problems of the knowledge base at `path`, errors and warnings; with `stale_after`,
    also what has not been checked for that many days."""
    kb, problems = load(path)
    if kb is None:
        return problems
    problems += self_retrieval(kb)
    if stale_after is not None:
        problems += staleness(kb, stale_after, today or dt.date.today())
    return problems
