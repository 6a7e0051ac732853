"""`coopbot health`: could this installation serve users right now? One line, exit 0 or 1.

It is the container's HEALTHCHECK, so it checks what a broken deployment breaks: the knowledge base
loads and answers a question of its own, and the database the settings name opens (the SQLite file,
or PostgreSQL at COOPBOT_DATABASE_URL, with the same key as the bot). The question is the main one of
the first platform's overview: every real knowledge base has it, and only a matcher that works end to
end answers it. Telegram is not asked: a Bot API outage is no reason to restart a healthy container.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import ConfigError, Settings
from bot.knowledge import KnowledgeBase, KnowledgeError, load_or_raise
from bot.matcher import Matcher
from bot.storage import StorageError, database_label, open_storage


class HealthError(Exception):
    """Something the bot needs is broken; the message is one line saying what."""


def check(knowledge: Path, env: dict[str, str] | None = None) -> str:
    """What was checked, as one line; HealthError when anything fails.

    Settings come from `env` (default: the environment) exactly as `coopbot run` reads them.
    """
    try:
        settings = Settings.from_env(env)
    except ConfigError as exc:
        raise HealthError(str(exc)) from None
    answered = check_knowledge(knowledge)
    database = asyncio.run(check_database(settings))
    return f"{answered}; database {database} opens"


def probe_question(kb: KnowledgeBase) -> tuple[str, str]:
    """(question, id of the entry that must answer it): the first platform's overview question,
    or the first entry's where a knowledge base has no platforms."""
    platforms = kb.platforms()
    entry = kb.entries[platforms[0].overview] if platforms else next(iter(kb.entries.values()))
    return entry.question("en"), entry.id


def check_knowledge(path: Path) -> str:
    """Load the knowledge base and ask it its probe question."""
    try:
        kb = load_or_raise(path)
    except KnowledgeError as exc:
        raise HealthError(f"{path}: {exc}; run `coopbot validate`") from None
    question, expected = probe_question(kb)
    outcome = Matcher(kb).ask(question, lang="en")
    if outcome.entry is None or outcome.entry.id != expected:
        raise HealthError(
            f"{path}: {question!r} should be answered by {expected}, but the matcher would "
            f"{outcome.kind} ({outcome.entry.id if outcome.entry else 'no answer'})"
        )
    return f"{len(kb.entries)} entries, {question!r} answered by {expected}"


async def check_database(settings: Settings) -> str:
    """Open and close the database; its name (never a password) when it works."""
    try:
        storage = await open_storage(settings)
        await storage.close()
    except StorageError as exc:
        raise HealthError(str(exc)) from None
    return database_label(settings)
