"""Plots of allocations and analyses (matplotlib).

Every function draws into ``ax`` when given (and returns it), or creates a new figure with
``matplotlib.pyplot`` when ``ax`` is None.  matplotlib is imported inside the functions, so
``import electsim`` never loads it; import this module explicitly
(``import electsim.plotting``).

* :func:`hemicycle` -- a parliament arch of one :class:`~electsim.Allocation`, one marker per
  seat; :func:`compare` -- several of them side by side with one legend.
* :func:`step_plot` -- seats per party against the threshold rate
  (:func:`~electsim.sensitivity.threshold_steps`).
* :func:`heatmap` -- a 2-D :class:`~electsim.sensitivity.LabelledArray`
  (:func:`~electsim.sensitivity.sweep`).
* :func:`seat_distributions` -- P(seats = k) from a :class:`~electsim.SimulationResult`.
* :func:`sobol_plot` -- first- and total-order Sobol indices with their intervals.
* :func:`tipping_plot` -- the size of several :class:`~electsim.sensitivity.TippingPoint`\\ s.

Hemicycle geometry
------------------
Seats lie on ``k`` concentric semicircles of radii ``r_i = r0 + (1 - r0) i / (k - 1)``
(``r0 = 0.4``, outer radius 1), spaced ``d = (1 - r0) / (k - 1)`` apart.  A row of radius ``r``
holds at most ``floor(pi r / d) + 1`` seats at spacing ``>= d``; ``k`` is the smallest number
of rows whose capacity holds the house.  The house is split between the rows in proportion to
their radii (largest remainder, so seats are evenly dense), the seats of a row are spread evenly
over the angle from 180 degrees (left) to 0 degrees (right), and all seats are then ordered by
angle, left to right (outer row first at equal angles).  Parties take consecutive seats of that
order in column order of the election, so each party is a wedge; seats left unfilled come last.

A majority mark for ``m`` seats is a radial line at the angle halfway between seat ``m`` and
seat ``m + 1`` of that order: exactly ``m`` seats lie to its left.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from .allocate import Allocation
from .election import Party, batch_index
from .errors import ElectsimError
from .metrics import majority_threshold

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .sensitivity.breakpoints import IntegerStepFunction, StepFunction
    from .sensitivity.sobol import SobolResult
    from .sensitivity.sweep import LabelledArray
    from .sensitivity.tipping import TippingPoint
    from .simulate import SimulationResult

__all__ = [
    "audit_sample_sizes",
    "compare",
    "detectability_plot",
    "digit_plot",
    "fingerprint_plot",
    "heatmap",
    "hemicycle",
    "power_plot",
    "seat_distributions",
    "sobol_plot",
    "step_plot",
    "tipping_plot",
]

#: Fallback colours (matplotlib's tab20, then tab20b) for parties without ``Party.color``.
FALLBACK_COLORS: tuple[str, ...] = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
    "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5", "#393b79", "#637939", "#8c6d31", "#843c39",
    "#7b4173", "#5254a3", "#8ca252", "#bd9e39", "#ad494a", "#a55194",
)  # fmt: skip
UNFILLED_COLOR = "#ffffff"
SEATS_GID = "electsim-seats"
MAJORITY_GID = "electsim-majority"

_INNER = 0.4  # inner radius of the arch (outer radius 1)


# ----------------------------------------------------------------------------- helpers
def _new_axes(ax: Axes | None, figsize: tuple[float, float] | None = None) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize)
    return new


def _assign_colors(parties: Sequence[Party]) -> dict[str, str]:
    """``{party name: colour}``: ``Party.color``, else the first unused fallback colour.

    >>> _assign_colors([Party("A", color="#1f77b4"), Party("B"), Party("C", color="red")])
    {'A': '#1f77b4', 'B': '#ff7f0e', 'C': 'red'}
    """
    used = {p.color.lower() for p in parties if p.color}
    free = [c for c in FALLBACK_COLORS if c.lower() not in used]
    out: dict[str, str] = {}
    k = 0
    for p in parties:
        if p.name in out:
            continue
        if p.color:
            out[p.name] = p.color
        elif k < len(free):
            out[p.name] = free[k]
            k += 1
        else:  # more colourless parties than colours: cycle deterministically
            out[p.name] = FALLBACK_COLORS[k % len(FALLBACK_COLORS)]
            k += 1
    return out


def _row_counts(n: int) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Radii of the rows and seats per row of an arch of ``n`` seats (module docstring).

    >>> radii, counts = _row_counts(120)
    >>> len(radii), int(counts.sum()), counts.tolist()
    (7, 120, [10, 12, 15, 17, 20, 22, 24])
    """
    if n < 1:
        raise ElectsimError(f"a hemicycle needs at least one seat; got {n}")
    k = 1
    while True:
        if k == 1:
            radii = np.array([1.0])
            cap = np.array([n])  # one row holds any number of seats
        else:
            radii = _INNER + (1.0 - _INNER) * np.arange(k) / (k - 1)
            d = (1.0 - _INNER) / (k - 1)
            cap = np.floor(np.pi * radii / d + 1e-9).astype(np.int64) + 1
        if (k == 1 and n <= 12) or (k > 1 and cap.sum() >= n):
            break
        k += 1
    # largest remainder in proportion to the radii, never above a row's capacity
    quota = n * radii / radii.sum()
    counts = np.minimum(np.floor(quota).astype(np.int64), cap)
    rem = quota - np.floor(quota)
    order = sorted(range(k), key=lambda i: (-rem[i], -radii[i]))
    while counts.sum() < n:
        for i in order:
            if counts.sum() < n and counts[i] < cap[i]:
                counts[i] += 1
    return np.asarray(radii, dtype=np.float64), counts


