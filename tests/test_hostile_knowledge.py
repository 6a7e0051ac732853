"""Hostile knowledge-base files: each is refused with a `FILE:LINE: ENTRY: message` problem.

A knowledge base comes from curators' editors and from pull requests, so a file may be huge, nested
10,000 deep, full of Python tags, an alias bomb, binary junk, or simply not a mapping. Loading must
never raise a traceback, hang, run code or expand memory: the curator gets one line to act on.

Every file-parsing test runs with libyaml's loader (what production uses when PyYAML has it) and
with the pure-Python one (what it falls back to), since each has its own parser and composer.
Broken knowledge bases are copies of tests/fixtures/kb (see `make_kb` in conftest.py), whose
cepa.yaml has `aliases: [cepa]` on line 8 and its entry's English questions on line 13.
"""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.knowledge import MAX_DEPTH, MAX_FILE_BYTES, MAX_QUESTIONS, load, yamlfile

MakeKb = Callable[..., Path]
Change = tuple[str, str] | Callable[[str], str]

ALIAS_MESSAGE = (
    "YAML error: aliases (*name) are not allowed: write the value anchored here (&name) out in "
    "full wherever it is needed"
)
TOO_DEEP_MESSAGE = f"YAML error: lists and mappings nested more than {MAX_DEPTH} levels deep"
NOT_A_TOPIC_MESSAGE = "a topic file needs 'topic:' and 'entries:'"
# What any problem looks like to a curator: the file, a real line (1 or more), the entry, the message.
PROBLEM_LINE = re.compile(r"[^\n]+\.yaml:[1-9][0-9]*: \S+: [^\n]+")


@pytest.fixture(params=["libyaml", "pure-python"])
def loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Load knowledge with libyaml's parser, then with the pure-Python one."""
    if request.param == "libyaml":
        base = getattr(yaml, "CSafeLoader", None)
        if base is None:
            pytest.skip("PyYAML was built without libyaml: only the pure-Python loader can run")
    else:
        base = yaml.SafeLoader
    monkeypatch.setattr(yamlfile, "_Loader", yamlfile.loader_class(base))
    return request.param


def file_problems(folder: Path, name: str) -> list[str]:
    """The problems `load` reports in one file, as the curator reads them, without the folder."""
    prefix = f"{folder}/"
    return [str(p).removeprefix(prefix) for p in load(folder)[1] if p.file == str(folder / name)]


def nested_lists(depth: int) -> str:
    """`depth` flow lists, one inside the other: `[[[]]]` for 3."""
    return "[" * depth + "]" * depth


def alias_bomb(levels: int, width: int = 10, indent: str = "") -> str:
    """A "billion laughs" bomb: each anchor repeats the one before `width` times, so the last one
    alone stands for width**levels values, in a few hundred bytes. Its first anchor is on line 1."""
    lines = [f"{indent}l0: &l0 [{', '.join(['lol'] * width)}]\n"]
    for n in range(1, levels + 1):
        lines.append(f"{indent}l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * width)}]\n")
    return "".join(lines)


def before(text: str) -> Callable[[str], str]:
    """A `make_kb` change that puts `text` at the top of a file: where the loader would ignore it,
    so that if aliases were accepted, a test fails on its message rather than hangs expanding it."""
    return lambda old: text + old


@pytest.fixture
def peak_memory() -> Iterator[Callable[[], int]]:
    """The most memory Python allocated since the test started, in bytes."""
    tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# --- size -----------------------------------------------------------------------------------------


