"""The one object every front end holds: a knowledge base and everything built on it.

The command line, `coopbot health` and the Telegram bot all answer through an `Engine`. It is
immutable, so a reload builds a new one and swaps a single reference: a question being answered
keeps the engine it started with to the end, never a new knowledge base with an old matcher.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bot import engine_cache
from bot.knowledge import Entry, KnowledgeBase, Problem, Topic, load, load_or_raise
from bot.matcher import Matcher
from bot.outcome import Outcome, Turn
from bot.resolve import Resolver
from bot.text import Lang
from bot.understanding import Understanding

REF_PREFIX = "#"


def short_ref(ident: str) -> str:
    """A fixed-length stand-in for an id too long for a button's data or an inline result id."""
    return REF_PREFIX + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Engine:
    """A knowledge base and the matcher built on it; replaced whole, never changed."""

    kb: KnowledgeBase
    matcher: Matcher
    understanding: Understanding
    resolver: Resolver
    _refs: dict[str, str] = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> Engine:
        refs = {short_ref(ident): ident for ident in (*kb.entries, *kb.topics)}
        matcher = Matcher(kb)
        understanding = Understanding(kb, matcher)
        return cls(kb, matcher, understanding, Resolver(kb, matcher, understanding), refs)

    @classmethod
    def load(cls, path: Path, cache: Path | None = None) -> Engine:
        """The engine for the knowledge base at `path`; KnowledgeError if it has errors.

        With `cache` (a folder), an engine built from the same files by the same code is read
        from there rather than built, and a new build is kept there (`bot.engine_cache`)."""
        if cache is None:
            return cls.build(load_or_raise(path))
        file = engine_cache.cache_file(cache, path)
        engine = engine_cache.read(file, cls)
        if engine is None:
            engine = cls.build(load_or_raise(path))
            engine_cache.write(file, engine)
        return engine

    def reload(self) -> tuple[Engine | None, list[Problem]]:
        """A new engine from the same folder, and every problem found; None if it has errors,
        so the caller keeps serving this one."""
        kb, problems = load(self.kb.path)
        return (Engine.build(kb) if kb is not None else None), problems

    def ask(
        self,
        question: str,
        lang: Lang | None = None,
        previous: Turn | None = None,
        app: Lang | None = None,
    ) -> Outcome:
        """Answer, clarify, decline or chat back. `lang` is the language asked for (else the
        question's); `previous` what the conversation remembers; `app` the asker's app language."""
        return self.resolver.ask(question, lang, previous, app)

    def _resolve(self, ref: str) -> str:
        return self._refs.get(ref, ref) if ref.startswith(REF_PREFIX) else ref

    def entry(self, ref: str) -> Entry | None:
        """The entry an id or a short reference names, or None if it no longer exists."""
        return self.kb.entries.get(self._resolve(ref))

    def topic(self, ref: str) -> Topic | None:
        return self.kb.topics.get(self._resolve(ref))
