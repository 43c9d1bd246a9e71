"""Configuration: one pydantic model per TOML section, loaded once and passed down.

Sources, strongest first: environment variables ``VIZA_<SECTION>__<KEY>`` (e.g.
``VIZA_TELEGRAM__TOKEN``), then the TOML file (``--config PATH`` or ``VIZA_CONFIG``), then
the defaults below. Secrets are ``SecretStr`` so they never print.
"""

from __future__ import annotations

import os
import tomllib
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from bot.config_parts import Bitrix24Settings, PayerSettings, Section

DEFAULT_API_SERVER = "https://api.telegram.org"


class TelegramSettings(Section):
    token: SecretStr | None = None
    api_server: str = DEFAULT_API_SERVER
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_secret: SecretStr | None = None
    listen: str = "0.0.0.0:8080"
    bot_username: str | None = None

    @field_validator("listen")
    @classmethod
    def _host_port(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise ValueError("ожидается HOST:PORT, например 0.0.0.0:8080")
        return value

    @property
    def listen_host(self) -> str:
        return self.listen.rpartition(":")[0]

    @property
    def listen_port(self) -> int:
        return int(self.listen.rpartition(":")[2])


class DatabaseSettings(Section):
    url: str = "sqlite+aiosqlite:///./var/viza.sqlite3"
    echo: bool = False

    @field_validator("url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("поддерживаются sqlite+aiosqlite:// и postgresql+asyncpg://")
        return value


class RedisSettings(Section):
    url: str | None = None


class OrgSettings(Section):
    file: Path | None = None


class ScheduleSettings(Section):
    timezone: str = "Europe/Moscow"
    cutoff: time = time(14, 0)
    remind_before: list[int] = Field(default_factory=lambda: [60, 15])
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"неизвестный часовой пояс {value!r}") from None
        return value

    @field_validator("remind_before")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(minutes <= 0 for minutes in value):
            raise ValueError("минуты до срока должны быть больше нуля")
        return sorted(set(value), reverse=True)

    @property
    def reminder_offsets(self) -> tuple[timedelta, ...]:
        return tuple(timedelta(minutes=m) for m in self.remind_before)


STAGES = ("dc_director", "department_director", "chief_accountant", "finance_director",
          "general_director")  # fmt: skip


class RegistersSettings(Section):
    ceo_threshold: Decimal = Field(default=Decimal("1000000"), gt=0)
    max_rows: int = Field(default=5000, ge=1)
    max_file_mb: float = Field(default=10, gt=0)
    route: list[str] = Field(
        default_factory=lambda: [
            "dc_director", "chief_accountant", "finance_director", "general_director",
        ]
    )  # fmt: skip
    routes: dict[str, list[str]] = Field(default_factory=dict)
    page_size: int = Field(default=6, ge=5, le=8)

    @field_validator("route")
    @classmethod
    def _route(cls, value: list[str]) -> list[str]:
        return _checked_route(value)

    @field_validator("routes")
    @classmethod
    def _routes(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return {dc: _checked_route(stages) for dc, stages in value.items()}


def _checked_route(stages: list[str]) -> list[str]:
    unknown = [s for s in stages if s not in STAGES]
    if unknown:
        raise ValueError(f"неизвестные этапы {unknown}; допустимые: {', '.join(STAGES)}")
    if not stages or len(set(stages)) != len(stages):
        raise ValueError("маршрут должен быть непустым и без повторов")
    return stages


class MemosSettings(Section):
    max_approvers: int = Field(default=4, ge=0, le=10)
    max_attachment_mb: float = Field(default=20, gt=0)


class InvitesSettings(Section):
    ttl_hours: int = Field(default=72, ge=1)


class ClockSettings(Section):
    """Moves the bot's clock: for demos of the cutoff and for tests. Zero in production.

    ``now`` stops the clock at a fixed moment (with its UTC offset), e.g. for
    ``VIZA_CLOCK__NOW=2026-11-30T13:05:00+03:00 viza job run remind --date 2026-11-30``.
    """

    shift_minutes: int = 0
    now: datetime | None = None

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError("укажите время со смещением, например 2026-11-30T13:05:00+03:00")
        return value


class LoggingSettings(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    json_format: bool = Field(default=False, alias="json")


class Settings(BaseSettings):
    """The whole configuration. Unknown keys are errors: a typo must not pass silently."""

    model_config = SettingsConfigDict(
        env_prefix="VIZA_", env_nested_delimiter="__", extra="forbid", populate_by_name=True
    )

    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    database: DatabaseSettings = Field(default_factory=DatabaseSettings)
    redis: RedisSettings = Field(default_factory=RedisSettings)
    org: OrgSettings = Field(default_factory=OrgSettings)
    bitrix24: Bitrix24Settings = Field(default_factory=Bitrix24Settings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    registers: RegistersSettings = Field(default_factory=RegistersSettings)
    memos: MemosSettings = Field(default_factory=MemosSettings)
    invites: InvitesSettings = Field(default_factory=InvitesSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    clock: ClockSettings = Field(default_factory=ClockSettings)
    dealer_centers: dict[str, PayerSettings] = Field(default_factory=dict)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Environment beats the file; the file's content arrives as init kwargs.
        return (env_settings, init_settings)


class ConfigError(Exception):
    """A configuration problem, worded for the operator; the CLI exits with status 2."""


def load_settings(path: str | Path | None = None) -> Settings:
    """Read the TOML file (if any) and the environment into validated settings."""
    path = path or os.environ.get("VIZA_CONFIG")
    data: dict[str, Any] = {}
    if path:
        data = _read_toml(Path(path))
    try:
        return Settings(**data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, path)) from None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config: файл {path} не найден") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config: {path}: ошибка синтаксиса TOML: {exc}") from None


def _describe(exc: ValidationError, path: str | Path | None) -> str:
    where = f" ({path})" if path else ""
    lines = [f"Ошибка в настройках{where}:"]
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "неизвестный ключ"
        elif error["type"] == "missing":
            message = "обязательный ключ не задан"
        lines.append(f"  {key}: {message}")
    return "\n".join(lines)
