"""Adversarial inputs to the library: a clean ElectsimError or a correct result, never a hang.

Each case is ``(callable, expectation)``: an :class:`~electsim.errors.ElectsimError` subclass
with a message pattern (which names the parameter), or a check of the correct result.  Every
case runs under a deadline (``signal.alarm``) and with its array inputs checked unchanged.
"""

from __future__ import annotations

import math
import pickle
import signal
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, PrecinctResults, Region, Threshold, allocate
from electsim.errors import (
    AmbiguousRateWarning,
    ElectsimError,
    InvalidCountsError,
    ShapeMismatchError,
    UnknownNameError,
    UnseededLotWarning,
)
from electsim.system import MAX_SEATS

DEADLINE_S = 20  # far above any case's cost; a hang fails instead of blocking the suite


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail a test that runs longer than DEADLINE_S (SIGALRM; checked between bytecodes)."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"no result within {DEADLINE_S} s: a hang")

    old = signal.signal(signal.SIGALRM, expire)
    signal.alarm(DEADLINE_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


E2 = Election([[60, 40], [10, 90]], regions=["N", "S"], parties=["Ata", "Bir"])
BATCH = Election(np.array([[[5, 3]], [[1, 9]], [[4, 4]]]), parties="AB")
HARE = ElectoralSystem(10, "hare", tie_break="lowest_index")

# ------------------------------------------------------------------- cases raising an error
ERRORS: dict[str, tuple[Callable[[], Any], type[Exception], str]] = {
    "rate 1e-999999999": (lambda: Threshold("1e-999999999"), ElectsimError, "rate=.*too precise"),
    "rate Decimal 1e999999999": (
        lambda: Threshold(Decimal("1e999999999")),
        ElectsimError,
        "rate=.*out of range",
    ),
    "rate -Decimal 1e999999999": (
        lambda: Threshold(Decimal("-1e999999999")),
        ElectsimError,
        "rate=.*out of range",
    ),
    "rate Decimal 1e-999999999": (
        lambda: Threshold(Decimal("1e-999999999")),
        ElectsimError,
        "rate=.*too precise",
    ),
    "rate inf/2": (lambda: Threshold("inf/2"), ElectsimError, "rate=.*not finite"),
    "rate 1/inf": (lambda: Threshold("1/inf"), ElectsimError, "rate=.*not finite"),
    "rate nan%": (lambda: Threshold("nan%"), ElectsimError, "rate=.*not finite"),
    "rate 1/0": (lambda: Threshold("1/0"), ElectsimError, "rate=.*cannot be parsed"),
    "rate 7%%": (lambda: Threshold("7%%"), ElectsimError, "rate=.*cannot be parsed"),
    "rate empty": (lambda: Threshold(""), ElectsimError, "rate=.*cannot be parsed"),
    "rate 1/2/3": (lambda: Threshold("1/2/3"), ElectsimError, "rate=.*cannot be parsed"),
    "rate long string": (lambda: Threshold("0." + "1" * 10_000), ElectsimError, "rate: a rate"),
    "rate 61 digits": (lambda: Threshold("0." + "1" * 61), ElectsimError, "too precise"),
    "rate huge Fraction": (
        lambda: Threshold(Fraction(1, 3**2000)),
        ElectsimError,
        "rate=<Fraction of .* bits>",
    ),
    "rate float inf": (lambda: Threshold(math.inf), ElectsimError, "rate=inf is not finite"),
    "rate bool": (lambda: Threshold(True), ElectsimError, "rate=True is not a rate"),
    "invalid_rate 1e-999999999": (
        lambda: es.datasets.kyrgyzstan_2020_regions(invalid_rate="1e-999999999"),
        ElectsimError,
        "invalid_rate=",
    ),
    "masked votes": (
        lambda: Election(np.ma.array([[5, 3]], mask=[[0, 1]])),
        InvalidCountsError,
        "votes is a masked array",
    ),
    "masked registered": (
        lambda: Election([[5, 3]], registered=np.ma.array([9], mask=[1])),
        InvalidCountsError,
        "registered is a masked array",
    ),
    "Region flag 'false'": (
        lambda: Region("N", "false"),  # type: ignore[arg-type]
        ElectsimError,
        "in_regional_threshold='false' must be True or False",
    ),
    "Region flag 0": (
        lambda: Region("N", 0),  # type: ignore[arg-type]
        ElectsimError,
        "in_regional_threshold=0",
    ),
    "from_mapping 1 and '1'": (
        lambda: Election.from_mapping({1: 5, "1": 7}),  # type: ignore[dict-item]
        UnknownNameError,
        "keys 1 and '1' both name '1'",
    ),
    "from_mapping region 1 and '1'": (
        lambda: Election.from_mapping({1: {"A": 1}, "1": {"A": 2}}),  # type: ignore[dict-item]
        UnknownNameError,
        "region keys",
    ),
    "from_mapping tuple key": (
        lambda: Election.from_mapping({(1, 2): 5}),  # type: ignore[dict-item]
        UnknownNameError,
        r"key \(1, 2\) must be a name",
    ),
    "from_mapping bool key": (
        lambda: Election.from_mapping({True: 5}),  # type: ignore[dict-item]
        UnknownNameError,
        "key True must be a name",
    ),
    "station ids duplicate": (
        lambda: PrecinctResults([[1, 2], [3, 4]], [0, 0], ["N"], station_ids=["s1", "s1"]),
        UnknownNameError,
        "station_ids contains the duplicate id 's1'",
    ),
    "station ids str": (
        lambda: PrecinctResults([[1], [2], [3]], [0, 0, 0], ["N"], station_ids="abc"),
        ElectsimError,
        "station_ids='abc' must be a sequence",
    ),
    "select out of range": (lambda: BATCH.select(5), ShapeMismatchError, "select.index=5"),
    "select by name": (lambda: BATCH.select("a"), ShapeMismatchError, "select.index='a'"),
    "select float": (lambda: BATCH.select(1.5), ShapeMismatchError, "select.index=1.5"),
    "seats 2**63": (lambda: ElectoralSystem(2**63, "hare"), ElectsimError, "seats=.*MAX_SEATS"),
    "seats 10**18 droop": (
        lambda: ElectoralSystem(10**18, "droop"),
        ElectsimError,
        "seats=.*MAX_SEATS",
    ),
    "seats float": (lambda: ElectoralSystem(10.0, "hare"), ElectsimError, "seats=10.0"),  # type: ignore[arg-type]
    "cap 2**63": (lambda: ElectoralSystem(10, "hare", cap=2**63), ElectsimError, "max_seats"),
    "kernel seats 2**63": (
        lambda: es.get_method("droop")(
            np.array([[1, 1]]), np.array([2**62]), np.ones((1, 2), dtype=bool)
        ),
        ElectsimError,
        "seats",
    ),
    "rng str (no lot)": (lambda: allocate(E2, HARE, rng="1"), ElectsimError, "rng='1'"),  # type: ignore[arg-type]
    "rng float (no lot)": (lambda: allocate(E2, HARE, rng=1.5), ElectsimError, "rng=1.5"),  # type: ignore[arg-type]
    "rng bool (no lot)": (lambda: allocate(E2, HARE, rng=True), ElectsimError, "rng=True"),  # type: ignore[arg-type]
    "rng negative": (lambda: allocate(E2, HARE, rng=-1), ElectsimError, "rng=-1"),
    "party typo": (lambda: E2.party_index("Atta"), UnknownNameError, "did you mean 'Ata'"),
    "party None": (lambda: E2.party_index(None), UnknownNameError, "party=None"),  # type: ignore[arg-type]
    "party bool": (lambda: E2.party_index(True), UnknownNameError, "party=True"),  # type: ignore[arg-type]
    "party index 2": (lambda: E2.party_index(2), UnknownNameError, "out of range"),
    "region unknown": (lambda: E2.region_index("West"), UnknownNameError, "unknown region 'West'"),
    "bloc names with seat array": (
        lambda: es.metrics.bloc_seats([3, 4], ["Ata"]),
        ElectsimError,
        "needs an allocation",
    ),
    "regions overflow when summed": (
        lambda: Election([[2**61], [2**61]]),
        InvalidCountsError,
        "national totals reach",
    ),
}


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("case", list(ERRORS))
def test_bad_input_raises_a_clean_error(case: str) -> None:
    fn, error, match = ERRORS[case]
    with pytest.raises(error, match=match):
        fn()


# ------------------------------------------------------------ cases with a correct result


def _check_tiny_rate() -> None:
    assert Threshold("1e-60").rate == Fraction(1, 10**60)  # the smallest accepted exponent


def _check_zero_rate_huge_exponent() -> None:
    assert Threshold(Decimal("0E-999999999")).rate == 0  # zero, however written


def _check_huge_fraction_repr() -> None:
    t = Threshold(Fraction(1, 7**300))  # 843 bits: accepted, but not printable exactly
    assert repr(t).startswith("Threshold('~") and len(repr(t)) < 80
    assert str(t).startswith(">= ~")


def _check_bare_rate_warns() -> None:
    with pytest.warns(AmbiguousRateWarning, match="means 70% of ballots.*Threshold\\('0.7%'\\)"):
        t = Threshold(0.7)
    assert t.rate == Fraction(7, 10)
    for quiet in ("0.7%", "70%", Fraction(7, 10), "7/10", 0.5, "0.07"):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            Threshold(quiet)


def _check_unmasked_masked_array() -> None:
    e = Election(np.ma.array([[5, 3]], mask=[[0, 0]]))
    assert e.votes.tolist() == [[5, 3]]


def _check_region_numpy_bool() -> None:
    r = Region("Abroad", np.False_)  # type: ignore[arg-type]
    assert r.in_regional_threshold is False


def _check_int_mapping_keys() -> None:
    e = Election.from_mapping({1: 5, 2: 7})  # type: ignore[dict-item]
    assert e.party_names == ("1", "2") and e.votes.tolist() == [[5, 7]]
    e = Election.from_mapping({"N": {1: 5}, "S": {1: 2, "x": 3}}, against_all={"N": 1})  # type: ignore[dict-item]
    assert e.votes.tolist() == [[5, 0], [2, 3]]  # int key 1 is the party "1" in both regions
    assert e.against_all.tolist() == [1, 0]


def _check_unpickled_election_read_only() -> None:
    e = pickle.loads(pickle.dumps(E2))
    assert e.votes.tolist() == [[60, 40], [10, 90]]
    for arr in (e.votes, e.against_all, e.invalid):
        assert not arr.flags.writeable


def _check_precincts_pickle() -> None:
    pr = PrecinctResults(
        [[1, 2], [3, 4]], [0, 1], ["N", "S"], invalid=[1, 0], extra={"x": [0.5, 1.0]}
    )
    back = pickle.loads(pickle.dumps(pr))
    assert back.votes.tolist() == [[1, 2], [3, 4]] and back.extra["x"].tolist() == [0.5, 1.0]
    assert not back.votes.flags.writeable and not back.extra["x"].flags.writeable
    with pytest.raises(TypeError):
        back.extra["y"] = np.zeros(2)  # type: ignore[index]
    assert back.ballots.tolist() == [4, 7]


def _check_unpickled_allocation_read_only() -> None:
    a = pickle.loads(pickle.dumps(allocate(E2, HARE)))
    assert a.seats.tolist() == [4, 6] and not a.seats.flags.writeable


def _check_empty_batch() -> None:
    e = Election(np.zeros((0, 2, 3), dtype=np.int64))
    assert "batch_shape=(0,) (empty)" in repr(e)
    a = allocate(e, HARE)
    assert a.seats.shape == (0, 3)
    assert "0 elections" in str(a)
    assert "0 elections" in a._repr_html_()


def _check_droop_huge_house() -> None:
    # Droop quota 1 with 3 votes: every seat beyond the first 3 is cycled among the parties
    a = allocate(Election([1, 1, 1]), ElectoralSystem(MAX_SEATS, "droop", tie_break="lowest_index"))
    assert a.seats.tolist() == [333_333_334, 333_333_333, 333_333_333]


def _check_unseeded_lot() -> None:
    e = Election([10, 10, 1], parties="ABC")
    lot = ElectoralSystem(1, "hare", tie_break="lot")
    with pytest.warns(UnseededLotWarning, match="seed used was [0-9]+"):
        a = allocate(e, lot)
    assert a.lot_seed is not None and f"seed used: {a.lot_seed}" in str(a)
    assert allocate(e, lot, rng=a.lot_seed).seats.tolist() == a.seats.tolist()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no tie, no lot, no warning, no seed
        assert allocate(Election([10, 5]), lot).lot_seed is None


def _check_case_insensitive_party() -> None:
    assert E2.party_index("ata") == 0 and E2.party_index("  BIR ") == 1
    assert E2.region_index("s") == 1
    both = Election([1, 2], parties=["Ata", "ATA"])
    assert both.party_index("ATA") == 1  # exact match wins
    with pytest.raises(UnknownNameError, match="several names"):
        both.party_index("ata")


def _check_bloc_by_names() -> None:
    a = allocate(E2, HARE)
    assert es.metrics.bloc_seats(a, ["ata", "Bir"]).item() == 10
    assert es.metrics.bloc_seats(a, ["Bir"]).item() == 6
    with pytest.raises(UnknownNameError, match="did you mean 'Bir'"):
        es.metrics.bloc_seats(a, ["Birr"])


def _check_regions_below_overflow() -> None:
    # the negative control of "regions overflow when summed": one less vote fits
    e = Election([[2**61], [2**61 - 1]])
    assert e.national_votes.tolist() == [2**62 - 1]


RESULTS: dict[str, Callable[[], None]] = {
    f.__name__.removeprefix("_check_"): f
    for f in (
        _check_tiny_rate,
        _check_zero_rate_huge_exponent,
        _check_huge_fraction_repr,
        _check_bare_rate_warns,
        _check_unmasked_masked_array,
        _check_region_numpy_bool,
        _check_int_mapping_keys,
        _check_unpickled_election_read_only,
        _check_precincts_pickle,
        _check_unpickled_allocation_read_only,
        _check_empty_batch,
        _check_droop_huge_house,
        _check_unseeded_lot,
        _check_case_insensitive_party,
        _check_bloc_by_names,
        _check_regions_below_overflow,
    )
}


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize("case", list(RESULTS))
def test_hard_input_gives_the_correct_result(case: str) -> None:
    RESULTS[case]()


# ------------------------------------------------------------------ inputs are not mutated


@pytest.mark.usefixtures("deadline")
@pytest.mark.parametrize(
    "build",
    [
        lambda v, r: Election(v, registered=r),
        lambda v, r: Election(np.ma.array(v), registered=r),
        lambda v, r: PrecinctResults(v, [0, 1], ["N", "S"], registered=r, station_ids=["a", "b"]),
        lambda v, r: allocate(Election(v, registered=r), HARE, rng=np.random.default_rng(0)),
        lambda v, r: Election(v[None], registered=r[None]).select(0),
    ],
)
def test_inputs_are_not_mutated(build: Callable[[Any, Any], Any]) -> None:
    v = np.array([[60, 40], [10, 90]])
    r = np.array([200, 300])
    v_before, r_before = v.copy(), r.copy()
    build(v, r)
    assert np.array_equal(v, v_before) and np.array_equal(r, r_before)
    assert v.flags.writeable and r.flags.writeable  # the caller's arrays stay writable