# The problem a file over MAX_FILE_BYTES gets is tested in test_knowledge.py.
def test_huge_file_is_refused_without_being_read_into_memory(
    make_kb: MakeKb, peak_memory: Callable[[], int]
) -> None:
    folder = make_kb(extra="entries:\n" + "  - x\n" * (MAX_FILE_BYTES // 4))
    tracemalloc.reset_peak()
    load(folder)
    assert peak_memory() < MAX_FILE_BYTES // 2


def test_questions_list_longer_than_max_questions_is_refused_at_its_line(
    make_kb: MakeKb, loader: str
) -> None:
    many = "".join(f"        - what is cepa, take {n}\n" for n in range(1_000))
    folder = make_kb(cepa=("        - What is CEPA?\n", "        - What is CEPA?\n" + many))
    assert file_problems(folder, "cepa.yaml") == [
        f"cepa.yaml:13: cepa-overview: 1002 en questions; at most {MAX_QUESTIONS}"
    ]


def test_questions_list_of_max_questions_loads(make_kb: MakeKb) -> None:
    more = "".join(f"        - what is cepa, take {n}\n" for n in range(MAX_QUESTIONS - 2))
    folder = make_kb(cepa=("        - What is CEPA?\n", "        - What is CEPA?\n" + more))
    kb, problems = load(folder)
    assert problems == []
    assert kb is not None
    assert len(kb.entries["cepa-overview"].questions["en"]) == MAX_QUESTIONS


# --- nesting --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nested",
    [
        pytest.param(nested_lists(10_000), id="flow-lists"),
        pytest.param("{a: " * 10_000 + "b" + "}" * 10_000, id="flow-mappings"),
        pytest.param("- " * 10_000 + "x", id="block-lists"),
        pytest.param("? " * 10_000 + "x", id="block-keys"),
    ],
)
def test_document_nested_10000_deep_is_refused_at_its_line(
    make_kb: MakeKb, loader: str, nested: str
) -> None:
    folder = make_kb(extra=f"topic:\n  id: deep\n  aliases:\n    {nested}\nentries: []\n")
    [problem] = file_problems(folder, "extra.yaml")
    # libyaml stops at its own limit of 1000 levels, in its own words; Python's parser at ours.
    assert problem.startswith("extra.yaml:4: -: YAML error: ")
    assert "nest" in problem


def test_nesting_one_level_beyond_max_depth_is_refused_at_its_line(
    make_kb: MakeKb, loader: str
) -> None:
    # `aliases:` is at the third level (file, topic, aliases): MAX_DEPTH - 1 lists reach one beyond.
    folder = make_kb(cepa=("  aliases: [cepa]", f"  aliases: {nested_lists(MAX_DEPTH - 1)}"))
    assert file_problems(folder, "cepa.yaml") == [f"cepa.yaml:8: -: {TOO_DEEP_MESSAGE}"]


def test_nesting_of_max_depth_is_read_and_checked_as_usual(make_kb: MakeKb, loader: str) -> None:
    folder = make_kb(cepa=("  aliases: [cepa]", f"  aliases: {nested_lists(MAX_DEPTH - 2)}"))
    assert file_problems(folder, "cepa.yaml") == [
        "cepa.yaml:8: cepa: 'aliases' must be a list of text"
    ]


# --- tags that would run code ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system",
        "!!python/object/new:os.system",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:bot.knowledge.Problem",
    ],
)
def test_python_tag_is_refused_without_running_code(
    make_kb: MakeKb, loader: str, tmp_path: Path, tag: str
) -> None:
    marker = tmp_path / "ran"
    value = f'{tag} ["touch {marker}"]'
    folder = make_kb(cepa=("      en: CEPA is", f"      en: {value}\n#"))
    tag_uri = "tag:yaml.org,2002:" + tag.removeprefix("!!")
    assert file_problems(folder, "cepa.yaml") == [
        f"cepa.yaml:19: -: YAML error: could not determine a constructor for the tag '{tag_uri}'"
    ]
    assert not marker.exists()


# --- aliases --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "line"),
    [
        pytest.param(before(alias_bomb(levels=9)), 1, id="billion-laughs"),
        pytest.param(("    en: CEPA\n", "    en: &a CEPA\n    zh-Hans: *a\n"), 5, id="plain"),
        pytest.param(("    en: CEPA\n", "    en: &a [*a]\n"), 5, id="self-reference"),
        pytest.param(("    en: CEPA\n", "    en: &a {x: y}\n    x: {<<: *a}\n"), 5, id="merge-key"),
    ],
)
def test_alias_is_refused_at_the_line_of_its_anchor(
    make_kb: MakeKb, loader: str, change: Change, line: int
) -> None:
    folder = make_kb(cepa=change)
    assert file_problems(folder, "cepa.yaml") == [f"cepa.yaml:{line}: -: {ALIAS_MESSAGE}"]


def test_alias_bomb_is_refused_before_it_is_expanded(
    make_kb: MakeKb, loader: str, peak_memory: Callable[[], int]
) -> None:
    # A million "lol"s as the topic's English name, which the loader turns into text: expanded,
    # they would take megabytes (a billion would never finish, so the test could only hang).
    bomb = alias_bomb(levels=6, indent="    ") + "    en: *l6\n"
    folder = make_kb(cepa=("    en: CEPA\n", bomb))
    tracemalloc.reset_peak()
    load(folder)
    assert peak_memory() < 2_000_000


# --- text that is not a knowledge file ------------------------------------------------------------


def test_invalid_utf8_is_refused_at_the_line_of_the_first_bad_byte(make_kb: MakeKb) -> None:
    folder = make_kb()
    (folder / "extra.yaml").write_bytes(b"topic:\n  id: junk\n  name: \xff\xfe\x00\x80junk\n")
    assert file_problems(folder, "extra.yaml") == [
        "extra.yaml:3: -: not UTF-8 text (byte 0xff): save as UTF-8"
    ]


