"""The charts of the collection, drawn with matplotlib (no Qt here: the screen wraps the
same figures in a Qt canvas, the PDF reports take them as images).

- billed vs collected: the year's campaign, month by month (bars), and the share of it
  collected so far (a line, right axis);
- overdue by age: what is late, 0–30 days to over 90;
- direct-debit returns by reason: the ISO reason codes, the most frequent first.

Amounts come in integer cents; they become floats only to place bars (the labels are
formatted from the cents, in French: ``12 500 €``, months ``janv. 26``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from babel.dates import format_date
from babel.numbers import format_decimal
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from backoffice.i18n import language, tr

BILLED = "#9dbbe3"
COLLECTED = "#2e7d32"
AGES = ("#f2c14e", "#f08a4b", "#d9534f", "#8e1b1b")
RETURNS = "#c0504d"
TEXT = "#333333"
GRID = "#e3e6ea"


def _locale() -> str:
    return "fr_FR" if language() == "fr" else "en_GB"


def euros_label(cents: int | float) -> str:
    """``1250000`` → ``12 500 €`` (whole euros, French grouping)."""
    return f"{format_decimal(round(cents / 100), format='#,##0', locale=_locale())} €"


def month_label(month: date) -> str:
    return format_date(month, "MMM yy", locale=_locale())


def _figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    figure.patch.set_facecolor("white")
    return figure


def _title(figure: Figure, title: str) -> None:
    """The title at the figure's left edge (an axes title would start after long labels)."""
    figure.suptitle(title, x=0.01, ha="left", fontsize=10, color=TEXT)


def _tidy(axes: object, *, money_axis: str = "y") -> None:
    axes.spines[["top", "right"]].set_visible(False)  # type: ignore[attr-defined]
    axes.tick_params(colors=TEXT, labelsize=8)  # type: ignore[attr-defined]
    axes.set_axisbelow(True)  # type: ignore[attr-defined]
    grid_axis = "y" if money_axis == "y" else "x"
    axes.grid(axis=grid_axis, color=GRID, linewidth=0.8)  # type: ignore[attr-defined]
    money = FuncFormatter(lambda value, _position: euros_label(value))
    target = axes.yaxis if money_axis == "y" else axes.xaxis  # type: ignore[attr-defined]
    target.set_major_formatter(money)
    target.set_major_locator(MaxNLocator(5))


def billed_vs_collected(
    title: str,
    months: Sequence[date],
    billed_cents: Sequence[int],
    collected_cents: Sequence[int],
    *,
    width: float = 8,
    height: float = 3.4,
) -> Figure:
    figure = _figure(width, height)
    axes = figure.add_subplot()
    positions = range(len(months))
    half = 0.38
    axes.bar(
        [p - half / 2 for p in positions], billed_cents, half, color=BILLED, label=tr("Falling due")
    )
    axes.bar(
        [p + half / 2 for p in positions],
        collected_cents,
        half,
        color=COLLECTED,
        label=tr("Collected"),
    )
    axes.set_xticks(list(positions), [month_label(month) for month in months], rotation=0)
    _tidy(axes)
    total = sum(billed_cents)
    if total:
        share = axes.twinx()
        running, shares = 0, []
        for cents in collected_cents:
            running += cents
            shares.append(running / total)
        share.plot(
            list(positions),
            shares,
            color="#1f4e79",
            marker="o",
            markersize=3,
            linewidth=1.4,
            label=tr("Collected so far"),
        )
        share.set_ylim(0, 1.05)
        share.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        share.spines[["top"]].set_visible(False)
        share.tick_params(colors=TEXT, labelsize=8)
        handles = axes.get_legend_handles_labels()
        extra = share.get_legend_handles_labels()
        _legend(axes, handles[0] + extra[0], handles[1] + extra[1])
    else:
        _legend(axes, *axes.get_legend_handles_labels())
    _title(figure, title)
    return figure


def _legend(axes: object, handles: list, labels: list) -> None:  # type: ignore[type-arg]
    """Above the plot, in one row: never over a bar."""
    axes.legend(  # type: ignore[attr-defined]
        handles,
        labels,
        fontsize=8,
        frameon=False,
        loc="lower left",
        bbox_to_anchor=(0, 1.0),
        ncols=len(labels),
        borderaxespad=0.2,
    )


def _bar_labels(axes: object, bars: object, cents: Sequence[int], horizontal: bool) -> None:
    labels = [euros_label(value) if value else "" for value in cents]
    axes.bar_label(bars, labels, fontsize=8, color=TEXT, padding=3)  # type: ignore[attr-defined]
    if horizontal:
        axes.margins(x=0.18)  # type: ignore[attr-defined]
    else:
        axes.margins(y=0.15)  # type: ignore[attr-defined]


def overdue_by_age(
    title: str,
    labels: Sequence[str],
    cents: Sequence[int],
    *,
    width: float = 4.6,
    height: float = 3,
) -> Figure:
    figure = _figure(width, height)
    axes = figure.add_subplot()
    bars = axes.bar(list(labels), cents, color=list(AGES[: len(labels)]))
    _tidy(axes)
    _bar_labels(axes, bars, cents, horizontal=False)
    _title(figure, title)
    if not any(cents):
        axes.text(
            0.5, 0.5, tr("Nothing overdue"), transform=axes.transAxes, ha="center", color=TEXT
        )
    return figure


def returns_by_reason(
    title: str,
    reasons: Sequence[tuple[str, int, int]],
    *,
    width: float = 4.6,
    height: float = 3,
    shown: int = 6,
) -> Figure:
    """``reasons``: (code – label, count, cents), the most frequent first."""
    figure = _figure(width, height)
    axes = figure.add_subplot()
    kept = list(reasons[:shown])[::-1]
    slots = max(len(kept), 3)
    names = [name if len(name) <= 38 else name[:37] + "…" for name, _count, _cents in kept]
    counts = [count for _name, count, _cents in kept]
    bars = axes.barh(names, counts, height=0.55, color=RETURNS)
    axes.set_ylim(-0.6, slots - 0.4)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(colors=TEXT, labelsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.grid(axis="x", color=GRID, linewidth=0.8)
    axes.set_axisbelow(True)
    axes.bar_label(
        bars,
        [f"{count} · {euros_label(cents)}" for _name, count, cents in kept],
        fontsize=8,
        padding=3,
    )
    axes.set_xlabel(tr("debits returned"), fontsize=8, color=TEXT)
    axes.margins(x=0.3)
    _title(figure, title)
    if not kept:
        axes.text(
            0.5,
            0.5,
            tr("No direct debit came back"),
            transform=axes.transAxes,
            ha="center",
            color=TEXT,
        )
        axes.set_yticks([])
    return figure


def png(figure: Figure, dpi: int = 200) -> bytes:
    """The figure as a PNG image (for the PDF reports)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()
