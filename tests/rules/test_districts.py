"""District systems: per-district allocation against an independent slow reference, hand
cases, magnitudes, validation.  References are written here in Fractions and plain loops."""

from __future__ import annotations

import pickle
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electsim import Election, Threshold
from electsim.errors import (
    ElectsimError,
    InvalidCountsError,
    MissingDataError,
    ShapeMismatchError,
    TieError,
    UnknownMethodError,
    UnknownNameError,
)
from electsim.rules import DistrictSystem, Magnitudes

# ------------------------------------------------------------------ independent slow references
DIVISORS = {
    "dhondt": lambda s: Fraction(s + 1),
    "sainte_lague": lambda s: Fraction(2 * s + 1),
    "modified_sainte_lague": lambda s: Fraction(7, 5) if s == 0 else Fraction(2 * s + 1),
}


def ref_divisor(name: str, votes: list[int], seats: int, ok: list[bool]) -> list[int]:
    """Sequential highest averages; equal averages go to the lowest index first."""
    d = DIVISORS[name]
    out = [0] * len(votes)
    cands = [i for i, (v, e) in enumerate(zip(votes, ok, strict=True)) if e and v > 0]
    for _ in range(seats if cands else 0):
        best = max(cands, key=lambda i: (Fraction(votes[i]) / d(out[i]), -i))
        out[best] += 1
    return out


def ref_hare(votes: list[int], seats: int, ok: list[bool]) -> list[int]:
    """Hare largest remainders in Fractions; equal remainders to the lowest index."""
    v = [x if e else 0 for x, e in zip(votes, ok, strict=True)]
    V = sum(v)
    if V == 0 or seats == 0:
        return [0] * len(v)
    q = [Fraction(x * seats, V) for x in v]
    out = [int(x) for x in q]
    order = sorted((i for i in range(len(v)) if v[i] > 0), key=lambda i: (-(q[i] - out[i]), i))
    for i in order[: seats - sum(out)]:
        out[i] += 1
    return out


def ref_passes(votes: int, base: int, t: Threshold) -> bool:
    lhs, rhs = Fraction(votes), t.rate * base
    return lhs >= rhs if t.inclusive else lhs > rhs


def ref_districts(
    votes: list[list[int]],
    against: list[int],
    mags: list[int],
    method: str,
    dthr: Threshold | None,
    nthr: Threshold | None,
    qualify: str,
) -> list[list[int]]:
    """One election: thresholds by Fractions, then the method in every district."""
    P = len(votes[0])
    nat = [sum(row[p] for row in votes) for p in range(P)]
    nat_valid = sum(nat) + sum(against)
    out = []
    for d, row in enumerate(votes):
        valid = sum(row) + against[d]
        pd = [dthr is None or ref_passes(row[p], valid, dthr) for p in range(P)]
        pn = [nthr is None or ref_passes(nat[p], nat_valid, nthr) for p in range(P)]
        if dthr is not None and nthr is not None and qualify == "any":
            ok = [a or b for a, b in zip(pd, pn, strict=True)]
        else:
            ok = [a and b for a, b in zip(pd, pn, strict=True)]
        if method == "hare":
            out.append(ref_hare(row, mags[d], ok))
        else:
            out.append(ref_divisor(method, row, mags[d], ok))
    return out


THRESHOLDS = st.one_of(
    st.none(),
    st.sampled_from(["3%", "5%", "12%", "20%"]).map(lambda r: Threshold(r, base="valid")),
)


@st.composite
def district_cases(draw: st.DrawFn) -> dict:
    N = draw(st.integers(1, 3))
    D = draw(st.integers(1, 4))
    P = draw(st.integers(2, 5))
    votes = draw(
        st.lists(
            st.lists(
                st.lists(st.integers(0, 5000), min_size=P, max_size=P), min_size=D, max_size=D
            ),
            min_size=N,
            max_size=N,
        )
    )
    against = draw(st.lists(st.integers(0, 500), min_size=D, max_size=D))
    mags = draw(st.lists(st.integers(0, 9), min_size=D, max_size=D))
    return {
        "votes": votes,
        "against": against,
        "mags": mags,
        "method": draw(
            st.sampled_from(["dhondt", "sainte_lague", "modified_sainte_lague", "hare"])
        ),
        "dthr": draw(THRESHOLDS),
        "nthr": draw(THRESHOLDS),
        "qualify": draw(st.sampled_from(["all", "any"])),
    }


