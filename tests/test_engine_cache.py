"""A built engine kept on disk for the next start (`bot.engine_cache`): used only when built from
the same knowledge files, rebuilt when they change or the file is damaged, and never a reason
to fail."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.engine import Engine

QUESTION = "What is CEPA?"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def cached_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("engine-*.pickle"))


def answer(engine: Engine) -> str:
    outcome = engine.ask(QUESTION)
    assert outcome.entry is not None
    return outcome.entry.answer["en"]


def test_a_second_start_reads_the_engine_the_first_built(
    make_kb: Callable[..., Path], cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge = make_kb()
    first = Engine.load(knowledge, cache)
    assert len(cached_files(cache)) == 1

    def no_build(kb: object) -> Engine:
        raise AssertionError("built again")

    monkeypatch.setattr(Engine, "build", no_build)
    second = Engine.load(knowledge, cache)
    assert answer(second) == answer(first)
    assert len(second.kb.entries) == len(first.kb.entries)


def test_an_edited_knowledge_file_is_built_again(make_kb: Callable[..., Path], cache: Path) -> None:
    knowledge = make_kb()
    before = answer(Engine.load(knowledge, cache))
    cepa = knowledge / "cepa.yaml"
    cepa.write_text(cepa.read_text(encoding="utf-8").replace(before, f"Edited. {before}", 1))
    assert answer(Engine.load(knowledge, cache)) == f"Edited. {before}"
    assert len(cached_files(cache)) == 1  # only the newest build is kept


def test_a_damaged_cache_file_is_built_again_and_replaced(
    make_kb: Callable[..., Path], cache: Path
) -> None:
    knowledge = make_kb()
    expected = answer(Engine.load(knowledge, cache))
    [file] = cached_files(cache)
    file.write_bytes(file.read_bytes()[:100])
    assert answer(Engine.load(knowledge, cache)) == expected
    assert answer(Engine.load(knowledge, cache)) == expected
    assert file.stat().st_size > 100


def test_a_cache_folder_that_cannot_be_written_costs_only_time(
    make_kb: Callable[..., Path], tmp_path: Path
) -> None:
    in_the_way = tmp_path / "a file"
    in_the_way.write_text("not a folder")
    assert answer(Engine.load(make_kb(), in_the_way / "cache"))
    assert list(tmp_path.glob("**/*.tmp")) == []
