"""The scale-out example (deploy/compose.yaml and its Caddyfile), checked for what Docker cannot run
here: two or more replicas in webhook mode on one PostgreSQL, all behind the load balancer."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from bot.telegram.app import CLOSE_SECONDS, DRAIN_SECONDS

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"


@pytest.fixture(scope="module")
def services() -> dict[str, dict]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]


def interpolate(value: str) -> str:
    """`value` as compose would set it, each ${NAME...} standing for a made-up value."""
    return re.sub(r"\$\{(\w+)[^}]*\}", lambda variable: variable[1].lower(), value)


@pytest.fixture(scope="module")
def replicas(services: dict[str, dict]) -> dict[str, dict[str, str]]:
    """The bot services and their environment."""
    return {
        name: {key: interpolate(value) for key, value in service["environment"].items()}
        for name, service in services.items()
        if service.get("image") == "coopbot:local"
    }


@pytest.fixture(scope="module")
def caddyfile() -> str:
    return (DEPLOY / "Caddyfile").read_text(encoding="utf-8")


def test_compose_runs_at_least_two_replicas(replicas: dict[str, dict[str, str]]) -> None:
    assert len(replicas) >= 2


def test_every_replica_uses_the_same_webhook_and_postgresql(
    replicas: dict[str, dict[str, str]], services: dict[str, dict]
) -> None:
    shared = ["TELEGRAM_WEBHOOK_URL", "TELEGRAM_WEBHOOK_SECRET", "COOPBOT_DATABASE_URL"]
    settings = {name: tuple(env[key] for key in shared) for name, env in replicas.items()}
    assert len(set(settings.values())) == 1
    webhook, _, database = next(iter(settings.values()))
    assert webhook.startswith("https://")
    assert urlsplit(database).hostname in services


def test_load_balancer_sends_the_webhook_path_to_every_replica(
    replicas: dict[str, dict[str, str]], caddyfile: str
) -> None:
    webhook_path = urlsplit(next(iter(replicas.values()))["TELEGRAM_WEBHOOK_URL"]).path
    handled = re.search(r"handle (\S+) \{\s*reverse_proxy ([^{]+)\{", caddyfile)
    assert handled is not None
    assert handled[1] == webhook_path
    assert set(handled[2].split()) == {f"{name}:8080" for name in replicas}


def test_load_balancer_checks_each_replicas_healthz(caddyfile: str) -> None:
    assert re.search(r"^\s*health_uri /healthz$", caddyfile, re.MULTILINE)


def test_the_load_balancer_refuses_large_bodies_and_slow_clients(caddyfile: str) -> None:
    body = re.search(r"request_body \{\s*max_size (\S+)\s*\}", caddyfile)
    assert body is not None and body[1] == "1MB"  # bot/telegram/webhook.py's MAX_BODY_BYTES
    for timeout in ("read_header", "read_body", "idle"):
        assert re.search(rf"^\s*{timeout} \d+s$", caddyfile, re.MULTILINE), timeout
    assert re.search(r"^\s*max_conns_per_host \d+$", caddyfile, re.MULTILINE)


def test_each_replica_has_a_memory_limit_and_time_to_stop(services: dict[str, dict]) -> None:
    bots = [s for s in services.values() if s.get("image") == "coopbot:local"]
    for service in bots:
        assert service["mem_limit"] == "256m"
        seconds = int(service["stop_grace_period"].removesuffix("s"))
        assert seconds > DRAIN_SECONDS + CLOSE_SECONDS * 2  # drain, then the database closed
    assert all("mem_limit" in service for service in services.values())