@settings(max_examples=120, deadline=None)
@given(district_cases())
def test_district_allocation_matches_reference(case: dict) -> None:
    e = Election(case["votes"], against_all=case["against"])
    if case["dthr"] is None or case["nthr"] is None:
        case["qualify"] = "all"  # 'any' needs both thresholds
    ds = DistrictSystem(
        np.array(case["mags"]),
        case["method"],
        district_threshold=case["dthr"],
        national_threshold=case["nthr"],
        qualify=case["qualify"],
        tie_break="lowest_index",
    )
    r = ds.allocate(e)
    for n, votes in enumerate(case["votes"]):
        want = ref_districts(
            votes,
            case["against"],
            case["mags"],
            case["method"],
            case["dthr"],
            case["nthr"],
            case["qualify"],
        )
        assert r.district_seats[n].tolist() == want
        assert r.seats[n].tolist() == [sum(c) for c in zip(*want, strict=True)]
        filled = [sum(row) for row in want]
        assert r.district_unfilled[n].tolist() == [
            m - f for m, f in zip(case["mags"], filled, strict=True)
        ]


# ---------------------------------------------------------------------------------- hand cases
def test_spain_like_hand_case() -> None:
    """Two provinces, D'Hondt, 3 % of valid votes (blank ballots count as valid: against_all).

    North, 5 seats: A 4,000 / B 3,000 / C 2,000 / D 200 (2.0 % of 10,000 valid -> excluded).
    Averages: A 4000, 2000, 1333.3; B 3000, 1500; C 2000, 1000 -> seats A 4000, B 3000,
    A 2000 = C 2000 (both get seats 3 and 4), B 1500 -> A 2, B 2, C 1.
    South, 3 seats: A 1,000 / B 5,000 / C 600 / D 400 (5.7 % of 7,000): B 5000, 2500,
    B 1666.7 vs A 1000 -> B 3.
    """
    e = Election(
        [[4000, 3000, 2000, 200], [1000, 5000, 600, 400]],
        against_all=[800, 0],
        parties="ABCD",
        regions=["North", "South"],
    )
    ds = DistrictSystem({"North": 5, "South": 3}, "dhondt", Threshold("3%", base="valid"))
    r = ds.allocate(e)
    assert r.district_seats.tolist() == [[2, 2, 1, 0], [0, 3, 0, 0]]
    assert r.seats.tolist() == [2, 5, 1, 0]
    assert r.passes_district.tolist() == [[True, True, True, False], [True, True, True, True]]
    assert r.by_district() == {"North": {"A": 2, "B": 2, "C": 1}, "South": {"B": 3}}


def test_national_threshold_bars_every_district_and_any_qualifies() -> None:
    """C has 30 % in district 1 but 5.6 % nationally (400 of 7,100): a 10 % national threshold
    bars it everywhere; with qualify='any' and a 25 % district threshold it wins in district 1.
    """
    e = Election([[400, 300, 400], [5000, 1000, 0]], parties="ABC")
    nat = Threshold("10%", base="valid")
    r = DistrictSystem([3, 3], "dhondt", national_threshold=nat).allocate(e)
    assert r.district_seats.tolist() == [[2, 1, 0], [3, 0, 0]]
    r = DistrictSystem(
        [3, 3],
        "dhondt",
        Threshold("25%", base="valid"),
        nat,
        qualify="any",
        tie_break="lowest_index",
    ).allocate(e)
    # district 1: A 400, C 400 tie for the first two seats (both get one), then B 300 vs 200
    assert r.district_seats.tolist() == [[1, 1, 1], [3, 0, 0]]


def test_per_list_national_thresholds() -> None:
    """One threshold per list (e.g. 5 % for a party, 8 % for a two-party coalition)."""
    e = Election([[600, 70, 70, 260]], parties=["A", "B", "Coal", "D"])
    five, eight = Threshold("5%", base="valid"), Threshold("8%", base="valid")
    r = DistrictSystem([10], "hare", national_threshold=[five, five, eight, five]).allocate(e)
    assert r.passes_national.tolist() == [True, True, False, True]
    assert r.seats.tolist() == [6, 1, 0, 3]  # 930 votes: 6.45, 0.75, -, 2.80 -> 6, 0+1, 2+1


def test_no_eligible_list_leaves_seats_unfilled() -> None:
    e = Election([[10, 10], [500, 0]])
    r = DistrictSystem([2, 3], "dhondt", Threshold("60%", base="valid")).allocate(e)
    assert r.district_seats.tolist() == [[0, 0], [3, 0]]
    assert r.unfilled.tolist() == 2 and r.district_unfilled.tolist() == [2, 0]


