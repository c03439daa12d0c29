"""Bad input never yields a silent wrong answer (DESIGN.md section 8).

Each test asserts the specific :class:`~electsim.errors.ElectsimError` subclass *and* that the
message names the offending parameter.  Every error is also a ``ValueError``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, Party, PrecinctResults, Region, Threshold, allocate
from electsim.errors import (
    ElectsimError,
    InvalidCountsError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)

# ============================================================================= counts

COUNT_PARAMS = ["votes", "against_all", "invalid", "registered"]

BAD_COUNTS = {
    "negative": ([-1], "negative"),
    "fractional": ([1.5], "non-integer"),
    "nan": ([math.nan], "NaN"),
    "inf": ([math.inf], "infinite"),
    "minus inf": ([-math.inf], "infinite"),
    "boolean": ([True], "boolean"),
    "string": (["12"], "dtype"),
    "none": ([None], "None"),
    "object": ([object()], "integers"),
    "too large": ([10**20], "too large"),
}


def _election_with(param: str, value: list[object]) -> Election:
    # A valid 1-region, 1-party election with `param` replaced by `value`.
    good: dict[str, object] = {
        "votes": [[10]],
        "against_all": [1],
        "invalid": [1],
        "registered": [100],
    }
    if param == "votes":
        good["votes"] = [value]
    else:
        good[param] = value
    return Election(**good)  # type: ignore[arg-type]


@pytest.mark.parametrize("param", COUNT_PARAMS)
@pytest.mark.parametrize("case", list(BAD_COUNTS))
def test_bad_counts(param: str, case: str) -> None:
    value, what = BAD_COUNTS[case]
    with pytest.raises(InvalidCountsError, match=param) as info:
        _election_with(param, value)
    assert what in str(info.value)
    assert isinstance(info.value, ValueError)


def test_integral_floats_are_accepted() -> None:
    e = Election([85.0, 15.0], against_all=[2.0])
    assert e.votes.dtype == np.int64
    assert e.votes.tolist() == [[85, 15]]


def test_boolean_array_is_refused() -> None:
    with pytest.raises(InvalidCountsError, match="votes"):
        Election(np.array([True, False]))


def test_boolean_inside_a_list_of_counts_is_refused() -> None:
    # Regression (found by this suite, fixed in 78f7ad5): np.asarray([600, True]) has dtype
    # int64, so the bool used to be read silently as 1.
    with pytest.raises(InvalidCountsError, match="votes"):
        Election([600, True, 100])
    with pytest.raises(InvalidCountsError, match="invalid"):
        Election([[600, 100], [1, 2]], invalid=[3, np.True_], regions=["N", "S"])


def test_counts_whose_totals_overflow_int64() -> None:
    # Regression (found by this suite, fixed in 78f7ad5): each count fits int64 but the sums
    # wrapped around (Election([2**62, 2**62]).national_ballots was negative).
    with pytest.raises(InvalidCountsError, match="votes"):
        Election([2**62, 2**62])
    with pytest.raises(InvalidCountsError):
        Election([2**61, 2**61], against_all=[1])
    # just below the bound is fine, and exact
    e = Election([2**61, 2**61 - 1])
    assert int(e.national_ballots) == 2**62 - 1


def test_registered_below_ballots() -> None:
    # North: 60 + 40 party votes + 5 invalid = 105 ballots > 100 registered.
    with pytest.raises(ElectsimError, match=r"registered=100 .* 105 ballots"):
        Election([[60, 40], [1, 1]], invalid=[5, 0], registered=[100, 10], regions=["N", "S"])
    # in a batch, the message gives the index
    with pytest.raises(ElectsimError, match=r"registered.*\(1, 0\)"):
        Election([[[1, 1]], [[5, 5]]], registered=[[5], [9]])


# ===================================================================== shapes and names


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"against_all": [1, 2, 3]}, "against_all"),
        ({"invalid": [[1, 2]] * 3}, "invalid"),
        ({"registered": [100, 200, 300]}, "registered"),
        ({"parties": ["A", "B", "C"]}, "parties"),
        ({"regions": ["North"]}, "regions"),
    ],
)
def test_shape_mismatch(kwargs: dict[str, object], param: str) -> None:
    # votes: 2 regions x 2 parties
    with pytest.raises(ShapeMismatchError, match=param):
        Election([[60, 40], [10, 20]], **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [[3_000], 3_000], ids=repr)
def test_length_one_region_array_is_not_stretched_over_regions(value: object) -> None:
    # Regression (found by this suite, fixed in 78f7ad5): 2 regions; registered=[3_000] is a
    # national figure (or a typo), and numpy broadcasting stored 3,000 in each region, 6,000
    # nationally.
    with pytest.raises(ShapeMismatchError, match="registered"):
        Election([[600, 400], [500, 500]], registered=value, regions=["N", "S"])
    with pytest.raises(ShapeMismatchError, match="against_all"):
        Election([[[6, 4], [5, 5]]] * 3, against_all=value, regions=["N", "S"])


@pytest.mark.parametrize("votes", [5, [], [[]], np.zeros((0, 3), dtype=int)], ids=repr)
def test_votes_without_parties_or_regions(votes: object) -> None:
    with pytest.raises(ShapeMismatchError, match="votes"):
        Election(votes)  # type: ignore[arg-type]


def test_duplicate_names() -> None:
    with pytest.raises(UnknownNameError, match=r"parties .*duplicate name 'A'"):
        Election([1, 2], parties=["A", "A"])
    with pytest.raises(UnknownNameError, match=r"parties .*duplicate short 'X'"):
        Election([1, 2], parties=[Party("Ak Jol", "X"), Party("Ata Meken", "X")])
    with pytest.raises(UnknownNameError, match=r"regions .*duplicate name 'North'"):
        Election([[1, 2], [3, 4]], regions=["North", Region("North", False)])


def test_empty_names() -> None:
    with pytest.raises(ElectsimError, match="Party name"):
        Party("")
    with pytest.raises(ElectsimError, match="Region name"):
        Region("  ")


def test_precinct_region_index_out_of_range_or_negative() -> None:
    with pytest.raises(UnknownNameError, match="region"):
        PrecinctResults([[1, 2]], [1], ["North"])
    with pytest.raises(InvalidCountsError, match="region"):
        PrecinctResults([[1, 2]], [-1], ["North"])


# ======================================================================= rules


def test_unknown_method_lists_the_valid_names() -> None:
    with pytest.raises(UnknownMethodError, match="method='borda'") as info:
        ElectoralSystem(120, "borda")
    for name in es.available_methods():
        assert name in str(info.value)


def test_method_of_the_wrong_type() -> None:
    with pytest.raises(UnknownMethodError, match="method"):
        ElectoralSystem(120, 42)  # type: ignore[arg-type]


def test_unknown_tie_policy() -> None:
    with pytest.raises(UnknownMethodError, match=r"tie_break='coin'.*lowest_index"):
        ElectoralSystem(120, "hare", tie_break="coin")


def test_unknown_base() -> None:
    with pytest.raises(UnknownMethodError, match=r"base='turnout'.*party_votes"):
        Threshold("7%", base="turnout")  # type: ignore[arg-type]
    with pytest.raises(UnknownMethodError, match="base='turnout'"):
        Election([1, 2]).base("turnout")


def test_unknown_missing_regions_policy() -> None:
    with pytest.raises(UnknownMethodError, match="missing_regions"):
        ElectoralSystem(120, "hare", missing_regions="ignore")  # type: ignore[arg-type]


@pytest.mark.parametrize("cap", [0, -5, 2.5, True, "65"], ids=repr)
def test_bad_cap(cap: object) -> None:
    with pytest.raises(ElectsimError, match=r"cap max_seats="):
        ElectoralSystem(120, "hare", cap=cap)  # type: ignore[arg-type]


def test_unknown_cap_policy() -> None:
    with pytest.raises(UnknownMethodError, match="policy"):
        es.SeatCap(65, policy="drop")  # type: ignore[arg-type]


@pytest.mark.parametrize("seats", [-1, 1.5, True, "120", None], ids=repr)
def test_bad_seats(seats: object) -> None:
    with pytest.raises(ElectsimError, match=r"seats="):
        ElectoralSystem(seats, "hare")  # type: ignore[arg-type]


def test_numpy_integers_as_seats_and_cap() -> None:
    # Regression (found by this suite, fixed in 78f7ad5): numpy integers were refused, which
    # broke sweeps such as `for cap in np.arange(55, 70)`.
    for cap in np.arange(64, 66):
        s = ElectoralSystem(np.int64(120), "hare", cap=cap)  # type: ignore[arg-type]
        assert s.seats == 120 and s.cap is not None and s.cap.max_seats == int(cap)
        assert type(s.seats) is int and type(s.cap.max_seats) is int
    with pytest.raises(ElectsimError, match="seats"):
        ElectoralSystem(np.bool_(True), "hare")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [({"national": "7%"}, "national"), ({"regional": 0.007}, "regional")],
)
def test_thresholds_must_be_threshold_objects(kwargs: dict[str, object], param: str) -> None:
    with pytest.raises(ElectsimError, match=param):
        ElectoralSystem(120, "hare", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("rate", ["seven", 1.5, -0.07, True, None, math.nan], ids=repr)
def test_bad_threshold_rate(rate: object) -> None:
    with pytest.raises(ElectsimError, match="rate"):
        Threshold(rate)  # type: ignore[arg-type]


def test_inclusive_must_be_a_bool() -> None:
    with pytest.raises(ElectsimError, match="inclusive"):
        Threshold("7%", inclusive=1)  # type: ignore[arg-type]


def test_replace_unknown_rule() -> None:
    with pytest.raises(ElectsimError, match="threshold"):
        ElectoralSystem(120, "hare").replace(threshold=Threshold("5%"))


# ===================================================================== missing data


def test_registered_base_without_registered_voters() -> None:
    e = Election([[60, 40], [50, 50]], regions=["N", "S"])
    assert e.registered is None
    with pytest.raises(MissingDataError, match="registered"):
        allocate(e, ElectoralSystem(10, "hare", national=Threshold("7%", base="registered")))
    with pytest.raises(MissingDataError, match="registered"):
        allocate(e, ElectoralSystem(10, "hare", regional=Threshold("1%", base="registered")))
    with pytest.raises(MissingDataError, match="registered"):
        e.base("registered")


def test_regional_threshold_without_regions() -> None:
    with pytest.raises(MissingDataError, match="missing_regions='skip'"):
        allocate(Election([60, 40]), ElectoralSystem(10, "hare", regional=Threshold("1%")))


# ======================================================================== allocate()


def test_allocate_argument_types() -> None:
    e, s = Election([60, 40]), ElectoralSystem(10, "hare")
    with pytest.raises(ElectsimError, match="election"):
        allocate([60, 40], s)  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="system"):
        allocate(e, "hare")  # type: ignore[arg-type]


@pytest.mark.parametrize("rng", ["seed", 1.5, True, object()], ids=repr)
def test_bad_rng(rng: object) -> None:
    e, s = Election([60, 40]), ElectoralSystem(10, "hare", tie_break="lot")
    with pytest.raises(ElectsimError, match="rng"):
        allocate(e, s, rng=rng)  # type: ignore[arg-type]


def test_allocation_index_errors() -> None:
    batch = allocate(Election([[[1, 2]], [[3, 4]]]), ElectoralSystem(3, "hare"))
    with pytest.raises(ElectsimError, match="index"):
        batch.by_party()
    with pytest.raises(ElectsimError, match="index"):
        batch.to_records((0, 0))
    single = allocate(Election([1, 2]), ElectoralSystem(3, "hare"))
    with pytest.raises(ElectsimError, match="index"):
        single.by_party(0)


@pytest.mark.parametrize("index", [5, -3, (2,), 1.0, True], ids=repr)
def test_allocation_index_out_of_range(index: object) -> None:
    # Regression (found by this suite, fixed in 78f7ad5): numpy's "invalid entry in coordinates
    # array" named neither the parameter nor the shape.
    batch = allocate(Election([[[1, 2]], [[3, 4]]]), ElectoralSystem(3, "hare"))
    with pytest.raises(ElectsimError, match="index"):
        batch.by_party(index)
    assert batch.by_party(-1) == batch.by_party(1)


def test_errors_share_the_base_class() -> None:
    for cls in (
        InvalidCountsError,
        ShapeMismatchError,
        UnknownMethodError,
        UnknownNameError,
        MissingDataError,
        es.errors.TieError,
    ):
        assert issubclass(cls, ElectsimError)
    assert issubclass(ElectsimError, ValueError)
    assert issubclass(es.ElectsimWarning, UserWarning)
