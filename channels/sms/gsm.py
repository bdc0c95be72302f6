"""GSM-7 text: transliterate what has a plain equivalent, and count SMS segments.

One GSM-7 segment carries 160 characters (153 each when concatenated); a single character
outside GSM-7 (a curly quote, an emoji) turns the whole message into UCS-2 at 70 (67) per
segment, so "don’t" would cost more than double. Characters with no GSM-7 equivalent
(emoji, non-Latin scripts) are kept: the message then goes as UCS-2, which is correct.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")  # two septets each (escape + char)

_PLAIN = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'", "´": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "…": "...", "•": "-", "·": "-", "×": "x", "‹": "<", "›": ">",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2002": " ", "\u2003": " ",
    "\u200b": "", "\u2060": "", "\ufeff": "", "™": "TM", "©": "(c)", "®": "(R)",
    "\t": " ",
}


def _char(ch: str) -> str:
    if ch in GSM_BASIC or ch in GSM_EXTENSION:
        return ch
    if ch in _PLAIN:
        return _PLAIN[ch]
    stripped = "".join(c for c in unicodedata.normalize("NFKD", ch)
                       if not unicodedata.combining(c))
    if stripped and all(c in GSM_BASIC for c in stripped):
        return stripped  # á -> a, ç -> c, ł stays (no decomposition)
    return ch


def to_gsm(text: str) -> str:
    """The same text with curly quotes, dashes, ellipses and accents made GSM-7 where possible."""
    return "".join(_char(ch) for ch in text)


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int


def segments(text: str) -> Segments:
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        septets = sum(2 if ch in GSM_EXTENSION else 1 for ch in text)
        return Segments("GSM-7", septets, 1 if septets <= 160 else math.ceil(septets / 153))
    units = len(text.encode("utf-16-le")) // 2
    return Segments("UCS-2", units, 1 if units <= 70 else math.ceil(units / 67))
