"""Shared with WhatsApp: see ``channels.location``."""

from channels.location import nautical_zone, zone_for

__all__ = ["nautical_zone", "zone_for"]
