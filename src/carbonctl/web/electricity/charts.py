"""Charts for the bulletin PDF, drawn with matplotlib as SVG (WeasyPrint runs no JavaScript, so
ECharts cannot draw in a PDF). Text becomes paths, so the PDF needs no font for the charts."""

from __future__ import annotations

import io
import math

from carbonctl.display import to_display
from carbonctl.electricity.bulletin import Bulletin

FONT = "WenQuanYi Micro Hei"


def svg_text(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def use_chinese_font() -> None:
    """Make matplotlib draw with :data:`FONT`. Its font list is cached on first use; when the
    font was installed after that (as ``make test`` does on a fresh machine), the stale cache
    lacks it and Chinese would come out as missing glyphs, so the list is rebuilt once."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    if FONT not in {f.name for f in manager.ttflist}:
        manager.__init__()  # in place: findfont is bound to this object
        manager._findfont_cached.cache_clear()


def bulletin_charts(bulletin: Bulletin) -> dict[str, str]:
    """Two bar charts (SVG markup): the year-on-year change of the largest sectors and of the
    city's counties."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt
    from matplotlib.figure import Figure

    use_chinese_font()
    plt.rcParams["font.sans-serif"] = [FONT, "DejaVu Sans"]
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.fonttype"] = "path"
    out = {}
    for key, items, title in (
        ("sectors", bulletin.fastest("sectors", top=8), "主要行业排放同比变化（%）"),
        ("counties", bulletin.fastest("counties", top=12), "各县（市、区）排放同比变化（%）"),
    ):
        shown = [r for r in items if not math.isnan(r.growth)]
        figure = Figure(figsize=(6.4, 0.35 * max(len(shown), 2) + 0.8))
        axes = figure.subplots()
        names = [r.name for r in shown][::-1]
        values = [to_display(r.growth, "%") for r in shown][::-1]
        axes.barh(names, values, color=["#c0392b" if v > 0 else "#2e86c1" for v in values])
        axes.axvline(0, color="#555", linewidth=0.8)
        axes.set_title(title, fontsize=10)
        axes.tick_params(labelsize=8)
        out[key] = svg_text(figure)
    return out
