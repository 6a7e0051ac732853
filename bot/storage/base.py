"""What both back ends share: the `Storage` protocol, every call written once as SQL in `BackEnd`,
the wording of their errors, and the naming of a PostgreSQL database without its password.

A back end (bot/storage/sqlite.py, bot/storage/postgres.py) adds only how it opens, runs statements
and closes; the tables it keeps are those of bot/storage/schema.py.

Privacy: no names, usernames or chat ids are stored. A Telegram user id appears only as
``HMAC-SHA256(key, str(user_id))`` in hex, enough to find a user's language choice again and to
let a repeated vote replace the earlier one. The key should come from the caller
(``COOPBOT_USER_HASH_KEY``): kept outside the file, it means a copied database cannot be linked to
Telegram accounts. Without a key, a random one is generated on first use and kept in
``settings``: zero configuration and stable across restarts, but whoever has the file has the key,
and Telegram ids are few enough (about 10**10) to be recovered by trying them all, so the hash then
only keeps ids from being read at a glance. Changing the key (or going from a generated key to a
configured one) orphans the earlier rows: those users see the default language again, and their
old votes can no longer be replaced or forgotten, only purged by age. Declined questions are kept
without any user link, but their text is whatever the user typed, which is why it is purged; so are
the comments users write after a 👎 (what they were looking for), kept with the entry only.

Retention: ``purge(days)`` deletes declined questions, feedback and comments older than ``days``. Answer
counts (aggregates, no user link) and language choices (needed to serve the user) are kept; a user
can delete theirs with ``forget_user``, which removes every row keyed by their hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from urllib.parse import unquote

#: Declined questions are kept to improve the knowledge base; a longer text adds nothing to that.
MAX_DECLINED_CHARS = 1000
#: Seconds to wait for another writer's lock before giving up (at open and for each call).
DEFAULT_BUSY_TIMEOUT = 5.0

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")

# The statements both back ends run, in SQLite's "?" style (PostgresStorage turns each "?" into
# psycopg's "%s"); only the tables' definitions differ between them (bot/storage/schema.py).
READ_SETTING = "SELECT value FROM settings WHERE key = ?"
WRITE_SCHEMA_VERSION = (
    "INSERT INTO settings (key, value) VALUES ('schema_version', ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
ADD_HASH_KEY = (
    "INSERT INTO settings (key, value) VALUES ('user_hash_key', ?) ON CONFLICT (key) DO NOTHING"
)
_GET_LANGUAGE = "SELECT lang FROM user_language WHERE user_hash = ?"
_GET_LANGUAGES = "SELECT user_hash, lang FROM user_language WHERE user_hash IN ({marks})"
_SET_LANGUAGE = (
    "INSERT INTO user_language (user_hash, lang, updated_at) VALUES (?, ?, ?) "
    "ON CONFLICT (user_hash) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at"
)
_ADD_FEEDBACK = (
    "INSERT INTO feedback (user_hash, entry_id, up, voted_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_hash, entry_id) DO UPDATE SET up = excluded.up, voted_at = excluded.voted_at"
)
_ADD_DECLINED = "INSERT INTO declined (text, asked_at) VALUES (?, ?)"
_ADD_COMMENT = "INSERT INTO feedback_comment (entry_id, text, written_at) VALUES (?, ?, ?)"
_COUNT_ANSWER = (
    "INSERT INTO answer_count (entry_id, count) VALUES (?, 1) "
    "ON CONFLICT (entry_id) DO UPDATE SET count = answer_count.count + 1"
)
_TOP_ANSWERS = "SELECT entry_id, count FROM answer_count ORDER BY count DESC, entry_id LIMIT ?"
_RECENT_DECLINED = "SELECT text, asked_at FROM declined ORDER BY asked_at DESC, id DESC LIMIT ?"
_FEEDBACK_TOTALS = "SELECT COALESCE(SUM(up), 0), COALESCE(SUM(1 - up), 0) FROM feedback"
_FEEDBACK_BY_ENTRY = (
    "SELECT entry_id, SUM(up), SUM(1 - up) FROM feedback GROUP BY entry_id "
    "ORDER BY COUNT(*) DESC, entry_id LIMIT ?"
)
_PURGE_DECLINED = "DELETE FROM declined WHERE asked_at < ?"
_PURGE_FEEDBACK = "DELETE FROM feedback WHERE voted_at < ?"
_PURGE_COMMENTS = "DELETE FROM feedback_comment WHERE written_at < ?"
_RECENT_COMMENTS = "SELECT entry_id, text, written_at FROM feedback_comment ORDER BY written_at DESC, id DESC LIMIT ?"
_FORGET_LANGUAGE = "DELETE FROM user_language WHERE user_hash = ?"
_FORGET_FEEDBACK = "DELETE FROM feedback WHERE user_hash = ?"
# The inbox (bot/storage/schema.py, migration 2): updates kept from their arrival to their answer.
_INBOX_ADD = (
    "INSERT INTO inbox (update_id, body, owner, received_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (update_id) DO NOTHING"
)
# A handled update keeps only its id and time, so a replay is recognised; the text goes at once.
_INBOX_DONE = "UPDATE inbox SET done_at = ?, body = '' WHERE update_id = ? AND done_at IS NULL"
_INBOX_CLAIM = "UPDATE inbox SET owner = ? WHERE done_at IS NULL AND owner <> ? AND received_at < ?"
_INBOX_PENDING = (
    "SELECT update_id, body FROM inbox WHERE done_at IS NULL AND owner = ? "
    "ORDER BY update_id LIMIT ?"
)
_INBOX_PURGE = "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?"
_HEARTBEAT = (
    "INSERT INTO settings (key, value) VALUES (?, ?) "
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)
#: Handled updates are remembered this long, so Telegram's replays of them are recognised:
#: Telegram keeps an unconfirmed update for 24 hours.
INBOX_KEEP = timedelta(hours=26)

#: One SQL statement with its parameters.
Statement = tuple[str, tuple[object, ...]]
#: What a query returned, as each driver gives it (the types the columns declare).
Rows = list[tuple[Any, ...]]


class StorageError(Exception):
    """Storage failed. The message is one line naming the file or database and the problem, fit
    for a log, and never holding a password.

    Callers log it and carry on (the user still gets an answer), so no traceback is needed.
    """


@dataclass(frozen=True)
class Stats:
    """What the operators look at: what is asked, what is declined, what users think."""

    top_answers: list[tuple[str, int]]
    """(entry id, times answered), most answered first."""
    recent_declined: list[tuple[str, str]]
    """(question text, ISO time asked), newest first."""
    feedback_up: int
    feedback_down: int
    feedback_by_entry: list[tuple[str, int, int]]
    """(entry id, up votes, down votes), most voted first."""
    recent_comments: list[tuple[str, str, str]] = field(default_factory=list)
    """(entry id, what the user was looking for, ISO time), newest first."""


class Storage(Protocol):
    """What the handlers need from storage, so a PostgreSQL class can stand in for SQLite.

    Opening is not part of it: each backend is opened from its own kind of address.
    """

    async def get_language(self, user_id: int) -> str | None: ...
    async def set_language(self, user_id: int, lang: str) -> None: ...
    async def add_feedback(self, user_id: int, entry_id: str, up: bool) -> None: ...
    async def add_declined(self, text: str) -> None: ...
    async def add_feedback_comment(self, entry_id: str, text: str) -> None: ...
    async def count_answer(self, entry_id: str) -> None: ...
    async def stats(self, limit: int = 10) -> Stats: ...
    async def purge(self, older_than_days: int) -> int: ...
    async def forget_user(self, user_id: int) -> None: ...
    async def close(self) -> None: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_hash_key(hash_key: bytes | None) -> None:
    """An empty key would hash every user id with no secret at all: refuse it outright."""
    if hash_key is not None and not hash_key:
        raise ValueError("hash_key must not be empty; pass None to use a generated key")


def new_hash_key() -> str:
    """A generated key, as kept in ``settings`` (trade-off in the module docstring)."""
    return secrets.token_bytes(32).hex()


def failed(name: str, action: str, problem: str) -> StorageError:
    """The one error both back ends raise for a call, worded alike so logs read the same."""
    return StorageError(f"{name}: {action} failed: {problem}")


def locked(waited: float) -> str:
    """Another writer held the lock for as long as we waited, in either back end."""
    return f"the database is locked by another process (waited {waited:.1f} s)"


class BackEnd(ABC):
    """Every `Storage` call as SQL over the shared tables, written once for both back ends.

    A back end supplies only how to run statements: `_write` in one write transaction, `_read`
    from one snapshot. Rows are keyed and timed here, so both store exactly the same values.
    """

    def __init__(self, name: str, hash_key: bytes, clock: Callable[[], datetime]) -> None:
        self._name = name
        self._hash_key = hash_key
        self._clock = clock
        self._closed = False

    @property
    def name(self) -> str:
        """The file or database, as messages name it (never a password)."""
        return self._name

    @abstractmethod
    async def _write(self, action: str, *statements: Statement) -> int:
        """Run `statements` in one transaction; the number of rows they changed."""

    @abstractmethod
    async def _read(self, action: str, *queries: Statement) -> list[Rows]:
        """The rows of each of `queries`, all from the same snapshot."""

    @abstractmethod
    async def _write_then_read(
        self, action: str, statements: list[Statement], query: Statement
    ) -> Rows:
        """Run `statements`, then `query`, in one write transaction; the query's rows."""

    @abstractmethod
    async def _release(self) -> None:
        """Let the calls already made finish, then let go of the database."""

    async def get_language(self, user_id: int) -> str | None:
        """The language the user chose, or None if they never chose one."""
        [rows] = await self._read("reading the language", (_GET_LANGUAGE, (self._hash(user_id),)))
        return str(rows[0][0]) if rows else None

    async def get_languages(self, user_ids: list[int]) -> dict[int, str]:
        """The languages several users chose, in one query; those who never chose are left out."""
        if not user_ids:
            return {}
        users = {self._hash(user_id): user_id for user_id in user_ids}
        query = _GET_LANGUAGES.format(marks=",".join("?" * len(users)))
        [rows] = await self._read("reading languages", (query, tuple(users)))
        return {users[str(user_hash)]: str(lang) for user_hash, lang in rows}

    async def set_language(self, user_id: int, lang: str) -> None:
        """Remember the user's language choice, replacing any earlier one."""
        await self._write("saving the language", *self.statements("set_language", user_id, lang))

    async def add_feedback(self, user_id: int, entry_id: str, up: bool) -> None:
        """Record a vote on an entry; a user's new vote on the same entry replaces the old one,
        so pressing the button twice (or on two replicas) does not count twice."""
        statements = self.statements("add_feedback", user_id, entry_id, up)
        await self._write("saving feedback", *statements)

    async def add_declined(self, text: str) -> None:
        """Keep a question the bot declined, cut to MAX_DECLINED_CHARS and linked to no user."""
        await self._write("saving a declined question", *self.statements("add_declined", text))

    async def add_feedback_comment(self, entry_id: str, text: str) -> None:
        """Keep what a user was looking for when an entry did not help, with the entry, cut to
        MAX_DECLINED_CHARS and linked to no user."""
        statements = self.statements("add_feedback_comment", entry_id, text)
        await self._write("saving a comment", *statements)

    async def count_answer(self, entry_id: str) -> None:
        """Add one to the number of times the entry was given as an answer."""
        await self._write("counting an answer", *self.statements("count_answer", entry_id))

    def statements(self, call: str, *args: Any) -> list[Statement]:
        """The statements of the write `call` (a method's name) with its arguments, so a caller
        can gather the writes of many calls into one transaction (`write_behind`).

        Rows are keyed and timed now, when the call is made, not when the batch is written.
        """
        if call == "set_language":
            user_id, lang = args
            return [(_SET_LANGUAGE, (self._hash(user_id), lang, self._now()))]
        if call == "add_feedback":
            user_id, entry_id, up = args
            return [(_ADD_FEEDBACK, (self._hash(user_id), entry_id, int(up), self._now()))]
        if call == "add_declined":
            (text,) = args
            return [(_ADD_DECLINED, (_storable_text(text), self._now()))]
        if call == "add_feedback_comment":
            entry_id, text = args
            return [(_ADD_COMMENT, (entry_id, _storable_text(text), self._now()))]
        if call == "count_answer":
            (entry_id,) = args
            return [(_COUNT_ANSWER, (entry_id,))]
        if call == "forget_user":
            (user_id,) = args
            user = (self._hash(user_id),)
            return [(_FORGET_LANGUAGE, user), (_FORGET_FEEDBACK, user)]
        if call == "inbox_done":
            (update_ids,) = args
            now = self._now()
            return [(_INBOX_DONE, (now, update_id)) for update_id in update_ids]
        raise ValueError(f"no such write: {call}")

    async def write_behind(self, action: str, statements: list[Statement]) -> int:
        """Run statements gathered from several calls in one transaction."""
        return await self._write(action, *statements)

    # --- the inbox: updates from their arrival to their answer (README, "Never lose a question")

    async def inbox_add(self, owner: str, updates: list[tuple[int, str]]) -> set[int]:
        """Keep received updates, (update_id, JSON) pairs, in one transaction, before they are
        confirmed to Telegram; return the ids of those already handled (replays), which must
        not be answered again. An update already kept and not yet handled is left as it is.
        `owner` names the process that will handle them (`inbox_pending`)."""
        if not updates:
            return set()
        now = self._now()
        rows = [(_INBOX_ADD, (uid, body, owner, now)) for uid, body in updates]
        marks = ",".join("?" * len(updates))
        query = f"SELECT update_id FROM inbox WHERE done_at IS NOT NULL AND update_id IN ({marks})"
        found = await self._write_then_read(
            "keeping received updates", rows, (query, tuple(uid for uid, _ in updates))
        )
        return {int(uid) for (uid,) in found}

    async def inbox_done(self, update_ids: list[int]) -> None:
        """Mark updates handled: their text is dropped, their id kept for INBOX_KEEP."""
        if update_ids:
            statements = self.statements("inbox_done", update_ids)
            await self._write("marking updates handled", *statements)

    async def inbox_pending(
        self, owner: str, limit: int, stale_after: timedelta | None = None
    ) -> list[tuple[int, str]]:
        """Updates kept for `owner` and not handled yet, oldest first: what a process finishes
        after a restart. With `stale_after`, those any other process received longer ago are
        taken over first (a replica that stopped for good leaves its updates to the others)."""
        if stale_after is not None:
            cutoff = _iso(self._clock() - stale_after)
            await self._write("taking over updates", (_INBOX_CLAIM, (owner, owner, cutoff)))
        [rows] = await self._read("reading kept updates", (_INBOX_PENDING, (owner, limit)))
        return [(int(uid), str(body)) for uid, body in rows]

    async def probe(self, owner: str) -> None:
        """A small real write, so a database that can no longer be written (disk full, file
        deleted, read-only) shows in the health check even when no user is writing."""
        await self._write(
            "checking the database is writable", (_HEARTBEAT, (f"alive:{owner}", self._now()))
        )

    async def stats(self, limit: int = 10) -> Stats:
        """Summary for operators; each list holds at most `limit` items."""
        top, declined, totals, by_entry, comments = await self._read(
            "reading stats",
            (_TOP_ANSWERS, (limit,)),
            (_RECENT_DECLINED, (limit,)),
            (_FEEDBACK_TOTALS, ()),
            (_FEEDBACK_BY_ENTRY, (limit,)),
            (_RECENT_COMMENTS, (limit,)),
        )
        [(up, down)] = totals
        return Stats(
            top_answers=[(str(entry), int(count)) for entry, count in top],
            recent_declined=[(str(text), str(asked_at)) for text, asked_at in declined],
            feedback_up=int(up),
            feedback_down=int(down),
            feedback_by_entry=[
                (str(entry), int(ups), int(downs)) for entry, ups, downs in by_entry
            ],
            recent_comments=[(str(entry), str(text), str(at)) for entry, text, at in comments],
        )

    async def purge(self, older_than_days: int) -> int:
        """Delete declined questions, feedback and comments older than `older_than_days`; return
        how many rows went. Answer counts and language choices are kept (see the module docstring)."""
        if older_than_days < 0:
            raise ValueError(f"older_than_days must be 0 or more, not {older_than_days}")
        cutoff = (_iso(self._clock() - timedelta(days=older_than_days)),)
        handled = (_iso(self._clock() - INBOX_KEEP),)
        return await self._write(
            "purging old rows",
            (_PURGE_DECLINED, cutoff),
            (_PURGE_FEEDBACK, cutoff),
            (_PURGE_COMMENTS, cutoff),
            (_INBOX_PURGE, handled),
        )

    async def forget_user(self, user_id: int) -> None:
        """Delete everything keyed by the user: their language choice and their votes."""
        await self._write("forgetting a user", *self.statements("forget_user", user_id))

    async def close(self) -> None:
        """Release the database once the calls already made are done.

        Closing twice is harmless; any other call after close raises StorageError.
        """
        if self._closed:
            return
        self._closed = True
        await self._release()

    def _hash(self, user_id: int) -> str:
        """The only form in which a user id is stored (see the module docstring), the same in
        both back ends, so a database moved from one to the other still finds its users."""
        return hmac.new(self._hash_key, str(user_id).encode("ascii"), hashlib.sha256).hexdigest()

    def _now(self) -> str:
        return _iso(self._clock())


