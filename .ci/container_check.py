"""Check that the image installs and starts the bot as README says, by doing it without Docker.

From the Dockerfile: the requirement its build stage makes wheels of, the command it starts (ENTRYPOINT
and CMD) and its HEALTHCHECK command. From README's "Running in a container": the `pip install ... &&
coopbot ...` line. They must agree. Then, in a fresh virtual environment, the README's install runs in
a copy of exactly what the Dockerfile copies into the image (so a file the build would miss fails here),
and from an empty folder: `coopbot --version`, the health check (exit 0; against PostgreSQL too when
COOPBOT_TEST_DATABASE_URL is set), and the start command, which without a token must stop at once with
the one-line error about TELEGRAM_BOT_TOKEN (exit 2), proving it reads its settings from the
environment; and `coopbot eval` of an operator's own labelled file. Exit 0 when all hold; 1 with the reason otherwise.

Without Docker it also checks what it can of the image's supply chain: every FROM is the
digest-pinned base named once in `ARG BASE`; requirements.lock pins every runtime dependency with
a hash and names no package index, lists exactly the packages the README's install brings, and its
hashes match the files the index serves (`pip install --dry-run --require-hashes`).

Run from the repository root: python .ci/container_check.py
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README_SECTION = "## Running in a container"
# The official slim image, pinned by version and by digest, named once as `ARG BASE=...`.
BASE_IMAGE = re.compile(r"BASE=python:3\.11\.\d+-slim-bookworm@sha256:[0-9a-f]{64}")
# Every stage starts from it, optionally naming the stage.
FROM_BASE = re.compile(r"\$\{BASE\}( AS \w+)?", re.IGNORECASE)
LOCK = ROOT / "requirements.lock"
# What a lock must not hold: an index or a place to fetch from, which would override the builder's.
INDEX_OPTIONS = re.compile(
    r"^\s*(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host)\b"
)
# Installed by the virtual environment itself, not by coopbot.
NOT_DEPENDENCIES = {"pip", "setuptools", "wheel", "coopbot"}


# An operator's own labelled questions, in both formats `coopbot eval` reads.
OPERATOR_QUESTIONS = """\
- q: what is cepa
  expect: cepa-overview
- q: 滬港合作會議是甚麼？
  expect: answer
  must: [["上海"]]
- q: what's the weather in shenzhen tomorrow
  expect: decline
"""


class Mismatch(Exception):
    """The Dockerfile, the README and what the commands do disagree."""


def dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    result = []
    for line in joined.splitlines():
        if line.strip():
            instruction, _, arguments = line.strip().partition(" ")
            result.append((instruction.upper(), arguments.strip()))
    return result


def exec_form(arguments: str) -> list[str]:
    """A JSON-array (exec form) ENTRYPOINT/CMD, the only form that gets SIGTERM to the bot."""
    try:
        words = json.loads(arguments)
    except json.JSONDecodeError:
        raise Mismatch(f"not in exec (JSON array) form: {arguments}") from None
    return [str(word) for word in words]


def from_dockerfile(text: str) -> tuple[str, list[str], list[str], list[str]]:
    """(requirement, files copied into the build, start command, health command)."""
    requirement, copied, entrypoint, cmd, health = None, [], [], [], []
    instructions = dockerfile_instructions(text)
    if not any(i == "ARG" and BASE_IMAGE.fullmatch(a) for i, a in instructions):
        raise Mismatch(
            "Dockerfile: no `ARG BASE=python:3.11.N-slim-bookworm@sha256:DIGEST`: pin the base "
            "image by digest"
        )
    for instruction, arguments in instructions:
        if instruction == "FROM" and not FROM_BASE.fullmatch(arguments):
            raise Mismatch(f"Dockerfile: FROM {arguments}: every stage starts FROM ${{BASE}}")
        if instruction == "COPY" and not arguments.startswith("--from"):
            copied += shlex.split(arguments)[:-1]
        elif instruction == "RUN" and "pip download" in arguments:
            if "--require-hashes" not in arguments or "requirements.lock" not in arguments:
                raise Mismatch("Dockerfile: dependencies must come from requirements.lock, hashed")
        elif instruction == "RUN" and "pip wheel" in arguments:
            requirement = shlex.split(arguments)[-1]
        elif instruction == "ENTRYPOINT":
            entrypoint = exec_form(arguments)
        elif instruction == "CMD":
            cmd = exec_form(arguments)
        elif instruction == "HEALTHCHECK":
            health = exec_form(arguments.partition(" CMD ")[2] or arguments.removeprefix("CMD "))
    if requirement is None:
        raise Mismatch("Dockerfile: no `RUN pip wheel ... REQUIREMENT` line in the build stage")
    if not health:
        raise Mismatch("Dockerfile: no HEALTHCHECK CMD")
    return requirement, copied, entrypoint + cmd, health


def from_readme(text: str) -> tuple[str, list[str]]:
    """(requirement, start command) from the README's container section."""
    section = text.partition(README_SECTION)[2].partition("\n## ")[0]
    match = re.search(r"^pip install (\S+) && (coopbot[^\n]*)$", section, re.MULTILINE)
    if match is None:
        raise Mismatch(f"README: no `pip install ... && coopbot ...` line under {README_SECTION!r}")
    [requirement] = shlex.split(match[1])
    return requirement, shlex.split(match[2])


