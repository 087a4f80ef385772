"""Charts drawn on the server as SVG geometry for the templates (no JavaScript, no CDN): a bar per child unit
against its threshold, and the share by month."""

from dataclasses import dataclass

BAR_HEIGHT = 22
LABEL_WIDTH = 220
PLOT_WIDTH = 400
TREND_HEIGHT = 160
TREND_STEP = 48


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: float
    threshold_x: float
    percent: object
    status: str | None


def bars(report):
    """One bar per row with people: its share of ``PLOT_WIDTH``, and where its threshold falls."""
    rows = report.rows_with_people
    return {
        "bars": [
            Bar(
                label=row.unit.short_name or row.unit.name,
                y=index * (BAR_HEIGHT + 6),
                width=float(row.percent) * PLOT_WIDTH / 100,
                threshold_x=LABEL_WIDTH + row.threshold * PLOT_WIDTH / 100,
                percent=row.percent,
                status=row.status,
            )
            for index, row in enumerate(rows)
        ],
        "height": len(rows) * (BAR_HEIGHT + 6) + 24,
        "label_width": LABEL_WIDTH,
        "plot_width": PLOT_WIDTH,
        "width": LABEL_WIDTH + PLOT_WIDTH + 60,
        "bar_height": BAR_HEIGHT,
        "axis_y": len(rows) * (BAR_HEIGHT + 6),
    }


def trend(points, threshold):
    """``points`` [(month, population, met)] as a column chart of the share, with the threshold line."""
    columns = []
    for index, (month, population, met) in enumerate(points):
        share = 100 * met / population if population else 0
        height = share * TREND_HEIGHT / 100
        columns.append(
            {
                "x": 40 + index * TREND_STEP,
                "y": 10 + TREND_HEIGHT - height,
                "height": height,
                "share": round(share),
                "month": month,
            }
        )
    return {
        "columns": columns,
        "width": 40 + max(len(columns), 1) * TREND_STEP,
        "height": TREND_HEIGHT + 40,
        "base_y": 10 + TREND_HEIGHT,
        "threshold_y": 10 + TREND_HEIGHT - threshold * TREND_HEIGHT / 100,
    }
