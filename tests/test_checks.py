"""Self-retrieval: every phrasing of every entry, put to the real matcher, must come back to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from bot.checks import self_retrieval, validate
from bot.knowledge import KnowledgeBase, load_or_raise

MakeKb = Callable[..., Path]

# A second CEPA entry whose phrasings are the same as cepa-overview's ("what is CEPA", "when was
# CEPA signed", "CEPA是甚麼"): a user asking any of them could mean either entry.
CEPA_SIGNING = """\
  - id: cepa-signing
    questions:
      en:
        - When was CEPA signed?
        - what is cepa
      zh-Hant:
        - CEPA是甚麼？
    answer:
      en: CEPA was signed on 29 June 2003.
      zh-Hant: CEPA於2003年6月29日簽署。
    sources:
      - title: Signing of the Mainland and Hong Kong Closer Economic Partnership Arrangement
        url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm
"""


def test_self_retrieval_finds_no_problem_in_the_fixture(kb: KnowledgeBase) -> None:
    assert self_retrieval(kb) == []


def test_validate_finds_no_problem_in_the_fixture(fixture_kb_path: Path) -> None:
    assert validate(fixture_kb_path) == []


def test_validate_reports_both_entries_that_take_each_others_questions(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=lambda text: text + CEPA_SIGNING)
    found = validate(folder)
    cepa = folder / "cepa.yaml"
    assert sorted((p.file, p.line, p.entry_id) for p in found) == [
        (str(cepa), 11, "cepa-overview"),
        (str(cepa), 24, "cepa-signing"),
    ]
    for problem in found:
        assert problem.severity == "error"
        assert problem.message.startswith(
            "entries cepa-overview and cepa-signing take each other's questions; "
            if problem.entry_id == "cepa-overview"
            else "entries cepa-signing and cepa-overview take each other's questions; "
        )


def test_validate_quotes_the_phrasings_that_went_astray(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=lambda text: text + CEPA_SIGNING)
    [signing] = [p for p in validate(folder) if p.entry_id == "cepa-signing"]
    assert signing.message.endswith(
        "matched to cepa-overview: 'When was CEPA signed?'; 'what is cepa'; 'CEPA是甚麼？'"
    )


def test_validate_reports_a_phrasing_taken_one_way_without_calling_it_mutual(
    make_kb: MakeKb,
) -> None:
    # chongqing-leaders gains a phrasing that is really cepa-overview's; cepa-overview keeps its own.
    folder = make_kb(
        chongqing=("        - who chairs the chongqing conference\n", "        - what is cepa\n")
    )
    kb = load_or_raise(folder)
    assert [str(p) for p in self_retrieval(kb)] == [
        f"{folder / 'chongqing.yaml'}:26: chongqing-leaders: matched to cepa-overview: 'what is cepa'"
    ]


def test_validate_skips_self_retrieval_when_the_knowledge_base_does_not_load(
    broken_kb: Path,
) -> None:
    assert [p.message for p in validate(broken_kb)] == [
        "source url must be https: http://www.info.gov.hk/gia/general/200306/29/0629129.htm"
    ]


def test_stale_after_warns_of_facts_and_sources_older_than_the_days(
    fixture_kb_path: Path,
) -> None:
    problems = validate(fixture_kb_path, stale_after=365, today=dt.date(2028, 1, 1))
    assert all(p.severity == "warning" for p in problems)
    messages = [f"{p.entry_id}: {p.message}" for p in problems]
    assert (
        "chongqing-leaders: as of 2023-05-11, over 365 days ago: check it still holds" in messages
    )
    assert any(
        m.startswith("chongqing-overview: 1 source(s) not read in the last 365 days")
        for m in messages
    )


def test_stale_after_names_only_what_is_old_or_never_recorded_as_read(
    fixture_kb_path: Path,
) -> None:
    problems = validate(fixture_kb_path, stale_after=10_000, today=dt.date(2026, 12, 3))
    # cepa-overview and chongqing-leaders cite a source with no `read:` date: never checked.
    assert sorted(p.entry_id for p in problems) == ["cepa-overview", "chongqing-leaders"]
