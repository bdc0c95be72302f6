"""Throughput and accuracy of bot.timeparse per language, on the test corpora.

Run from the repository root:  .venv/bin/python bench/timeparse_throughput.py

For each language: the generated corpus (tests/bot/time_corpus_<lang>.jsonl; for English
the two 777-phrase corpora) and the hand-written held-out set
(tests/bot/time_heldout_<lang>.jsonl).  Accuracy: start, end and grain all match (an
expected null must give null).  Throughput: phrases per second through the public
``parse_time`` (language detection included unless the line names its language), after
one warm-up pass so that lazy imports and caches are not counted; best of three passes.
Goal: >= 5,000 phrases/s per language on the shared 2-core box.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.timeparse import parse_time  # noqa: E402

TESTS = ROOT / "tests" / "bot"
CORPORA = {
    "en": ["time_corpus.jsonl", "time_corpus_more.jsonl"],
    **{lang: [f"time_corpus_{lang}.jsonl"] for lang in ("es", "de", "fr", "pt")},
}
GOAL = 5000
Prepared = list[tuple[str, datetime, ZoneInfo, str | None, dict[str, Any]]]


def _load(names: list[str]) -> Prepared:
    rows: Prepared = []
    for name in names:
        for line in (TESTS / name).read_text(encoding="utf-8").splitlines():
            if line:
                case = json.loads(line)
                now, tz = datetime.fromisoformat(case["now"]), ZoneInfo(case["tz"])
                rows.append((case["text"], now, tz, case.get("lang"), case))
    return rows


def _same(got: str | None, want: str | None) -> bool:
    if got is None or want is None:
        return got is want
    return datetime.fromisoformat(got).timestamp() == datetime.fromisoformat(want).timestamp()


def accuracy(rows: Prepared) -> float:
    hits = 0
    for text, now, tz, lang, case in rows:
        w = parse_time(text, now=now, tz=tz, lang=lang)
        got = (None, None, None) if w is None else (w.start.isoformat(), w.end.isoformat(), w.grain)
        hits += (
            _same(got[0], case["start"]) and _same(got[1], case["end"]) and got[2] == case["grain"]
        )
    return hits / len(rows) if rows else 0.0


def throughput(rows: Prepared, passes: int = 3) -> float:
    best = float("inf")
    for _ in range(passes):
        began = time.perf_counter()
        for text, now, tz, lang, _case in rows:
            parse_time(text, now=now, tz=tz, lang=lang)
        best = min(best, time.perf_counter() - began)
    return len(rows) / best


def main() -> int:
    print(
        f"{'lang':<6}{'corpus':>8}{'accuracy':>10}{'held-out':>10}{'accuracy':>10}"
        f"{'phrases/s':>11}  goal {GOAL:,}/s"
    )
    for lang, names in CORPORA.items():
        rows = _load(names)
        heldout_path = TESTS / f"time_heldout_{lang}.jsonl"
        heldout = _load([heldout_path.name]) if heldout_path.exists() else []
        accuracy(rows)  # warm-up pass
        speed = throughput(rows)
        print(
            f"{lang:<6}{len(rows):>8}{accuracy(rows):>10.1%}{len(heldout):>10}"
            f"{accuracy(heldout):>10.1%}{speed:>11,.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
