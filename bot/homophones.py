"""Which common Chinese characters sound exactly alike, tone and all.

Chinese is typed by sound: pick the wrong one of the characters a syllable offers and "閩港合作會議"
comes out "閔港合作會議". The table (`homophones.txt`, derived from pypinyin by
`tests/support/homophones.py`) groups the common Simplified characters by reading; canonical text is
Simplified, so one table serves both scripts.
"""

from __future__ import annotations

import functools
from importlib import resources

#: What a Cantonese reading (Jyutping) opens with in the table; Mandarin readings (pinyin) stand bare.
CANTONESE = "yue:"


@functools.cache
def sounding_alike(cantonese: bool = True) -> dict[str, frozenset[str]]:
    """Each character with the other characters that share one of its readings: in Mandarin, and
    with `cantonese` in Cantonese too."""
    alike: dict[str, set[str]] = {}
    text = resources.files("bot").joinpath("homophones.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        reading, characters = line.split(" ", 1)
        if reading.startswith(CANTONESE) and not cantonese:
            continue
        for character in characters:
            alike.setdefault(character, set()).update(characters)
    return {c: frozenset(others - {c}) for c, others in alike.items()}