def _storable_text(text: str) -> str:
    """`text` cut to MAX_DECLINED_CHARS, with what no database can store as text (NUL, lone
    surrogates, which Telegram can send) replaced by U+FFFD, so odd input never fails a write."""
    return _UNSTORABLE.sub("\ufffd", text[:MAX_DECLINED_CHARS])


def _iso(moment: datetime) -> str:
    """UTC with whole seconds, so stored times compare correctly as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# --- naming a PostgreSQL database: needed without the driver, to report a bad URL ----------------

_POSTGRES_SCHEMES = ("postgresql", "postgres")
# libpq refuses a URL with a stray %, and quotes the offending part (the password, often) in its error.
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_PORT = re.compile(r"(?:\[[^\]]*\]|[^:\[\]]*)(?::(\d*))?")


def postgres_address(url: str) -> str:
    """`url` as ``postgresql://user@host:port/database``, to name the database in messages.

    The password and the query (which may hold ``password=``) are left out. Raises StorageError
    when `url` is not a PostgreSQL URL libpq could read, saying why without quoting it.
    """
    problem = "COOPBOT_DATABASE_URL is not a usable PostgreSQL URL"
    scheme, sep, rest = url.strip().partition("://")
    if not sep or scheme.lower() not in _POSTGRES_SCHEMES:
        # The scheme is safe to show; anything else could be a password typed in the wrong place.
        shown = f", not {scheme}://" if sep and scheme.isalnum() else ""
        raise StorageError(f"{problem}: it must start with postgresql://{shown}")
    if _BAD_PERCENT.search(url):
        raise StorageError(
            f"{problem}: a % must be followed by two hex digits; percent-encode special "
            "characters of the password (@ as %40, % as %25, / as %2F)"
        )
    netloc, _, path = rest.partition("?")[0].partition("/")
    userinfo, _, hosts = netloc.rpartition("@")
    # One or more host[:port], comma-separated, as libpq allows for fail-over.
    for host in hosts.split(","):
        port = _HOST_PORT.fullmatch(host)
        if port is None or (port[1] and not 0 < int(port[1]) <= 65535):
            raise StorageError(f"{problem}: a port must be a number from 1 to 65535")
    user = unquote(userinfo.partition(":")[0])
    return f"postgresql://{user + '@' if user else ''}{hosts or 'localhost'}{'/' + path if path else ''}"


def url_secrets(url: str) -> list[str]:
    """Every form in which `url` holds a password (as written and decoded), longest first, so
    that a message quoting any of them can have them blanked out."""
    rest = url.strip().partition("://")[2]
    netloc, _, query = rest.partition("?")
    found = [netloc.partition("/")[0].rpartition("@")[0].partition(":")[2]]
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if unquote(name) == "password":
            found.append(value)
    forms = {form for secret in found if secret for form in (secret, unquote(secret))}
    return sorted(forms, key=len, reverse=True)


def redact(text: str, secrets_: list[str]) -> str:
    """`text` with each of `secrets_` replaced by ``***``, on one line."""
    for secret in secrets_:
        text = text.replace(secret, "***")
    return " ".join(text.split())
