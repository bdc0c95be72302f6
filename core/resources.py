"""Resources: a room, chair or machine that a service needs besides its provider.

A service with ``requires: [room]`` takes one free resource of each listed kind with the
booking. Which one is decided here, purely: the first of the kind in business-file order
(a rescheduled booking keeps its own if it is free) whose hours cover the appointment and
whose time is free for the whole buffered block. The database refuses two bookings on one
resource at once (migration 0023), whatever this module concluded.

A resource check does not depend on the provider (every provider shares the rooms), so
availability is the provider's free slots (``core.availability``) kept where each kind
still has a free resource; the same test (``_free_of_kind``) picks the resource at hold
time, so an offered slot always finds its room.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from core.availability import Slot, _Sorted, span_on
from core.classes import is_session_of, session_key
from core.errors import DomainError, ErrorCode
from core.interval import Interval, subtract
from core.model import Business, Resource, Service
from core.timeutil import days, local_date


class ResourceUse(NamedTuple):
    """A resource taken by an occupying booking, over that booking's buffered block. A
    named tuple: a slot search reads one per booking in the window, so it must be cheap."""

    resource_key: str
    start: datetime  # the booking's block, UTC
    end: datetime
    booking_id: str = ""
    session: str = ""  # the booking's session (core.classes); a one-to-one booking's id

    @property
    def block(self) -> Interval:
        return Interval(self.start, self.end)


@dataclass(frozen=True)
class _Free:
    resource: Resource
    open: _Sorted
    occupied: _Sorted  # by every booking but the sessions of the class being booked
    # A class's own sessions on this resource: (session key, block start, end). A session
    # shares its room with its own seats, so these block only another session.
    sessions: tuple[tuple[str, datetime, datetime], ...] = ()

    def other_session(self, before: datetime, after: datetime, session: str | None) -> bool:
        """Another session of the class holds this resource within [before, after)."""
        return any(s != session and s_start < after and before < s_end
                   for s, s_start, s_end in self.sessions)


def _opening(resource: Resource, day: date, tz: ZoneInfo) -> list[Interval]:
    hours, time_off = resource.hours_on(day)
    spans = [span_on(day, s, tz) for s in hours.spans]
    holes = [span_on(day, s, tz) for s in (*hours.breaks, *time_off)]
    return subtract(spans, holes) if holes else spans


@dataclass(frozen=True)
class ResourceView:
    """Per required kind, its resources with their opening and occupied time over a window."""

    kinds: Mapping[str, tuple[_Free, ...]]

    def free_at(self, service: Service, start: datetime, session: str | None = None) -> bool:
        return all(self._first(kind, service, start, session=session) is not None
                   for kind in self.kinds)

    def pick(self, service: Service, start: datetime,
             prefer: Mapping[str, str] | None = None, session: str | None = None
             ) -> dict[str, str]:
        """kind -> resource key; raises the reason the customer should hear when a kind
        has none free (taken beats closed: the room exists at that time but is in use).
        ``session``: the class session being booked, whose own seats do not block it."""
        picks: dict[str, str] = {}
        for kind in self.kinds:
            found = self._first(kind, service, start, (prefer or {}).get(kind), session)
            if found is None:
                raise self._refusal(kind, service, start)
            picks[kind] = found
        return picks

    def _first(self, kind: str, service: Service, start: datetime,
               prefer: str | None = None, session: str | None = None) -> str | None:
        end = start + service.duration
        before, after = start - service.buffer_before, end + service.buffer_after
        found = None
        for f in self.kinds[kind]:  # file order: the first free one, unless ``prefer`` is
            if (f.open.covers(start, end) and not f.occupied.hits(before, after)
                    and not (f.sessions and f.other_session(before, after, session))):
                if prefer is None or f.resource.key == prefer:
                    return f.resource.key
                found = found or f.resource.key
        return found

    def _refusal(self, kind: str, service: Service, start: datetime) -> DomainError:
        end = start + service.duration
        opened = any(f.open.covers(start, end) for f in self.kinds[kind])
        code = ErrorCode.SLOT_TAKEN if opened else ErrorCode.OUTSIDE_HOURS
        text = ("every {kind} is taken at that time" if opened
                else "no {kind} is available at that time").format(kind=kind)
        return DomainError(code, text, kind=kind, start=start.isoformat())


def resource_view(business: Business, service: Service, *, window: Interval,
                  uses: Sequence[ResourceUse]) -> ResourceView:
    """The resources ``service`` needs, open and occupied time around ``window`` (starts
    in the window; appointments may run into the following days)."""
    tz = business.tz
    first = local_date(window.start, tz) - timedelta(days=1)
    last = local_date(window.end, tz) + timedelta(days=service.duration.days + 1)
    by_resource: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    own: dict[str, list[tuple[str, datetime, datetime]]] = defaultdict(list)
    for use in uses:
        if service.is_class and is_session_of(use.session, service):
            own[use.resource_key].append((use.session, use.start, use.end))
        else:
            by_resource[use.resource_key].append((use.start, use.end))
    kinds: dict[str, tuple[_Free, ...]] = {}
    for kind in service.requires:
        kinds[kind] = tuple(
            _Free(r, _Sorted((iv.start, iv.end) for d in days(first, last)
                             for iv in _opening(r, d, tz)),
                  _Sorted(by_resource.get(r.key, ())), tuple(own.get(r.key, ())))
            for r in business.resources_of(kind))
    return ResourceView(kinds)


def with_resources(slots: Sequence[Slot], view: ResourceView, service: Service) -> list[Slot]:
    """The slots at which every kind the service needs has a free resource."""
    if not view.kinds:
        return list(slots)
    if service.is_class:  # a session's room is shared by its seats: its own is no clash
        return [s for s in slots if view.free_at(
            service, s.start, session_key(service.key, s.provider_key, s.start))]
    return [s for s in slots if view.free_at(service, s.start)]


def check_kinds(business: Business, service: Service) -> None:
    """A service needing a kind nobody has can never be booked: a configuration error."""
    missing = [k for k in service.requires if not business.resources_of(k)]
    if missing:
        raise DomainError(ErrorCode.INVALID_CONFIG,
                          f"service {service.key} requires {', '.join(missing)}, "
                          "but no resource of that kind exists", kinds=missing)
