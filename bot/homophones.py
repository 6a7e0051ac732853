"""Which common Chinese characters sound exactly alike, tone and all.

Chinese is typed by sound: pick the wrong one of the characters a syllable offers and "閩港合作會議"
comes out "閔港合作會議" (Mandarin) or "民港合作會議" (Cantonese). The table (`homophones.txt`,
derived from pypinyin and ToJyutping by `tests/support/homophones.py`) groups the common Simplified
characters by reading; canonical text is Simplified, so one table serves both scripts.
"""

from __future__ import annotations

import functools
from importlib import resources

#: What a Cantonese reading (Jyutping) opens with in the table; Mandarin readings (pinyin) stand bare.
CANTONESE = "yue:"


@functools.cache
def _groups(cantonese: bool) -> dict[str, tuple[str, ...]]:
    """Each character with the groups of characters it shares a reading with. Kept as the table's
    own strings, not a set per character: with Cantonese those would run to tens of megabytes, and
    only the few hundred characters of names and cue words are ever looked up."""
    groups: dict[str, list[str]] = {}
    text = resources.files("bot").joinpath("homophones.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        reading, characters = line.split(" ", 1)
        if reading.startswith(CANTONESE) and not cantonese:
            continue
        for character in characters:
            groups.setdefault(character, []).append(characters)
    return {c: tuple(g) for c, g in groups.items()}


@functools.cache
def sounding_alike(character: str, cantonese: bool = True) -> frozenset[str]:
    """The other characters that share one of a character's readings: in Mandarin, and with
    `cantonese` in Cantonese too."""
    return frozenset("".join(_groups(cantonese).get(character, ()))) - {character}
