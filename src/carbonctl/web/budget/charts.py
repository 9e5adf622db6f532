"""Charts of the monthly situation report (形势分析) PDF, drawn with matplotlib as SVG in the
Chinese font of the bulletins (WeasyPrint runs no JavaScript). Numbers arrive in 万吨 from
:mod:`.pages`; text becomes paths, so the PDF needs no font for the charts."""

from __future__ import annotations

from carbonctl.web.electricity.charts import FONT, svg_text, use_chinese_font


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    use_chinese_font()
    plt.rcParams["font.sans-serif"] = [FONT, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "path"


def cumulative_chart(chart: dict, year: int) -> str:
    """Cumulative emissions of the year against the budget (SVG): observed solid, forecast
    dashed, the 90 % band of the year-end total, the budget and budget − committed − reserve,
    the projected exhaustion month."""
    from matplotlib.figure import Figure

    _pyplot()
    figure = Figure(figsize=(6.4, 3.2))
    axes = figure.subplots()
    months = chart["months"]

    def points(values):
        return [m for m, v in zip(months, values, strict=True) if v is not None], [
            v for v in values if v is not None
        ]

    band = [
        (m, lo, lo + w)
        for m, lo, w in zip(months, chart["lo"], chart["width"], strict=True)
        if lo is not None
    ]
    if band:
        axes.fill_between(
            [b[0] for b in band],
            [b[1] for b in band],
            [b[2] for b in band],
            color="#9ecae1",
            alpha=0.5,
            label="年末总量90%区间",
        )
    axes.plot(
        *points(chart["observed"]), color="#1d5c4d", marker="o", markersize=3, label="实际累计"
    )
    if any(v is not None for v in chart["forecast"]):
        axes.plot(*points(chart["forecast"]), color="#1d5c4d", linestyle="--", label="预测累计")
    axes.plot(months, chart["budget"], color="#c0392b", linewidth=1, label="年度预算")
    axes.plot(
        months,
        chart["limit"],
        color="#e0a800",
        linewidth=1,
        linestyle=":",
        label="预算−已批项目−预留",
    )
    if chart["exhaustion_month"]:
        axes.axvline(chart["exhaustion_month"], color="#c0392b", linestyle="--", linewidth=0.8)
        axes.annotate(
            f"预计耗尽 {chart['exhaustion']}",
            (chart["exhaustion_month"], chart["budget"][0]),
            fontsize=7,
            color="#c0392b",
            xytext=(3, -12),
            textcoords="offset points",
        )
    axes.set_xticks(months)
    axes.set_xticklabels([f"{m}月" for m in months], fontsize=7)
    axes.set_ylabel("万吨", fontsize=8)
    axes.set_title(f"{year}年累计排放与预算（万吨）", fontsize=10)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=7, loc="upper left")
    return svg_text(figure)


def monthly_chart(this_year: list, last_year: list, year: int) -> str:
    """Monthly emissions of ``year`` beside the year before (SVG bars, 万吨)."""
    from matplotlib.figure import Figure

    _pyplot()
    figure = Figure(figsize=(6.4, 2.8))
    axes = figure.subplots()
    months = list(range(1, 13))
    width = 0.4
    axes.bar(
        [m - width / 2 for m in months],
        [v if v is not None else 0 for v in last_year],
        width,
        color="#a6b8c2",
        label=f"{year - 1}年",
    )
    axes.bar(
        [m + width / 2 for m in months],
        [v if v is not None else 0 for v in this_year],
        width,
        color="#1d5c4d",
        label=f"{year}年",
    )
    axes.set_xticks(months)
    axes.set_xticklabels([f"{m}月" for m in months], fontsize=7)
    axes.set_ylabel("万吨", fontsize=8)
    axes.set_title(f"月度排放：{year}年与上年（万吨）", fontsize=10)
    axes.tick_params(labelsize=7)
    axes.legend(fontsize=7)
    return svg_text(figure)
