"""Neutral ``Reply`` -> one WhatsApp text inside the window: numbered options, typed words.

The same shape as SMS (``channels.twilio.render``) without GSM-7 transliteration (WhatsApp
is Unicode) and with WhatsApp's own opt-out words reserved; "cancel" is not one of them
here, so a cancel choice reads "Reply CANCEL". Quick-reply buttons exist only in approved
Content templates, which is what business-initiated messages outside the window use.
"""

from __future__ import annotations

from channels.twilio.keywords import HELP, OPT_IN, OPT_OUT
from channels.twilio.render import TextRenderer

WHATSAPP_TEXT = TextRenderer(reserved=OPT_OUT | HELP | (OPT_IN - {"yes"}))
render = WHATSAPP_TEXT.render
render_all = WHATSAPP_TEXT.render_all
