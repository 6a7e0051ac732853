"""The knowledge base: YAML files in, plain dataclasses out, and every problem with its file and line.

Curators are not programmers, so a mistake must point at the place to fix (`FILE:LINE: ENTRY: message`)
rather than raise a traceback. Loading is all-or-nothing for the callers that serve users: a knowledge
base with errors is never served, and the one already running stays in place.
"""

from bot.knowledge.fields import MAX_ANSWER_CHARS, MAX_QUESTIONS, join_lines
from bot.knowledge.folder import META_FILE, built_in_path, load, load_or_raise
from bot.knowledge.model import (
    Entry,
    KnowledgeBase,
    KnowledgeError,
    Meta,
    Problem,
    Source,
    Topic,
)
from bot.knowledge.yamlfile import MAX_DEPTH, MAX_FILE_BYTES, loader_class

__all__ = [
    "MAX_ANSWER_CHARS",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_QUESTIONS",
    "META_FILE",
    "Entry",
    "KnowledgeBase",
    "KnowledgeError",
    "Meta",
    "Problem",
    "Source",
    "Topic",
    "built_in_path",
    "join_lines",
    "load",
    "load_or_raise",
    "loader_class",
]
