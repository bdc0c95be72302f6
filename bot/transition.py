"""The types every step handler shares: the read-only context and the transition it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import replies
from bot.commands import Command
from bot.messages import Reply
from bot.session import Session
from bot.timeparse import TimeWindow, parse_time
from core.model import Business

TimeParser = Callable[..., TimeWindow | None]


@dataclass(frozen=True)
class Context:
    """Read-only facts the step may use: the business catalogue and the time parser."""

    business: Business
    parse_time: TimeParser = parse_time

    def zone(self, session: Session) -> ZoneInfo:
        return ZoneInfo(session.tz) if session.tz else self.business.tz

    def service_name(self, key: str | None, lang: str | None = None) -> str:
        """The service's name as a customer writing ``lang`` reads it (the business file
        may name it per language)."""
        service = self.business.service(key or "")
        return service.name_in(lang) if service else (key or "")

    def provider_name(self, key: str | None, lang: str | None = None) -> str:
        provider = self.business.provider(key or "")
        return provider.name if provider else replies.anyone(lang)


@dataclass(frozen=True)
class Transition:
    session: Session
    replies: tuple[Reply, ...] = ()
    commands: tuple[Command, ...] = ()


Handler = Callable[[Session, str, datetime, Context], Transition]


def say(session: Session, *texts: Reply | str, commands: tuple[Command, ...] = ()) -> Transition:
    out = tuple(replies.simple(t) if isinstance(t, str) else t for t in texts)
    return Transition(session, out, commands)
