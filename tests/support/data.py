"""The test data every test module may use: the fixture knowledge base, the shipped one, contracts."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
#: A small knowledge base (three topics) whose answers the tests can state exactly.
FIXTURE_KB = REPO_ROOT / "tests" / "fixtures" / "kb"
#: The knowledge base that ships with coopbot.
REAL_KB = REPO_ROOT / "knowledge"

#: The fields of `coopbot ask --json`, in order: README promises them to other programs.
ASK_JSON_FIELDS = [
    "question",
    "answered",
    "id",
    "lang",
    "answer",
    "confidence",
    "sources",
    "suggestions",
]

#: How the Telegram answer to "What is CEPA?" begins: the entry's question in bold, then the text.
CEPA_ANSWER = "<b>What is CEPA?</b>\nCEPA is"
