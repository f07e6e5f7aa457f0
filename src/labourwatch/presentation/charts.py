"""Bar charts as plain HTML and CSS, for the reports: the text is the page's own text, so it keeps its
size on a phone (an SVG scaled to 360 px shrinks its 11 px labels to 4 px) and in print, and labels
wrap instead of being cut. Value labels sit in a column of their own, so no marker can print over them.

Colours carry one meaning across every chart: `TONES` (a legend names them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# One meaning per colour, in every chart of a report: a prevalence, and the worst, middle and best
# class of an ordered classification (unfree / non-compliant are "worst" wherever they appear).
TONES = {"prevalence": "#2e6f9e", "worst": "#b5412c", "middle": "#d98c1f", "best": "#3c8c5a"}

CSS = Markup(
    """
  .chart { margin: .8rem 0 1.2rem; }
  .chart .row { display: flex; align-items: center; gap: .5rem; margin: .15rem 0; }
  .chart .label { flex: 0 0 38%; font-size: .85rem; line-height: 1.25; overflow-wrap: anywhere; }
  .chart .track { flex: 1 1 auto; position: relative; height: .9rem; background: #f1f1f1; }
  .chart .bar { position: absolute; left: 0; top: 0; bottom: 0; }
  .chart .ci { position: absolute; top: 50%; height: 0; border-top: 2px solid #111; }
  .chart .ci::before, .chart .ci::after {
    content: ""; position: absolute; top: -5px; height: 8px; border-left: 2px solid #111;
  }
  .chart .ci::before { left: -1px; } .chart .ci::after { right: -1px; }
  .chart .marker {
    position: absolute; top: -3px; bottom: -3px; width: 0; border-left: 3px solid #111; margin-left: -1px;
  }
  .chart .value { flex: 0 0 6.5rem; font-size: .85rem; font-variant-numeric: tabular-nums; }
  .chart .group { margin: .6rem 0 .2rem; font-size: .9rem; font-weight: 600; line-height: 1.3; }
  .chart .group + .row .label, .chart .grouped .label { font-weight: normal; }
  .legend { display: flex; flex-wrap: wrap; gap: .3rem 1rem; font-size: .85rem; margin: .3rem 0; }
  .legend .swatch {
    display: inline-block; width: .8rem; height: .8rem; vertical-align: -.1rem; margin-right: .3rem;
  }
  .legend .tick {
    display: inline-block; width: 0; height: .9rem; border-left: 3px solid #111; vertical-align: -.15rem;
    margin: 0 .4rem 0 .3rem;
  }
  @media (max-width: 40rem) {
    .chart .row { flex-wrap: wrap; gap: .1rem .4rem; margin-bottom: .45rem; }
    .chart .label { flex-basis: 100%; font-size: .9rem; }
    .chart .value { flex-basis: 5.5rem; font-size: .9rem; }
  }
  @media print {
    .chart .row { break-inside: avoid; } .chart .bar, .legend .swatch { print-color-adjust: exact; }
  }
"""
)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # per cent, 0-100
    lower: float | None = None  # the confidence interval, per cent
    upper: float | None = None
    marker: float | None = None  # a reference value (a published per cent), drawn as a tick
    tone: str = "prevalence"  # a key of TONES
    text: str | None = None  # the value label; default: the value with one decimal


@dataclass(frozen=True)
class Group:
    label: str
    bars: Sequence[Bar]


def _clamp(percent: float) -> float:
    return min(max(percent, 0.0), 100.0)


def _bar(bar: Bar) -> str:
    value = _clamp(bar.value)
    parts = [f'<span class="bar" style="width:{value:.1f}%;background:{TONES[bar.tone]}"></span>']
    if bar.lower is not None and bar.upper is not None:
        lo, hi = _clamp(bar.lower), _clamp(bar.upper)
        parts.append(f'<span class="ci" style="left:{lo:.1f}%;width:{hi - lo:.1f}%"></span>')
    if bar.marker is not None:
        parts.append(f'<span class="marker" style="left:{_clamp(bar.marker):.1f}%"></span>')
    shown = bar.text if bar.text is not None else f"{bar.value:.1f} %"
    return (
        f'<div class="row"><span class="label">{escape(bar.label)}</span>'
        f'<span class="track">{"".join(parts)}</span><span class="value">{escape(shown)}</span></div>'
    )


def bar_chart(bars: Sequence[Bar], caption: str = "") -> Markup:
    """One bar per item, its label to the left (above it on a phone), the value to the right."""
    if not bars:
        return Markup("")
    body = "".join(_bar(b) for b in bars)
    tail = f"<figcaption class='muted'>{escape(caption)}</figcaption>" if caption else ""
    return Markup(f'<figure class="chart">{body}{tail}</figure>')


def grouped_chart(groups: Sequence[Group], legend: Markup, caption: str = "") -> Markup:
    """A heading per group (a condition), then one bar per class under it."""
    body = "".join(f'<div class="group">{escape(g.label)}</div>' + "".join(_bar(b) for b in g.bars) for g in groups)
    tail = f"<figcaption class='muted'>{escape(caption)}</figcaption>" if caption else ""
    return Markup(f'<figure class="chart grouped">{legend}{body}{tail}</figure>')


def legend(entries: Sequence[tuple[str, str]], marker: str = "") -> Markup:
    """Coloured swatches with what each colour means (tone, text), and the reference tick if any."""
    items = [
        f'<span><span class="swatch" style="background:{TONES[tone]}"></span>{escape(text)}</span>'
        for tone, text in entries
    ]
    if marker:
        items.append(f'<span><span class="tick"></span>{escape(marker)}</span>')
    return Markup(f'<div class="legend">{"".join(items)}</div>')
