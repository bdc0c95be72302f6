"""Configuration from the environment (and an optional .env file). Secrets stay out of logs."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DB = "sqlite:///var/bookingbot.sqlite3"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = Field(default=DEFAULT_DB)
    # PostgreSQL's statement_timeout for every query of the app ("15s", "500ms", "1min").
    db_statement_timeout: str = Field(default="15s", pattern=r"^[1-9][0-9]*(ms|s|min)$")
    business_file: Path | None = None
    public_base_url: str | None = None
    port: int = 8000
    # Messages a sender may send a minute before one notice and then silence; shared by every
    # web process (Redis at REDIS_URL if set, else PostgreSQL; in memory on SQLite).
    rate_limit_per_minute: int = Field(default=20, ge=1)
    redis_url: str | None = None
    log_level: str = "INFO"
    # The worker: rows claimed at a time, and how long a claim lasts before another worker
    # may take it over (a worker killed mid-batch: its unrecorded sends are repeated then).
    jobs_batch: int = Field(default=200, ge=1)
    jobs_lease_seconds: float = Field(default=300.0, ge=1.0)

    telegram_bot_token: SecretStr | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_api_base_url: str | None = None
    # The bot's @username for the entry links (t.me/<username>?start=...); unset: getMe.
    telegram_bot_username: str | None = Field(default=None, pattern=r"^@?[A-Za-z0-9_]{5,32}$")
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_provider_channel: str | None = None
    slack_api_url: str | None = None
    slack_command: str = "/bookings"
    twilio_account_sid: str | None = None
    twilio_auth_token: SecretStr | None = None
    twilio_from_number: str | None = None
    twilio_api_base_url: str | None = None
    # WhatsApp through Twilio: the business's WhatsApp sender ("+14155238886" or
    # "whatsapp:+14155238886") and the approved Content templates used outside the 24-hour
    # window, as JSON {kind: {lang: "HX..."}} (README, "WhatsApp").
    twilio_whatsapp_from: str | None = None
    twilio_whatsapp_templates: dict[str, dict[str, str]] = Field(default_factory=dict)
    stripe_secret_key: SecretStr | None = None
    stripe_webhook_secret: SecretStr | None = None
    stripe_api_base: str | None = None
    # Signs providers' calendar feed addresses (/calendar/<provider>/<token>.ics); unset: no feed.
    calendar_feed_secret: SecretStr | None = None
    # Signs the web admin's session cookies and CSRF tokens; unset: random per process.
    admin_secret: SecretStr | None = None
    # The console demo's explicit "test payment" gateway: no money moves, and replies say so.
    payments_test_mode: bool = False


def sqlite_path(url: str) -> Path | None:
    """The file behind a sqlite URL, so its folder can be created on first run."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):].split("?", 1)[0]
            return None if rest in ("", ":memory:") else Path(rest)
    return None
