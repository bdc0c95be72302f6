"""What SMS and WhatsApp share at Twilio: one Messages API, one signature scheme.

``signature``: the ``X-Twilio-Signature`` check over the exact public URL (the SDK's
``RequestValidator``); ``inbound``: form in -> keywords, opt-out, rate limit, conversation ->
TwiML out, for any Twilio messaging channel; ``rest``: the real ``twilio`` client (pointable
at a local double) and its errors as ``core.errors`` send errors; ``keywords`` and
``phone``: the opt-out words and E.164 numbers; ``status``: delivery status callbacks.
``channels.sms`` and ``channels.whatsapp`` are thin layers on top.
"""
