"""Loading the knowledge base, and the `FILE:LINE: ENTRY-ID: message` line for every mistake.

Broken knowledge bases are copies of tests/fixtures/kb with one edit (see `make_kb` in conftest.py).
Line numbers in the expectations are those of the edited file; the fixture's cepa.yaml reads:

    11  - id: cepa-overview          18    answer:
    12    questions:                 19      en: CEPA is ...
    13      en:                      20      zh-Hant: CEPA即...
    14        - What is CEPA?        21    sources:
    15        - when was cepa signed 22      - title: Signing of ...
    16      zh-Hant:                 23        url: https://www.info.gov.hk/...
    17        - CEPA是甚麼？
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.knowledge import (
    MAX_FILE_BYTES,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    Source,
    load,
    load_or_raise,
    yamlfile,
)

MakeKb = Callable[..., Path]

CEPA_URL = "https://www.info.gov.hk/gia/general/200306/29/0629129.htm"
CEPA_EN_QUESTIONS = "      en:\n        - What is CEPA?\n        - when was cepa signed\n"
CEPA_ZH_QUESTIONS = "      zh-Hant:\n        - CEPA是甚麼？\n"
CEPA_EN_ANSWER = (
    "      en: CEPA is the Mainland and Hong Kong Closer Economic Partnership Arrangement,"
    " signed on 29 June 2003.\n"
)
CEPA_ZH_ANSWER = (
    "      zh-Hant: CEPA即《內地與香港關於建立更緊密經貿關係的安排》，於2003年6月29日簽署。\n"
)
CEPA_SOURCES = (
    "    sources:\n"
    "      - title: Signing of the Mainland and Hong Kong Closer Economic Partnership Arrangement\n"
    f"        url: {CEPA_URL}\n"
)
CEPA_ENTRY = (
    "  - id: cepa-overview\n    questions:\n"
    + CEPA_EN_QUESTIONS
    + CEPA_ZH_QUESTIONS
    + "    answer:\n"
    + CEPA_EN_ANSWER
    + CEPA_ZH_ANSWER
    + CEPA_SOURCES
)


def problems(folder: Path) -> list[str]:
    """Every problem `load` finds, as the curator reads it."""
    return [str(p) for p in load(folder)[1]]


# --- loading the fixture --------------------------------------------------------------------------


def test_fixture_loads_without_problems(fixture_kb_path: Path) -> None:
    kb, found = load(fixture_kb_path)
    assert found == []
    assert isinstance(kb, KnowledgeBase)


def test_fixture_has_its_entries_and_topics(kb: KnowledgeBase) -> None:
    assert set(kb.entries) == {"cepa-overview", "chongqing-overview", "chongqing-leaders"}
    assert {t.id: t.kind for t in kb.topics.values()} == {"cepa": "policy", "chongqing": "platform"}
    assert [t.id for t in kb.platforms()] == ["chongqing"]
    assert [e.id for e in kb.topic_entries("chongqing")] == [
        "chongqing-overview",
        "chongqing-leaders",
    ]


def test_entry_remembers_its_topic_file_and_line(kb: KnowledgeBase, fixture_kb_path: Path) -> None:
    entry = kb.entries["chongqing-leaders"]
    assert entry.topic == "chongqing"
    assert (entry.file, entry.line) == (str(fixture_kb_path / "chongqing.yaml"), 26)


def test_first_question_of_each_language_is_the_main_one(kb: KnowledgeBase) -> None:
    entry = kb.entries["cepa-overview"]
    assert entry.question("en") == "What is CEPA?"
    assert entry.question("zh-Hant") == "CEPA是甚麼？"


def test_simplified_answer_is_derived_from_traditional(kb: KnowledgeBase) -> None:
    answer = kb.entries["chongqing-leaders"].answer
    assert answer["zh-Hant"] == "首次會議由行政長官與重慶市委書記帶領。"
    assert answer["zh-Hans"] == "首次会议由行政长官与重庆市委书记带领。"


def test_simplified_main_question_is_derived_from_traditional(kb: KnowledgeBase) -> None:
    assert kb.entries["chongqing-leaders"].questions["zh-Hans"] == ("渝港合作会议由边个主持？",)


def test_all_questions_lists_every_language(kb: KnowledgeBase) -> None:
    assert list(kb.entries["cepa-overview"].all_questions()) == [
        "What is CEPA?",
        "when was cepa signed",
        "CEPA是甚麼？",
        "CEPA是甚么？",
    ]


def test_simplified_topic_name_and_official_page_are_derived(kb: KnowledgeBase) -> None:
    assert kb.topics["chongqing"].name["zh-Hans"] == "渝港合作会议"
    page = kb.meta.official_page["zh-Hans"]
    assert page.title == "与内地的区域合作"
    assert page.url == kb.meta.official_page["zh-Hant"].url


def test_as_of_is_a_date_when_given_and_none_otherwise(kb: KnowledgeBase) -> None:
    assert kb.entries["chongqing-leaders"].as_of == dt.date(2023, 5, 11)
    assert kb.entries["chongqing-overview"].as_of is None
    assert kb.latest_as_of() == dt.date(2023, 5, 11)


def test_sources_have_title_url_and_read_date(kb: KnowledgeBase) -> None:
    assert kb.entries["chongqing-overview"].sources == (
        Source(
            "First Plenary Session of Hong Kong/Chongqing Co-operation Conference",
            "https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm",
            dt.date(2026, 11, 25),
            lang="en",
            kind="official",
        ),
    )
    assert kb.entries["cepa-overview"].sources[0].read is None


def test_a_source_without_lang_takes_the_language_of_its_title(make_kb: MakeKb) -> None:
    folder = make_kb(
        chongqing=(
            "title: First Plenary Session of Hong Kong/Chongqing Co-operation Conference\n"
            "        url: https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm\n"
            "        read: 2026-11-25",
            "title: 渝港合作會議第一次會議\n"
            "        url: https://www.info.gov.hk/gia/general/202305/11/P2023051100455.htm\n"
            "        read: 2026-11-25",
        )
    )
    [source] = load_or_raise(folder).entries["chongqing-overview"].sources
    assert source.lang == "zh-Hant"


def test_a_source_says_what_kind_of_page_it_is(make_kb: MakeKb) -> None:
    folder = make_kb(
        cepa=(
            "url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm",
            "url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm\n        kind: nonsense",
        )
    )
    assert any(
        "source kind must be one of official, repost, news" in str(p) for p in load(folder)[1]
    )


def test_all_sources_lists_each_url_once(kb: KnowledgeBase) -> None:
    urls = [s.url for s in kb.all_sources()]
    assert urls == [CEPA_URL, "https://www.info.gov.hk/gia/general/202305/11/P2023051100454.htm"]


def test_related_ids_are_kept(kb: KnowledgeBase) -> None:
    assert kb.entries["chongqing-overview"].related == ("chongqing-leaders",)


def test_meta_settings_are_read(kb: KnowledgeBase) -> None:
    assert kb.meta.min_questions == {"en": 2, "zh-Hant": 1}
    assert kb.meta.max_answer_chars == 600
    assert kb.meta.allowed_domains == ("gov.hk",)
    assert kb.meta.synonyms == {"hk": ("hong kong",), "cooperation": ("co-operation",)}


def test_multi_line_answers_are_joined_with_spaces_in_english_and_without_in_chinese(
    make_kb: MakeKb,
) -> None:
    folder = make_kb(
        cepa=[
            (CEPA_EN_ANSWER, "      en: |\n        CEPA is the\n        arrangement.\n"),
            (CEPA_ZH_ANSWER, "      zh-Hant: |\n        CEPA即\n        安排。\n"),
        ]
    )
    answer = load_or_raise(folder).entries["cepa-overview"].answer
    assert answer["en"] == "CEPA is the arrangement."
    assert answer["zh-Hant"] == "CEPA即安排。"


def test_load_or_raise_raises_with_the_problems(broken_kb: Path) -> None:
    with pytest.raises(KnowledgeError) as caught:
        load_or_raise(broken_kb)
    assert [p.entry_id for p in caught.value.problems] == ["cepa-overview"]
    assert "source url must be https" in str(caught.value)


def test_a_folder_without_meta_is_not_a_knowledge_base(tmp_path: Path) -> None:
    kb, found = load(tmp_path)
    assert kb is None
    assert found == [Problem(str(tmp_path), 0, "-", "not a knowledge base folder (no meta.yaml)")]


def test_problem_reads_file_line_entry_and_message() -> None:
    assert str(Problem("a.yaml", 3, "x-y", "broken")) == "a.yaml:3: x-y: broken"
    warning = Problem("a.yaml", 3, "x-y", "odd", severity="warning")
    assert str(warning) == "a.yaml:3: x-y: warning: odd"


# --- one broken copy per problem ------------------------------------------------------------------


def test_validate_reports_yaml_syntax_error_at_the_line_of_the_mistake(make_kb: MakeKb) -> None:
    # "CEPA: the ..." after "en:" is a second mapping on one line: a classic curator slip.
    folder = make_kb(cepa=("      en: CEPA is", "      en: CEPA: is"))
    [problem] = problems(folder)
    # libyaml says "in this context", the pure-Python parser "here".
    assert problem.startswith(
        f"{folder / 'cepa.yaml'}:19: -: YAML error: mapping values are not allowed"
    )


def test_validate_reports_bad_indentation_at_the_line_of_the_mistake(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("      zh-Hant: CEPA即", "     zh-Hant: CEPA即"))
    [problem] = problems(folder)
    assert problem.startswith(f"{folder / 'cepa.yaml'}:20: -: YAML error: ")


def test_validate_refuses_python_tags_without_running_them(make_kb: MakeKb, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    folder = make_kb(
        cepa=(
            "      en: CEPA is",
            f'      en: !!python/object/apply:os.system ["touch {marker}"]\n#',
        )
    )
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:19: -: YAML error: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object/apply:os.system'"
    ]
    assert not marker.exists()


def test_validate_reports_missing_answer_at_the_entry(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("    answer:\n" + CEPA_EN_ANSWER + CEPA_ZH_ANSWER, ""))
    assert f"{folder / 'cepa.yaml'}:11: cepa-overview: missing required field 'answer'" in (
        problems(folder)
    )


def test_validate_reports_missing_questions_at_the_entry(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("    questions:\n" + CEPA_EN_QUESTIONS + CEPA_ZH_QUESTIONS, ""))
    assert f"{folder / 'cepa.yaml'}:11: cepa-overview: missing required field 'questions'" in (
        problems(folder)
    )


def test_validate_reports_missing_sources_at_the_entry(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_SOURCES, ""))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:11: cepa-overview: no sources: every answer needs at least one"
    ]


def test_validate_reports_an_empty_source_list_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_SOURCES, "    sources: []\n"))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:21: cepa-overview: no sources: every answer needs at least one"
    ]


def test_validate_reports_missing_id_at_the_entry(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("  - id: cepa-overview\n    questions:", "  - questions:"))
    assert f"{folder / 'cepa.yaml'}:11: -: missing required field 'id'" in problems(folder)


def test_validate_reports_answer_given_as_a_list_instead_of_languages(make_kb: MakeKb) -> None:
    folder = make_kb(
        cepa=[("      en: CEPA is", "      - CEPA is"), ("      zh-Hant: CEPA即", "      - CEPA即")]
    )
    assert (
        f"{folder / 'cepa.yaml'}:18: cepa-overview: "
        "'answer' must list languages (en, zh-Hant, zh-Hans)"
    ) in problems(folder)


def test_validate_reports_a_question_that_is_not_text(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("        - when was cepa signed", "        - [when, signed]"))
    assert f"{folder / 'cepa.yaml'}:13: cepa-overview: 'en' must be a list of text" in (
        problems(folder)
    )


def test_validate_reports_an_unknown_field_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_SOURCES, "    asof: 2003-06-29\n" + CEPA_SOURCES))
    assert problems(folder) == [f"{folder / 'cepa.yaml'}:21: cepa-overview: unknown field 'asof'"]


def test_validate_reports_a_not_told_aspect_the_meta_file_lacks_at_its_line(
    make_kb: MakeKb,
) -> None:
    folder = make_kb(
        cepa=(CEPA_SOURCES, "    not_told: [birthday]\n" + CEPA_SOURCES),
        meta=lambda text: text + "aspects:\n  setup:\n    en: [set up]\n",
    )
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:21: cepa-overview: not_told: aspect 'birthday' is not in "
        "meta.yaml's aspects"
    ]


def test_validate_reports_a_small_talk_kind_the_bot_has_no_reply_for_at_its_line(
    make_kb: MakeKb,
) -> None:
    folder = make_kb(
        meta=lambda text: text + "smalltalk:\n  thanks:\n    en: [ty]\n  gossip:\n    en: [tea]\n"
    )
    [problem] = problems(folder)
    assert problem.startswith(f"{folder / 'meta.yaml'}:")
    assert "unknown small-talk kind 'gossip'" in problem


def test_validate_reports_an_unknown_language_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_ZH_QUESTIONS, CEPA_ZH_QUESTIONS + "      zh: [CEPA係乜]\n"))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:18: cepa-overview: unknown language 'zh' in 'questions'"
    ]


def test_validate_reports_a_malformed_date_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_SOURCES, "    as_of: 29 June 2003\n" + CEPA_SOURCES))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:21: cepa-overview: 'as_of' must be a date like 2024-07-12"
    ]


def test_validate_reports_duplicate_id_with_file_and_line(make_kb: MakeKb) -> None:
    # chongqing.yaml is read after cepa.yaml, so its copy (appended after line 40) is the duplicate.
    folder = make_kb(chongqing=lambda text: text + CEPA_ENTRY)
    assert problems(folder) == [
        f"{folder / 'chongqing.yaml'}:41: cepa-overview: duplicate id; "
        f"first at {folder / 'cepa.yaml'}:11"
    ]


def test_validate_reports_duplicate_topic_id(make_kb: MakeKb) -> None:
    folder = make_kb(
        extra="topic:\n  id: cepa\n  kind: policy\n  name: {en: x, zh-Hant: x}\n"
        "  overview: cepa-overview\nentries: []\n"
    )
    assert problems(folder) == [
        f"{folder / 'extra.yaml'}:2: cepa: topic id also in {folder / 'cepa.yaml'}"
    ]


def test_validate_reports_related_id_that_does_not_exist_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_SOURCES, "    related: [cepa-history]\n" + CEPA_SOURCES))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:21: cepa-overview: related id 'cepa-history' not found"
    ]


def test_validate_reports_http_source_url_at_its_line(broken_kb: Path) -> None:
    assert problems(broken_kb) == [
        f"{broken_kb / 'cepa.yaml'}:23: cepa-overview: source url must be https: "
        + CEPA_URL.replace("https", "http")
    ]


def test_validate_reports_english_missing_in_questions(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_EN_QUESTIONS, ""))
    # Line 13 is now the questions' first language line: where the missing `en:` belongs.
    assert f"{folder / 'cepa.yaml'}:13: cepa-overview: 'questions' has no en" in problems(folder)


def test_validate_reports_traditional_chinese_missing_in_questions(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_ZH_QUESTIONS, ""))
    assert f"{folder / 'cepa.yaml'}:13: cepa-overview: 'questions' has no zh-Hant" in (
        problems(folder)
    )


def test_validate_reports_english_missing_in_answers(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_EN_ANSWER, ""))
    assert f"{folder / 'cepa.yaml'}:19: cepa-overview: 'answer' has no en" in problems(folder)


def test_validate_reports_traditional_chinese_missing_in_answers(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_ZH_ANSWER, ""))
    assert f"{folder / 'cepa.yaml'}:19: cepa-overview: 'answer' has no zh-Hant" in (
        problems(folder)
    )


def test_validate_reports_too_few_phrasings_for_min_questions(make_kb: MakeKb) -> None:
    # meta.yaml asks for 2 English phrasings; cepa-overview keeps 1.
    folder = make_kb(cepa=("        - when was cepa signed\n", ""))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:13: cepa-overview: 1 en question(s); at least 2 needed"
    ]


def test_validate_reports_answer_longer_than_max_answer_chars(make_kb: MakeKb) -> None:
    # meta.yaml allows 600 characters.
    folder = make_kb(cepa=(CEPA_EN_ANSWER, "      en: " + "a" * 601 + "\n"))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:19: cepa-overview: en answer is 601 chars; limit 600"
    ]


def test_answer_of_exactly_max_answer_chars_is_accepted(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=(CEPA_EN_ANSWER, "      en: " + "a" * 600 + "\n"))
    assert problems(folder) == []


def test_source_outside_allowed_domains_is_a_warning_not_an_error(make_kb: MakeKb) -> None:
    url = "https://en.wikipedia.org/wiki/CEPA"
    folder = make_kb(cepa=(CEPA_URL, url))
    kb, found = load(folder)
    assert [str(p) for p in found] == [
        f"{folder / 'cepa.yaml'}:23: cepa-overview: warning: source outside allowed_domains: {url}"
    ]
    assert found[0].severity == "warning"
    assert kb is not None


def test_a_short_name_too_long_for_a_button_is_a_warning(make_kb: MakeKb) -> None:
    name = "Hong Kong/Chongqing Co-operation Conference"  # 43 characters
    overview = "  overview: chongqing-overview"
    folder = make_kb(chongqing=(overview, f"  short: {{en: {name}, zh-Hant: 渝港}}\n{overview}"))
    kb, found = load(folder)
    assert [(p.severity, p.message) for p in found] == [
        ("warning", "'short' (en) has 43 characters; a phone shows about 30 on a button")
    ]
    assert kb is not None and kb.topics["chongqing"].label("zh-Hant") == "渝港"


def test_subdomain_of_an_allowed_domain_is_allowed_but_a_look_alike_is_not(
    make_kb: MakeKb,
) -> None:
    folder = make_kb(cepa=(CEPA_URL, "https://www.notgov.hk/cepa"))
    assert [p.message for p in load(folder)[1]] == [
        "source outside allowed_domains: https://www.notgov.hk/cepa"
    ]


def test_validate_reports_overview_id_that_does_not_exist_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("overview: cepa-overview", "overview: cepa-intro"))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:7: cepa: overview 'cepa-intro' not in topic"
    ]


def test_validate_reports_overview_from_another_topic(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("overview: cepa-overview", "overview: chongqing-overview"))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:7: cepa: overview 'chongqing-overview' not in topic"
    ]


def test_validate_reports_unknown_topic_kind(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=("kind: policy", "kind: agreement"))
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:3: cepa: 'kind' must be one of platform, policy, about"
    ]


def test_validate_refuses_file_larger_than_max_file_bytes(make_kb: MakeKb) -> None:
    folder = make_kb(cepa=lambda text: text + "#" * MAX_FILE_BYTES + "\n")
    size = (folder / "cepa.yaml").stat().st_size
    assert problems(folder) == [
        f"{folder / 'cepa.yaml'}:1: -: file is {size} bytes; limit {MAX_FILE_BYTES}"
    ]


def test_file_size_limit_is_checked_before_parsing(
    make_kb: MakeKb, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_kb(cepa="{ not yaml at all")
    monkeypatch.setattr(yamlfile, "MAX_FILE_BYTES", 5)
    assert [p.message for p in load(folder)[1] if p.file.endswith("cepa.yaml")] == [
        "file is 17 bytes; limit 5"
    ]


def test_topic_file_without_entries_is_reported(make_kb: MakeKb) -> None:
    folder = make_kb(extra="topic:\n  id: gba\n")
    assert problems(folder) == [
        f"{folder / 'extra.yaml'}:1: -: a topic file needs 'topic:' and 'entries:'"
    ]


def test_any_error_means_no_knowledge_base_is_served(broken_kb: Path) -> None:
    kb, found = load(broken_kb)
    assert kb is None
    assert [p.severity for p in found] == ["error"]


def test_an_unknown_field_in_a_source_is_an_error_at_its_line(make_kb: MakeKb) -> None:
    folder = make_kb(
        cepa=(
            "url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm",
            "url: https://www.info.gov.hk/gia/general/200306/29/0629129.htm\n        reposted by x: y",
        )
    )
    assert any(
        "unknown field 'reposted by x' in a source (a comma in an unquoted title?)" in str(p)
        for p in load(folder)[1]
    )
