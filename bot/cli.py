"""The `coopbot` command: ask, shell, validate, eval, run, health.

Every command works from any directory after `pip install .`: the knowledge base ships in the wheel,
and `--knowledge PATH` or COOPBOT_KNOWLEDGE points elsewhere.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TextIO

from bot import __version__
from bot.config import (
    ConfigError,
    Settings,
    bot_token,
    check_token,
    check_webhook,
    engine_cache_dir,
    knowledge_path,
)
from bot.engine import Engine
from bot.knowledge import KnowledgeError, load_or_raise
from bot.matcher import chosen
from bot.outcome import Outcome, Turn
from bot.render import plain, resolve_suggestions, suggestions, to_json
from bot.text import LANGS, Lang

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _knowledge_path(args: argparse.Namespace) -> Path:
    return Path(args.knowledge) if getattr(args, "knowledge", None) else knowledge_path()


def _engine(args: argparse.Namespace) -> Engine:
    return Engine.load(_knowledge_path(args), engine_cache_dir())


def _questions(args: list[str], stdin: TextIO) -> Iterator[str]:
    if args:
        yield from args
        return
    for line in stdin:
        if line.strip():
            yield line.rstrip("\n")


# --- ask -----------------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    previous = None
    for question in _questions(args.question, sys.stdin):
        outcome = engine.ask(question, lang=args.lang, previous=previous)
        if args.conversation:
            previous = outcome.turn
        if args.json:
            print(json.dumps(to_json(outcome, engine.kb), ensure_ascii=False), flush=True)
        else:
            print(plain(outcome, engine.kb) + "\n", flush=True)
    return EXIT_OK


# --- shell ---------------------------------------------------------------------------------------

SHELL_HELP = """Type a question in English, 繁體中文 or 简体中文.
  a number      pick a numbered suggestion
  /platforms    the co-operation platforms
  /lang CODE    answer in en, zh-Hant or zh-Hans (/lang auto to follow your question)
  /help         this help
  Ctrl-D        leave"""


class Shell:
    """A terminal chat with the same engine as the bot, for curators and operators."""

    def __init__(self, engine: Engine, out: TextIO) -> None:
        self.engine, self.kb, self.out = engine, engine.kb, out
        self.lang: Lang | None = None
        self.turn: Turn | None = None  # the conversation so far: "and Beijing?" follows it
        self.choices: list[str] = []
        self.choices_lang: Lang = "en"  # the language the numbered choices were shown in

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def show(self, outcome: Outcome) -> None:
        self.say(plain(outcome, self.kb))
        if outcome.turn is not None:
            self.turn = outcome.turn
        items = resolve_suggestions(suggestions(outcome), self.kb, outcome.lang)
        self.choices = [s.id for s in items]
        self.choices_lang = outcome.lang

    def handle(self, line: str) -> None:
        line = line.strip()
        if not line:
            return
        if line.isdigit() and 1 <= int(line) <= len(self.choices):
            entry = self.kb.entries[self.choices[int(line) - 1]]
            self.show(chosen(entry, self.lang or self.choices_lang))
        elif line == "/help":
            self.say(SHELL_HELP)
        elif line == "/platforms":
            lang = self.lang or "en"
            platforms = self.kb.platforms()
            self.choices = [p.overview for p in platforms]
            self.choices_lang = lang
            self.say("\n".join(f"  {n}. {p.name[lang]}" for n, p in enumerate(platforms, 1)))
        elif line.startswith("/lang"):
            choice = line.removeprefix("/lang").strip()
            if choice in LANGS:
                self.lang = choice  # type: ignore[assignment]
            elif choice == "auto":
                self.lang = None
            else:
                self.say("Use /lang en, /lang zh-Hant, /lang zh-Hans or /lang auto")
                return
            self.say(f"Language: {self.lang or 'auto'}")
        elif line.startswith("/"):
            self.say("Unknown command. " + SHELL_HELP)
        else:
            self.show(self.engine.ask(line, lang=self.lang, previous=self.turn))

    def run(self, lines: Iterable[str], interactive: bool) -> None:
        if interactive:
            self.say("coopbot shell — /help for help, Ctrl-D to leave.")
        iterator = iter(lines)
        while True:
            if interactive:
                print("you> ", end="", file=self.out, flush=True)
            try:
                line = next(iterator)
            except (StopIteration, KeyboardInterrupt):
                if interactive:
                    self.say("")
                return
            self.handle(line)
            self.say("")


def _stdin_lines() -> Iterator[str]:
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        yield line


def cmd_shell(args: argparse.Namespace) -> int:
    shell = Shell(_engine(args), sys.stdout)
    if args.lang:
        shell.lang = args.lang
    shell.run(_stdin_lines(), interactive=sys.stdin.isatty())
    return EXIT_OK


# --- validate ------------------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    from bot.checks import validate

    path = Path(args.path) if args.path else _knowledge_path(args)
    problems = validate(path, stale_after=args.stale_after)
    for problem in problems:
        print(problem)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    if errors or (args.strict and warnings):
        print(f"{path}: {errors} error(s), {warnings} warning(s)", file=sys.stderr)
        return EXIT_PROBLEMS
    kb = load_or_raise(path)
    print(
        f"{path}: OK — {len(kb.entries)} entries in {len(kb.topics)} topics, {warnings} warning(s)"
    )
    return EXIT_OK


# --- eval --------------------------------------------------------------------------------------


def cmd_eval(args: argparse.Namespace) -> int:
    from bot.evaluate import LabelError, evaluate, format_report, load_file, project_sets

    given = [Path(f) for f in args.files]
    sets = {"given": given} if given else project_sets()
    if not sets:
        print(
            "coopbot eval: give labelled YAML files (knowledge/README.md shows the format); the "
            "project's own sets are tests/data/tuning and tests/data/holdout in a source "
            "checkout: run `coopbot eval` there",
            file=sys.stderr,
        )
        return EXIT_USAGE
    engine = _engine(args)
    reports = {}
    for name, paths in sets.items():
        try:
            loaded = [load_file(path) for path in paths]
        except (OSError, LabelError) as exc:
            print(f"coopbot eval: {exc}", file=sys.stderr)
            return EXIT_USAGE
        items = [item for found, _ in loaded for item in found]
        conversations = [c for _, found in loaded for c in found]
        reports[name] = evaluate(engine, items, conversations)
    if args.json:
        print(
            json.dumps({n: r.as_dict() for n, r in reports.items()}, ensure_ascii=False, indent=2)
        )
    else:
        print(format_report(reports, misses=not args.no_misses))
    judged = "holdout" if "holdout" in reports else next(iter(reports))
    report = reports[judged]
    below = []
    if report.in_scope.total and report.in_scope.rate < args.min_accuracy:
        below.append(f"{judged} accuracy {report.in_scope.rate:.1%} < {args.min_accuracy:.1%}")
    if report.out_of_scope.total and report.out_of_scope.rate < args.min_decline:
        below.append(f"{judged} declined {report.out_of_scope.rate:.1%} < {args.min_decline:.1%}")
    if report.turns.total and report.turns.rate < args.min_turns:
        below.append(f"{judged} conversation turns {report.turns.rate:.1%} < {args.min_turns:.1%}")
    if below:
        print("coopbot eval: below the floor: " + "; ".join(below), file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


# --- run -----------------------------------------------------------------------------------------


def run_settings(args: argparse.Namespace, env: dict[str, str] | None = None) -> Settings:
    """Settings from the environment, with the `run` flags given on the command line on top.

    Checked here, before anything starts, so a mistake is one line and exit code 2.
    """
    settings = Settings.from_env(env)
    flags = {
        "api_url": getattr(args, "api_url", None),
        "webhook_url": getattr(args, "webhook_url", None),
        "listen": getattr(args, "listen", None),
        "port": getattr(args, "port", None),
        "knowledge": Path(args.knowledge) if getattr(args, "knowledge", None) else None,
        "db_path": Path(args.db) if getattr(args, "db", None) else None,
    }
    settings = dataclasses.replace(settings, **{k: v for k, v in flags.items() if v is not None})
    settings = dataclasses.replace(settings, api_url=settings.api_url.rstrip("/"))
    if not 1 <= settings.port <= 65535:
        raise ConfigError(f"--port must be between 1 and 65535, not {settings.port}")
    check_token(settings.token)
    if settings.webhook_url:
        check_webhook(settings.webhook_url, settings.webhook_secret)
    return settings


def cmd_run(args: argparse.Namespace) -> int:
    """Serve Telegram until SIGTERM or Ctrl-C: long polling, or a webhook when one is set."""
    try:
        settings = run_settings(args)
    except ConfigError as exc:
        print(f"coopbot run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    # Imported here: the other commands need no Telegram library and start faster without it.
    from telegram.error import InvalidToken, TelegramError

    from bot.storage import StorageError
    from bot.telegram.app import build_application, run
    from bot.telegram.intake import TokenRejected
    from bot.telegram.logs import configure_logging, redact

    configure_logging(settings.log_level)
    app = build_application(settings, Engine.load(settings.knowledge, settings.engine_cache))
    try:
        run(app, settings)
    except (InvalidToken, TokenRejected):  # its message quotes the token: never printed
        print(
            f"coopbot run: the Bot API server at {settings.api_url} rejected TELEGRAM_BOT_TOKEN "
            "(401: revoked or wrong); stopped",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except StorageError as exc:
        print(f"coopbot run: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    except TelegramError as exc:
        print(f"coopbot run: Bot API failure: {redact(str(exc))}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


def cmd_default(args: argparse.Namespace) -> int:
    """Bare `coopbot`: the bot when a token is set, otherwise the shell, saying why."""
    if bot_token():
        return cmd_run(args)
    print(
        "TELEGRAM_BOT_TOKEN is not set, so starting the terminal shell instead of the Telegram bot.",
        file=sys.stderr,
    )
    args.lang = None
    return cmd_shell(args)


# --- health --------------------------------------------------------------------------------------


def cmd_health(args: argparse.Namespace) -> int:
    """One line on whether this installation could serve: the container's HEALTHCHECK."""
    from bot.health import HealthError, check

    try:
        print(f"coopbot health: OK: {check(_knowledge_path(args))}")
    except HealthError as exc:
        print(f"coopbot health: FAIL: {exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    return EXIT_OK


# --- parser --------------------------------------------------------------------------------------


Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coopbot",
        description="Answers questions on Hong Kong's regional co-operation with the Mainland. "
        "With no command: runs the Telegram bot if TELEGRAM_BOT_TOKEN is set, else the shell.",
    )
    parser.add_argument("--version", action="version", version=f"coopbot {__version__}")
    parser.add_argument(
        "--knowledge",
        metavar="PATH",
        help="knowledge base folder (default: COOPBOT_KNOWLEDGE or built in)",
    )
    parser.set_defaults(func=cmd_default)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, help_text: str, func: Command) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        # Also after the command name, where it wins over the one before it.
        sub.add_argument(
            "--knowledge", metavar="PATH", default=argparse.SUPPRESS, help="knowledge base folder"
        )
        sub.set_defaults(func=func)
        return sub

    ask = command(
        "ask", "Answer questions (from the arguments, or one per line on stdin).", cmd_ask
    )
    ask.add_argument("question", nargs="*", help="question(s); none: read stdin")
    ask.add_argument("--json", action="store_true", help="one JSON object per question")
    ask.add_argument("--lang", choices=LANGS, help="answer in this language (default: detect)")
    ask.add_argument(
        "--conversation",
        action="store_true",
        help="read the questions as one conversation ('and Shanghai?' follows the one before)",
    )

    shell = command("shell", "Chat with the bot in the terminal.", cmd_shell)
    shell.add_argument("--lang", choices=LANGS, help="answer in this language (default: detect)")

    validate = command(
        "validate", "Check a knowledge base; print FILE:LINE: ENTRY: problem.", cmd_validate
    )
    validate.add_argument(
        "path", nargs="?", help="knowledge base folder (default: the built-in one)"
    )
    validate.add_argument("--strict", action="store_true", help="fail on warnings too")
    validate.add_argument(
        "--stale-after",
        type=int,
        metavar="DAYS",
        help="also warn about platforms whose latest recorded meeting, and facts whose 'as of' "
        "date, are older than DAYS, and about sources not read within DAYS",
    )

    _eval_options(command("eval", "Measure answer quality on labelled questions.", cmd_eval))
    _run_options(
        command(
            "run",
            "Run the Telegram bot (long polling, or a webhook with --webhook-url).",
            cmd_run,
        )
    )
    command(
        "health",
        "Check that the knowledge base answers and the database opens (settings from the "
        "environment); one line, exit 0 or 1.",
        cmd_health,
    )
    return parser


