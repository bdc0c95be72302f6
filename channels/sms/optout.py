"""Who has opted out: shared with WhatsApp, see ``channels.twilio.optout``."""

from channels.twilio.optout import NoOptOuts, OptOutRegistry

__all__ = ["NoOptOuts", "OptOutRegistry"]
