"""electsim.plotting: structure of the figures (seat markers, colours, labels), not pixels."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import Collection
from matplotlib.colors import to_hex
from matplotlib.container import BarContainer
from matplotlib.figure import Figure

import electsim as es
import electsim.plotting as ep
from electsim.errors import ElectsimError
from electsim.sensitivity import (
    LabelledArray,
    Remove,
    SobolResult,
    Switch,
    fails,
    passes,
    sweep,
    threshold_steps,
    tipping_point,
)

# CEC preliminary results of 5 Oct 2020: 46 / 45 / 16 / 13 (README "Validation").
SEATS_2020 = {"Birimdik": 46, "Mekenim Kyrgyzstan": 45, "Kyrgyzstan": 16, "Butun Kyrgyzstan": 13}


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def law() -> es.ElectoralSystem:
    return es.presets.kyrgyzstan_2020().replace(regional=None)


@pytest.fixture(scope="module")
def a2020(cec: es.Election, law: es.ElectoralSystem) -> es.Allocation:
    return es.allocate(cec, law)


def seats_of(ax: Axes) -> Collection:
    (coll,) = [c for c in ax.collections if c.get_gid() == ep.SEATS_GID]
    return coll


def saves(fig: Figure, path: Path) -> None:
    fig.savefig(path, format="png", dpi=50)
    assert path.stat().st_size > 1000
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------- hemicycle
def test_hemicycle_2020_one_marker_per_seat_in_party_colours(
    a2020: es.Allocation, tmp_path: Path
) -> None:
    ax = ep.hemicycle(a2020)
    coll = seats_of(ax)
    assert len(coll.get_offsets()) == 120
    faces = [to_hex(c) for c in coll.get_facecolors()]
    assert len(faces) == 120
    colour = {p.name: to_hex(p.color) for p in a2020.election.parties if p.color}
    expected = {colour[name]: n for name, n in SEATS_2020.items()}
    assert Counter(faces) == expected
    # contiguous wedges in column order: 46 Birimdik, then 45 Mekenim Kyrgyzstan, ...
    assert faces[:46] == [colour["Birimdik"]] * 46
    assert faces[46:91] == [colour["Mekenim Kyrgyzstan"]] * 45
    assert faces[-13:] == [colour["Butun Kyrgyzstan"]] * 13
    # seats ordered left to right: angles never increase
    xy = np.asarray(coll.get_offsets())
    theta = np.arctan2(xy[:, 1], xy[:, 0])
    assert np.all(np.diff(theta) <= 1e-12)
    assert ax.get_title() == "Kyrgyzstan 2020"
    saves(ax.figure, tmp_path / "h.png")


def test_hemicycle_legend_and_majority_marks(a2020: es.Allocation) -> None:
    ax = ep.hemicycle(a2020)
    legend = ax.get_legend()
    assert legend is not None
    assert [t.get_text() for t in legend.get_texts()] == [
        "BRM (46)",
        "MKK (45)",
        "KYR (16)",
        "BUT (13)",
    ]
    labels = [t.get_text() for t in ax.texts if t.get_gid() == ep.MAJORITY_GID]
    assert labels == ["majority 61", "2/3: 80"]
    lines = [ln for ln in ax.lines if ln.get_gid() == ep.MAJORITY_GID]
    assert len(lines) == 2
    # exactly m seats lie to the left of the mark for m seats (61 of 120, 80 of 120)
    xy = np.asarray(seats_of(ax).get_offsets())
    theta = np.arctan2(xy[:, 1], xy[:, 0])
    for line, m in zip(lines, (61, 80), strict=True):
        angle = math.atan2(line.get_ydata()[-1], line.get_xdata()[-1])
        assert int((theta > angle).sum()) == m


def test_hemicycle_options_and_ax(a2020: es.Allocation) -> None:
    fig, ax = plt.subplots()
    out = ep.hemicycle(a2020, ax=ax, title="T", majorities={"quorum": 40}, legend=False)
    assert out is ax and len(fig.axes) == 1
    assert ax.get_title() == "T" and ax.get_legend() is None
    assert [t.get_text() for t in ax.texts if t.get_gid() == ep.MAJORITY_GID] == ["quorum"]
    ax2 = ep.hemicycle(a2020, majorities=())
    assert not [ln for ln in ax2.lines if ln.get_gid() == ep.MAJORITY_GID]
    with pytest.raises(ElectsimError, match="majority"):
        ep.hemicycle(a2020, majorities=[121])


def test_fallback_colours_are_distinct_and_deterministic() -> None:
    e = es.Election([600, 300, 100], parties=["A", "B", "C"])
    a = es.allocate(e, es.ElectoralSystem(10, "dhondt"))  # 6, 3, 1 (module doctest)
    faces1 = [to_hex(c) for c in seats_of(ep.hemicycle(a)).get_facecolors()]
    faces2 = [to_hex(c) for c in seats_of(ep.hemicycle(a)).get_facecolors()]
    assert faces1 == faces2
    assert sorted(Counter(faces1).values()) == [1, 3, 6]
    assert ep.hemicycle(a).get_title() == "10 seats, dhondt, ties: raise"  # unnamed system


def test_unfilled_seats_are_drawn() -> None:
    # nobody reaches 50 %: all 10 seats unfilled, still 10 markers
    e = es.Election([400, 300, 300], parties=["A", "B", "C"])
    a = es.allocate(e, es.ElectoralSystem(10, "hare", national=es.Threshold("50%")))
    ax = ep.hemicycle(a)
    assert len(seats_of(ax).get_offsets()) == 10
    assert {to_hex(c) for c in seats_of(ax).get_facecolors()} == {ep.UNFILLED_COLOR}


def test_hemicycle_batched_needs_index(cec: es.Election, law: es.ElectoralSystem) -> None:
    votes = np.stack([cec.votes, cec.votes])  # (2, R, P)
    batch = es.allocate(cec.replace(votes=votes), law)
    with pytest.raises(ElectsimError, match="index"):
        ep.hemicycle(batch)
    ax = ep.hemicycle(batch, index=1)
    assert len(seats_of(ax).get_offsets()) == 120
    with pytest.raises(ElectsimError):
        ep.hemicycle("not an allocation")  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [1, 2, 7, 12, 13, 54, 90, 101, 120, 300, 650])
def test_geometry_any_house(n: int) -> None:
    xy, theta, diam = ep._seat_positions(n)
    assert xy.shape == (n, 2) and diam > 0
    assert np.all(np.diff(theta) <= 1e-12)
    if n > 1:  # no two seats overlap
        d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
        assert d[~np.eye(n, dtype=bool)].min() >= diam - 1e-9


# --------------------------------------------------------------------------- compare
def test_compare_one_axes_per_scenario(
    cec: es.Election, law: es.ElectoralSystem, a2020: es.Allocation, tmp_path: Path
) -> None:
    scenarios = {
        "2020 law": a2020,
        "5 %": es.allocate(cec, law.replace(national=es.Threshold("5%"))),
        "3 %": es.allocate(cec, law.replace(national=es.Threshold("3%"))),
    }
    fig = ep.compare(scenarios)
    assert [ax.get_title() for ax in fig.axes] == ["2020 law", "5 %", "3 %"]
    for ax, alloc in zip(fig.axes, scenarios.values(), strict=True):
        faces = [to_hex(c) for c in seats_of(ax).get_facecolors()]
        assert len(faces) == 120
        # a party keeps its colour across panels
        for p, s in zip(alloc.election.parties, alloc.seats, strict=True):
            if p.color:
                assert faces.count(to_hex(p.color)) == s
    (legend,) = fig.legends
    texts = [t.get_text() for t in legend.get_texts()]
    assert texts[:4] == ["BRM", "MKK", "KYR", "BUT"]
    assert len(texts) == int((scenarios["3 %"].seats > 0).sum())  # 3 %: a superset
    saves(fig, tmp_path / "c.png")
    fig2 = ep.compare(list(scenarios.items()), ncols=2)
    assert len(fig2.axes) == 3


def test_compare_bad_input(cec: es.Election, law: es.ElectoralSystem) -> None:
    with pytest.raises(ElectsimError, match="at least one"):
        ep.compare({})
    with pytest.raises(ElectsimError, match="at least one"):
        ep.compare([])
    batch = es.allocate(cec.replace(votes=np.stack([cec.votes, cec.votes])), law)
    with pytest.raises(ElectsimError, match="batched"):
        ep.compare({"b": batch})
    with pytest.raises(ElectsimError, match="not a result of allocate"):
        ep.compare({"x": 3})  # type: ignore[dict-item]
    with pytest.raises(ElectsimError, match="ncols"):
        ep.compare({"a": es.allocate(cec, law)}, ncols=0)


# --------------------------------------------------------------------------- step plot
def test_step_plot(cec: es.Election, law: es.ElectoralSystem, tmp_path: Path) -> None:
    sf = threshold_steps(cec, law, lo="5%", hi="9%")
    ax = ep.step_plot(sf)
    assert ax.get_xlabel() == "national threshold (% of ballots)"
    assert ax.get_ylabel() == "seats"
    named = {ln.get_label(): ln for ln in ax.lines if not ln.get_label().startswith("_")}
    shown = [s for i, s in enumerate(sf.shorts) if any(p.seats[i] for p in sf.pieces)]
    assert list(named) == shown and "MCH" in named
    legend = ax.get_legend()
    assert legend is not None and [t.get_text() for t in legend.get_texts()] == shown
    # Mekenchil: 136,276 of 1,990,753 ballots; it passes up to that rate, then has 0 seats
    crit = float(Fraction(136_276, 1_990_753) * 100)
    x = np.asarray(named["MCH"].get_xdata(), dtype=float)
    y = np.asarray(named["MCH"].get_ydata())
    assert np.any(np.isclose(x, crit, rtol=0, atol=1e-12))
    assert y[-1] == 0 and y[0] > 0
    dotted = [ln for ln in ax.lines if ln.get_linestyle() == ":"]
    assert len(dotted) == len(sf.breakpoints)
    assert any(np.isclose(ln.get_xdata()[0], crit, atol=1e-12) for ln in dotted)
    ax2 = ep.step_plot(sf, parties=["Birimdik", "BUT", 2])
    assert [ln.get_label() for ln in ax2.lines if not ln.get_label().startswith("_")] == [
        "BRM",
        "BUT",
        "KYR",
    ]
    saves(ax.figure, tmp_path / "s.png")
    with pytest.raises(ElectsimError):
        ep.step_plot(sf, parties=["nobody"])
    with pytest.raises(ElectsimError):
        ep.step_plot("x")  # type: ignore[arg-type]
    _fig, own = plt.subplots()
    assert ep.step_plot(sf, ax=own) is own


# --------------------------------------------------------------------------- heatmap
def test_heatmap(tmp_path: Path) -> None:
    la = LabelledArray(
        ("rate", "budget"), {"rate": [5, 7], "budget": [0, 1, 2]}, [[1, 2, 3], [4, 5, 6]]
    )
    fig, ax = plt.subplots()
    assert ep.heatmap(la, ax=ax) is ax
    assert ax.get_ylabel() == "rate" and ax.get_xlabel() == "budget"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "7"]
    assert sorted(t.get_text() for t in ax.texts) == ["1", "2", "3", "4", "5", "6"]
    assert len(fig.axes) == 2  # the colorbar
    (im,) = ax.images
    assert np.array_equal(np.asarray(im.get_array()), [[1, 2, 3], [4, 5, 6]])
    saves(fig, tmp_path / "hm.png")
    assert not ep.heatmap(la, annotate=False).texts

    # a real sweep: seats of B (module example of electsim.sensitivity.sweep)
    def seats_b(b: np.ndarray, s: np.ndarray) -> np.ndarray:
        v = np.stack(np.broadcast_arrays(600, b, 100), axis=-1)[..., None, :]
        return (
            es.allocate(
                es.Election(v), es.ElectoralSystem(5, "dhondt", tie_break="lowest_index")
            ).seats[..., 1]
            + 0 * s
        )

    grid = sweep(seats_b, vectorized=True, b=[100, 300, 400, 600], s=[0, 1])
    ax3 = ep.heatmap(grid)
    assert [t.get_text() for t in ax3.texts] == ["0", "0", "1", "1", "2", "2", "2", "2"]


def test_heatmap_bad_input() -> None:
    with pytest.raises(ElectsimError, match="2 dimensions"):
        ep.heatmap(LabelledArray(("t",), {"t": [1, 2]}, [3, 4]))
    with pytest.raises(ElectsimError, match="LabelledArray"):
        ep.heatmap(np.zeros((2, 2)))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- Monte Carlo
def test_seat_distributions(cec: es.Election, law: es.ElectoralSystem, tmp_path: Path) -> None:
    res = es.simulate(
        cec, law.replace(tie_break="lowest_index"), 400, uncertainty=es.Multinomial(), rng=3
    )
    ax = ep.seat_distributions(res, parties=["Birimdik", "MCH"])
    assert ax.get_xlabel() == "seats" and ax.get_ylabel() == "probability"
    labels = [ln.get_label() for ln in ax.lines]
    assert [s.split(" ")[0] for s in labels] == ["BRM", "MCH"]
    for ln, key in zip(ax.lines, ["Birimdik", "Mekenchil"], strict=True):
        k = np.asarray(ln.get_xdata(), dtype=int)
        p = np.asarray(ln.get_ydata(), dtype=float)
        assert np.allclose(p, res.seat_distribution(key)[k])
    birimdik = np.asarray(ax.lines[0].get_ydata(), dtype=float)
    assert math.isclose(birimdik.sum(), 1.0)  # the whole support is drawn
    saves(ax.figure, tmp_path / "sd.png")
    default = ep.seat_distributions(res)
    assert len(default.lines) == int((res.seats.max(axis=0) > 0).sum())
    _fig, own = plt.subplots()
    assert ep.seat_distributions(res, ax=own) is own
    with pytest.raises(ElectsimError):
        ep.seat_distributions(res, parties=["nobody"])


def _sobol() -> SobolResult:
    fo = np.array([[0.6, 0.1, 0.0], [0.2, 0.2, 0.2]])
    to = np.array([[0.8, 0.2, 0.05], [0.3, 0.3, 0.3]])
    return SobolResult(
        outputs=("BRM seats", "MCH seats"),
        parameters=("threshold", "budget", "turnout"),
        first_order=fo,
        total_order=to,
        first_order_interval=np.stack([fo - 0.1, fo + 0.05], axis=-1),
        total_order_interval=np.stack([to - 0.02, to + 0.2], axis=-1),
        mean=np.zeros(2),
        variance=np.ones(2),
        variance_interval=np.ones((2, 2)),
        n=64,
        confidence_level=0.95,
        n_resamples=99,
    )


def test_sobol_plot(tmp_path: Path) -> None:
    ax = ep.sobol_plot(_sobol())
    first, total = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert first.get_label() == "first order" and total.get_label() == "total order"
    assert [round(b.get_height(), 9) for b in first] == [0.6, 0.1, 0.0]
    assert [round(b.get_height(), 9) for b in total] == [0.8, 0.2, 0.05]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["threshold", "budget", "turnout"]
    assert ax.get_ylabel() == "Sobol index" and ax.get_title().startswith("BRM seats")
    # error bars from the intervals: the first-order bar of "threshold" spans [0.5, 0.65]
    (segments,) = [c for c in ax.collections if len(c.get_segments()) == 3][:1]
    seg = segments.get_segments()[0]
    assert np.allclose(sorted(seg[:, 1]), [0.5, 0.65])
    ax2 = ep.sobol_plot(_sobol(), output="MCH seats")
    assert ax2.get_title().startswith("MCH seats")
    saves(ax.figure, tmp_path / "so.png")
    with pytest.raises(ElectsimError):
        ep.sobol_plot(_sobol(), output="nobody")


# --------------------------------------------------------------------------- tipping
def test_tipping_plot(cec: es.Election, law: es.ElectoralSystem, tmp_path: Path) -> None:
    # tests/sensitivity/test_tipping.py, by hand: Mekenchil passes with 3,077 switched votes; Butun
    # Kyrgyzstan fails with 2,588 invalidated ballots.
    a = tipping_point(
        cec, law, passes("Mekenchil"), [Switch("Mekenchil", sources="Birimdik", cost_som=2000)]
    )
    b = tipping_point(
        cec, law, fails("Butun Kyrgyzstan"), [Remove("Butun Kyrgyzstan", invalidate=True)]
    )
    ax = ep.tipping_plot([a, b])
    widths = [p.get_width() for p in ax.patches]
    assert widths == [3077, 2588]
    assert ax.patches[0].get_y() > ax.patches[1].get_y()  # first point at the top
    assert [t.get_text() for t in ax.get_yticklabels()] == [str(a.target), str(b.target)]
    assert [t.get_text() for t in ax.texts] == ["3,077", "2,588"]
    assert ax.get_xlabel() == "votes"
    saves(ax.figure, tmp_path / "tp.png")
    ax2 = ep.tipping_plot({"MCH in": a}, unit="som")
    assert [p.get_width() for p in ax2.patches] == [3077 * 2000]
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["MCH in"]
    _fig, own = plt.subplots()
    assert ep.tipping_plot([a], labels=["x"], unit="percent", ax=own) is own
    assert own.texts[0].get_text() == f"{100 * 3077 / 1_990_753:.3f} %"
    with pytest.raises(ElectsimError):
        ep.tipping_plot([])
    with pytest.raises(ElectsimError):
        ep.tipping_plot([a], unit="dollars")
    with pytest.raises(ElectsimError):
        ep.tipping_plot([a], labels=["x", "y"])


# --------------------------------------------------------------------------- import cost
def test_import_electsim_does_not_load_matplotlib() -> None:
    code = "import sys, electsim; print('matplotlib' in sys.modules)"
    env = dict(os.environ, MPLBACKEND="Agg")
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == "False"


def test_step_plot_uses_the_parties_own_colours() -> None:
    # the same colour for a party in the step plot as in the hemicycle
    e = es.datasets.kyrgyzstan_2020()
    law = es.presets.kyrgyzstan_2020().replace(regional=None, tie_break="lowest_index")
    steps = es.sensitivity.threshold_steps(e, law, lo="5%", hi="8%")
    ax = ep.step_plot(steps)
    by_label = {line.get_label(): to_hex(line.get_color()) for line in ax.get_lines()}
    for p in e.parties[:5]:
        assert p.color is not None
        assert by_label[p.short] == to_hex(p.color)
    plt.close(ax.figure)
