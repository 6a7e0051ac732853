"""Write requirements.lock: the runtime dependencies of `coopbot[postgres]`, each pinned with the
sha256 of the file pip chose, for the image (CPython 3.11 on linux/amd64, as the Dockerfile's base).

The Dockerfile installs from it with `--require-hashes`, so a dependency changed on the index
after the lock was made fails the build instead of entering the image. The lock names no index:
where the files come from is the builder's pip configuration. Run it after changing the
dependencies in pyproject.toml, in a Python 3.11 on linux/amd64:

    python .ci/lock.py            # writes requirements.lock
    python .ci/lock.py --check    # exit 1 if the lock lists other packages than pyproject needs
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements.lock"
HEADER = """\
# The runtime dependencies of coopbot[postgres], pinned with hashes, for the image (CPython 3.11,
# linux/amd64). Made by `python .ci/lock.py`; the Dockerfile installs them with --require-hashes.
"""


def resolve() -> list[tuple[str, str, str]]:
    """(name, version, sha256) of everything `pip install '.[postgres]'` would install."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--dry-run",
                "--ignore-installed",
                "--report",
                str(report),
                f"{ROOT}[postgres]",
            ],
            check=True,
        )
        found = json.loads(report.read_text())["install"]
    pinned = []
    for item in found:
        name = item["metadata"]["name"]
        if name.lower() == "coopbot":
            continue
        digest = item["download_info"]["archive_info"]["hashes"]["sha256"]
        pinned.append((name, item["metadata"]["version"], digest))
    return sorted(pinned, key=lambda pin: pin[0].lower())


def locked_names(text: str) -> set[str]:
    return {line.split("==")[0].lower() for line in text.splitlines() if "==" in line}


def main() -> int:
    if (platform.python_version_tuple()[:2], platform.machine()) != (("3", "11"), "x86_64"):
        print("lock.py: run it with CPython 3.11 on x86_64, as the image is", file=sys.stderr)
        return 2
    pinned = resolve()
    if "--check" in sys.argv:
        wanted = {name.lower() for name, _, _ in pinned}
        have = locked_names(LOCK.read_text())
        if wanted != have:
            print(
                f"requirements.lock: missing {sorted(wanted - have)}, extra {sorted(have - wanted)}"
            )
            return 1
        return 0
    lines = [HEADER]
    for name, version, digest in pinned:
        lines.append(f"{name}=={version} \\\n    --hash=sha256:{digest}\n")
    LOCK.write_text("".join(lines))
    print(f"requirements.lock: {len(pinned)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
