"""The PostgreSQL server the tests may use: COOPBOT_TEST_DATABASE_URL, with a fresh schema per test.

Where no server is given or it cannot be reached, the PostgreSQL tests are skipped and say why. In
a CI run that promised a server (CI=true and COOPBOT_REQUIRE_POSTGRES=1, as .ci/run sets once it
has started one) they fail instead, so a server that did not start can never pass as green.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import NoReturn

import pytest

from bot.storage.base import StorageError, postgres_address, redact, url_secrets

URL_VARIABLE = "COOPBOT_TEST_DATABASE_URL"


def unavailable(reason: str, env: Mapping[str, str] = os.environ) -> NoReturn:
    """Skip the calling test for `reason`, or fail it where CI requires PostgreSQL."""
    if env.get("CI") == "true" and env.get("COOPBOT_REQUIRE_POSTGRES") == "1":
        pytest.fail(
            f"PostgreSQL is required here (CI=true, COOPBOT_REQUIRE_POSTGRES=1), but {reason}",
            pytrace=False,
        )
    pytest.skip(
        f"PostgreSQL tests skipped: {reason}; set {URL_VARIABLE} to "
        "postgresql://USER:PASSWORD@HOST:PORT/DATABASE of a server where USER may create "
        "schemas (.ci/run starts one)"
    )


def require_driver() -> None:
    """Skip (or fail, in CI) unless the `postgres` extra is installed."""
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        unavailable("psycopg is not installed (pip install '.[postgres]')")


def server_url() -> str:
    """The test server's URL, once it has answered a connection."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        unavailable(f"{URL_VARIABLE} is not set")
    require_driver()
    import psycopg

    try:
        address = postgres_address(url)
    except StorageError as exc:
        unavailable(f"{URL_VARIABLE} is malformed: {exc}")
    try:
        with psycopg.connect(url, connect_timeout=5):
            pass
    except psycopg.Error as exc:
        unavailable(f"{address} cannot be reached: {redact(str(exc), url_secrets(url))}")
    return url


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL whose connections see only a new, empty schema, which is dropped afterwards.

    Each test gets a database of its own this way, without needing the right to create databases
    and without touching anything else on the server.
    """
    import psycopg

    name = f"coopbot_test_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def with_password(url: str, password: str) -> str:
    """`url` with its password replaced, to be refused by the server."""
    scheme, _, rest = url.partition("://")
    userinfo, at, _ = rest.partition("/")[0].rpartition("@")
    assert at, f"{URL_VARIABLE} has no user name to log in with"
    user = userinfo.partition(":")[0]
    return f"{scheme}://{user}:{password}@{rest.removeprefix(userinfo + at)}"
