"""Meetings as records: read and checked, and the answers the knowledge base makes from them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load, load_or_raise
from bot.knowledge.meetings import latest, series

MakeKb = Callable[..., Path]

MEETING_META = """
meeting_kinds:
  plenary: {en: plenary, zh-Hant: 全體會議}
  working: {en: working meeting, zh-Hant: 工作會議}
meeting_questions:
  latest:
    en: ["When was the latest {short} meeting?", "latest {short} meeting"]
    zh-Hant: ["{short}最近一次會議是何時？"]
  next:
    en: ["When is the next {short} meeting?", "next {short} meeting"]
    zh-Hant: ["{short}下一次會議是何時？"]
  count:
    en: ["How many {short} meetings have there been?", "number of {short} meetings"]
    zh-Hant: ["{short}舉行過多少次會議？"]
  record:
    en: ["What happened at the {n} {short} {kind}?", "{short} {n} {kind} {year}"]
    zh-Hant: ["{short}{n}{kind}有甚麼成果？"]
  dated:
    en: ["What happened at the {short} {kind} of {date}?", "{short} {kind} {date}"]
    zh-Hant: ["{date}的{short}{kind}有甚麼成果？"]
"""


def record(number: int, date: str, place: str = "Chongqing", zh_place: str = "重慶") -> str:
    return f"""  - kind: plenary
    number: {number}
    date: {date}
    place: {{en: {place}, zh-Hant: {zh_place}}}
    chairs:
      en: [Chief Executive John Lee, Secretary of Chongqing Yuan Jiajun]
      zh-Hant: [行政長官李家超, 重慶市委書記袁家軍]
    agreed: {{count: 11, unit: areas, en: "finance and trade", zh-Hant: 金融及貿易}}
    sources:
      - {{title: Plenary {number}, url: "https://www.info.gov.hk/gia/general/{number}.htm", lang: en, read: 2026-12-01}}
"""


@pytest.fixture
def with_meetings(make_kb: MakeKb) -> Callable[..., Path]:
    """The fixture knowledge base with meeting kinds in meta.yaml and `records` for Chongqing."""

    def make(*records: str, **changes: object) -> Path:
        meetings = "meetings:\n" + "".join(records) if records else ""
        return make_kb(
            meta=lambda text: text + MEETING_META,
            chongqing=lambda text: text + "\n" + meetings,
            **changes,
        )

    return make


def loaded(folder: Path) -> KnowledgeBase:
    return load_or_raise(folder)


def messages(folder: Path) -> list[str]:
    return [f"{p.severity}: {p.message}" for p in load(folder)[1]]


# --- the answers made from records ---------------------------------------------------------------


def test_records_give_the_latest_next_count_and_each_meeting(
    with_meetings: Callable[..., Path],
) -> None:
    kb = loaded(with_meetings(record(1, "2023-05-11"), record(2, "2025-06-01")))
    made = {e.id for e in kb.topic_entries("chongqing") if e.meetings}
    assert made == {
        "chongqing-latest",
        "chongqing-next",
        "chongqing-meetings",
        "chongqing-plenary-1",
        "chongqing-plenary-2",
    }


def test_the_latest_answer_says_which_meeting_when_where_and_who_in_every_language(
    with_meetings: Callable[..., Path],
) -> None:
    latest_entry = loaded(with_meetings(record(1, "2023-05-11"), record(2, "2025-06-01"))).entries[
        "chongqing-latest"
    ]
    english = latest_entry.answer["en"]
    assert "most recent plenary" in english and "in our sources" in english
    assert "2nd" in english and "1 June 2025" in english and "Chongqing" in english
    assert "John Lee" in english and "11 areas" in english
    assert (
        "2025年6月1日" in latest_entry.answer["zh-Hant"]
        and "李家超" in latest_entry.answer["zh-Hant"]
    )
    assert (
        "2025年6月1日" in latest_entry.answer["zh-Hans"]
        and "李家超" in latest_entry.answer["zh-Hans"]
    )


def test_adding_a_meeting_updates_every_answer_that_depends_on_it(
    with_meetings: Callable[..., Path],
) -> None:
    before = loaded(with_meetings(record(1, "2023-05-11")))
    after = loaded(with_meetings(record(1, "2023-05-11"), record(2, "2025-06-01")))
    for ident in ("chongqing-latest", "chongqing-next", "chongqing-meetings"):
        assert "2023" in before.entries[ident].answer["en"]
        assert "1 June 2025" in after.entries[ident].answer["en"]


def test_the_next_meeting_is_honestly_not_announced_with_the_latest_and_the_rhythm(
    with_meetings: Callable[..., Path],
) -> None:
    kb = loaded(
        with_meetings(record(1, "2021-05-11"), record(2, "2022-05-20"), record(3, "2023-05-30"))
    )
    answer = kb.entries["chongqing-next"].answer["en"]
    assert "has not been announced in our sources" in answer
    assert "30 May 2023" in answer
    assert "about once a year" in answer


def test_a_next_meeting_not_announced_tells_not_where_who_what_or_why(
    with_meetings: Callable[..., Path],
) -> None:
    entry = loaded(with_meetings(record(1, "2021-05-11"))).entries["chongqing-next"]
    assert set(entry.not_told) == {"where", "leaders", "agreed", "reason"}


def test_no_record_tells_why_its_meeting_was_held_as_it_was(
    with_meetings: Callable[..., Path],
) -> None:
    entry = loaded(with_meetings(record(1, "2021-05-11"))).entries["chongqing-plenary-1"]
    assert entry.not_told == ("reason",)


def test_an_announced_next_meeting_is_said_with_its_source(
    with_meetings: Callable[..., Path],
) -> None:
    announced = """
