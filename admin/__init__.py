"""The owner's web admin under ``/admin``: an inbound adapter beside ``channels/``.

Its routes render what the core use cases and the stores handed in by the composition root
(``bookingbot.admin_wiring``) return; it holds no business rule of its own. Who may open
what is ``core.staff``; it is checked in one place per request (``admin.app``).
"""
