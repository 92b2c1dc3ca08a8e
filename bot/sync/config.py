"""knowledge/sites.yaml: the procedures sites to keep in the knowledge folder.

sites:
  - start: https://westmere.proceduresonline.com/contents.html
    sitemap: https://westmere.proceduresonline.com/sitemap.xml   # optional
    include: [/chapters/]            # path prefixes to follow (default: the start's folder)
    schedule: daily                  # hourly, daily, weekly or off
"""

from __future__ import annotations

import datetime as dt
import posixpath
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.errors import ConfigError
from bot.ingest.safe_yaml import load_yaml


class Schedule(StrEnum):
    HOURLY = "hourly"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"

    @property
    def every(self) -> dt.timedelta | None:
        hours = {"hourly": 1, "daily": 24, "weekly": 24 * 7}.get(self.value)
        return dt.timedelta(hours=hours) if hours else None


class Site(BaseModel):
    """One manual: where to start, which paths of its host to follow, how often."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: str | None = None
    sitemap: str | None = None
    include: tuple[str, ...] = ()
    schedule: Schedule = Schedule.DAILY

    @field_validator("start", "sitemap")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError(f"'{value}' is not a web address starting https://")
        if parts.username or parts.password:
            raise ValueError(f"'{value}' must not hold a user name or password")
        return value.strip()

    @field_validator("include")
    @classmethod
    def _paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in value:
            if not prefix.startswith("/"):
                raise ValueError(f"'{prefix}' should be a path starting with /")
        return value

    @model_validator(mode="after")
    def _one_host(self) -> Site:
        if self.start is None and self.sitemap is None:
            raise ValueError("give a start page (start:) or a sitemap (sitemap:)")
        if self.start and self.sitemap and origin_of(self.start) != origin_of(self.sitemap):
            raise ValueError("start and sitemap must be on the same host")
        return self

    @property
    def entry(self) -> str:
        return self.start or self.sitemap or ""

    @property
    def origin(self) -> str:
        """scheme://host[:port]: the only place this site's pages are fetched from."""
        return origin_of(self.entry)

    @property
    def prefixes(self) -> tuple[str, ...]:
        """The paths followed: as configured, or the folder the start page is in."""
        if self.include:
            return self.include
        folder = posixpath.dirname(urlsplit(self.entry).path or "/")
        return (folder.rstrip("/") + "/",)

    def follows(self, url: str) -> bool:
        parts = urlsplit(url)
        return origin_of(url) == self.origin and (parts.path or "/").startswith(self.prefixes)


class SitesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sites: list[Site] = Field(default_factory=list)


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """scheme://host[:port], the host in lower case and a default port left out, so two ways
    of writing one site's address compare equal."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number: matches no site
        return ""
    shown = f":{port}" if port and port != DEFAULT_PORTS.get(parts.scheme) else ""
    return f"{parts.scheme}://{(parts.hostname or '').lower()}{shown}"


def load_sites(path: Path) -> list[Site]:
    """The configured sites; a ConfigError naming the file and the field that is wrong."""
    if not path.exists():
        return []
    try:
        data: Any = load_yaml(path.read_text(encoding="utf-8"), limit=256 * 1024) or {}
        return SitesFile.model_validate(data).sites
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'the file'}: {_message(e['msg'])}"
            for e in exc.errors()
        )
        raise ConfigError(f"{path} cannot be used: {problems}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        raise ConfigError(f"{path} cannot be used: {exc}") from exc


def site_for(url: str) -> Site:
    """`practice-bot sync --site URL`: that start page, its host and its folder only."""
    try:
        return Site(start=url, schedule=Schedule.OFF)
    except ValidationError as exc:
        reason = _message(exc.errors()[0]["msg"])
        raise ConfigError(f"--site: {reason}") from None


def _message(msg: str) -> str:
    return msg.removeprefix("Value error, ")
