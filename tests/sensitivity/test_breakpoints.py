"""Exact step functions of thresholds and manipulation paths, against brute force.

The reference everywhere is independent of the code under test: ``allocate`` called at one rate
(or one intensity) at a time, on an election built by hand.  Hand-checked numbers on the 2020
CEC figures (1,990,753 voters took part; https://for.kg/news-669682-ru.html):

* Butun Kyrgyzstan 141,940 and Mekenchil 136,276 votes: critical rates 141,940 / 1,990,753
  = 7.1300 % and 136,276 / 1,990,753 = 6.8454 % of ballots; at 7 % the parliament is
  46/45/16/13 (the published composition).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, Threshold, allocate
from electsim.errors import ElectsimError, MissingDataError, ShapeMismatchError, TieError
from electsim.manipulation import BoughtVotes
from electsim.sensitivity.breakpoints import (
    IntegerStepFunction,
    StepFunction,
    add_path,
    path_steps,
    remove_path,
    switch_path,
    threshold_steps,
)

from _support import REPO_ROOT, run_script

EPS = Fraction(1, 10**12)
BALLOTS_2020 = 1_990_753
EXAMPLE = REPO_ROOT / "examples" / "threshold_reform.py"


# ----------------------------------------------------------------------------- references
def brute_rate(
    e: Election, s: ElectoralSystem, which: str, rate: Fraction, base: str, inclusive: bool
) -> tuple[int, ...]:
    """Seats at one rate, by one plain allocate call."""
    sys_ = s.replace(**{which: Threshold(rate, base=base, inclusive=inclusive)})  # type: ignore[arg-type]
    return tuple(int(x) for x in allocate(e, sys_).seats)


def check_step_function(
    f: StepFunction,
    e: Election,
    s: ElectoralSystem,
    which: str,
    base: str,
    inclusive: bool,
    grid: int = 60,
) -> None:
    """Tiling, maximality, and agreement with brute force on a grid and around every candidate."""
    lo, hi = f.lo, f.hi
    ps = f.pieces
    # the pieces tile [lo, hi]: contiguous, each inner endpoint in exactly one piece
    assert ps[0].lo == lo and ps[0].lo_closed and ps[-1].hi == hi and ps[-1].hi_closed
    for a, b in itertools.pairwise(ps):
        assert a.hi == b.lo and a.hi_closed != b.lo_closed
        assert a.seats != b.seats  # merged: adjacent pieces differ
    # brute force on a grid of rates
    probes = {lo + (hi - lo) * Fraction(k, grid) for k in range(grid + 1)}
    # every candidate breakpoint (each party's critical rate, computed here independently),
    # and "one vote" either side: (v - 1) / B and (v + 1) / B
    if which == "national":
        v = e.national_votes.tolist()
        B = int(e.base(base))
        cands = [(Fraction(x, B), [Fraction(x + d, B) for d in (-1, 1)]) for x in v] if B else []
    else:
        cands = []
        vb = e.base(base, national=False)
        for p in range(e.n_parties):
            rs = [
                (int(e.votes[r, p]), int(vb[r]))
                for r in range(e.n_regions)
                if e.regions[r].in_regional_threshold and int(vb[r]) > 0
            ]
            if rs:
                x, br = min(rs, key=lambda t: Fraction(t[0], t[1]))
                cands.append((Fraction(x, br), [Fraction(x + d, br) for d in (-1, 1)]))
    for c, votes_pm in cands:
        probes |= {c, c - EPS, c + EPS, *votes_pm}
    probes |= {bp + d for bp in f.breakpoints for d in (-EPS, 0, EPS)}
    for r in sorted(probes):
        if lo <= r <= hi:
            assert f.at(r).seats == brute_rate(e, s, which, r, base, inclusive), float(r)
    # each breakpoint is a real step: the seats differ on its two sides
    # (a breakpoint may be lo or hi itself: a party with 0 votes passes only at rate 0)
    for bp in f.breakpoints:
        at = brute_rate(e, s, which, bp, base, inclusive)
        left = brute_rate(e, s, which, bp - EPS, base, inclusive) if bp - EPS >= lo else None
        right = brute_rate(e, s, which, bp + EPS, base, inclusive) if bp + EPS <= hi else None
        assert left != right
        # the rule decides the side the breakpoint itself belongs to
        if inclusive and left is not None:
            assert at == left and at != right
        if not inclusive and right is not None:
            assert at == right and at != left


def random_election(rng: np.random.Generator, regions: int, scale: int = 0) -> Election:
    P = int(rng.integers(2, 7))
    scale = scale or int(rng.choice([10, 100, 10_000]))
    votes = rng.integers(0, scale, size=(regions, P))
    votes[:, 0] += 1  # someone has votes
    aa = rng.integers(0, scale // 5 + 1, size=regions)
    inv = rng.integers(0, scale // 5 + 1, size=regions)
    ballots = votes.sum(axis=1) + aa + inv
    reg = ballots + rng.integers(0, scale, size=regions)
    names = [es.Region(f"R{i}") for i in range(regions)]
    if regions > 1 and rng.random() < 0.5:
        names[-1] = es.Region("Abroad", in_regional_threshold=False)
    return Election(votes, aa, inv, reg, parties=[f"P{i}" for i in range(P)], regions=names)


# ----------------------------------------------------------------------------- random tests
@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("base", ["ballots", "valid", "party_votes", "registered"])
def test_national_steps_equal_brute_force(seed: int, base: str) -> None:
    rng = np.random.default_rng(seed)
    e = random_election(rng, int(rng.integers(1, 4)))
    method = str(rng.choice(["hare", "dhondt", "sainte_lague", "droop"]))
    cap = int(rng.integers(3, 8)) if rng.random() < 0.3 else None
    s = ElectoralSystem(int(rng.integers(3, 15)), method, cap=cap, tie_break="lowest_index")
    inclusive = bool(seed % 2)
    lo, hi = Fraction(0), Fraction(int(rng.integers(20, 101)), 100)
    f = threshold_steps(e, s, lo=lo, hi=hi, base=base, inclusive=inclusive)
    check_step_function(f, e, s, "national", base, inclusive)
    f2 = threshold_steps(e, s, lo=lo, hi=hi, base=base, inclusive=inclusive, merge=False)
    assert len(f2.pieces) >= len(f.pieces)
    for p in f2.pieces:  # unmerged pieces: constant eligible set, checked at the midpoint
        r = (p.lo + p.hi) / 2
        sys_ = s.replace(national=Threshold(r, base=base, inclusive=inclusive))  # type: ignore[arg-type]
        assert p.eligible == tuple(bool(x) for x in allocate(e, sys_).eligible)


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("base", ["ballots", "valid"])
def test_regional_steps_equal_brute_force(seed: int, base: str) -> None:
    rng = np.random.default_rng(100 + seed)
    e = random_election(rng, int(rng.integers(2, 5)))
    national = Threshold(Fraction(int(rng.integers(0, 10)), 100)) if seed % 3 == 0 else None
    s = ElectoralSystem(int(rng.integers(3, 15)), "hare", national=national, tie_break="most_votes")
    inclusive = bool(seed % 2)
    f = threshold_steps(e, s, which="regional", lo="0%", hi="40%", base=base, inclusive=inclusive)
    check_step_function(f, e, s, "regional", base, inclusive)


def test_inner_range_and_point_range() -> None:
    e = Election([50, 30, 20], parties="ABC")  # party_votes = valid = ballots = 100
    s = ElectoralSystem(10, "hare")
    f = threshold_steps(e, s, lo="20%", hi="30%")
    # C's critical rate 20/100 is lo: inclusive, it passes at exactly 20 % only
    # at 20 %: Hare 10 seats on 100 votes: 5/3/2; above: A, B on 80: 6.25 -> 6, 3.75 -> 4
    assert [(p.lo, p.hi, p.lo_closed, p.hi_closed, p.seats) for p in f.pieces] == [
        (Fraction(1, 5), Fraction(1, 5), True, True, (5, 3, 2)),
        (Fraction(1, 5), Fraction(3, 10), False, True, (6, 4, 0)),
    ]
    g = threshold_steps(e, s, lo="20%", hi="30%", inclusive=False)
    # strict: C needs more than 20 votes, so it never passes; B's 30 % = hi fails at hi
    assert [(p.lo, p.hi, p.lo_closed, p.hi_closed, p.seats) for p in g.pieces] == [
        (Fraction(1, 5), Fraction(3, 10), True, False, (6, 4, 0)),
        (Fraction(3, 10), Fraction(3, 10), True, True, (10, 0, 0)),
    ]
    point = threshold_steps(e, s, lo="25%", hi="25%")
    assert len(point.pieces) == 1 and point.breakpoints == () and point.at("25%").seats == (6, 4, 0)
    with pytest.raises(ElectsimError, match="outside"):
        point.at("26%")


def test_bad_input() -> None:
    e = Election([50, 30, 20], parties="ABC")
    s = ElectoralSystem(10, "hare")
    with pytest.raises(ShapeMismatchError):
        threshold_steps(Election([[[5, 3]], [[1, 9]]]), s)
    with pytest.raises(ElectsimError, match="lo"):
        threshold_steps(e, s, lo="10%", hi="5%")
    with pytest.raises(ElectsimError, match="which"):
        threshold_steps(e, s, which="local")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="base"):
        threshold_steps(e, s, base="voters")
    with pytest.raises(MissingDataError):
        threshold_steps(e, s, which="regional")
    with pytest.raises(MissingDataError):
        threshold_steps(e, s, base="registered")
    with pytest.raises(ElectsimError, match="t_max"):
        path_steps(e, s, add_path(e, "A"), -1)
    with pytest.raises(ElectsimError, match="exceeds"):
        path_steps(e, s, remove_path(e, "C"), 21)
    with pytest.raises(ElectsimError, match="differ"):
        switch_path(e, "A", "A")
    with pytest.raises(ElectsimError, match="must return"):
        path_steps(e, s, lambda t: 3, 5)
    with pytest.raises(ShapeMismatchError):
        path_steps(e, s, lambda t: e, 5)


# ----------------------------------------------------------------------------- 2020 data
@pytest.fixture(scope="module")
def law() -> ElectoralSystem:
    return es.presets.kyrgyzstan_2020().replace(tie_break="lowest_index")


@pytest.mark.parametrize("base", ["ballots", "valid"])
def test_2020_national_steps(cec: Election, law: ElectoralSystem, base: str) -> None:
    s = law.replace(regional=None)
    f = threshold_steps(cec, s, base=base)
    check_step_function(f, cec, s, "national", base, True, grid=300)
    assert f.lo == 0 and f.hi == Fraction(15, 100)
    if base == "ballots":
        assert f.at("7%").seats[:5] == (46, 45, 16, 13, 0)  # the published parliament
        assert sum(f.at("7%").seats) == 120
        piece = f.at("7%")
        # hand check: the nearest breakpoints are Mekenchil's and Butun Kyrgyzstan's critical
        # rates, 136,276 / 1,990,753 = 6.845 % and 141,940 / 1,990,753 = 7.130 %
        assert (piece.lo, piece.hi) == (
            Fraction(136_276, BALLOTS_2020),
            Fraction(141_940, BALLOTS_2020),
        )
        assert (piece.lo_closed, piece.hi_closed) == (False, True)  # inclusive rule
        # at exactly 141,940 / 1,990,753 Butun Kyrgyzstan still passes; just above it does not
        assert f.at(Fraction(141_940, BALLOTS_2020)).seats[3] == 13
        assert f.at(Fraction(141_941, BALLOTS_2020)).seats[3] == 0
    assert len(f.breakpoints) == 12  # 14 parties that win a seat at 0 %: 2 never, 12 drop out
    if base == "ballots":
        assert "(6.8454%, 7.1300%]    46  45  16  13   0" in str(f)


def test_2020_regional_data(law: ElectoralSystem) -> None:
    e = es.datasets.kyrgyzstan_2020_regions("1.5%")
    f = threshold_steps(e, law)
    check_step_function(f, e, law, "national", "ballots", True, grid=100)
    # 46/44/16/14 at 7 % of ballots with 1.5 % invalid assumed (Kloop file, by hand)
    assert f.at("7%").seats[:4] == (46, 44, 16, 14)
    g = threshold_steps(e, law.replace(national=None), which="regional", hi="3%")
    check_step_function(g, e, law.replace(national=None), "regional", "ballots", True, grid=100)
    h = threshold_steps(e, law, which="regional", hi="3%")
    check_step_function(h, e, law, "regional", "ballots", True, grid=50)
    assert h.at("0.7%").seats[:4] == (46, 44, 16, 14)


def test_records_and_str(cec: Election, law: ElectoralSystem) -> None:
    f = threshold_steps(cec, law.replace(regional=None), lo="6%", hi="8%")
    recs = f.to_records()
    assert len(recs) == 3
    assert recs[1]["lo"] == Fraction(136_276, BALLOTS_2020)
    assert recs[1]["seats"]["BUT"] == 13 and "MCH" not in recs[1]["eligible"]
    assert abs(recs[1]["hi_percent"] - 100 * 141_940 / 1_990_753) < 1e-12  # 7.12997 %
    assert f.critical[4] == Fraction(136_276, BALLOTS_2020)


# ----------------------------------------------------------------------------- paths
def brute_path_seats(
    e: Election, s: ElectoralSystem, votes_at_t: np.ndarray, invalid: object = None
) -> tuple[int, ...]:
    inv = e.invalid if invalid is None else invalid
    one = Election(votes_at_t, e.against_all, inv, e.registered, e.parties, e.regions)  # type: ignore[arg-type]
    return tuple(int(x) for x in allocate(one, s).seats)


def check_path(f: IntegerStepFunction, seats_at: object, sample: list[int]) -> None:
    at = seats_at  # callable t -> seats, brute force
    assert f.at(f.t_min) == at(f.t_min)  # type: ignore[operator]
    for c in f.changes:
        assert at(c.t - 1) == c.before and at(c.t) == c.after  # type: ignore[operator]
        assert c.before != c.after
    for t in sample:
        assert f.at(t) == at(t)  # type: ignore[operator]


@pytest.mark.parametrize("seed", range(8))
def test_paths_equal_brute_force_small(seed: int) -> None:
    rng = np.random.default_rng(200 + seed)
    e = random_election(rng, 1, scale=int(rng.choice([10, 100]))).replace(
        registered=None
    )  # adding ballots may exceed it
    P = e.n_parties
    s = ElectoralSystem(
        int(rng.integers(3, 12)),
        str(rng.choice(["hare", "dhondt"])),
        national=Threshold(Fraction(int(rng.integers(1, 20)), 100)),
        tie_break="lowest_index",
    )
    k, b = rng.choice(P, size=2, replace=False).tolist()
    v0 = e.votes.copy()
    avail = int(v0[0, k])
    for kind in ("switch", "add", "remove", "invalidate"):
        if kind == "switch":
            path, t_max = switch_path(e, k, b), avail
        elif kind == "add":
            path, t_max = add_path(e, b), 3 * int(e.national_ballots) + 5
        else:
            path, t_max = remove_path(e, k, invalidate=kind == "invalidate"), avail

        def seats_at(t: int, kind: str = kind) -> tuple[int, ...]:
            v = v0.copy()
            inv: object = e.invalid
            if kind == "switch":
                v[0, k] -= t
                v[0, b] += t
            elif kind == "add":
                v[0, b] += t
            else:
                v[0, k] -= t
                if kind == "invalidate":
                    inv = np.asarray(e.invalid) + t
            return brute_path_seats(e, s, v, invalid=inv)

        f = path_steps(e, s, path, t_max, chunk=int(rng.choice([1, 7, 64, 100_000])))
        assert f.evaluated == t_max + 1
        sample = sorted(set(rng.integers(0, t_max + 1, size=15).tolist()) | {t_max})
        check_path(f, seats_at, sample)
        # exhaustive brute force on the whole (small) range when affordable
        if t_max <= 400:
            for t in range(t_max + 1):
                assert f.at(t) == seats_at(t)


def test_regional_switch_split_is_exact() -> None:
    e = es.datasets.kyrgyzstan_2020_regions("1.5%")
    p = switch_path(e, "Mekenchil", "Butun Kyrgyzstan")
    t = np.arange(0, 50_001, 997)
    d = p.split(t)
    assert (d.sum(axis=1) == t).all()
    mch = e.votes[:, e.party_index("Mekenchil")]
    assert (d <= mch).all() and (d >= 0).all()
    # proportional: within one vote of the exact quota t * v_r / V
    quota = t[:, None] * mch[None, :] / mch.sum()
    assert (np.abs(d - quota) < 1).all()
    batch = p(t)
    assert (batch.votes.sum(axis=-1) == e.votes.sum(axis=-1)).all()  # ballots unchanged
    one = switch_path(e, "Mekenchil", "Butun Kyrgyzstan", region=0)(np.array([7]))
    assert int(one.votes[0, 0, 4]) == int(e.votes[0, 4]) - 7
    assert int(one.votes[0, 1, 4]) == int(e.votes[1, 4])


def test_2020_add_ballots_for_mekenchil(cec: Election, law: ElectoralSystem) -> None:
    s = law.replace(regional=None)
    f = path_steps(cec, s, add_path(cec, "Mekenchil"), 40_000)
    # Mekenchil passes when 136,276 + t >= 0.07 (1,990,753 + t), i.e. 93 t >= 307,671,
    # t >= 3,308.29 -> t = 3,309.  Butun Kyrgyzstan fails when 141,940 < 0.07 (1,990,753 + t),
    # i.e. 7 t > 258,729, t > 36,961.3 -> t = 36,962.
    assert f.breakpoints[0] == 3_309
    assert f.changes[0].before[:5] == (46, 45, 16, 13, 0) and f.changes[0].after[4] > 0
    assert 36_962 in f.breakpoints
    c = next(c for c in f.changes if c.t == 36_962)
    assert c.before[3] == 12 and c.after[3] == 0
    base = cec.votes.copy()

    def seats_at(t: int) -> tuple[int, ...]:
        v = base.copy()
        v[0, 4] += t
        return brute_path_seats(cec, s, v)

    check_path(f, seats_at, [0, 3_308, 3_309, 20_000, 40_000])


def test_2020_switch_butun_to_mekenchil_with_a_perturbation(
    cec: Election, law: ElectoralSystem
) -> None:
    s = law.replace(regional=None)
    f = path_steps(cec, s, switch_path(cec, "Butun Kyrgyzstan", "Mekenchil"), 6_000)
    # 7 % of 1,990,753 = 139,352.71 (unchanged: a switch keeps the ballots).
    # Butun Kyrgyzstan fails once 141,940 - t < 139,352.71: t >= 2,588;
    # Mekenchil passes once 136,276 + t >= 139,352.71: t >= 3,077.
    assert f.breakpoints[:2] == (2_588, 3_077)
    assert f.changes[0].after[3] == 0 and f.changes[0].after[4] == 0
    assert f.changes[1].after[4] > 0
    # the same path through a manipulation model (BoughtVotes, exact expected mode)
    g = path_steps(
        cec,
        s,
        lambda t: BoughtVotes("Mekenchil", total=t, sources=["Butun Kyrgyzstan"], mode="expected"),
        6_000,
        chunk=1_000,
    )
    assert g.changes == f.changes and g.initial == f.initial


def test_path_ties_reported_and_raised(cec: Election) -> None:
    raising = es.presets.kyrgyzstan_2020().replace(regional=None)
    path = add_path(cec, "Mekenchil")
    with pytest.raises(TieError, match="t = "):
        path_steps(cec, raising, path, 210_000)
    f = path_steps(cec, raising.replace(tie_break="lowest_index"), path, 210_000)
    assert 203_910 in f.tied  # the first tie on this path (found by the exhaustive scan)
    assert "change(s)" in str(f) and f.to_records()[0]["t_last"] == 3_308


# ----------------------------------------------------------------------------- example
def test_example_runs() -> None:
    proc = run_script(EXAMPLE, timeout=300, warnings_as_errors=False)
    out = proc.stdout
    # the published 46/45/16/13 on (136,276/1,990,753, 141,940/1,990,753] = (6.8454%, 7.1300%]
    assert "(6.8454%, 7.1300%]    46  45  16  13" in out
    # on the precinct data with 1.5 % invalid: 46/44/16/14 at 7 % (Kloop file, by hand)
    assert " 46  44  16  14" in out


def test_2020_regional_switch_path(law: ElectoralSystem) -> None:
    e = es.datasets.kyrgyzstan_2020_regions("1.5%")
    path = switch_path(e, "Mekenchil", "Butun Kyrgyzstan")
    f = path_steps(e, law, path, 30_000, chunk=4_096)

    def seats_at(t: int) -> tuple[int, ...]:  # one election at a time
        return tuple(int(x) for x in allocate(path(np.array([t])), law).seats[0])

    check_path(f, seats_at, [0, 12_345, 30_000])
    assert f.initial[:4] == (46, 44, 16, 14)


def test_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "breakpoints.json"
    script = REPO_ROOT / "benchmarks" / "breakpoints.py"
    run_script(script, "--repeat", "1", "--path-t-max", "4000", "--out", str(out))
    import json

    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["machine"]["cpu_model"] and data["machine"]["numpy"] == np.__version__
    first = data["results"][0]
    assert first["pieces"] == 13 and "141940/1990753" in first["breakpoints"]
    assert data["results"][-1]["first_change"] == 3_309  # 93 t >= 307,671 (see above)


def test_piece_membership_at_open_and_closed_ends() -> None:
    from electsim.sensitivity.breakpoints import Piece

    lo, hi = Fraction(1, 10), Fraction(2, 10)
    open_lo = Piece(lo, hi, False, True, (1,), (True,))
    assert lo not in open_lo and Fraction(3, 20) in open_lo and hi in open_lo
    assert Fraction(21, 100) not in open_lo and Fraction(9, 100) not in open_lo
    closed_lo = Piece(lo, hi, True, False, (1,), (True,))
    assert lo in closed_lo and hi not in closed_lo
    point = Piece(lo, lo, True, True, (1,), (True,))
    assert lo in point and Fraction(3, 20) not in point
    assert 0.15 not in open_lo  # floats are not exact rates: never "in"
    assert 0 in Piece(Fraction(0), lo, True, False, (1,), (True,))


def test_regional_steps_with_a_tested_region_without_ballots() -> None:
    # Region "Empty" is in the regional test but has no ballots: its base is 0, so it never
    # depends on the rate (every party passes there); the critical rates come from "North":
    # A 60/100, B 30/100, C 10/100 of 100 ballots.
    e = Election([[60, 30, 10], [0, 0, 0]], regions=["North", "Empty"], parties="ABC")
    s = ElectoralSystem(10, "hare", regional=Threshold("5%"))
    f = threshold_steps(e, s, which="regional", lo="0%", hi="40%")
    assert f.critical == (Fraction(3, 5), Fraction(3, 10), Fraction(1, 10))
    assert [(p.lo, p.hi, p.lo_closed, p.hi_closed, p.seats) for p in f.pieces] == [
        (Fraction(0), Fraction(1, 10), True, True, (6, 3, 1)),
        (Fraction(1, 10), Fraction(3, 10), False, True, (7, 3, 0)),  # 6.67 / 3.33 of 10
        (Fraction(3, 10), Fraction(2, 5), False, True, (10, 0, 0)),
    ]
    for rate, seats in (("10%", [6, 3, 1]), ("10.0001%", [7, 3, 0]), ("31%", [10, 0, 0])):
        a = allocate(e, s.replace(regional=Threshold(rate)))  # independent: direct allocation
        assert a.seats.tolist() == seats
        assert f.at(rate).seats == tuple(seats)
    every = Election([[0, 0], [0, 0]], regions=["N", "S"], parties="AB")
    g = threshold_steps(every, s, which="regional")
    assert g.critical == (None, None) and len(g.pieces) == 1  # nothing depends on the rate
