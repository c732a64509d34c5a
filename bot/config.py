"""Settings, read from the environment and `.env`; every name here is a public interface (see README)."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AnyHttpUrl, Field, SecretStr, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.corpus.nlp import DEFAULT_MODEL

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_WEBHOOK_PATH = re.compile(r"/[A-Za-z0-9._~/-]*")


class SettingsError(ValueError):
    """A setting has an invalid value; the message is one line that names it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: SecretStr | None = None
    bot_api_base_url: str = "https://api.telegram.org/bot"
    # Unset: derived from BOT_API_BASE_URL, as the Bot API lays out its file downloads.
    bot_api_file_url: str | None = None
    database_path: Path = Path("data/scobot.db")
    seeds_dir: Path = Path("seeds")
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    spacy_model: str = DEFAULT_MODEL
    log_level: str = "INFO"
    webhook_url: AnyHttpUrl | None = None
    # Validated even when unset: a webhook without a secret would let anyone post forged updates.
    webhook_secret: SecretStr | None = Field(default=None, validate_default=True)
    # Loopback: the TLS-terminating reverse proxy in front reaches it there, and nobody else can.
    webhook_listen: str = "127.0.0.1"
    port: int = Field(default=8443, ge=1, le=65535)
    queries_per_minute: int = Field(default=30, ge=0)
    updates_per_minute: int = Field(default=60, ge=0)
    # A chat (or channel) where unexpected errors are reported to the operators.
    error_chat_id: int | None = None
    # Fetching pages and feeds (/add, scobot add, feeds.toml): private, loopback and link-local addresses
    # are refused unless this allows them, for tests and intranets.
    allow_private_fetch: bool = False
    fetch_timeout: float = Field(default=20.0, gt=0, le=300)
    fetch_host_interval: float = Field(default=2.0, ge=0, le=600)

    @field_validator("bot_token", "webhook_url", "webhook_secret", "bot_api_file_url", "error_chat_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("expected comma-separated numeric Telegram user ids, e.g. 12345,67890")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _known_level(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip().upper()
            if value not in LOG_LEVELS:
                raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("bot_api_base_url", "bot_api_file_url")
    @classmethod
    def _http_base_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL, e.g. https://api.telegram.org/bot")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _plain_webhook_path(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        # The path becomes the server's route: only characters that mean themselves in a URL path.
        if value is not None and not _WEBHOOK_PATH.fullmatch(value.path or "/"):
            raise ValueError(
                f"the path {value.path!r} may hold only letters, digits and / . _ ~ -, e.g. https://bot.example.org/hook"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret_token(cls, value: SecretStr | None, info: ValidationInfo) -> SecretStr | None:
        if value is None and info.data.get("webhook_url") is not None:
            raise ValueError("required when WEBHOOK_URL is set (1-256 characters of A-Z, a-z, 0-9, _ and -)")
        # Telegram accepts 1-256 characters of A-Z, a-z, 0-9, _ and - as secret_token.
        if value is not None:
            secret = value.get_secret_value()
            if not (0 < len(secret) <= 256 and all(c.isascii() and (c.isalnum() or c in "_-") for c in secret)):
                raise ValueError("expected 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def log_level_number(self) -> int:
        return logging.getLevelNamesMapping()[self.log_level]

    @property
    def file_url(self) -> str:
        """PTB's `base_file_url`: "…/bot" becomes "…/file/bot", in the path only, whatever the host is called."""
        if self.bot_api_file_url:
            return self.bot_api_file_url
        scheme, _, rest = self.bot_api_base_url.partition("://")
        host, slash, path = rest.partition("/")
        before, found, after = f"{slash}{path}".rpartition("/bot")
        file_path = f"{before}/file/bot{after}" if found else f"{slash}{path}".rstrip("/") + "/file/bot"
        return f"{scheme}://{host}{file_path}"

    @property
    def token(self) -> str | None:
        return self.bot_token.get_secret_value() if self.bot_token else None

    @property
    def secrets(self) -> list[str]:
        """Every value no log line, reply or report may show: the token and the webhook secret."""
        values = [self.token or ""]
        if self.webhook_secret is not None:
            values.append(self.webhook_secret.get_secret_value())
        return [value for value in values if value]


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the bad setting."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        raise SettingsError(f"invalid setting {name}: {message}") from None
