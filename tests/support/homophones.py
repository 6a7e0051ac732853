"""Derive ``bot/homophones.txt``: the common Simplified characters grouped by their reading.

Chinese is typed by sound, so the commonest typo is a character that sounds exactly the same
("閔港" for "閩港", "經茂辦" for "經貿辦" in Mandarin; "從慶" for "重慶", "民港" for "閩港" in
Cantonese). The bot reads names with such typos (see ``bot/homophones.py``); it needs only which
characters share a reading, which this script takes once from pypinyin (Mandarin) and ToJyutping
(Cantonese), neither a dependency of the bot, for the 6,763 characters of GB 2312, the common
Simplified set that canonical text is written in. Tones count: "成立" and "城里" do not sound alike.

    pip install pypinyin ToJyutping
    python -m tests.support.homophones          # rewrite bot/homophones.txt
    python -m tests.support.homophones --check  # exit 1 if it would change
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

TABLE = Path(__file__).resolve().parents[2] / "bot" / "homophones.txt"
HEADER = (
    "# Common Simplified characters (GB 2312) by reading, tone as a digit: one reading a line,\n"
    "# then its characters; Mandarin (pinyin), then Cantonese (Jyutping, after 'yue:').\n"
    "# Derived by `python -m tests.support.homophones`; do not edit.\n"
)


def gb2312_characters() -> list[str]:
    """Every Chinese character of GB 2312, in its order (rows 16-87 of the two-byte table)."""
    found = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.append(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def derive() -> str:
    import ToJyutping
    from pypinyin import Style, pinyin

    from bot.homophones import CANTONESE

    characters = gb2312_characters()
    readings: dict[str, list[str]] = defaultdict(list)
    for character in characters:
        for reading in pinyin(character, style=Style.TONE3, heteronym=True)[0]:
            if reading != character:  # pypinyin gives the character back when it has no reading
                readings[reading].append(character)
    for character, jyutping in ToJyutping.get_jyutping_candidates("".join(characters)):
        for reading in jyutping or ():
            readings[CANTONESE + reading].append(character)
    ordered = sorted(readings.items(), key=lambda item: (item[0].startswith(CANTONESE), item[0]))
    lines = [f"{r} {''.join(chars)}" for r, chars in ordered if len(chars) > 1]
    return HEADER + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only say whether it would change")
    args = parser.parse_args(argv)
    table = derive()
    if args.check:
        same = TABLE.exists() and TABLE.read_text(encoding="utf-8") == table
        print(f"{TABLE}: {'up to date' if same else 'out of date'}")
        return 0 if same else 1
    TABLE.write_text(table, encoding="utf-8")
    print(f"wrote {TABLE} ({table.count(chr(10)) - HEADER.count(chr(10))} readings)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
