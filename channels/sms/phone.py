"""Phone numbers in E.164: shared with WhatsApp, see ``channels.twilio.phone``."""

from channels.twilio.phone import to_e164

__all__ = ["to_e164"]
