"""Settings from environment variables: defaults, parsing, and errors that never echo a secret."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import TELEGRAM_API_ROOT, ConfigError, Settings, check_token, knowledge_path
from bot.knowledge import built_in_path

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
HASH_KEY = "5f0c3e9a1b7d4c2e8a6f0b3d9c1e7a4f"  # 32 characters, as `openssl rand -hex 16` gives


def test_defaults_with_an_empty_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert settings.token is None
    assert settings.api_url == TELEGRAM_API_ROOT
    assert settings.webhook_url is None and settings.webhook_secret is None
    assert (settings.listen, settings.port) == ("0.0.0.0", 8080)
    assert settings.knowledge == built_in_path()
    assert settings.database_url is None
    assert settings.admin_ids == frozenset()
    assert settings.user_hash_key is None
    assert (settings.retention_days, settings.flood_limit) == (180, 20)
    assert settings.log_level == "INFO"


def test_default_database_is_under_xdg_data_home_of_the_given_environment(tmp_path: Path) -> None:
    settings = Settings.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert settings.db_path == tmp_path / "coopbot" / "coopbot.db"


def test_default_database_is_under_the_home_directory_without_xdg_data_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    assert Settings.from_env({}).db_path == tmp_path / ".local" / "share" / "coopbot" / "coopbot.db"


def test_from_env_reads_the_process_environment_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PORT", "9000")
    assert Settings.from_env().port == 9000


def test_values_are_read_and_trimmed(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": f"  {TOKEN} ",
            "TELEGRAM_API_URL": "http://localhost:8081/",
            "PORT": " 8443 ",
            "COOPBOT_KNOWLEDGE": str(tmp_path),
            "COOPBOT_DB": str(tmp_path / "x.db"),
            "COOPBOT_USER_HASH_KEY": f" {HASH_KEY} ",
            "COOPBOT_RETENTION_DAYS": "30",
            "LOG_LEVEL": "debug",
        }
    )
    assert settings.token == TOKEN
    assert settings.api_url == "http://localhost:8081"
    assert settings.port == 8443
    assert settings.knowledge == tmp_path
    assert settings.db_path == tmp_path / "x.db"
    assert settings.user_hash_key == HASH_KEY.encode()
    assert settings.retention_days == 30
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize("raw", ["1,2,3", "1 2 3", " 1, 2\n3 ", "3,2,1,1"])
def test_admin_user_ids_are_a_list_of_numbers(raw: str) -> None:
    assert Settings.from_env({"ADMIN_USER_IDS": raw}).admin_ids == frozenset({1, 2, 3})


def test_admin_user_ids_must_be_numbers() -> None:
    with pytest.raises(ConfigError, match=r"ADMIN_USER_IDS must be numeric.*'@alice'"):
        Settings.from_env({"ADMIN_USER_IDS": "12345, @alice"})


@pytest.mark.parametrize("port", ["eighty", "80.5", "0", "65536", "-1"])
def test_bad_port_is_a_config_error(port: str) -> None:
    with pytest.raises(ConfigError, match="PORT"):
        Settings.from_env({"PORT": port})


def test_empty_port_means_the_default() -> None:
    assert Settings.from_env({"PORT": "  "}).port == 8080


def test_check_token_accepts_a_well_formed_token() -> None:
    assert check_token(TOKEN) == TOKEN


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_is_a_config_error(token: str | None) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN is not set"):
        check_token(token)


@pytest.mark.parametrize(
    "token",
    [
        "123456789AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",  # no colon
        "bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",  # not a number before the colon
        "123456789:short-secret",
        "123456789:AAHdqTcvCH1vGWJx fSeofSAs0K5PALDsaw",  # a space inside
        TOKEN + "\nX-Injected: yes",
    ],
)
def test_malformed_token_error_does_not_contain_the_token(token: str) -> None:
    with pytest.raises(ConfigError) as caught:
        check_token(Settings.from_env({"TELEGRAM_BOT_TOKEN": token}).token)
    message = str(caught.value)
    assert "malformed" in message
    assert token.strip() not in message
    assert token.split(":")[-1].strip()[:10] not in message


def test_knowledge_path_follows_coopbot_knowledge(fixture_kb_path: Path) -> None:
    assert knowledge_path({"COOPBOT_KNOWLEDGE": str(fixture_kb_path)}) == fixture_kb_path


def test_knowledge_path_defaults_to_the_built_in_knowledge_base() -> None:
    assert knowledge_path({}) == built_in_path()
    assert (built_in_path() / "meta.yaml").is_file()


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "is blank"),
        ("   ", "is blank"),
        ("k3y-s3cret", "has 10 characters"),
        ("x" * 31, "has 31"),
    ],
)
def test_a_hash_key_set_blank_or_short_is_refused_without_echoing_it(
    raw: str, problem: str
) -> None:
    with pytest.raises(ConfigError, match=f"COOPBOT_USER_HASH_KEY {problem}") as refused:
        Settings.from_env({"COOPBOT_USER_HASH_KEY": raw})
    assert "at least 32" in str(refused.value)
    assert raw.strip() == "" or raw not in str(refused.value)


def test_an_unset_hash_key_means_the_key_kept_in_the_database() -> None:
    assert Settings.from_env({}).user_hash_key is None


def test_the_engine_cache_is_under_xdg_cache_home_by_default(tmp_path: Path) -> None:
    settings = Settings.from_env({"XDG_CACHE_HOME": str(tmp_path)})
    assert settings.engine_cache == tmp_path / "coopbot"


def test_the_engine_cache_is_under_the_home_directory_without_xdg_cache_home(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert Settings.from_env({}).engine_cache == tmp_path / ".cache" / "coopbot"


@pytest.mark.parametrize(("raw", "folder"), [("/srv/cache", Path("/srv/cache")), ("off", None)])
def test_coopbot_cache_dir_names_the_engine_cache_or_turns_it_off(
    raw: str, folder: Path | None
) -> None:
    assert Settings.from_env({"COOPBOT_CACHE_DIR": raw}).engine_cache == folder
