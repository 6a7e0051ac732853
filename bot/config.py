"""Settings, from environment variables only (command-line flags override some of them).

Everything an operator can change is listed here and in README's configuration table; nothing needs a
code edit. Values are checked once, at start, so a typo is a one-line error rather than a failure later.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from bot.knowledge import built_in_path

TELEGRAM_API_ROOT = "https://api.telegram.org"
# A Bot API token: the bot's numeric id, a colon, and a 35-character secret.
_TOKEN = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,60}$")
# What Telegram accepts as a webhook secret_token (sent back in X-Telegram-Bot-Api-Secret-Token).
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
#: Shortest COOPBOT_USER_HASH_KEY accepted: 32 characters (`openssl rand -hex 32` gives 64). A
#: short key can be found by trying, and with it every user id behind the hashes.
MIN_HASH_KEY_CHARS = 32


class ConfigError(ValueError):
    """A setting is missing or malformed; the message never contains a secret."""


def default_db_path(env: Mapping[str, str] | None = None) -> Path:
    """Under XDG_DATA_HOME (or ~/.local/share), so `pip install` users need not choose one."""
    base = (os.environ if env is None else env).get("XDG_DATA_HOME") or (
        Path.home() / ".local" / "share"
    )
    return Path(base) / "coopbot" / "coopbot.db"


def knowledge_path(env: Mapping[str, str] | None = None) -> Path:
    """COOPBOT_KNOWLEDGE, or the knowledge base that ships with coopbot."""
    configured = (os.environ if env is None else env).get("COOPBOT_KNOWLEDGE", "").strip()
    return Path(configured) if configured else built_in_path()


def engine_cache_dir(env: Mapping[str, str] | None = None) -> Path | None:
    """COOPBOT_CACHE_DIR, where a built engine is kept for the next start (`bot.engine_cache`):
    under XDG_CACHE_HOME (or ~/.cache) unless set; `off` builds the engine at every start."""
    env = os.environ if env is None else env
    configured = env.get("COOPBOT_CACHE_DIR", "").strip()
    if configured.lower() == "off":
        return None
    if configured:
        return Path(configured)
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "coopbot"


def bot_token(env: Mapping[str, str] | None = None) -> str | None:
    """TELEGRAM_BOT_TOKEN, unchecked: whether it is set decides what bare `coopbot` runs."""
    return (os.environ if env is None else env).get("TELEGRAM_BOT_TOKEN", "").strip() or None


def _int(env: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}")
    return value


def _admin_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in re.split(r"[,\s]+", raw.strip()):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise ConfigError(f"ADMIN_USER_IDS must be numeric Telegram user ids, not {part!r}")
        ids.add(int(part))
    return frozenset(ids)


def _hash_key(raw: str | None) -> bytes | None:
    """COOPBOT_USER_HASH_KEY: unset means a key generated and kept in the database (README,
    Privacy); set, it must be a real key. A blank one is an error, never a quiet fallback to the
    generated key: whoever set it meant to keep the key out of the database."""
    if raw is None:
        return None
    key = raw.strip()
    if len(key) < MIN_HASH_KEY_CHARS:
        problem = "is blank" if not key else f"has {len(key)} characters"
        raise ConfigError(
            f"COOPBOT_USER_HASH_KEY {problem}; it needs at least {MIN_HASH_KEY_CHARS} "
            "(make one with `openssl rand -hex 32`), or leave it unset for a key kept in the "
            "database"
        )
    return key.encode()


def _log_level(raw: str) -> str:
    level = raw.strip().upper() or "INFO"
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {raw!r}")
    return level


@dataclass(frozen=True)
class Settings:
    token: str | None = None
    api_url: str = TELEGRAM_API_ROOT
    webhook_url: str | None = None
    webhook_secret: str | None = None
    listen: str = "0.0.0.0"
    port: int = 8080
    knowledge: Path = field(default_factory=built_in_path)
    engine_cache: Path | None = None
    db_path: Path = field(default_factory=default_db_path)
    database_url: str | None = None
    admin_ids: frozenset[int] = frozenset()
    user_hash_key: bytes | None = None
    retention_days: int = 180
    flood_limit: int = 20  # messages per user per minute before the bot slows down
    log_level: str = "INFO"
    official_operator: str | None = None  # set only when the bot is deployed as an official channel

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        key = _hash_key(env.get("COOPBOT_USER_HASH_KEY"))
        return cls(
            token=bot_token(env),
            api_url=(env.get("TELEGRAM_API_URL", "").strip() or TELEGRAM_API_ROOT).rstrip("/"),
            webhook_url=env.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
            webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or None,
            listen=env.get("COOPBOT_LISTEN", "").strip() or "0.0.0.0",
            port=_int(env, "PORT", 8080, 1, 65535),
            knowledge=knowledge_path(env),
            engine_cache=engine_cache_dir(env),
            db_path=Path(env["COOPBOT_DB"]) if env.get("COOPBOT_DB") else default_db_path(env),
            database_url=env.get("COOPBOT_DATABASE_URL", "").strip() or None,
            admin_ids=_admin_ids(env.get("ADMIN_USER_IDS", "")),
            user_hash_key=key,
            retention_days=_int(env, "COOPBOT_RETENTION_DAYS", 180, 1, 36500),
            flood_limit=_int(env, "COOPBOT_FLOOD_LIMIT", 20, 1, 10000),
            log_level=_log_level(env.get("LOG_LEVEL", "")),
            official_operator=env.get("COOPBOT_OFFICIAL_OPERATOR", "").strip() or None,
        )


def check_token(token: str | None) -> str:
    """The token, or a ConfigError that says what is wrong without echoing it."""
    if not token:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set; get a token from @BotFather")
    if not _TOKEN.match(token):
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is malformed; expected the form 123456789:AbC... from @BotFather"
        )
    return token


def check_webhook(url: str | None, secret: str | None) -> str:
    """The path to serve the webhook on, taken from its public URL; ConfigError if unusable.

    The secret is required: it is the only thing that tells Telegram's deliveries from anyone
    else's POST, and replicas behind a load balancer must share it, so it cannot be generated.
    """
    parsed = urlparse(url or "")
    if parsed.scheme != "https" or not parsed.netloc:
        raise ConfigError(f"TELEGRAM_WEBHOOK_URL must be an https:// URL, not {url!r}")
    if not secret:
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET is not set; webhook mode needs it to refuse forged updates"
        )
    if not _WEBHOOK_SECRET.match(secret):
        raise ConfigError(
            "TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return parsed.path.strip("/")
