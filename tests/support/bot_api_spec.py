"""The Bot API facts the fake server checks calls against, and the script that derives them.

Telegram publishes its Bot API as prose; the public telegram-bot-api-spec project scrapes it into
JSON (900 kB, mostly descriptions). The fake needs only the facts: each method's parameters with
their types and required flags, each object type's fields, unions and their discriminators, and the
few limits and rules stated in prose (``1-4096 characters``, "exactly one of the fields ..."). This
module derives those facts once and writes them to ``tests/data/bot-api.json`` (committed), so the
tests run whole in any clone, with no ``../shared`` beside it::

    python -m tests.support.bot_api_spec ../shared/telegram/bot-api-10.1.json          # rewrite
    python -m tests.support.bot_api_spec ../shared/telegram/bot-api-10.1.json --check  # CI

``COOPBOT_BOT_API_SPEC`` may name another file, compact or a full scraped spec (a newer Bot API):
a full one is derived in memory the same way.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

SPEC_ENV_VAR = "COOPBOT_BOT_API_SPEC"
FORMAT = "coopbot-bot-api-facts/1"
COMMITTED_SPEC = Path(__file__).resolve().parent.parent / "data" / "bot-api.json"

_LIMIT_RE = re.compile(r"(\d+)-(\d+) (characters|bytes)", re.IGNORECASE)
_DISCRIMINATOR_RE = re.compile(r'(?:always "([^"]+)"|must be ([a-z0-9_]+))')
_EXCLUSIVE_RE = re.compile(
    r"(Exactly|At most) one of the fields other than (.+?) must be used", re.IGNORECASE
)
_QUOTED_RE = re.compile(r'"([a-z_]+)"')
#: Fields whose allowed values the fake enforces, read from the quoted words of their description.
ENUM_FIELDS = frozenset({("MessageEntity", "type")})


# --- deriving the facts from the scraped prose spec ----------------------------------------------


def _field(owner: str, raw: dict[str, Any]) -> dict[str, Any]:
    fact: dict[str, Any] = {"name": raw["name"], "types": raw["types"], "required": raw["required"]}
    description = raw.get("description", "")
    if raw["types"] == ["String"]:
        match = _LIMIT_RE.search(description)
        if match:
            fact["limit"] = [int(match.group(1)), int(match.group(2)), match.group(3).lower()]
    if (owner, raw["name"]) in ENUM_FIELDS:
        fact["values"] = _QUOTED_RE.findall(description)
    return fact


def _discriminator(typ: dict[str, Any]) -> list[str] | None:
    """``[field, value]`` fixing a union member, e.g. ``["type", "article"]``."""
    if not typ.get("subtype_of") or not typ.get("fields"):
        return None
    first = typ["fields"][0]
    if first["name"] not in ("type", "status", "source") or first["types"] != ["String"]:
        return None
    match = _DISCRIMINATOR_RE.search(first.get("description", ""))
    if match is None:
        return None
    return [first["name"], match.group(1) or match.group(2)]


def _exclusive(typ: dict[str, Any]) -> list[Any] | None:
    """``["exactly"|"at most", action fields]`` from prose such as InlineKeyboardButton's."""
    match = _EXCLUSIVE_RE.search(" ".join(typ.get("description", [])))
    if match is None or not typ.get("fields"):
        return None
    excluded = set(re.findall(r"[a-z_]+", match.group(2))) - {"and", "or"}
    return [
        match.group(1).lower(),
        sorted(f["name"] for f in typ["fields"] if f["name"] not in excluded),
    ]


def derive(full: dict[str, Any]) -> dict[str, Any]:
    """The facts of a scraped spec, without its prose."""
    methods = {
        name: {
            "returns": method["returns"],
            "fields": [_field(name, f) for f in method.get("fields", [])],
        }
        for name, method in full["methods"].items()
    }
    types: dict[str, dict[str, Any]] = {}
    for name, typ in full["types"].items():
        fact: dict[str, Any] = {}
        if "fields" in typ:
            fact["fields"] = [_field(name, f) for f in typ["fields"]]
        for key in ("subtypes", "subtype_of"):
            if typ.get(key):
                fact[key] = typ[key]
        if discriminator := _discriminator(typ):
            fact["discriminator"] = discriminator
        if exclusive := _exclusive(typ):
            fact["exclusive"] = exclusive
        if "String can be used instead of this object" in " ".join(typ.get("description", [])):
            fact["plain_string"] = True
        types[name] = fact
    return {
        "format": FORMAT,
        "version": full.get("version", "?"),
        "methods": methods,
        "types": types,
    }