def _seat_positions(n: int) -> tuple[NDArray[np.float64], NDArray[np.float64], float]:
    """``(xy (n, 2), angles (n,), seat diameter)``, seats ordered left to right.

    >>> xy, theta, d = _seat_positions(5)
    >>> [round(float(t / np.pi), 2) for t in theta]
    [1.0, 0.75, 0.5, 0.25, 0.0]
    """
    radii, counts = _row_counts(n)
    rs: list[float] = []
    ts: list[float] = []
    for r, m in zip(radii, counts, strict=True):
        m = int(m)
        angles = [math.pi / 2] if m == 1 else [math.pi * (1 - j / (m - 1)) for j in range(m)]
        rs.extend([float(r)] * m)
        ts.extend(angles)
    r_arr = np.array(rs)
    t_arr = np.array(ts)
    order = np.lexsort((-r_arr, -t_arr))  # by angle descending, outer row first on ties
    r_arr, t_arr = r_arr[order], t_arr[order]
    xy = np.column_stack([r_arr * np.cos(t_arr), r_arr * np.sin(t_arr)])
    if len(radii) == 1:
        spacing = math.pi / max(n - 1, 1)
        diameter = 0.8 * min(spacing, 0.5)
    else:
        spacing = (1.0 - _INNER) / (len(radii) - 1)
        diameter = 0.8 * spacing
    return xy, t_arr, diameter


def _is_result(obj: Any) -> bool:
    """An :class:`Allocation` or the result of any rule book run by :func:`electsim.allocate`
    (districts, tiers, mixed systems): national ``seats``, its ``election`` and ``system``."""
    return isinstance(obj, Allocation) or all(
        hasattr(obj, a) for a in ("seats", "election", "system", "batch_shape")
    )


def _index(allocation: Any, index: Any) -> tuple[int, ...]:
    return batch_index(tuple(allocation.batch_shape), index, "allocation")


def _one_seats(allocation: Allocation, index: Any) -> NDArray[np.int64]:
    if not _is_result(allocation):
        raise ElectsimError(
            f"expected the result of electsim.allocate (an Allocation or a rule book's result); "
            f"got {allocation!r}"
        )
    return np.asarray(allocation.seats[_index(allocation, index)], dtype=np.int64)


