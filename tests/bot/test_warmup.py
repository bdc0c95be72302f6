"""serve warms the conversation's caches before it listens (bot.warmup)."""

from __future__ import annotations

from bot import intents
from bot.timeparse import lang
from bot.timeparse.lexicon import lexicons
from bot.warmup import warm_up


def test_warm_up_fills_every_lazily_built_table() -> None:
    for cached in (lexicons, lang._weights, intents.tables):
        cached.cache_clear()
    warmed = warm_up()
    assert warmed == len(lexicons()) >= 5
    for cached in (lexicons, lang._weights, intents.tables):
        assert cached.cache_info().currsize == 1, cached