next_meeting:
  en: The 2025 meeting agreed that Hong Kong would host the next one.
  zh-Hant: 2025年會議商定下次由香港主辦。
  sources:
    - {title: Announcement, url: "https://www.info.gov.hk/gia/general/next.htm", lang: en}
"""
    folder = with_meetings(record(1, "2025-06-01"))
    (folder / "chongqing.yaml").write_text(
        (folder / "chongqing.yaml").read_text(encoding="utf-8") + announced, encoding="utf-8"
    )
    entry = loaded(folder).entries["chongqing-next"]
    assert "agreed that Hong Kong would host the next one" in entry.answer["en"]
    assert entry.sources[0].url == "https://www.info.gov.hk/gia/general/next.htm"
    assert entry.not_told == ()  # what the announcement tells is the answer's to give


def test_the_count_says_how_many_by_the_highest_number(with_meetings: Callable[..., Path]) -> None:
    kb = loaded(with_meetings(record(4, "2023-05-11"), record(5, "2025-06-01")))
    assert "5 plenaries" in kb.entries["chongqing-meetings"].answer["en"]


def test_a_meeting_without_a_full_date_says_what_its_sources_give(
    with_meetings: Callable[..., Path],
) -> None:
    undated = record(2, "x").replace(
        "    date: x\n",
        "    when: {en: 28 June (year not given), zh-Hant: 6月28日（未載年份）}\n",
    )
    folder = with_meetings(record(1, "2018-11-28"), undated)
    kb = loaded(folder)
    assert latest(kb.topics["chongqing"]).number == 2  # after the 1st, by its number
    assert "28 June (year not given)" in kb.entries["chongqing-latest"].answer["en"]
    assert "warning: no full date: answers say what 'when' says" in messages(folder)


def test_the_main_series_is_the_plenaries_not_a_later_working_meeting(
    with_meetings: Callable[..., Path],
) -> None:
    working = record(7, "2026-01-01").replace("kind: plenary", "kind: working")
    kb = loaded(with_meetings(record(1, "2023-05-11"), working))
    assert [m.kind for m in series(kb.topics["chongqing"])] == ["plenary"]
    assert (
        "A later working meeting was held on 1 January 2026"
        in kb.entries["chongqing-latest"].answer["en"]
    )


# --- what validate says of records ---------------------------------------------------------------


def test_meetings_out_of_date_order_are_an_error(with_meetings: Callable[..., Path]) -> None:
    folder = with_meetings(record(2, "2025-06-01"), record(1, "2023-05-11"))
    assert load(folder)[0] is None
    assert "error: meetings are listed oldest first: this one is out of order" in messages(folder)


def test_a_number_recorded_twice_is_an_error(with_meetings: Callable[..., Path]) -> None:
    folder = with_meetings(record(1, "2023-05-11"), record(1, "2025-06-01"))
    assert "error: plenary number 1 is recorded twice" in messages(folder)


def test_a_gap_among_the_recent_numbers_is_a_warning(with_meetings: Callable[..., Path]) -> None:
    folder = with_meetings(record(1, "2021-05-11"), record(3, "2025-06-01"))
    assert load(folder)[0] is not None
    assert "warning: recent plenary meeting(s) not recorded: number 2" in messages(folder)


def test_an_unknown_kind_of_meeting_is_an_error(with_meetings: Callable[..., Path]) -> None:
    folder = with_meetings(record(1, "2023-05-11").replace("kind: plenary", "kind: banquet"))
    assert "error: meeting kind 'banquet' is not in meta.yaml's meeting_kinds" in messages(folder)


def test_a_meeting_without_sources_is_an_error(with_meetings: Callable[..., Path]) -> None:
    bare = record(1, "2023-05-11").split("    sources:")[0]
    folder = with_meetings(bare)
    assert "error: no sources: every answer needs at least one" in messages(folder)


def test_a_hand_written_entry_with_a_made_answers_id_is_an_error(
    with_meetings: Callable[..., Path],
) -> None:
    folder = with_meetings(record(1, "2023-05-11"))
    path = folder / "chongqing.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("id: chongqing-leaders", "id: chongqing-latest"), encoding="utf-8")
    assert any("this id is the answer made from the meeting records" in m for m in messages(folder))