def _eval_options(evaluation: argparse.ArgumentParser) -> None:
    evaluation.add_argument(
        "files",
        nargs="*",
        help="labelled YAML files (default: the project's tuning and holdout sets, in a checkout)",
    )
    evaluation.add_argument(
        "--no-misses", action="store_true", help="do not list the questions answered wrong"
    )
    evaluation.add_argument(
        "--min-turns",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="fail below this share of conversation turns right (0..1)",
    )
    evaluation.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluation.add_argument(
        "--min-accuracy",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="fail below this in-scope accuracy (0..1), on the holdout set or the files given",
    )
    evaluation.add_argument(
        "--min-decline",
        type=float,
        default=0.0,
        metavar="SHARE",
        help="fail below this out-of-scope decline rate (0..1)",
    )


def _run_options(run: argparse.ArgumentParser) -> None:
    run.add_argument(
        "--api-url",
        metavar="URL",
        help="Bot API server root (default: TELEGRAM_API_URL or https://api.telegram.org)",
    )
    run.add_argument(
        "--webhook-url",
        metavar="URL",
        help="public https URL Telegram posts updates to (default: TELEGRAM_WEBHOOK_URL; "
        "unset: long polling)",
    )
    run.add_argument(
        "--listen", metavar="ADDRESS", help="webhook: address to listen on (default: 0.0.0.0)"
    )
    run.add_argument(
        "--port",
        type=int,
        metavar="PORT",
        help="webhook: port to listen on (default: PORT or 8080)",
    )
    run.add_argument(
        "--db", metavar="PATH", help="SQLite database file (default: COOPBOT_DB or a data folder)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except KnowledgeError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("coopbot: the knowledge base has errors; run `coopbot validate`.", file=sys.stderr)
        return EXIT_PROBLEMS
    except BrokenPipeError:
        return EXIT_OK
