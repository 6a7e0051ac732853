"""The `coopbot` command, run in-process (plus one real `python -m bot`)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import __version__
from bot.cli import EXIT_OK, EXIT_PROBLEMS, SHELL_HELP, main
from bot.knowledge import KnowledgeBase
from tests.support.data import ASK_JSON_FIELDS

MakeKb = Callable[..., Path]
REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No knowledge base or token from the caller's environment leaks into a test."""
    monkeypatch.delenv("COOPBOT_KNOWLEDGE", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)


@pytest.fixture
def stdin(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Pipe text into the command, as `echo ... | coopbot` would."""

    def pipe(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return pipe


def http_source_problem(folder: Path) -> str:
    """The line `coopbot` prints for the error of `broken_kb`, in a copy at `folder`."""
    return (
        f"{folder / 'cepa.yaml'}:23: cepa-overview: source url must be https: "
        "http://www.info.gov.hk/gia/general/200306/29/0629129.htm"
    )


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


# --- version --------------------------------------------------------------------------------------


def test_version_prints_the_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"coopbot {__version__}\n"


def test_python_dash_m_bot_runs_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "--version"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, f"coopbot {__version__}\n")


# --- ask ------------------------------------------------------------------------------------------


def test_ask_json_prints_one_object_per_question(
    capsys: pytest.CaptureFixture[str], fixture_kb_path: Path
) -> None:
    questions = ["who leads the chongqing conference", "CEPA是甚麼？", "tell me a joke"]
    code = main(["--knowledge", str(fixture_kb_path), "ask", "--json", *questions])
    assert code == EXIT_OK
    objects = json_lines(capsys.readouterr().out)
    assert [o["question"] for o in objects] == questions
    assert [list(o) for o in objects] == [ASK_JSON_FIELDS] * 3
    assert [(o["answered"], o["id"], o["lang"]) for o in objects] == [
        (True, "chongqing-leaders", "en"),
        (True, "cepa-overview", "zh-Hant"),
        (False, None, "en"),
    ]


def test_ask_json_lang_sets_the_reply_language(
    capsys: pytest.CaptureFixture[str], fixture_kb_path: Path
) -> None:
    main(
        ["--knowledge", str(fixture_kb_path), "ask", "--json", "--lang", "zh-Hans", "What is CEPA?"]
    )
    [answer] = json_lines(capsys.readouterr().out)
    assert answer["lang"] == "zh-Hans"
    assert answer["answer"].startswith("CEPA即《内地与香港")


def test_ask_reads_questions_from_stdin_one_per_line(
    capsys: pytest.CaptureFixture[str], fixture_kb_path: Path, stdin: Callable[[str], None]
) -> None:
    stdin("What is CEPA?\n\n   \nwho chairs the chongqing conference\n")
    assert main(["--knowledge", str(fixture_kb_path), "ask", "--json"]) == EXIT_OK
    objects = json_lines(capsys.readouterr().out)
    assert [(o["question"], o["id"]) for o in objects] == [
        ("What is CEPA?", "cepa-overview"),
        ("who chairs the chongqing conference", "chongqing-leaders"),
    ]


def test_ask_prints_plain_text_with_a_blank_line_after_each_answer(
    capsys: pytest.CaptureFixture[str], fixture_kb_path: Path
) -> None:
    main(["--knowledge", str(fixture_kb_path), "ask", "What is CEPA?", "tell me a joke"])
    answer, decline = capsys.readouterr().out.split("\n\n")[:2]
    assert answer.startswith("What is CEPA?\nCEPA is the Mainland and Hong Kong Closer Economic")
    assert "Source: Signing of the Mainland" in answer
    assert decline.startswith("Sorry, I don't have an answer to that.")


# --- choosing the knowledge base ------------------------------------------------------------------


@pytest.mark.parametrize("where", ["before", "after"])
def test_knowledge_option_works_before_and_after_the_command(
    capsys: pytest.CaptureFixture[str], fixture_kb_path: Path, broken_kb: Path, where: str
) -> None:
    def argv(path: Path) -> list[str]:
        option = ["--knowledge", str(path)]
        return (
            [*option, "ask", "--json", "cepa"]
            if where == "before"
            else ["ask", *option, "--json", "cepa"]
        )

    assert main(argv(fixture_kb_path)) == EXIT_OK
    assert json_lines(capsys.readouterr().out)[0]["id"] == "cepa-overview"
    assert main(argv(broken_kb)) == EXIT_PROBLEMS
    assert "source url must be https" in capsys.readouterr().err


def test_knowledge_option_after_the_command_wins(fixture_kb_path: Path, broken_kb: Path) -> None:
    argv = ["--knowledge", str(broken_kb), "ask", "--knowledge", str(fixture_kb_path), "cepa"]
    assert main(argv) == EXIT_OK


def test_coopbot_knowledge_variable_chooses_the_knowledge_base(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fixture_kb_path: Path,
    broken_kb: Path,
) -> None:
    monkeypatch.setenv("COOPBOT_KNOWLEDGE", str(fixture_kb_path))
    assert main(["ask", "--json", "cepa"]) == EXIT_OK
    assert json_lines(capsys.readouterr().out)[0]["id"] == "cepa-overview"
    monkeypatch.setenv("COOPBOT_KNOWLEDGE", str(broken_kb))
    assert main(["ask", "cepa"]) == EXIT_PROBLEMS


def test_knowledge_option_overrides_the_variable(
    monkeypatch: pytest.MonkeyPatch,
    fixture_kb_path: Path,
    broken_kb: Path,
) -> None:
    monkeypatch.setenv("COOPBOT_KNOWLEDGE", str(broken_kb))
    assert main(["--knowledge", str(fixture_kb_path), "ask", "cepa"]) == EXIT_OK


def test_a_broken_knowledge_base_is_reported_not_raised(
    capsys: pytest.CaptureFixture[str], broken_kb: Path
) -> None:
    assert main(["--knowledge", str(broken_kb), "ask", "cepa"]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        http_source_problem(broken_kb),
        "coopbot: the knowledge base has errors; run `coopbot validate`.",
    ]


# --- validate -------------------------------------------------------------------------------------


def test_validate_passes_the_fixture(
    capsys: pytest.CaptureFixture[str], fixture_kb_path: Path
) -> None:
    assert main(["validate", str(fixture_kb_path)]) == EXIT_OK
    assert capsys.readouterr().out == (
        f"{fixture_kb_path}: OK — 3 entries in 2 topics, 0 warning(s)\n"
    )


def test_validate_fails_with_one_line_per_problem(
    capsys: pytest.CaptureFixture[str], make_kb: MakeKb
) -> None:
    folder = make_kb(
        cepa=[("url: https://", "url: http://"), ("overview: cepa-overview", "overview: cepa-x")]
    )
    assert main(["validate", str(folder)]) == EXIT_PROBLEMS
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        http_source_problem(folder),
        f"{folder / 'cepa.yaml'}:7: cepa: overview 'cepa-x' not in topic",
    ]
    assert captured.err == f"{folder}: 2 error(s), 0 warning(s)\n"


def test_validate_uses_the_knowledge_option_without_a_path(broken_kb: Path) -> None:
    assert main(["--knowledge", str(broken_kb), "validate"]) == EXIT_PROBLEMS


@pytest.fixture
def kb_with_warning(make_kb: MakeKb) -> Path:
    return make_kb(
        cepa=(
            "https://www.info.gov.hk/gia/general/200306/29/0629129.htm",
            "https://en.wikipedia.org/wiki/CEPA",
        )
    )


def test_validate_passes_with_a_warning(
    capsys: pytest.CaptureFixture[str], kb_with_warning: Path
) -> None:
    assert main(["validate", str(kb_with_warning)]) == EXIT_OK
    out = capsys.readouterr().out
    assert "warning: source outside allowed_domains: https://en.wikipedia.org/wiki/CEPA" in out
    assert out.endswith("OK — 3 entries in 2 topics, 1 warning(s)\n")


def test_validate_strict_fails_on_a_warning(
    capsys: pytest.CaptureFixture[str], kb_with_warning: Path
) -> None:
    assert main(["validate", "--strict", str(kb_with_warning)]) == EXIT_PROBLEMS
    assert capsys.readouterr().err == f"{kb_with_warning}: 0 error(s), 1 warning(s)\n"


def test_validate_strict_passes_a_sound_knowledge_base(fixture_kb_path: Path) -> None:
    assert main(["validate", "--strict", str(fixture_kb_path)]) == EXIT_OK


# --- shell ----------------------------------------------------------------------------------------


Shell = Callable[..., list[str]]


@pytest.fixture
def shell(
    capsys: pytest.CaptureFixture[str], stdin: Callable[[str], None], fixture_kb_path: Path
) -> Shell:
    """`shell(*lines)`: pipe lines into `coopbot shell` on the fixture knowledge base; what it
    said for each line. Every session must end well: at the end of its input."""

    def session(*lines: str) -> list[str]:
        stdin("".join(line + "\n" for line in lines))
        assert main(["--knowledge", str(fixture_kb_path), "shell"]) == EXIT_OK
        # After each line the shell prints its reply and then an empty line.
        return capsys.readouterr().out.split("\n\n")

    return session


def test_shell_session_with_piped_input(shell: Shell, kb: KnowledgeBase) -> None:
    replies = shell(
        "chongqing",
        "1",
        "/help",
        "/platforms",
        "/lang zh-Hant",
        "who chairs the chongqing conference",
    )
    overview, picked, help_text, platforms, lang, answer, end = replies
    assert overview.splitlines()[1] == kb.entries["chongqing-overview"].answer["en"]
    assert overview.endswith("  1. Who leads the Hong Kong/Chongqing Co-operation Conference?")
    assert picked.splitlines()[1] == kb.entries["chongqing-leaders"].answer["en"]
    assert help_text == SHELL_HELP
    assert platforms == "  1. Hong Kong/Chongqing Co-operation Conference"
    assert lang == "Language: zh-Hant"
    assert answer.startswith("渝港合作會議由邊個主持？\n首次會議由行政長官與重慶市委書記帶領。")
    assert end == ""


def test_shell_number_picks_the_numbered_suggestion(shell: Shell) -> None:
    # The answer lists one related question; "1" picks it.
    replies = shell("who chairs the chongqing conference", "1")
    assert replies[0].endswith("  1. What is the Hong Kong/Chongqing Co-operation Conference?")
    assert replies[1].splitlines()[1].startswith("A high-level co-operation mechanism")


def test_shell_number_after_platforms_picks_the_platform_overview(shell: Shell) -> None:
    replies = shell("/platforms", "1")
    assert replies[1].splitlines()[1].startswith("A high-level co-operation mechanism")


def test_shell_picked_suggestion_answers_in_the_language_of_the_question(shell: Shell) -> None:
    replies = shell("渝港合作會議由邊個主持", "1")
    assert replies[0].splitlines()[-1] == "  1. 渝港合作會議是甚麼？"
    assert replies[1].splitlines()[1].startswith("香港特區政府與重慶市之間的高層合作機制")


def test_shell_number_without_suggestions_is_a_question(shell: Shell) -> None:
    replies = shell("7")
    assert replies[0].startswith("Sorry, I don't have an answer to that.")


def test_shell_lang_auto_follows_the_question_again(shell: Shell) -> None:
    replies = shell("/lang zh-Hans", "/lang auto", "What is CEPA?")
    assert replies[:2] == ["Language: zh-Hans", "Language: auto"]
    assert replies[2].startswith("What is CEPA?\nCEPA is the Mainland")


def test_shell_rejects_an_unknown_language(shell: Shell) -> None:
    replies = shell("/lang fr")
    assert replies[0] == "Use /lang en, /lang zh-Hant, /lang zh-Hans or /lang auto"


def test_shell_unknown_command_shows_help(shell: Shell) -> None:
    replies = shell("/quit")
    assert replies[0] == "Unknown command. " + SHELL_HELP


def test_shell_lang_option_sets_the_reply_language(
    capsys: pytest.CaptureFixture[str], stdin: Callable[[str], None], fixture_kb_path: Path
) -> None:
    stdin("What is CEPA?\n")
    assert main(["--knowledge", str(fixture_kb_path), "shell", "--lang", "zh-Hant"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("CEPA是甚麼？\nCEPA即《內地與香港")


def test_bare_coopbot_without_token_starts_the_shell_and_says_why(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: Callable[[str], None],
    fixture_kb_path: Path,
) -> None:
    monkeypatch.setenv("COOPBOT_KNOWLEDGE", str(fixture_kb_path))
    stdin("What is CEPA?\n")
    assert main([]) == EXIT_OK
    captured = capsys.readouterr()
    assert "TELEGRAM_BOT_TOKEN is not set" in captured.err
    assert "shell" in captured.err
    assert captured.out.startswith("What is CEPA?\nCEPA is the Mainland")


def test_answers_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Sets of strings iterate in an order that changes with each process's hash seed; nothing
    the bot answers may follow it."""
    conversation = [
        "香港跟杭州那个新的合作会，是谁跟谁开的？",
        "签了哪几份东西？",
        "在这之前两边是不是也在香港签过一批协议？",
        "闽港合作会议第三次是什么时候",
        "香港这边是谁出席主持的",
    ]

    def answers(seed: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "ask", "--json", "--conversation", *conversation],
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed, "COOPBOT_CACHE_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    assert answers("1") == answers("3") == answers("5")
