"""Tests of :mod:`electsim._exact`: rates parsed exactly once, exact threshold comparisons
(including products that overflow int64) and the count validator."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electsim._exact import as_count_array, parse_rate, passes_threshold, votes_needed
from electsim.errors import ElectsimError, InvalidCountsError

# ============================================================================ parse_rate


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("7%", Fraction(7, 100)),
        ("7 %", Fraction(7, 100)),
        (" 7% ", Fraction(7, 100)),
        ("0.7 %", Fraction(7, 1000)),
        ("0.7%", Fraction(7, 1000)),
        ("7/100", Fraction(7, 100)),
        ("0.07", Fraction(7, 100)),
        ("7e-2", Fraction(7, 100)),
        ("100%", Fraction(1)),
        ("0%", Fraction(0)),
        ("1/3", Fraction(1, 3)),
        (Decimal("0.07"), Fraction(7, 100)),
        (Decimal("7E-2"), Fraction(7, 100)),
        (Fraction(7, 100), Fraction(7, 100)),
        (0.07, Fraction(7, 100)),
        (0.007, Fraction(7, 1000)),
        (np.float64(0.07), Fraction(7, 100)),
        (0, Fraction(0)),
        (1, Fraction(1)),
        (np.int64(1), Fraction(1)),
    ],
    ids=repr,
)
def test_parse_rate_exact(rate: object, expected: Fraction) -> None:
    out = parse_rate(rate)
    assert isinstance(out, Fraction)
    assert out == expected


def test_float_is_the_number_the_user_typed() -> None:
    # The binary double nearest 0.07 is 0.070000000000000006661...; parse_rate documents that
    # a float is read through its shortest repr, i.e. exactly 7/100.
    assert Fraction(0.07) != Fraction(7, 100)
    assert parse_rate(0.07) == Fraction(7, 100)
    # ... and consistently so: 0.1 + 0.2 is 0.30000000000000004 (its repr), not 3/10.
    assert parse_rate(0.1 + 0.2) == Fraction(30000000000000004, 10**17)


@pytest.mark.parametrize(
    "bad",
    ["seven", "", "%", "7%%", "abc%", "7/0", "1/2/3", "7//100", "0x07", "7,5%", "--7%"],
)
def test_parse_rate_bad_strings_name_the_parameter(bad: str) -> None:
    with pytest.raises(ElectsimError, match="national_rate"):
        parse_rate(bad, "national_rate")


@pytest.mark.parametrize(
    "bad",
    [
        float("nan"),
        float("inf"),
        -float("inf"),
        np.float64("nan"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
        "nan",
        "NaN%",
        "inf",
        "-inf%",
    ],
    ids=repr,
)
def test_parse_rate_not_finite(bad: object) -> None:
    with pytest.raises(ElectsimError, match="my_rate"):
        parse_rate(bad, "my_rate")


@pytest.mark.parametrize("bad", [-0.01, "-7%", Fraction(-1, 100), Decimal("-0.07"), -1], ids=repr)
def test_parse_rate_negative(bad: object) -> None:
    with pytest.raises(ElectsimError, match=r"rate=.*\[0, 1\]"):
        parse_rate(bad)


@pytest.mark.parametrize("bad", [1.5, "150%", Fraction(3, 2), Decimal("1.01"), 2, "3/2"], ids=repr)
def test_parse_rate_above_one(bad: object) -> None:
    with pytest.raises(ElectsimError, match="rate"):
        parse_rate(bad)
    assert parse_rate(bad, allow_above_one=True) > 1


@pytest.mark.parametrize(
    "bad", [True, False, np.bool_(True), None, [0.07], {"rate": 0.07}, 7j], ids=repr
)
def test_parse_rate_wrong_types_name_the_parameter(bad: object) -> None:
    with pytest.raises(ElectsimError, match="threshold_rate"):
        parse_rate(bad, "threshold_rate")


def test_parse_rate_errors_are_value_errors() -> None:
    with pytest.raises(ValueError, match="rate"):
        parse_rate("seven")


# ====================================================================== passes_threshold


def test_passes_threshold_boundary() -> None:
    # 7 % of 100,000 = 7,000 exactly.
    assert passes_threshold([6_999, 7_000, 7_001], 100_000, "7%").tolist() == [False, True, True]
    assert passes_threshold([6_999, 7_000, 7_001], 100_000, "7%", inclusive=False).tolist() == [
        False,
        False,
        True,
    ]
    # A float rate is the typed number: 0.07 * 100_000 == 7000.000000000001 in floats.
    assert passes_threshold([7_000], 100_000, 0.07).tolist() == [True]
    # A rate with a non-terminating expansion: 1/3 of 300 is 100.
    assert passes_threshold([99, 100, 101], 300, Fraction(1, 3)).tolist() == [False, True, True]


def test_passes_threshold_broadcasts_per_row_bases() -> None:
    votes = np.array([[70, 69], [7, 8]])
    base = np.array([[1_000], [100]])
    assert passes_threshold(votes, base, "7%").tolist() == [[True, False], [True, True]]


@pytest.mark.parametrize(
    ("base", "rate", "at"),
    [
        # votes * den overflows int64 (6.3e17 * 100 = 6.3e19 > 9.2e18)
        (9 * 10**18, Fraction(7, 100), 63 * 10**16),
        # den = 10**12 is large: votes * den = 1.2e20
        (10**12, Fraction(123_456_789, 10**12), 123_456_789),
        # base * num overflows: 8.8e18 * (2**40 - 1), den 2**40
        (8_000_000 * 2**40, Fraction(2**40 - 1, 2**40), 8_000_000 * (2**40 - 1)),
        # a prime denominator: exact boundary 10**18 * 999,999,937 / 999,999,937
        (999_999_937 * 10**9, Fraction(10**9, 999_999_937 * 10), 10**17),
    ],
)
def test_passes_threshold_exact_when_products_overflow_int64(
    base: int, rate: Fraction, at: int
) -> None:
    # The exact boundary, computed with Python integers: rate * base == at.
    assert rate * base == at
    assert (at * rate.denominator) > 2**63 or (base * rate.numerator) > 2**63
    votes = [at - 1, at, at + 1]
    assert passes_threshold(votes, base, rate).tolist() == [False, True, True]
    assert passes_threshold(votes, base, rate, inclusive=False).tolist() == [False, False, True]


@given(
    votes=st.lists(st.integers(0, 2**62), min_size=1, max_size=6),
    base=st.integers(0, 2**62),
    rate=st.fractions(min_value=0, max_value=1, max_denominator=10**15),
    inclusive=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_passes_threshold_equals_python_fractions(
    votes: list[int], base: int, rate: Fraction, inclusive: bool
) -> None:
    expected = [(v >= rate * base) if inclusive else (v > rate * base) for v in votes]
    assert passes_threshold(votes, base, rate, inclusive).tolist() == expected


def test_passes_threshold_zero_votes_tiny_rate() -> None:
    # Regression (found by this suite, fixed in 78f7ad5): with every vote 0, max(votes) * den
    # looked "safe" and the denominator 10**20 was converted to np.int64 -> OverflowError.
    # 0 >= 1e-20 * 100 is false; 0 >= 1e-20 * 0 is true.
    assert passes_threshold([0, 0], 100, Fraction(1, 10**20)).tolist() == [False, False]
    assert passes_threshold([0], 0, Fraction(1, 10**20)).tolist() == [True]
    assert passes_threshold([1], 10**20 // 10**10, 1e-20).tolist() == [True]


# ========================================================================== votes_needed


def test_votes_needed_by_hand() -> None:
    # 7 % of 100,000 = 7,000 exactly: inclusive needs 7,000, strict 7,001.
    # 7 % of 1,990,753 (CEC 2020, voters who took part) = 139,352.71 -> 139,353 either way.
    assert votes_needed([100_000, 1_990_753], "7%").tolist() == [7_000, 139_353]
    assert votes_needed([100_000, 1_990_753], "7%", inclusive=False).tolist() == [7_001, 139_353]
    # a zero base: 0 votes are "7 % or more" of nothing, but not "more than" it
    assert votes_needed([0], "7%").tolist() == [0]
    assert votes_needed([0], "7%", inclusive=False).tolist() == [1]
    # the float 0.07 is 7/100 exactly (7000.000000000001 in floats would give 7,001)
    assert votes_needed([100_000], 0.07).tolist() == [7_000]
    assert int(votes_needed(300, Fraction(1, 3))) == 100


@pytest.mark.parametrize(
    ("base", "rate", "inclusive", "expected"),
    [
        (9 * 10**18, Fraction(7, 100), True, 63 * 10**16),
        (9 * 10**18, Fraction(7, 100), False, 63 * 10**16 + 1),
        (10**12, Fraction(123_456_789, 10**12), True, 123_456_789),
        (8_000_000 * 2**40, Fraction(2**40 - 1, 2**40), True, 8_000_000 * (2**40 - 1)),
        (100, Fraction(1, 10**20), True, 1),  # ceil(1e-18) = 1
        (100, Fraction(1, 10**20), False, 1),
        (0, Fraction(1, 10**20), True, 0),
    ],
)
def test_votes_needed_exact_when_products_overflow_int64(
    base: int, rate: Fraction, inclusive: bool, expected: int
) -> None:
    assert votes_needed([base], rate, inclusive).tolist() == [expected]


@given(
    base=st.lists(st.integers(0, 2**62), min_size=1, max_size=5),
    rate=st.fractions(min_value=0, max_value=1, max_denominator=10**15),
    inclusive=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_votes_needed_is_the_smallest_passing_count(
    base: list[int], rate: Fraction, inclusive: bool
) -> None:
    need = votes_needed(base, rate, inclusive).tolist()
    for b, n in zip(base, need, strict=True):
        ok = (lambda v, b=b: v >= rate * b) if inclusive else (lambda v, b=b: v > rate * b)
        assert ok(n)
        assert n == 0 or not ok(n - 1)


# ========================================================================= as_count_array


def test_as_count_array_copies_and_freezes() -> None:
    src = np.array([3, 1, 4])
    out = as_count_array(src, "votes")
    assert out.dtype == np.int64
    assert not out.flags.writeable
    assert not np.shares_memory(out, src)
    assert src.flags.writeable  # the caller's array is not frozen
    assert as_count_array([85.0, 0.0], "votes").tolist() == [85, 0]
    assert as_count_array(np.array([1, 2], dtype=np.uint16), "votes").tolist() == [1, 2]


@pytest.mark.parametrize(
    ("bad", "what"),
    [
        ([1, -1], "negative"),
        ([1.5, 2.0], "non-integer"),
        ([math.nan, 1.0], "NaN"),
        ([math.inf, 1.0], "NaN or infinite"),
        ([True, False], "boolean"),
        (["1", "2"], "dtype"),
        ([1, None], "None"),
        ([10**20], "too large"),
        (np.array([2**64 - 1], dtype=np.uint64), "too large"),
        ([1e19], "too large"),
    ],
    ids=repr,
)
def test_as_count_array_refuses(bad: object, what: str) -> None:
    with pytest.raises(InvalidCountsError, match="registered") as info:
        as_count_array(bad, "registered")
    assert what in str(info.value)


def test_largest_uint64_count_that_fits_int64() -> None:
    top = np.array([2**63 - 1], dtype=np.uint64)
    assert as_count_array(top, "votes").tolist() == [2**63 - 1]
    with pytest.raises(InvalidCountsError, match="votes has counts too large for int64"):
        as_count_array(np.array([2**63], dtype=np.uint64), "votes")


def test_rate_exponent_bounds_are_inclusive() -> None:
    # 1e-60 and 60 significant digits are the documented limits (accepted); beyond them, refused
    assert parse_rate(Decimal("1e-60")) == Fraction(1, 10**60)
    assert parse_rate("0." + "1" * 60) == Fraction(int("1" * 60), 10**60)
    with pytest.raises(ElectsimError, match="too precise"):
        parse_rate(Decimal("9.9e-61"))
    assert parse_rate(Decimal("1e60"), allow_above_one=True) == 10**60
    with pytest.raises(ElectsimError, match="out of range"):
        parse_rate(Decimal("1e61"), allow_above_one=True)
