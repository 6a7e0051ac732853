"""The layers of README's "Layout", as a check: no import cycle, no import across a layer's wall.

The import graph is read from the source with `ast` (every import, at the top or inside a
function), so the check needs nothing installed and sees imports done late for speed too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.support.data import REPO_ROOT

#: Questions, knowledge and words: no Telegram, no storage, no settings, no environment.
CORE = (
    "bot.text",
    "bot.homophones",
    "bot.knowledge",
    "bot.matcher",
    "bot.understanding",
    "bot.render",
    "bot.messages",
    "bot.outcome",
    "bot.resolve",
    "bot.conversation",
    "bot.recent",
)
#: What the core may never import, directly.
NOT_FOR_THE_CORE = (
    "telegram",
    "tornado",
    "httpx",
    "sqlite3",
    "psycopg",
    "bot.telegram",
    "bot.storage",
    "bot.config",
    "bot.engine",
    "bot.cli",
)


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every module name an import statement in `tree` names, relative imports resolved."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = module.split(".")
                parent = parent if is_package else parent[:-1]
                parent = parent[: len(parent) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports."""
    root = package.parent
    sources = {module_name(p, root): p for p in package.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for module, path in sources.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = imported(tree, module, path.name == "__init__.py")
        graph[module] = {n for n in names if n in sources and n != module}
    return graph


def all_imports(package: Path) -> dict[str, set[str]]:
    """Module → every name it imports, inside the package or not."""
    root = package.parent
    return {
        module_name(p, root): imported(
            ast.parse(p.read_text(encoding="utf-8")),
            module_name(p, root),
            p.name == "__init__.py",
        )
        for p in package.rglob("*.py")
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for neighbour in sorted(graph.get(node, ())):
            if neighbour not in index:
                visit(neighbour)
                low[node] = min(low[node], low[neighbour])
            elif neighbour in stack:
                low[node] = min(low[node], index[neighbour])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def within(name: str, prefixes: Iterable[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def forbidden(
    imports: dict[str, set[str]], importers: Iterable[str], banned: Iterable[str]
) -> list[str]:
    """`importer -> banned` for each banned package a module under `importers` imports from."""
    return sorted(
        {
            f"{module} -> {ban}"
            for module, names in imports.items()
            if within(module, importers)
            for ban in banned
            if any(within(name, [ban]) for name in names)
        }
    )


def reads_environment(package: Path) -> list[str]:
    """Modules that read `os.environ` or call `os.getenv`."""
    found = []
    root = package.parent
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(
            isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb")
            for node in ast.walk(tree)
        ):
            found.append(module_name(path, root))
    return sorted(found)


@pytest.fixture(scope="module")
def bot_imports() -> dict[str, set[str]]:
    return all_imports(REPO_ROOT / "bot")


# --- the project ---------------------------------------------------------------------------------


def test_no_module_of_the_package_imports_itself_round_a_loop() -> None:
    assert cycles(import_graph(REPO_ROOT / "bot")) == []


def test_the_core_imports_neither_telegram_nor_storage_nor_settings(
    bot_imports: dict[str, set[str]],
) -> None:
    assert forbidden(bot_imports, CORE, NOT_FOR_THE_CORE) == []


def test_the_engine_imports_no_adapter(bot_imports: dict[str, set[str]]) -> None:
    assert forbidden(bot_imports, ["bot.engine"], NOT_FOR_THE_CORE[:-3]) == []


def test_the_telegram_layer_knows_nothing_of_yaml(bot_imports: dict[str, set[str]]) -> None:
    assert forbidden(bot_imports, ["bot.telegram"], ["yaml"]) == []


def test_storage_knows_nothing_of_telegram(bot_imports: dict[str, set[str]]) -> None:
    assert forbidden(bot_imports, ["bot.storage"], ["telegram", "bot.telegram", "tornado"]) == []


def test_the_package_imports_nothing_from_tests_or_benchmarks(
    bot_imports: dict[str, set[str]],
) -> None:
    assert forbidden(bot_imports, ["bot"], ["tests", "benchmarks"]) == []


def test_only_the_settings_module_reads_the_environment() -> None:
    assert reads_environment(REPO_ROOT / "bot") == ["bot.config"]


# --- the check itself ----------------------------------------------------------------------------


def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_a_planted_cycle_is_found(tmp_path: Path) -> None:
    package = plant(
        tmp_path,
        {
            "__init__.py": "",
            "a.py": "from pkg import b\n",
            "b.py": "def late():\n    from pkg.c import thing\n",
            "c.py": "from . import a\nthing = 1\n",
            "d.py": "import pkg.a\n",
        },
    )
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_a_planted_forbidden_import_is_found(tmp_path: Path) -> None:
    package = plant(
        tmp_path,
        {"__init__.py": "", "matcher.py": "def f():\n    from telegram import Bot\n"},
    )
    imports = all_imports(package)
    assert forbidden(imports, ["pkg.matcher"], ["telegram"]) == ["pkg.matcher -> telegram"]


def test_a_planted_environment_read_is_found(tmp_path: Path) -> None:
    package = plant(tmp_path, {"__init__.py": "", "text.py": "import os\nX = os.getenv('X')\n"})
    assert reads_environment(package) == ["pkg.text"]
