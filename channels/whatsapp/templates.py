"""Approved WhatsApp templates: Twilio Content SIDs per message kind and language.

Configured as ``TWILIO_WHATSAPP_TEMPLATES='{"reminder": {"en": "HX...", "es": "HX..."}}'``
(kinds are ``core.notifications.Kind`` values). A customer's language picks the template;
a regional tag falls back to its language ("pt-BR" -> "pt"), then to ``fallback``: a
reminder in English beats no reminder. Their texts (numbered variables ``{{1}}``...) are in
the README; the values come from ``core.notifications.Message.variables`` in that order.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Templates:
    sids: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    fallback: str = "en"

    def pick(self, kind: str, lang: str | None) -> str | None:
        by_lang = self.sids.get(kind) or {}
        tags = [lang, lang.replace("_", "-").split("-")[0]] if lang else []
        for tag in [*tags, self.fallback]:
            if tag and tag in by_lang:
                return by_lang[tag]
        return None

    def kinds(self) -> list[str]:
        return sorted(self.sids)


def variables_json(values: tuple[str, ...]) -> str:
    """Twilio's ``ContentVariables``: ``{"1": "...", "2": "..."}``."""
    return json.dumps({str(i): v for i, v in enumerate(values, 1)}, ensure_ascii=False)