def test_binary_file_is_refused_as_not_utf8(make_kb: MakeKb) -> None:
    folder = make_kb()
    (folder / "extra.yaml").write_bytes(bytes(range(256)) * 64)  # b"\n" comes before b"\x80"
    assert file_problems(folder, "extra.yaml") == [
        "extra.yaml:2: -: not UTF-8 text (byte 0x80): save as UTF-8"
    ]


def test_control_characters_are_refused_at_their_line(make_kb: MakeKb, loader: str) -> None:
    folder = make_kb(cepa=("    en: CEPA\n", "    en: CE\x00PA\x1b\n"))
    assert file_problems(folder, "cepa.yaml") == [
        "cepa.yaml:5: -: character U+0000 is not allowed in YAML: remove it"
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("# nothing but a comment\n", id="comment-only"),
        pytest.param("- topic\n- entries\n", id="list"),
        pytest.param("just some words\n", id="text"),
        pytest.param("topic:\n  id: x\n", id="no-entries"),
    ],
)
def test_file_that_is_not_a_topic_mapping_is_reported_at_line_1(
    make_kb: MakeKb, loader: str, text: str
) -> None:
    folder = make_kb(extra=text)
    assert file_problems(folder, "extra.yaml") == [f"extra.yaml:1: -: {NOT_A_TOPIC_MESSAGE}"]


@pytest.mark.parametrize("text", ["", "- official_page\n"], ids=["empty", "list"])
def test_meta_file_that_is_not_a_mapping_is_reported_at_line_1(make_kb: MakeKb, text: str) -> None:
    folder = make_kb(meta=text)
    assert file_problems(folder, "meta.yaml") == [
        "meta.yaml:1: meta: meta.yaml must be a mapping of settings"
    ]


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("? [en, zh-Hant]\n    : CEPA", id="list"),
        pytest.param("? {en: x}\n    : CEPA", id="mapping"),
        pytest.param("~: CEPA", id="null"),
        pytest.param("!!binary aGVsbG8=: CEPA", id="bytes"),
    ],
)
def test_key_that_is_not_text_is_refused_at_its_line(
    make_kb: MakeKb, loader: str, key: str
) -> None:
    folder = make_kb(cepa=("    en: CEPA\n", f"    {key}\n"))
    assert file_problems(folder, "cepa.yaml") == [
        "cepa.yaml:5: -: YAML error: a key must be plain text"
    ]


@pytest.mark.parametrize(
    "value",
    [
        pytest.param("2024-02-30", id="impossible-date"),
        pytest.param("1" * 5_000, id="5000-digit-integer"),
        pytest.param("!!int twelve", id="tagged-non-integer"),
    ],
)
def test_value_python_cannot_build_is_refused_at_its_line(
    make_kb: MakeKb, loader: str, value: str
) -> None:
    folder = make_kb(cepa=("  overview: cepa-overview\n", f"  overview: {value}\n"))
    [problem] = file_problems(folder, "cepa.yaml")
    assert problem.startswith("cepa.yaml:7: -: YAML error: cannot read this value: ")


# --- any bytes at all -----------------------------------------------------------------------------

# Characters that make YAML structure, so that random text is more than one long scalar.
YAML_ALPHABET = st.sampled_from(
    list("[]{}:-?&*!|>'\"#%@`,. \n\t\r\x00\x85\u2028\ufeffa1é中\U0001f600")
)


@pytest.fixture
def scratch_kb(make_kb: MakeKb) -> Path:
    """One copy of the fixture for a whole property test: each example rewrites its extra.yaml."""
    return make_kb()


@settings(
    max_examples=60,
    deadline=1000,  # generous: the pure-Python parser on a busy 2-core CI machine
    suppress_health_check=[HealthCheck.function_scoped_fixture],  # scratch_kb is meant to be shared
)
@given(
    content=st.one_of(
        st.binary(max_size=400),
        st.text(YAML_ALPHABET, max_size=400).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
    )
)
def test_any_file_content_gives_problems_with_file_and_line_never_an_exception(
    scratch_kb: Path, loader: str, content: bytes
) -> None:
    (scratch_kb / "extra.yaml").write_bytes(content)
    problems = file_problems(scratch_kb, "extra.yaml")
    assert problems  # random bytes are never a whole topic file
    for problem in problems:
        assert PROBLEM_LINE.fullmatch(problem), problem


# --- what the curator sees ------------------------------------------------------------------------


def test_validate_command_reports_an_alias_bomb_as_one_line_and_fails(
    make_kb: MakeKb, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_kb(cepa=before(alias_bomb(levels=9)))
    code = main(["validate", str(folder)])
    assert (code, capsys.readouterr().out) == (1, f"{folder / 'cepa.yaml'}:1: -: {ALIAS_MESSAGE}\n")
