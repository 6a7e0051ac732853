"""Shared fixtures: the small fixture knowledge base, loaded once, and broken copies of it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_or_raise
from bot.matcher import Matcher

FIXTURE_KB = Path(__file__).resolve().parent / "fixtures" / "kb"

# What a keyword of `make_kb` may say about one file of the copy.
Change = str | tuple[str, str] | list[tuple[str, str]] | Callable[[str], str] | None


@pytest.fixture(scope="session")
def fixture_kb_path() -> Path:
    return FIXTURE_KB


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_or_raise(FIXTURE_KB)


@pytest.fixture(scope="session")
def matcher(kb: KnowledgeBase) -> Matcher:
    return Matcher(kb)


@pytest.fixture
def make_kb(tmp_path: Path) -> Callable[..., Path]:
    """Copy the fixture knowledge base into tmp_path and change some of its files.

    Each keyword names a file without `.yaml` (`cepa`, `meta`, or a new one) and says what to do:
    a string is the file's whole new text; an `(old, new)` pair, or a list of them, replaces text that
    must occur exactly once; a function maps the old text to the new; None deletes the file.
    Returns the folder, so a test can name the files in the problems it expects.
    """
    counter = iter(range(1_000_000))

    def make(**files: Change) -> Path:
        folder = tmp_path / f"kb{next(counter)}"
        shutil.copytree(FIXTURE_KB, folder)
        for name, change in files.items():
            path = folder / f"{name}.yaml"
            if change is None:
                path.unlink()
                continue
            if isinstance(change, str):
                path.write_text(change, encoding="utf-8")
                continue
            text = path.read_text(encoding="utf-8")
            if callable(change):
                text = change(text)
            else:
                for old, new in [change] if isinstance(change, tuple) else change:
                    assert text.count(old) == 1, f"{old!r} must occur once in {path.name}"
                    text = text.replace(old, new)
            path.write_text(text, encoding="utf-8")
        return folder

    return make