def test_tie_raises_with_district_name_and_is_reported_otherwise() -> None:
    e = Election([[100, 100], [300, 100]], regions=["East", "West"])
    with pytest.raises(TieError, match="East"):
        DistrictSystem([1, 1], "dhondt").allocate(e)
    r = DistrictSystem([1, 1], "dhondt", tie_break="lowest_index").allocate(e)
    assert r.district_seats.tolist() == [[1, 0], [1, 0]]
    (t,) = r.ties
    assert (t.district, t.district_name, t.contenders, t.winners) == (0, "East", (0, 1), (0,))
    r = DistrictSystem([1, 1], "dhondt", tie_break="lot").allocate(e, rng=3)
    assert r.ties[0].resolution == "lot"
    with pytest.raises(ElectsimError, match="rng"):
        DistrictSystem([1, 1], "dhondt", tie_break="lot").allocate(e)


def test_batched_equals_one_by_one_and_tie_indices() -> None:
    rng = np.random.default_rng(5)
    votes = rng.integers(0, 1000, size=(2, 3, 4, 5))
    votes[1, 2, 3] = [50, 50, 0, 0, 0]  # a tie in district 3 of election (1, 2)
    e = Election(votes)
    ds = DistrictSystem([3, 1, 4, 1], "sainte_lague", tie_break="lowest_index")
    r = ds.allocate(e)
    assert r.district_seats.shape == (2, 3, 4, 5) and r.seats.shape == (2, 3, 5)
    for i in np.ndindex(2, 3):
        one = ds.allocate(e.select(i))
        assert (one.district_seats == r.district_seats[i]).all()
    assert any(t.index == (1, 2) and t.district == 3 for t in r.ties)
    assert not r.seats.flags.writeable and not r.district_seats.flags.writeable


def test_result_display_records_and_pickle() -> None:
    e = Election([[600, 300], [200, 500]], parties=["Alpha", "Beta"], regions=["N", "S"])
    r = DistrictSystem({"N": 3, "S": 2}, "dhondt", name="toy").allocate(e)
    text = str(r)
    assert "N " in text and "Total" in text and "toy" in text
    assert r._repr_html_().startswith("<pre")
    recs = r.to_records()
    assert len(recs) == 4 and recs[0] == {
        "district": "N",
        "party": "Alpha",
        "votes": 600,
        "passes_district": True,
        "passes_national": True,
        "eligible": True,
        "seats": 2,
    }
    assert '"district": "S"' in r.to_json()
    back = pickle.loads(pickle.dumps(r))
    assert back.seats.tolist() == r.seats.tolist() and not back.seats.flags.writeable
    batched = DistrictSystem([3, 2], "dhondt").allocate(Election([[[6, 3], [2, 5]]] * 2))
    assert "2 elections" in str(batched)
    with pytest.raises(ElectsimError, match="index"):
        batched.table()


# ---------------------------------------------------------------------------------- magnitudes
def test_magnitudes_spain_rule_toy() -> None:
    """Fixed seats, a minimum per district, the rest by Hare on population (LOREG art. 162).

    Rest = 12 - 1 - 3*2 = 5 seats among A 500, B 300, C 100 (900): quotas 2.78, 1.67, 0.56 ->
    whole 2, 1, 0; remainders .78, .67, .56 -> A, B -> 3, 2, 0; plus 2 each -> 5, 4, 2.
    """
    m = Magnitudes(12, {"A": 500, "B": 300, "C": 100, "Ceuta": 9}, "hare", 2, {"Ceuta": 1})
    assert m.resolve(["A", "B", "C", "Ceuta"]).tolist() == [5, 4, 2, 1]
    ds = DistrictSystem(m, "dhondt")
    e = Election([[30, 10]] * 4, regions=["A", "B", "C", "Ceuta"])
    r = ds.allocate(e)
    assert r.magnitudes.tolist() == [5, 4, 2, 1]
    # D'Hondt, A 30 vs B 10: averages 30, 15, 10 | 10, 7.5 (A) and 10, 5 (B): A 4 of 5, 3 of 4
    assert r.district_seats[:, 0].tolist() == [4, 3, 2, 1]


