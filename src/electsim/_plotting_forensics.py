"""Plots of forensic results (re-exported by :mod:`electsim.plotting`).

* :func:`fingerprint_plot` -- the turnout x winner-share histogram of a fingerprint result;
* :func:`digit_plot` -- observed last- or second-digit frequencies against the null;
* :func:`power_plot` -- power curves with their intervals, the size marked at level 0;
* :func:`detectability_plot` -- per manipulation, P(seat change) next to the best detector.

Every function draws into ``ax`` (or a new figure) and returns the Axes (or the Figure for
:func:`detectability_plot`, which draws one panel per manipulation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ElectsimError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .forensics import DetectorResult, FingerprintResult, PowerResult

__all__ = ["detectability_plot", "digit_plot", "fingerprint_plot", "power_plot"]


def _axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize)
    return new


def fingerprint_plot(result: FingerprintResult, *, index: int = 0, ax: Axes | None = None) -> Axes:
    """The election fingerprint: stations per (turnout, winner share) cell, log colour scale.

    Parameters
    ----------
    result : FingerprintResult
        From :func:`electsim.forensics.fingerprint`.
    index : int, default 0
        Batch element to draw when the result is batched.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One image (``ax.images[0]``) of shape ``(bins, bins)``: rows winner share, columns
        turnout, origin lower left.
    """
    from matplotlib.colors import LogNorm

    from .forensics import FingerprintResult

    if not isinstance(result, FingerprintResult) or result.histogram is None:
        raise ElectsimError(f"fingerprint_plot() needs a FingerprintResult; got {result!r}")
    h = np.asarray(result.histogram)
    if h.ndim > 2:
        h = h.reshape(-1, *h.shape[-2:])[index]
    ax = _axes(ax, (5.0, 4.2))
    img = ax.imshow(
        h.T,
        origin="lower",
        extent=(0, 100, 0, 100),
        aspect="auto",
        cmap="viridis",
        norm=LogNorm(vmin=1, vmax=max(1.0, float(h.max()))),
    )
    ax.figure.colorbar(img, ax=ax, label="stations")
    ax.set_xlabel("turnout (%)")
    ax.set_ylabel("winner's share (%)")
    fi, fe = np.ravel(result.fi)[index], np.ravel(result.fe)[index]
    ax.set_title(f"fingerprint: f_i = {fi:.3f}, f_e = {fe:.3f}")
    return ax


def digit_plot(result: DetectorResult, *, index: int = 0, ax: Axes | None = None) -> Axes:
    """Observed digit frequencies (bars) against those expected under the null (line).

    Parameters
    ----------
    result : DetectorResult
        From :func:`~electsim.forensics.last_digits` (null: uniform) or
        :func:`~electsim.forensics.second_digits` (null: the clean generator's frequencies).
    index : int, default 0
        Batch element when batched.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        A bar container of the 10 observed shares and one line of the expected shares.
    """
    if getattr(result, "detector", None) not in ("last_digits", "second_digits"):
        raise ElectsimError(
            f"digit_plot() needs a last_digits or second_digits result; got {result!r}"
        )
    h = np.asarray(result.details["digits"], dtype=float).reshape(-1, 10)[index]
    share = h / max(h.sum(), 1.0)
    if result.detector == "second_digits":
        expected = np.asarray(result.details["expected_frequency"]).reshape(-1, 10)[0]
        label = "clean generator"
    else:
        expected = np.full(10, 0.1)
        label = "uniform"
    ax = _axes(ax, (5.0, 3.5))
    d = np.arange(10)
    ax.bar(d, share, color="#4c72b0", label="observed")
    ax.plot(d, expected, "o-", color="#dd8452", label=f"expected ({label})")
    ax.set_xticks(d)
    which = "last" if result.detector == "last_digits" else "second"
    ax.set_xlabel(f"{which} digit")
    ax.set_ylabel("share of counts")
    pv = float(np.ravel(result.pvalue)[index])
    ax.set_title(f"{result.detector}: p = {pv:.3g} (n = {int(h.sum()):,})")
    ax.legend(fontsize=8)
    return ax


def power_plot(
    result: PowerResult, *, detectors: Any = None, xlabel: str = "level", ax: Axes | None = None
) -> Axes:
    """Power against the manipulation level, one line per detector, with 95 % intervals.

    Level 0 on the left is the clean data: the size.  A dotted line marks ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes
        One line per detector (label = detector name).
    """
    from .forensics import PowerResult

    if not isinstance(result, PowerResult):
        raise ElectsimError(f"power_plot() needs a PowerResult; got {result!r}")
    names = list(result.detectors) if detectors is None else list(detectors)
    ax = _axes(ax, (6.0, 4.0))
    x = np.concatenate([[0.0], result.levels])
    for name in names:
        d = result._d(name)
        y = np.concatenate([[result.size[d]], result.power[d]])
        ci = np.concatenate([result.size_interval[d][None], result.power_interval[d]])
        (line,) = ax.plot(x, y, "o-", label=name, ms=3)
        ax.fill_between(x, ci[:, 0], ci[:, 1], color=line.get_color(), alpha=0.15)
    if result.seat_change is not None:
        y = np.concatenate([[0.0], result.seat_change])
        ax.plot(x, y, "k:", lw=1.5, label="P(any seat moves)")
    if result.target_crossed is not None:
        y = np.concatenate([[0.0], result.target_crossed])
        ax.plot(x, y, "k--", lw=2, label="P(target crossed)")
    ax.axhline(result.alpha, color="grey", ls=":", lw=1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("power (rejection rate)")
    ax.legend(fontsize=7)
    return ax


def detectability_plot(
    results: PowerResult | Mapping[str, PowerResult], *, figsize: Any = None
) -> Figure:
    """Decisive yet undetectable: per manipulation, P(outcome) and every detector's power.

    Parameters
    ----------
    results : PowerResult or mapping of label to PowerResult
        From :func:`electsim.forensics.detectability` (with seat outcomes).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per manipulation, drawn with :func:`power_plot`; the levels that are
        decisive (P(target crossed) >= 0.5, or P(any seat moves) without a target) yet
        detected by no test (every power < 0.5) are shaded.
    """
    import matplotlib.pyplot as plt

    from .forensics import PowerResult

    items = {"": results} if isinstance(results, PowerResult) else dict(results)
    if not items or not all(isinstance(r, PowerResult) for r in items.values()):
        raise ElectsimError("detectability_plot() needs PowerResults from detectability()")
    for r in items.values():
        if r.seat_change is None:
            raise ElectsimError("detectability_plot() needs results with seat outcomes")
    n = len(items)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=figsize or (5.0 * cols, 3.8 * rows), squeeze=False)
    for ax, (label, r) in zip(axes.ravel(), items.items(), strict=False):
        power_plot(r, xlabel=label or "level", ax=ax)
        for lv in r.decisive_yet_undetectable():
            ax.axvline(lv, color="#d62728", alpha=0.25, lw=8)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    fig.suptitle("Decisive yet undetectable? (shaded: outcome reached, no test notices)")
    fig.tight_layout()
    return fig
