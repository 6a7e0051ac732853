"""`coopbot validate`: the loader's problems plus self-retrieval through the real matcher.

Self-retrieval puts every phrasing of every entry to the matcher. A phrasing that lands on another
entry is an ambiguity users would meet too; when two entries take each other's phrasings the pair is
named, so the curator rewords one of them.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from bot.knowledge import KnowledgeBase, Problem, load
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


def validate(path: Path) -> list[Problem]:
    """All problems of the knowledge base at `path`, errors and warnings."""
    kb, problems = load(path)
    if kb is None:
        return problems
    return problems + self_retrieval(kb)
