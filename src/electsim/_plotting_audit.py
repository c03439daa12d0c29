"""Audit plot: planned sample size against the risk limit, one line per assertion.

Re-exported from :mod:`electsim.plotting` (``plotting.audit_sample_sizes``); matplotlib is
imported only when drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ElectsimError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from .audit import AuditPlan

__all__ = ["audit_sample_sizes"]


def audit_sample_sizes(
    plans: Sequence[AuditPlan],
    *,
    top: int = 6,
    which: str = "initial",
    ax: Axes | None = None,
    **kwargs: Any,
) -> Axes:
    """Sample size against the risk limit for the ``top`` assertions that need the most ballots.

    Parameters
    ----------
    plans : sequence of AuditPlan
        Plans of the same election, rules, kind and test at different risk limits (e.g.
        ``[audit.plan(e, s, a) for a in (0.001, 0.01, 0.05, 0.1)]``).
    top : int
        How many assertions to draw (those with the largest size at the smallest risk limit);
        the overall audit size is drawn as a thick black line.
    which : {"initial", "expected"}
    ax : matplotlib Axes, optional
    **kwargs
        Passed to ``ax.plot`` for the assertion lines.

    Returns
    -------
    matplotlib.axes.Axes
        Log-scaled x (risk limit) and y (ballots); the number of ballots cast is a dotted line
        (a full hand count).
    """
    from .plotting import _new_axes

    if not plans:
        raise ElectsimError("plans is empty; give plans at several risk limits")
    if which not in ("initial", "expected"):
        raise ElectsimError(f"which={which!r} must be 'initial' or 'expected'")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ElectsimError(f"top={top!r} must be a positive integer")
    first = plans[0]
    keys = [r.assertion.description for r in first.rows]
    for p in plans[1:]:
        if [r.assertion.description for r in p.rows] != keys or p.kind != first.kind:
            raise ElectsimError("plans must be of the same election, rules and audit kind")
    order = sorted(range(len(plans)), key=lambda i: plans[i].risk_limit)
    alphas = np.array([plans[i].risk_limit for i in order])
    N = first.n_ballots

    def size(p: AuditPlan, k: int) -> float:
        v = getattr(p.rows[k], which)
        return float(N if v is None else v)

    sizes = np.array([[size(plans[i], k) for i in order] for k in range(len(keys))])
    pick = np.argsort(-sizes[:, 0], kind="stable")[:top]
    ax = _new_axes(ax, (7.0, 4.4))
    for k in pick:
        ax.plot(alphas, sizes[k], marker="o", ms=3, label=keys[k], **kwargs)
    overall = sizes.max(axis=0)
    ax.plot(alphas, overall, color="black", lw=2.5, label="audit (largest)", zorder=0)
    ax.axhline(N, color="grey", ls=":", lw=1)
    ax.text(alphas[0], N, f" full hand count ({N:,})", va="bottom", fontsize=8, color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("risk limit")
    ax.set_ylabel(f"ballots to examine ({which})")
    ax.set_title(f"{first.kind} audit ({first.test})", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return ax