def dumps(facts: dict[str, Any]) -> str:
    """One line per method and type: small, and a new Bot API version reads as a plain diff."""
    lines = [
        "{",
        f'"format": {json.dumps(facts["format"])},',
        f'"version": {json.dumps(facts["version"])},',
    ]
    for section in ("methods", "types"):
        items = list(facts[section].items())
        lines.append(f'"{section}": {{')
        lines += [
            f"{json.dumps(name)}: {json.dumps(value, ensure_ascii=False, separators=(',', ':'))}"
            + ("," if n < len(items) - 1 else "")
            for n, (name, value) in enumerate(items)
        ]
        lines.append("}," if section == "methods" else "}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- reading the facts ---------------------------------------------------------------------------


def spec_path() -> Path:
    """``$COOPBOT_BOT_API_SPEC`` when set, else the facts committed with the tests."""
    configured = os.environ.get(SPEC_ENV_VAR)
    return Path(configured).expanduser() if configured else COMMITTED_SPEC


def load_spec(path: str | os.PathLike[str] | None = None) -> BotApiSpec:
    """The spec at `path` (default: `spec_path()`), read once per path."""
    return _load(Path(path) if path is not None else spec_path())


@functools.lru_cache(maxsize=4)
def _load(resolved: Path) -> BotApiSpec:
    if not resolved.is_file():
        raise FileNotFoundError(f"Bot API spec not found at {resolved} ({SPEC_ENV_VAR})")
    data = json.loads(resolved.read_text(encoding="utf-8"))
    return BotApiSpec(data if data.get("format") == FORMAT else derive(data))


class BotApiSpec:
    """The facts, indexed for validation: fields by name, unions flattened."""

    def __init__(self, facts: dict[str, Any]) -> None:
        self.version: str = facts["version"]
        self.methods: dict[str, dict[str, Any]] = facts["methods"]
        self.types: dict[str, dict[str, Any]] = facts["types"]
        self._methods_lower = {name.lower(): name for name in self.methods}
        self._method_fields = {
            name: {f["name"]: f for f in method["fields"]} for name, method in self.methods.items()
        }
        self._type_fields: dict[str, dict[str, dict[str, Any]] | None] = {
            name: ({f["name"]: f for f in typ["fields"]} if "fields" in typ else None)
            for name, typ in self.types.items()
        }
        self.update_types: tuple[str, ...] = tuple(
            name for name in self._type_fields["Update"] or {} if name != "update_id"
        )

    def canonical_method(self, name: str) -> str | None:
        """Bot API method names are case-insensitive, as on Telegram's server."""
        return self._methods_lower.get(name.lower())

    def method_fields(self, method: str) -> dict[str, dict[str, Any]]:
        return self._method_fields[method]

    def type_fields(self, type_name: str) -> dict[str, dict[str, Any]] | None:
        """Fields of an object type, or None for field-less placeholders such as CallbackGame."""
        return self._type_fields.get(type_name)

    def subtypes(self, type_name: str) -> list[str]:
        """Concrete object types of a union, flattened (a union may list another union)."""
        result: list[str] = []
        for sub in self.types.get(type_name, {}).get("subtypes", []):
            if sub not in self.types:
                continue  # e.g. RichText lists "String"; handled by the caller
            if self.types[sub].get("subtypes"):
                result.extend(self.subtypes(sub))
            else:
                result.append(sub)
        return result

    def discriminator(self, type_name: str) -> tuple[str, str] | None:
        """``(field, value)`` fixing a union member, e.g. ``("type", "article")``."""
        found = self.types.get(type_name, {}).get("discriminator")
        return (found[0], found[1]) if found else None

    def exclusive_rule(self, type_name: str) -> tuple[str, frozenset[str]] | None:
        """``("exactly"|"at most", action fields)``: InlineKeyboardButton needs exactly one action."""
        found = self.types.get(type_name, {}).get("exclusive")
        return (found[0], frozenset(found[1])) if found else None

    def accepts_plain_string(self, type_name: str) -> bool:
        """KeyboardButton may be a bare string."""
        return bool(self.types.get(type_name, {}).get("plain_string"))

    def mismatch_score(self, value: dict[str, Any], type_name: str) -> tuple[int, int]:
        """How badly a JSON object fits a type: (unknown keys, missing required fields).

        Used to report the error of the most plausible member when no union member fits.
        """
        subtypes = self.subtypes(type_name)
        if subtypes:
            return min(self.mismatch_score(value, sub) for sub in subtypes)
        fields = self.type_fields(type_name) or {}
        unknown = sum(1 for key in value if key not in fields)
        missing = sum(1 for name, f in fields.items() if f["required"] and name not in value)
        return unknown, missing

    @staticmethod
    def string_limit(field_spec: dict[str, Any]) -> tuple[int, int, str] | None:
        """``(min, max, "characters"|"bytes")`` of a String field, where Telegram states one."""
        limit = field_spec.get("limit")
        return (limit[0], limit[1], limit[2]) if limit else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.bot_api_spec",
        description="Derive the Bot API facts the fake server needs from a scraped full spec.",
    )
    parser.add_argument("full_spec", type=Path, help="e.g. ../shared/telegram/bot-api-10.1.json")
    parser.add_argument("--out", type=Path, default=COMMITTED_SPEC, help="default: %(default)s")
    parser.add_argument(
        "--check", action="store_true", help="fail if --out differs from what would be written"
    )
    args = parser.parse_args(argv)
    text = dumps(derive(json.loads(args.full_spec.read_text(encoding="utf-8"))))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            print(
                f"{args.out} is not what {args.full_spec} gives: rerun without --check",
                file=sys.stderr,
            )
            return 1
        print(f"{args.out} matches {args.full_spec}")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()):,} bytes) from {args.full_spec}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
