"""A bar chart drawn on the server as SVG geometry (the template writes the elements): no
script, nothing for the Content-Security-Policy to allow."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 180, 72, 22, 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # the tooltip and the accessible text: "2030-01-08: 3"


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    top_label: str  # the largest value, at the top of the axis
    first: str  # the first and last day, under the axis
    last: str
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom: int = HEIGHT - BOTTOM


def bar_chart(title: str, labels: list[str], values: list[int],
              shown: list[str]) -> Chart:
    """``values`` as bars over ``labels`` (days); ``shown`` is each value as a person reads it."""
    peak = max(values, default=0)
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(values), 1)
    bars = []
    for i, (label, value, text) in enumerate(zip(labels, values, shown, strict=True)):
        h = plot_h * value / peak if peak > 0 else 0.0
        bars.append(Bar(x=round(LEFT + i * step + step * 0.1, 1),
                        y=round(HEIGHT - BOTTOM - h, 1), width=round(step * 0.8, 1),
                        height=round(h, 1), title=f"{label}: {text}"))
    top = shown[values.index(peak)] if values and peak > 0 else "0"
    return Chart(title, tuple(bars), top, labels[0] if labels else "",
                 labels[-1] if labels else "")