def _house(allocation: Any, index: Any, seats: NDArray[np.int64]) -> int:
    """Seats in the chamber: the system's house, or a mixed result's own (overhang, levelling
    and independents included); never fewer than the seats drawn."""
    house = getattr(allocation, "house", None)
    if house is not None:
        return max(int(np.asarray(house)[_index(allocation, index)]), int(seats.sum()))
    return max(int(allocation.system.seats), int(seats.sum()))


def _majorities(house: int, majorities: Any) -> list[tuple[str, int]]:
    if majorities is None:
        simple = majority_threshold(house, "simple")
        two_thirds = majority_threshold(house, "two_thirds")
        return [(f"majority {simple}", simple), (f"2/3: {two_thirds}", two_thirds)]
    items: list[tuple[str, Any]]
    if isinstance(majorities, Mapping):
        items = [(str(k), v) for k, v in majorities.items()]
    elif isinstance(majorities, Sequence) and not isinstance(majorities, str):
        items = [(str(v), v) for v in majorities]
    else:
        raise ElectsimError(
            f"majorities={majorities!r} must be None, a sequence of seat counts or a mapping "
            "{label: seats}"
        )
    out = []
    for label, m in items:
        if isinstance(m, bool) or not isinstance(m, int | np.integer) or not 1 <= m <= house:
            raise ElectsimError(f"majority {m!r} must be a seat count in [1, {house}]")
        out.append((label, int(m)))
    return out


def _title(allocation: Allocation) -> str:
    return allocation.system.name or str(allocation.system)


def _draw_hemicycle(
    ax: Axes,
    allocation: Allocation,
    index: Any,
    seats: NDArray[np.int64],
    colors: Mapping[str, str],
    majorities: Any,
    title: str | None,
) -> list[tuple[str, str, int]]:
    """Draw the arch; returns ``(label, colour, seats)`` of the parties shown (legend)."""
    from matplotlib.collections import EllipseCollection

    house = _house(allocation, index, seats)
    parties = allocation.election.parties
    xy, theta, diam = _seat_positions(house)
    face: list[str] = []
    shown: list[tuple[str, str, int]] = []
    for p, s in zip(parties, seats, strict=True):
        if s > 0:
            face.extend([colors[p.name]] * int(s))
            shown.append((f"{p.short} ({int(s)})", colors[p.name], int(s)))
    unfilled = house - len(face)
    if unfilled < 0:  # pragma: no cover - allocate never exceeds the house
        raise ElectsimError(f"{len(face)} seats allocated in a house of {house}")
    if unfilled:
        face.extend([UNFILLED_COLOR] * unfilled)
        shown.append((f"unfilled ({unfilled})", UNFILLED_COLOR, unfilled))
    coll = EllipseCollection(
        widths=np.full(house, diam),
        heights=np.full(house, diam),
        angles=np.zeros(house),
        units="xy",
        offsets=xy,
        offset_transform=ax.transData,
        facecolors=face,
        edgecolors="#555555",
        linewidths=0.3,
    )
    coll.set_gid(SEATS_GID)
    ax.add_collection(coll)
    r_in = _INNER - diam if len(_row_counts(house)[0]) > 1 else 1 - diam
    for label, m in _majorities(house, majorities):
        ang = theta[m - 1] if m == house else (theta[m - 1] + theta[m]) / 2
        c, s = math.cos(ang), math.sin(ang)
        (line,) = ax.plot(
            [r_in * c, 1.08 * c], [r_in * s, 1.08 * s], color="#333333", lw=1.0, ls="--"
        )
        line.set_gid(MAJORITY_GID)
        line.set_label(f"_{label}")
        ax.text(1.14 * c, 1.14 * s, label, ha="center", va="bottom", fontsize=8, gid=MAJORITY_GID)
    ax.text(0, 0.05, f"{house - unfilled} / {house}", ha="center", va="bottom", fontsize=11)
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-0.08, 1.3)
    ax.set_aspect("equal")
    ax.set_axis_off()
    ax.set_title(_title(allocation) if title is None else title)
    return shown