def test_magnitudes_from_registered_voters_batched() -> None:
    """Magnitudes from each election's own registered voters (one apportionment per row)."""
    votes = np.array([[[10, 0], [0, 10]], [[10, 0], [0, 10]]])
    reg = np.array([[300, 100], [100, 300]])
    e = Election(votes, registered=reg)
    ds = DistrictSystem(Magnitudes(4, "registered", "hare"), "dhondt")
    r = ds.allocate(e)
    assert r.magnitudes.tolist() == [[3, 1], [1, 3]]
    assert r.seats.tolist() == [[3, 1], [1, 3]]
    with pytest.raises(MissingDataError):
        ds.allocate(Election(votes))


def test_magnitudes_validation() -> None:
    with pytest.raises(ElectsimError, match="below the fixed"):
        Magnitudes(3, [1, 1], minimum=2).resolve(["a", "b"])
    with pytest.raises(UnknownNameError):
        Magnitudes(3, [1, 1], fixed={"zz": 1}).resolve(["a", "b"])
    with pytest.raises(UnknownMethodError):
        Magnitudes(3, "population")
    with pytest.raises(ShapeMismatchError):
        Magnitudes(3, [1, 1, 1]).resolve(["a", "b"])
    with pytest.raises(ElectsimError):
        Magnitudes(-1, [1, 1])
    with pytest.raises(InvalidCountsError):
        Magnitudes(3, {"a": 1.5, "b": 2})
    with pytest.raises(InvalidCountsError):
        Magnitudes(3, [-1, 2])
    with pytest.raises(TieError):
        Magnitudes(1, [5, 5]).resolve(["a", "b"])


# ---------------------------------------------------------------------------------- validation
def test_district_system_validation() -> None:
    e = Election([[5, 3], [2, 7]], regions=["N", "S"])
    with pytest.raises(UnknownNameError, match="unknown district"):
        DistrictSystem({"N": 1, "X": 1}, "dhondt").allocate(e)
    with pytest.raises(UnknownNameError, match="lacks"):
        DistrictSystem({"N": 1}, "dhondt").allocate(e)
    with pytest.raises(ShapeMismatchError):
        DistrictSystem([1, 2, 3], "dhondt").allocate(e)
    with pytest.raises(ElectsimError):
        DistrictSystem([1, -2], "dhondt")
    with pytest.raises(ElectsimError):
        DistrictSystem({"N": True, "S": 1}, "dhondt")
    with pytest.raises(UnknownMethodError):
        DistrictSystem([1, 1], "no_such_method")
    with pytest.raises(UnknownMethodError):
        DistrictSystem([1, 1], "dhondt", qualify="either")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="needs both"):
        DistrictSystem([1, 1], "dhondt", Threshold("3%"), qualify="any")
    with pytest.raises(UnknownMethodError):
        DistrictSystem([1, 1], "dhondt", tie_break="coin")
    with pytest.raises(ElectsimError, match="district_threshold"):
        DistrictSystem([1, 1], "dhondt", district_threshold=0.03)  # type: ignore[arg-type]
    with pytest.raises(ShapeMismatchError, match="entries"):
        DistrictSystem([1, 1], "dhondt", national_threshold=[Threshold("5%")] * 3).allocate(e)
    with pytest.raises(ElectsimError):
        DistrictSystem([1, 1], "dhondt").allocate(e.votes)  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="rng"):
        DistrictSystem([1, 1], "dhondt").allocate(e, rng="x")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="unknown rule"):
        DistrictSystem([1, 1], "dhondt").replace(seats=3)


def test_rule_books_run_through_electsim_allocate() -> None:
    """``electsim.allocate(election, rulebook)`` dispatches to ``rulebook.allocate`` (the
    ``SupportsAllocate`` protocol): the same result as calling it directly."""
    import electsim as es
    from electsim.rules import LevellingSystem, RemainderSystem
    from electsim.stages import SupportsAllocate

    e = Election([[600, 300, 100], [200, 500, 300]], parties="ABC", regions=["N", "S"])
    ds = DistrictSystem({"N": 3, "S": 2}, "dhondt")
    books = [
        ds,
        LevellingSystem(ds, {"N": 1, "S": 1}, tie_break="lowest_index"),
        RemainderSystem({"N": 3, "S": 2}, tie_break="lowest_index"),
    ]
    assert [b.seats for b in books] == [5, 7, 5]
    for book in books:
        assert isinstance(book, SupportsAllocate)
        via = es.allocate(e, book)
        assert type(via) is type(book.allocate(e))
        assert via.seats.tolist() == book.allocate(e).seats.tolist()
        assert int(via.seats.sum()) + int(via.unfilled) == book.seats
