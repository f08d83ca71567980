"""Report charts (matplotlib, Agg): daily participation rate and class hours per unit.

Chinese needs a CJK font, or matplotlib draws empty boxes. The project depends on
`manimgx-fonts-cjk` (Noto Sans CJK, SIL OFL) so a font is always there; a system font such as
WenQuanYi Micro Hei or Noto Sans CJK SC is preferred when installed (it renders bolder).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib import pyplot as plt
from matplotlib.figure import Figure

from bot.services.reports import Report

PREFERRED = ("WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC")


@cache
def cjk_font() -> str:
    """The family name of a font with Chinese glyphs, registering the bundled one if needed."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in PREFERRED:
        if name in installed:
            return name
    import manimgx_fonts_cjk

    bundled = Path(manimgx_fonts_cjk.__file__).with_name("NotoSansCJK-VF.otf.ttc")
    font_manager.fontManager.addfont(str(bundled))
    return "Noto Sans CJK SC"


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=120, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def participation_png(report: Report) -> bytes:
    font = cjk_font()
    days = sorted(report.daily)
    rates = [100 * s / d if d else 0 for d, s in (report.daily[x] for x in days)]
    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(
        days,  # type: ignore[arg-type]  # matplotlib plots dates natively
        rates,
        marker="o",
        markersize=3,
        linewidth=1.5,
        color="#2F6DB5",
    )
    ax.set_ylim(0, 105)
    ax.set_ylabel("参学率 (%)", fontfamily=font)
    ax.set_title(f"每日参学率 · {report.label}", fontfamily=font)
    ax.grid(True, alpha=0.3)
    fig.autofmt_xdate()
    if not days:
        ax.text(
            0.5,
            0.5,
            "本期没有推送",
            ha="center",
            va="center",
            transform=ax.transAxes,
            fontfamily=font,
        )
    return _png(fig)


def hours_png(report: Report) -> bytes:
    font = cjk_font()
    units = sorted(report.units, key=lambda u: -u.class_hours)[:30]
    fig, ax = plt.subplots(figsize=(9, max(3, 0.35 * len(units) + 1)))
    names = [u.unit for u in units]
    ax.barh(names, [u.training_hours for u in units], color="#2F6DB5", label="培训课时")
    ax.barh(
        names,
        [u.class_hours - u.training_hours for u in units],
        left=[u.training_hours for u in units],
        color="#9DC3E6",
        label="学习折合课时",
    )
    ax.invert_yaxis()
    ax.set_xlabel("课时", fontfamily=font)
    ax.set_title(f"各单位课时 · {report.label}", fontfamily=font)
    for label in ax.get_yticklabels():
        label.set_fontfamily(font)
    ax.legend(prop={"family": font})
    return _png(fig)


def combined_png(report: Report) -> bytes:
    """Both charts in one image (for chat: one photo instead of two)."""
    from PIL import Image

    top = Image.open(io.BytesIO(participation_png(report)))
    bottom = Image.open(io.BytesIO(hours_png(report)))
    canvas = Image.new("RGB", (max(top.width, bottom.width), top.height + bottom.height), "white")
    canvas.paste(top, (0, 0))
    canvas.paste(bottom, (0, top.height))
    buffer = io.BytesIO()
    canvas.save(buffer, format="PNG")
    return buffer.getvalue()