def _legend_handles(shown: Sequence[tuple[str, str, int]]) -> tuple[list[Any], list[str]]:
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=c, edgecolor="#555555", linewidth=0.3) for _, c, _ in shown]
    return handles, [label for label, _, _ in shown]


# ----------------------------------------------------------------------------- hemicycle
def hemicycle(
    allocation: Allocation,
    *,
    index: Any = None,
    ax: Axes | None = None,
    title: str | None = None,
    majorities: Mapping[str, int] | Sequence[int] | None = None,
    legend: bool = True,
) -> Axes:
    """Draw a parliament arch of one allocation: one marker per seat.

    Parameters
    ----------
    allocation : Allocation
        From :func:`electsim.allocate`.
    index : int or tuple, optional
        Which election of a batched allocation (required when batched).
    ax : matplotlib Axes, optional
        Draw here; default a new figure.
    title : str, optional
        Default: the system's name (or its description when unnamed).
    majorities : sequence of int or mapping {label: seats}, optional
        Seat counts to mark with a radial line (exactly that many seats lie to its left).
        Default: the simple and two-thirds majorities of the house,
        :func:`electsim.metrics.majority_threshold` (61 and 80 of 120).  ``()`` for none.
    legend : bool, default True
        A legend ``"SHORT (seats)"`` of the parties with seats.

    Returns
    -------
    matplotlib.axes.Axes
        The seats are one :class:`~matplotlib.collections.EllipseCollection` with gid
        ``"electsim-seats"`` (one offset and face colour per seat, in seat order); majority lines
        and labels carry gid ``"electsim-majority"``.

    Notes
    -----
    Geometry and party order: see the module docstring.  Parties without ``Party.color`` get a
    deterministic fallback colour (tab20, skipping colours already used); unfilled seats
    (:attr:`Allocation.unfilled`) are white and come last.

    Raises
    ------
    ElectsimError
        Not an allocation, a batched allocation without ``index``, or a bad majority.
    """
    seats = _one_seats(allocation, index)
    colors = _assign_colors(allocation.election.parties)
    ax = _new_axes(ax, (7.0, 4.6))
    shown = _draw_hemicycle(ax, allocation, index, seats, colors, majorities, title)
    if legend and shown:
        handles, labels = _legend_handles(shown)
        ax.legend(
            handles,
            labels,
            loc="upper center",
            bbox_to_anchor=(0.5, 0.0),
            ncol=min(len(labels), 4),
            frameon=False,
            fontsize=9,
        )
    return ax


