"""A built engine kept on disk, so a command that answers one question starts in a fraction of
the time building takes (`coopbot ask`: reading the YAML and building the matcher and resolver
is most of a second; unpickling the result is about 50 ms).

A cached engine is used only when it was built from the same knowledge files (their bytes), by
the same code (every module and data file of the package, by size and modification time) on the
same Python, so an edited entry or an upgraded bot is never answered from an old build. The file
is written whole (a temporary file, then a rename) and anything wrong with it (unreadable,
truncated, from another version) means building again, never an error: the cache only ever saves
time. It holds only what the knowledge files already say, and lives in the user's own cache folder
(COOPBOT_CACHE_DIR), which no one else should be able to write: a pickle runs code when loaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import TypeVar

import bot

log = logging.getLogger(__name__)

T = TypeVar("T")

_PACKAGE = Path(bot.__file__).resolve().parent


def fingerprint(knowledge: Path) -> str:
    """What a cached engine must have been built from: the knowledge files, the code, Python."""
    digest = hashlib.sha256()
    digest.update(f"{sys.version}\0{bot.__version__}\0{knowledge.resolve()}\0".encode())
    for module in sorted([*_PACKAGE.rglob("*.py"), *_PACKAGE.rglob("*.txt")]):
        stat = module.stat()
        digest.update(
            f"{module.relative_to(_PACKAGE)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode()
        )
    for file in sorted(knowledge.glob("*.yaml")):
        digest.update(f"{file.name}\0".encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:32]


def cache_file(folder: Path, knowledge: Path) -> Path:
    return folder / f"engine-{fingerprint(knowledge)}.pickle"


def read(file: Path, kind: type[T]) -> T | None:
    """The object cached in `file`, or None if there is none or it cannot be used."""
    try:
        with file.open("rb") as stream:
            found = pickle.load(stream)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign file is rebuilt, whatever it raises
        log.info("not using the engine cached in %s (%s); building it", file, exc)
        return None
    return found if isinstance(found, kind) else None


def write(file: Path, value: object) -> None:
    """Keep `value` in `file`, the only build kept (older ones are removed); a folder that
    cannot be written is left alone, and the next start builds again."""
    temporary: Path | None = None
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=file.parent, suffix=".tmp", delete=False) as stream:
            temporary = Path(stream.name)
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, file)
    except Exception as exc:  # the cache only ever saves time: never a reason to fail
        log.info("cannot keep the built engine in %s (%s)", file.parent, exc)
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        return
    for old in file.parent.glob("engine-*.pickle"):
        if old != file:
            old.unlink(missing_ok=True)