def check_lock(text: str) -> set[str]:
    """The names the lock pins; Mismatch unless each has a hash and no line names an index."""
    names = set()
    for line in text.replace("\\\n", " ").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if INDEX_OPTIONS.match(line):
            raise Mismatch(f"requirements.lock names a package index: {line.strip()}")
        requirement = line.split()[0]
        if "==" not in requirement or "--hash=sha256:" not in line:
            raise Mismatch(f"requirements.lock: {requirement} is not pinned with a hash")
        names.add(requirement.split("==")[0].lower().replace("_", "-"))
    return names


def installed(env: dict[str, str], cwd: Path) -> set[str]:
    """The packages of the virtual environment on env's PATH, less its own tools."""
    listing = run(["pip", "list", "--format=json"], cwd, env, quiet=True)
    names = {p["name"].lower().replace("_", "-") for p in json.loads(listing)}
    return names - NOT_DEPENDENCIES


def run(
    command: list[str], cwd: Path, env: dict[str, str], expect: int = 0, quiet: bool = False
) -> str:
    """Run `command`, print it with its output, and check its exit code."""
    print(f"$ {shlex.join(command)}", flush=True)
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if quiet and done.returncode == expect:
        return done.stdout
    output = (done.stdout + done.stderr).strip()
    for line in output.splitlines()[-15:]:
        print(f"  {line}", flush=True)
    if done.returncode != expect:
        raise Mismatch(f"`{shlex.join(command)}` exited {done.returncode}, expected {expect}")
    return output


def main() -> int:
    try:
        requirement, copied, start, health = from_dockerfile((ROOT / "Dockerfile").read_text())
        readme_requirement, readme_start = from_readme((ROOT / "README.md").read_text())
        print(f"Dockerfile: installs {requirement!r}, starts {shlex.join(start)!r}")
        print(f"README:     installs {readme_requirement!r}, starts {shlex.join(readme_start)!r}")
        if (requirement, start) != (readme_requirement, readme_start):
            raise Mismatch("the Dockerfile and README install or start the bot differently")

        with tempfile.TemporaryDirectory(prefix="coopbot-container-") as tmp:
            work = Path(tmp)
            context = work / "context"
            context.mkdir()
            for name in copied:  # what the image's build stage has, and nothing else
                source = ROOT / name
                if source.is_dir():
                    shutil.copytree(
                        source, context / name, ignore=shutil.ignore_patterns("__pycache__")
                    )
                else:
                    shutil.copy2(source, context / name)
            venv.create(work / "venv", with_pip=True)
            env = {
                key: value
                for key, value in os.environ.items()
                if not key.startswith(("COOPBOT_", "TELEGRAM_", "VIRTUAL_ENV", "PYTHON"))
            }
            env["PATH"] = f"{work / 'venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
            env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
            run(["pip", "install", "-qq", requirement], context, env)
            locked = check_lock(LOCK.read_text(encoding="utf-8"))
            needed = installed(env, context)
            if locked != needed:
                raise Mismatch(
                    f"requirements.lock does not list what {requirement} installs: missing "
                    f"{sorted(needed - locked)}, extra {sorted(locked - needed)}; run .ci/lock.py"
                )
            lock_copy = work / "requirements.lock"
            shutil.copy2(LOCK, lock_copy)
            run(
                [
                    "pip",
                    "install",
                    "-qq",
                    "--dry-run",
                    "--ignore-installed",
                    "--no-deps",
                    "--require-hashes",
                    "-r",
                    str(lock_copy),
                ],
                context,
                env,
            )

            empty = work / "elsewhere"
            empty.mkdir()
            env["COOPBOT_DB"] = str(work / "data" / "coopbot.db")  # as the image's /data volume
            env["COOPBOT_CACHE_DIR"] = str(work / "cache")  # as the image's, a folder of its own
            run(["coopbot", "--version"], empty, env)
            run(health, empty, env)
            test_url = os.environ.get("COOPBOT_TEST_DATABASE_URL", "").strip()
            if test_url:
                run(health, empty, {**env, "COOPBOT_DATABASE_URL": test_url})
            else:
                print("COOPBOT_TEST_DATABASE_URL unset: health against PostgreSQL not checked")
            labelled = empty / "my-questions.yaml"
            labelled.write_text(OPERATOR_QUESTIONS, encoding="utf-8")
            output = run(["coopbot", "eval", labelled.name], empty, env)
            if not re.search(r"in scope, answered right:?\s+2/2", output, re.IGNORECASE):
                raise Mismatch("`coopbot eval` of an operator's own file did not answer both")
            output = run(["coopbot", "eval"], empty, env, expect=2)
            if "tests/data/tuning" not in output:
                raise Mismatch(
                    "`coopbot eval` without files did not say where the project's set is"
                )
            output = run(start, empty, env, expect=2)
            if "TELEGRAM_BOT_TOKEN is not set" not in output:
                raise Mismatch(f"`{shlex.join(start)}` did not stop on the missing token")
    except Mismatch as exc:
        print(f"container check: FAILED: {exc}", file=sys.stderr)
        return 1
    print("container check: OK — the image's install and start commands are README's, and work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