def compare(
    scenarios: Mapping[str, Allocation] | Sequence[tuple[str, Allocation]],
    *,
    ncols: int | None = None,
    figsize: tuple[float, float] | None = None,
) -> Figure:
    """Side-by-side hemicycles of several scenarios with one shared legend.

    Parameters
    ----------
    scenarios : mapping {label: Allocation} or sequence of (label, Allocation)
        Unbatched allocations (select one election of a batch with ``Election.select``).  The
        label is each panel's title.
    ncols : int, optional
        Panels per row (default: all in one row, at most 3).
    figsize : (width, height), optional
        Default: 4.6 x 3.4 inches per panel plus room for the legend.

    Returns
    -------
    matplotlib.figure.Figure
        One axes per scenario, with its seats per party written under the arch.  A party keeps
        its colour in every panel (colours are assigned over all scenarios' parties, by name);
        the figure legend lists every party with seats in some scenario.

    Raises
    ------
    ElectsimError
        No scenarios, a value that is not an unbatched allocation, or a bad ``ncols``.
    """
    import matplotlib.pyplot as plt

    items = list(scenarios.items()) if isinstance(scenarios, Mapping) else list(scenarios)
    if not items:
        raise ElectsimError("compare() needs at least one scenario")
    pairs: list[tuple[str, Allocation, NDArray[np.int64]]] = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise ElectsimError(f"scenario {item!r} must be a (label, Allocation) pair")
        label, alloc = item
        if not _is_result(alloc):
            raise ElectsimError(f"scenario {label!r} is not a result of allocate: {alloc!r}")
        if alloc.batch_shape:
            raise ElectsimError(
                f"scenario {label!r} is batched {alloc.batch_shape}; compare one election each"
            )
        pairs.append((str(label), alloc, _one_seats(alloc, None)))
    n = len(pairs)
    if ncols is None:
        ncols = min(n, 3)
    if isinstance(ncols, bool) or not isinstance(ncols, int) or ncols < 1:
        raise ElectsimError(f"ncols={ncols!r} must be a positive integer")
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    all_parties: list[Party] = []
    seen: set[str] = set()
    for _, alloc, _ in pairs:
        for p in alloc.election.parties:
            if p.name not in seen:
                seen.add(p.name)
                all_parties.append(p)
    colors = _assign_colors(all_parties)
    if figsize is None:
        figsize = (4.6 * ncols, 3.4 * nrows + 0.6)
    fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
    legend: dict[str, tuple[str, str]] = {}  # name -> (short, colour), first appearance
    for k, (label, alloc, seats) in enumerate(pairs):
        ax = axes[k // ncols][k % ncols]
        _draw_hemicycle(ax, alloc, None, seats, colors, None, label)
        counts = []
        for p, s in zip(alloc.election.parties, seats, strict=True):
            if s > 0:
                counts.append(f"{p.short} {int(s)}")
                if p.name not in legend:
                    legend[p.name] = (p.short, colors[p.name])
        lines = [", ".join(counts[j : j + 5]) for j in range(0, len(counts), 5)]
        ax.text(0, -0.06, "\n".join(lines), ha="center", va="top", fontsize=8)
    for k in range(n, nrows * ncols):
        fig.delaxes(axes[k // ncols][k % ncols])
    handles, labels = _legend_handles([(short, c, 0) for short, c in legend.values()])
    fig.legend(
        handles,
        labels,
        loc="lower center",
        ncol=min(len(labels), 5 * ncols),
        frameon=False,
        fontsize=9,
    )
    fig.subplots_adjust(bottom=0.55 / figsize[1] + 0.04, top=0.93, wspace=0.05, hspace=0.25)
    return fig


# ----------------------------------------------------------------------------- step plots
def _party_positions(
    names: Sequence[str], shorts: Sequence[str], parties: Sequence[str | int]
) -> list[int]:
    out = []
    for key in parties:
        if isinstance(key, int | np.integer) and not isinstance(key, bool):
            if not 0 <= int(key) < len(names):
                raise ElectsimError(f"party index {key} is out of range [0, {len(names)})")
            out.append(int(key))
        elif isinstance(key, str) and (key in names or key in shorts):
            out.append(names.index(key) if key in names else list(shorts).index(key))
        else:
            raise ElectsimError(f"party={key!r} is not one of {list(names)}")
    return out


def step_plot(
    step_function: StepFunction | IntegerStepFunction,
    *,
    ax: Axes | None = None,
    parties: Sequence[str | int] | None = None,
) -> Axes:
    """Seats per party against the threshold rate (in %), as exact steps.

    Parameters
    ----------
    step_function : StepFunction or IntegerStepFunction
        From :func:`electsim.sensitivity.threshold_steps` (x: the rate in percent) or
        :func:`electsim.sensitivity.path_steps` (x: the integer intensity).
    ax : matplotlib Axes, optional
    parties : sequence of str or int, optional
        Names, short codes or column indices.  Default: every party with seats on some piece.

    Returns
    -------
    matplotlib.axes.Axes
        One line per party (label: its short code), drawn through the exact endpoints of every
        piece (``float(100 * Fraction)``), and a dotted vertical line at every breakpoint.
        Pieces reduced to a single rate are marked with a dot.
    """
    from .sensitivity.breakpoints import IntegerStepFunction, StepFunction

    ax = _new_axes(ax, (7.0, 4.2))
    if isinstance(step_function, StepFunction):
        names, shorts = step_function.parties, step_function.shorts
        seat_rows = [p.seats for p in step_function.pieces]
        los = [float(p.lo * 100) for p in step_function.pieces]
        his = [float(p.hi * 100) for p in step_function.pieces]
        breaks = [float(b * 100) for b in step_function.breakpoints]
        xlabel = f"{step_function.which} threshold (% of {step_function.base})"
    elif isinstance(step_function, IntegerStepFunction):
        names, shorts = step_function.parties, step_function.shorts
        runs = step_function.intervals()
        seat_rows = [s for _, _, s in runs]
        los = [float(a) for a, _, _ in runs]
        his = [float(b + 1) if b < step_function.t_max else float(b) for _, b, _ in runs]
        breaks = [float(t) for t in step_function.breakpoints]
        xlabel = step_function.label or "t"
    else:
        raise ElectsimError(
            f"step_plot() needs a StepFunction or IntegerStepFunction; got {step_function!r}"
        )
    if parties is None:
        chosen = [i for i in range(len(names)) if any(row[i] for row in seat_rows)]
    else:
        chosen = _party_positions(names, shorts, parties)
    if not chosen:
        raise ElectsimError("no party to plot: no party has seats on any piece")
    own = step_function.colors
    for i in chosen:
        color = own[i] if i < len(own) and own[i] else FALLBACK_COLORS[i % len(FALLBACK_COLORS)]
        xs: list[float] = []
        ys: list[int] = []
        for lo, hi, row in zip(los, his, seat_rows, strict=True):
            xs.extend([lo, hi])
            ys.extend([row[i], row[i]])
        ax.plot(xs, ys, color=color, lw=1.6, label=shorts[i])
        points = [(lo, row[i]) for lo, hi, row in zip(los, his, seat_rows, strict=True) if lo == hi]
        if points:
            ax.plot(*zip(*points, strict=True), ls="none", marker="o", ms=3, color=color)
    for b in breaks:
        ax.axvline(b, color="#999999", lw=0.8, ls=":", zorder=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("seats")
    ax.set_xlim(los[0], his[-1])
    ax.legend(fontsize=8, ncol=2)
    return ax


# ----------------------------------------------------------------------------- heatmap
def _fmt(x: Any) -> str:
    if isinstance(x, float | np.floating):
        return f"{float(x):.3g}"
    return str(x.item() if isinstance(x, np.generic) else x)


def heatmap(
    labelled_array: LabelledArray,
    *,
    ax: Axes | None = None,
    annotate: bool = True,
    cmap: str = "viridis",
) -> Axes:
    """A 2-D labelled array as an image: ``dims[0]`` down the rows, ``dims[1]`` across.

    Parameters
    ----------
    labelled_array : LabelledArray
        Two dimensions, numeric (or boolean) values, e.g. from :func:`electsim.sensitivity.sweep`.
    ax : matplotlib Axes, optional
    annotate : bool, default True
        Write each cell's value in it (3 significant digits for floats).
    cmap : str, default "viridis"

    Returns
    -------
    matplotlib.axes.Axes
        Tick labels are the coordinates, axis labels the dimension names; a colorbar is added
        to the figure.
    """
    from .sensitivity.sweep import LabelledArray

    if not isinstance(labelled_array, LabelledArray):
        raise ElectsimError(f"heatmap() needs a LabelledArray; got {labelled_array!r}")
    if len(labelled_array.dims) != 2:
        raise ElectsimError(f"heatmap() needs 2 dimensions; this array has {labelled_array.dims!r}")
    v = labelled_array.values
    if v.dtype.kind not in "biuf":
        raise ElectsimError(f"heatmap() needs numeric values; got dtype {v.dtype}")
    if v.size == 0:
        raise ElectsimError("heatmap() of an empty array")
    data = v.astype(np.float64)
    ax = _new_axes(ax, (6.4, 4.8))
    im = ax.imshow(data, cmap=cmap, aspect="auto", origin="lower")
    rows, cols = labelled_array.dims
    ax.set_yticks(range(v.shape[0]), [_fmt(c) for c in labelled_array.coords[rows]])
    ax.set_xticks(range(v.shape[1]), [_fmt(c) for c in labelled_array.coords[cols]])
    ax.set_ylabel(rows)
    ax.set_xlabel(cols)
    if annotate:
        finite = data[np.isfinite(data)]
        mid = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for i in range(v.shape[0]):
            for j in range(v.shape[1]):
                dark = bool(np.isfinite(data[i, j]) and data[i, j] < mid)
                ax.text(
                    j,
                    i,
                    _fmt(v[i, j]),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if dark else "black",
                )
    ax.figure.colorbar(im, ax=ax)
    return ax


# ----------------------------------------------------------------------------- Monte Carlo
def seat_distributions(
    result: SimulationResult,
    *,
    parties: Sequence[str | int] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """P(seats = k) per party from a Monte Carlo run, as steps centred on each ``k``.

    Parameters
    ----------
    result : SimulationResult
        From :func:`electsim.simulate`.
    parties : sequence of str or int, optional
        Names, short codes or indices.  Default: every party with seats in some draw.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One step line per party (label ``"SHORT (mean m.m)"``) over the seat counts with
        positive probability for some chosen party (one seat of margin on each side).
    """
    from .simulate import SimulationResult

    if not isinstance(result, SimulationResult):
        raise ElectsimError(f"seat_distributions() needs a SimulationResult; got {result!r}")
    names = [p.name for p in result.parties]
    shorts = [p.short for p in result.parties]
    if parties is None:
        chosen = [i for i in range(len(names)) if result.seats[:, i].any()]
    else:
        chosen = _party_positions(names, shorts, parties)
    if not chosen:
        raise ElectsimError("no party to plot: no party won a seat in any draw")
    colors = _assign_colors(result.parties)
    dists = {i: result.seat_distribution(i) for i in chosen}
    support = np.flatnonzero(np.any([d > 0 for d in dists.values()], axis=0))
    k0 = max(int(support.min()) - 1, 0)
    k1 = min(int(support.max()) + 1, result.house_size)
    ks = np.arange(k0, k1 + 1)
    ax = _new_axes(ax, (7.0, 4.2))
    means = result.mean_seats
    for i, d in dists.items():
        ax.step(
            ks,
            d[k0 : k1 + 1],
            where="mid",
            color=colors[names[i]],
            label=f"{shorts[i]} (mean {means[i]:.1f})",
        )
    ax.set_xlabel("seats")
    ax.set_ylabel("probability")
    ax.set_ylim(bottom=0)
    ax.set_title(f"seat distributions ({result.n:,} draws)")
    ax.legend(fontsize=8)
    return ax


def sobol_plot(
    result: SobolResult, *, output: str | int | None = None, ax: Axes | None = None
) -> Axes:
    """First- and total-order Sobol indices of one output, grouped by parameter.

    Parameters
    ----------
    result : SobolResult
        From :func:`electsim.sensitivity.sobol`.
    output : str or int, optional
        Output name or index; default the first output.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        Two bar containers (labels ``"first order"``, ``"total order"``), one bar per
        parameter each, with error bars from the bootstrap intervals.
    """
    from .sensitivity.sobol import SobolResult

    if not isinstance(result, SobolResult):
        raise ElectsimError(f"sobol_plot() needs a SobolResult; got {result!r}")
    o = 0 if output is None else result._pos(output, 0)[0]
    d = len(result.parameters)
    x = np.arange(d)
    ax = _new_axes(ax, (max(4.0, 1.2 * d + 2), 4.0))
    width = 0.38
    for shift, label, est, interval, color in (
        (-width / 2, "first order", result.first_order, result.first_order_interval, "#4c72b0"),
        (width / 2, "total order", result.total_order, result.total_order_interval, "#dd8452"),
    ):
        e = est[o]
        lo = np.maximum(e - interval[o, :, 0], 0.0)
        hi = np.maximum(interval[o, :, 1] - e, 0.0)
        ax.bar(x + shift, e, width, yerr=np.vstack([lo, hi]), capsize=3, label=label, color=color)
    ax.set_xticks(x, list(result.parameters))
    ax.set_ylabel("Sobol index")
    ax.set_title(
        f"{result.outputs[o]} (n = {result.n}, {round(100 * result.confidence_level)} % intervals)"
    )
    ax.axhline(0, color="black", lw=0.6)
    ax.legend(fontsize=8)
    return ax


_UNITS = {
    "votes": ("votes", "votes"),
    "som": ("som", "cost (som)"),
    "percent": ("percent_of_ballots", "% of ballots"),
}


def tipping_plot(
    points: Sequence[TippingPoint] | Mapping[str, TippingPoint],
    *,
    labels: Sequence[str] | None = None,
    unit: str = "votes",
    ax: Axes | None = None,
) -> Axes:
    """Horizontal bars: how much manipulation each tipping point needs.

    Parameters
    ----------
    points : sequence of TippingPoint, or mapping {label: TippingPoint}
        From :func:`electsim.sensitivity.tipping_point`.
    labels : sequence of str, optional
        One per point; default the mapping's keys or each point's target (``str(target)``).
    unit : {"votes", "som", "percent"}
        Total votes, total cost in som, or votes as % of the national ballots.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
        One bar per point, first at the top, each labelled with its value; a point that is not
        achievable gets no bar and the text ``"not achievable"``.
    """
    from .sensitivity.tipping import TippingPoint

    if unit not in _UNITS:
        raise ElectsimError(f"unit={unit!r} must be one of {sorted(_UNITS)}")
    if isinstance(points, Mapping):
        keys = [str(k) for k in points]
        pts = list(points.values())
    else:
        pts = list(points)
        keys = [str(p.target) if isinstance(p, TippingPoint) else "" for p in pts]
    if not pts:
        raise ElectsimError("tipping_plot() needs at least one tipping point")
    for p in pts:
        if not isinstance(p, TippingPoint):
            raise ElectsimError(f"tipping_plot() needs TippingPoint objects; got {p!r}")
    if labels is not None:
        keys = [str(s) for s in labels]
        if len(keys) != len(pts):
            raise ElectsimError(f"{len(keys)} labels for {len(pts)} tipping points")
    attr, xlabel = _UNITS[unit]
    values = [getattr(p, attr) if p.achievable else None for p in pts]
    y = np.arange(len(pts))[::-1]
    ax = _new_axes(ax, (7.0, 0.5 * len(pts) + 1.2))
    widths = [0.0 if v is None else float(v) for v in values]
    ax.barh(y, widths, color="#4c72b0", height=0.6)
    top = max(widths) if max(widths) > 0 else 1.0
    for yi, v in zip(y, values, strict=True):
        if v is None:
            text = "not achievable"
        elif unit == "percent":
            text = f"{float(v):.3f} %"
        else:
            text = f"{int(v):,}"
        ax.text((0.0 if v is None else float(v)) + 0.01 * top, yi, text, va="center", fontsize=8)
    ax.set_yticks(y, keys)
    ax.set_xlabel(xlabel)
    ax.set_xlim(0, top * 1.2)
    return ax


from ._plotting_audit import audit_sample_sizes  # noqa: E402
from ._plotting_forensics import detectability_plot, digit_plot, fingerprint_plot, power_plot  # noqa: E402
