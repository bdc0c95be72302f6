"""Provider calendars: read busy time (ICS, Google, Graph), write bookings, publish a feed.

Each adapter implements ``core.ports.CalendarSource`` and, where the service allows writes,
``core.ports.CalendarWriter``. Every failure surfaces as ``core.errors.CalendarError``.
"""
