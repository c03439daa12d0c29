"""Tests of the rules: :class:`Threshold` (rates, bases, ``inclusive``) at its exact boundary,
:class:`SeatCap`, :class:`ElectoralSystem` and the presets.

Every boundary case puts one party exactly on ``rate * base``, one a vote below and one a vote
above, with the base built from the four kinds of count (party votes, against all, invalid,
registered) so that only the right base gives the right answer.  The expected values are the
definitions, worked out by hand in the comments.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, Region, SeatCap, Threshold, allocate
from electsim.apportion import TIE_POLICIES, get_method
from electsim.errors import ElectsimError, UnknownMethodError

# ===================================================== 2. threshold at the exact boundary

# Each row: party votes [A, B, C, D], against all, invalid, registered -- built so that the
# named base is exactly 100,000 and the other bases differ from it.  A = 7,000 sits exactly on
# 7 %, B = 6,999 is one vote below, C = 7,001 one vote above, D fills the rest.
NATIONAL_CASES = {
    # party votes: 7,000 + 6,999 + 7,001 + 79,000 = 100,000 (ballots would be 101,000)
    "party_votes": ([7_000, 6_999, 7_001, 79_000], 500, 500, 200_000),
    # valid: party votes 90,000 + against all 10,000 = 100,000
    "valid": ([7_000, 6_999, 7_001, 69_000], 10_000, 3_000, 200_000),
    # ballots: party votes 85,000 + against all 10,000 + invalid 5,000 = 100,000
    "ballots": ([7_000, 6_999, 7_001, 64_000], 10_000, 5_000, 200_000),
    # registered: 100,000 (ballots are 50,000 + 2,000 + 1,000 = 53,000)
    "registered": ([7_000, 6_999, 7_001, 29_000], 2_000, 1_000, 100_000),
}

SEVEN_PERCENT = [
    "7%",
    "7 %",
    " 7% ",
    "7/100",
    "0.07",
    Fraction(7, 100),
    Decimal("0.07"),
    Decimal("7E-2"),
    0.07,  # 0.07 * 100_000 == 7000.000000000001 in binary floating point
    np.float64(0.07),
]


def _national_election(base: str) -> Election:
    votes, aa, inv, reg = NATIONAL_CASES[base]
    return Election(votes, [aa], [inv], [reg], parties=["A", "B", "C", "D"])


def test_national_cases_are_built_right() -> None:
    # Guard for the table above: each base is 100,000 only under its own definition.
    for base, (votes, aa, inv, reg) in NATIONAL_CASES.items():
        by_hand = {
            "party_votes": sum(votes),
            "valid": sum(votes) + aa,
            "ballots": sum(votes) + aa + inv,
            "registered": reg,
        }
        assert by_hand[base] == 100_000
        assert [k for k, v in by_hand.items() if v == 100_000] == [base]
        e = _national_election(base)
        assert int(e.base(base)) == 100_000


@pytest.mark.parametrize("base", list(NATIONAL_CASES))
@pytest.mark.parametrize("rate", SEVEN_PERCENT, ids=repr)
@pytest.mark.parametrize(
    ("inclusive", "expected"),
    [(True, [True, False, True, True]), (False, [False, False, True, True])],
)
def test_national_threshold_boundary(
    base: str, rate: object, inclusive: bool, expected: list[bool]
) -> None:
    # inclusive=True: 7,000 >= 7 % of 100,000 passes; 6,999 fails; 7,001 passes.
    # inclusive=False: 7,000 > 7,000 is false, so only C (and D) pass.
    e = _national_election(base)
    t = Threshold(rate, base=base, inclusive=inclusive)  # type: ignore[arg-type]
    assert t.rate == Fraction(7, 100)
    a = allocate(e, ElectoralSystem(10, "hare", national=t, tie_break="lowest_index"))
    assert a.passes_national.tolist() == expected
    assert a.eligible.tolist() == expected
    assert int(a.national_base) == 100_000
    assert all(s == 0 for s, ok in zip(a.seats.tolist(), expected, strict=True) if not ok)


@pytest.mark.parametrize(
    ("rate", "base_count", "at"),
    [
        (0.07, 100_000, 7_000),  # float product 7000.000000000001 (too high)
        (0.07, 300_000, 21_000),  # 21000.000000000004 (too high)
        (0.29, 100, 29),  # 28.999999999999996 (too low)
        (0.57, 100, 57),  # 56.99999999999999 (too low)
        (0.14, 100, 14),  # 14.000000000000002 (too high)
    ],
)
@pytest.mark.parametrize("base", ["party_votes", "valid", "ballots", "registered"])
@pytest.mark.filterwarnings("ignore::electsim.errors.AmbiguousRateWarning")  # 0.57 is meant
def test_threshold_where_floats_are_wrong(rate: float, base_count: int, at: int, base: str) -> None:
    # A party with `at` votes sits exactly on rate * base_count; the float product is off by
    # one ulp, so a float comparison gets ">=" (too high) or ">" (too low) wrong.  Exact:
    # at passes "rate or more" and fails "more than rate"; at + 1 passes both; at - 1 fails.
    for offset, incl_ok, strict_ok in [(-1, False, False), (0, True, False), (1, True, True)]:
        x = at + offset
        filler = base_count - x  # the rest of the base, counted as the base's other lines
        if base == "party_votes":
            e = Election([x, filler], against_all=[3], invalid=[4], registered=[2 * base_count])
        elif base == "valid":
            e = Election([x, 0], against_all=[filler], invalid=[7], registered=[2 * base_count])
        elif base == "ballots":
            e = Election([x, 0], against_all=[filler - filler // 2], invalid=[filler // 2])
        else:
            e = Election([x, 0], registered=[base_count])
        assert int(e.base(base)) == base_count
        for inclusive, ok in [(True, incl_ok), (False, strict_ok)]:
            t = Threshold(rate, base=base, inclusive=inclusive)  # type: ignore[arg-type]
            a = allocate(e, ElectoralSystem(5, "dhondt", national=t))
            assert bool(a.passes_national[0]) is ok, (offset, inclusive)


# Regional: North has a regional base of exactly 10,000 under the named base; A = 70 sits on
# 0.7 %, B = 69 is below, C = 71 above.  South is large and everybody passes there, so only a
# per-region base (not the national one, 40,000+) gives the expected result.
REGIONAL_NORTH = {
    "party_votes": ([70, 69, 71, 9_790], 50, 50, 20_000),
    "valid": ([70, 69, 71, 8_790], 1_000, 300, 20_000),
    "ballots": ([70, 69, 71, 8_290], 1_000, 500, 20_000),
    "registered": ([70, 69, 71, 4_790], 200, 100, 10_000),
}


@pytest.mark.parametrize("base", list(REGIONAL_NORTH))
@pytest.mark.parametrize("rate", ["0.7%", "0.7 %", Fraction(7, 1000), Decimal("0.007"), 0.007])
@pytest.mark.parametrize(
    ("inclusive", "fails_north"),
    [(True, [False, True, False, False]), (False, [True, True, False, False])],
)
def test_regional_threshold_boundary(
    base: str, rate: object, inclusive: bool, fails_north: list[bool]
) -> None:
    votes, aa, inv, reg = REGIONAL_NORTH[base]
    south = [5_000, 5_000, 5_000, 5_000]
    e = Election(
        [votes, south],
        against_all=[aa, 500],
        invalid=[inv, 500],
        registered=[reg, 30_000],
        parties=["A", "B", "C", "D"],
        regions=["North", "South"],
    )
    assert int(e.base(base, national=False)[0]) == 10_000
    t = Threshold(rate, base=base, inclusive=inclusive)  # type: ignore[arg-type]
    a = allocate(e, ElectoralSystem(10, "hare", regional=t, tie_break="lowest_index"))
    assert a.failed_regions.tolist() == [fails_north, [False] * 4]
    assert a.passes_regional.tolist() == [not f for f in fails_north]
    assert a.passes_national.all()  # no national rule
    assert a.eligible.tolist() == [not f for f in fails_north]


def test_regional_boundary_region_outside_the_test_is_ignored() -> None:
    # The same North row but flagged in_regional_threshold=False: nobody can fail there.
    votes, aa, inv, _ = REGIONAL_NORTH["ballots"]
    e = Election(
        [votes, [5_000] * 4],
        against_all=[aa, 500],
        invalid=[inv, 500],
        regions=[Region("North", in_regional_threshold=False), Region("South")],
    )
    a = allocate(
        e, ElectoralSystem(10, "hare", regional=Threshold("0.7%"), tie_break="lowest_index")
    )
    assert not a.failed_regions.any()
    assert a.eligible.all()


def test_thresholds_combine_national_and_regional() -> None:
    # A passes both; B fails only nationally; C fails only regionally (0 votes in South).
    e = Election(
        [[6_000, 500, 3_500], [6_000, 500, 0]],
        parties=["A", "B", "C"],
        regions=["North", "South"],
    )
    s = ElectoralSystem(10, "hare", national=Threshold("7%"), regional=Threshold("0.7%"))
    a = allocate(e, s)
    # Ballots 16,500; 7 % = 1,155: B (1,000) fails.  South: C has 0 < 0.7 % of 6,500.
    assert a.passes_national.tolist() == [True, False, True]
    assert a.passes_regional.tolist() == [True, True, False]
    assert a.eligible.tolist() == [True, False, False]
    assert a.seats.tolist() == [10, 0, 0]
    rec = a.to_records()
    assert rec[2]["failed_regions"] == ["South"]
    assert rec[1]["failed_regions"] == []


def test_zero_rate_lets_every_party_in() -> None:
    e = Election([10, 0, 5])
    a = allocate(e, ElectoralSystem(3, "hare", national=Threshold(0)))
    assert a.eligible.all()
    assert a.seats.tolist() == [2, 0, 1]  # zero-vote parties pass but win nothing
    a = allocate(e, ElectoralSystem(3, "hare", national=Threshold(0, inclusive=False)))
    assert a.eligible.tolist() == [True, False, True]


def test_hundred_percent_rate() -> None:
    # Only a party holding every ballot reaches 100 %.
    a = allocate(Election([10, 0]), ElectoralSystem(3, "hare", national=Threshold("100%")))
    assert a.eligible.tolist() == [True, False]
    with pytest.warns(es.errors.AmbiguousRateWarning, match="100%"):
        t = Threshold(1)  # a bare 1 is 100 %, which is rarely what was meant
    a = allocate(Election([10, 1]), ElectoralSystem(3, "hare", national=t))
    assert not a.eligible.any()


# ===================================================================== Threshold objects


def test_threshold_defaults_and_display() -> None:
    t = Threshold("7%")
    assert (t.rate, t.base, t.inclusive) == (Fraction(7, 100), "ballots", True)
    assert repr(t) == "Threshold('7%', base='ballots')"
    assert str(t) == ">= 7% of ballots"
    s = Threshold("0.7%", base="valid", inclusive=False)
    assert s.percent == "0.7%"
    assert repr(s) == "Threshold('0.7%', base='valid', inclusive=False)"
    assert str(s) == "> 0.7% of valid"
    # A rate without a terminating decimal expansion is shown exactly.
    assert Threshold(Fraction(1, 3)).percent == "100/3%"


def test_threshold_equal_whatever_the_spelling() -> None:
    ts = [Threshold(r) for r in SEVEN_PERCENT]
    assert all(t == ts[0] for t in ts)
    assert Threshold("7%") != Threshold("7%", base="valid")
    assert Threshold("7%") != Threshold("7%", inclusive=False)


def test_threshold_is_frozen() -> None:
    t = Threshold("7%")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.rate = Fraction(1, 2)  # type: ignore[misc]


# ========================================================================= seat caps


def test_seat_cap_from_int() -> None:
    s = ElectoralSystem(120, "hare", cap=65)
    assert s.cap == SeatCap(65)
    assert s.cap.policy == "reallocate"
    assert ElectoralSystem(120, "hare", cap=SeatCap(65)) == s


def test_cap_equal_to_house_size_changes_nothing() -> None:
    e = Election([900, 50, 50])
    # Hare, 10 seats: 9, 0.5, 0.5 -> tie for the last seat; lowest index -> [9, 1, 0].
    base = ElectoralSystem(10, "hare", tie_break="lowest_index")
    assert allocate(e, base).seats.tolist() == [9, 1, 0]
    assert allocate(e, base.replace(cap=10)).seats.tolist() == [9, 1, 0]
    assert not allocate(e, base.replace(cap=10)).capped.any()


# =================================================================== ElectoralSystem


def test_replace_returns_a_variant_and_leaves_the_original() -> None:
    s = es.presets.kyrgyzstan_2020()
    r = s.replace(national=Threshold("5%", base="valid"), cap=None, method="dhondt")
    assert r.national == Threshold("5%", base="valid")
    assert r.cap is None
    assert r.method.name == "dhondt"
    assert r.regional == s.regional and r.seats == s.seats and r.name == s.name
    # the original is untouched
    assert s.national == Threshold("7%") and s.cap == SeatCap(65) and s.method.name == "hare"
    with pytest.raises(ElectsimError, match="threshold"):
        s.replace(threshold="5%")
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.seats = 90  # type: ignore[misc]


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("Hare", "hare"),
        ("Hamilton", "hare"),
        ("largest remainder", "hare"),
        ("Hare-Niemeyer", "hare"),
        ("D'Hondt", "dhondt"),
        ("Jefferson", "dhondt"),
        ("Webster", "sainte_lague"),
        ("Sainte-Lague", "sainte_lague"),
        ("modified Sainte-Lague", "modified_sainte_lague"),
        ("Huntington-Hill", "huntington_hill"),
        ("equal proportions", "huntington_hill"),
        ("Droop", "droop"),
        ("Hagenbach-Bischoff", "hagenbach_bischoff"),
    ],
)
def test_method_names_and_aliases(alias: str, name: str) -> None:
    assert ElectoralSystem(10, alias).method.name == name
    assert get_method(alias) is get_method(name)


def test_every_registered_method_and_tie_policy_is_accepted() -> None:
    assert set(TIE_POLICIES) == {"raise", "lowest_index", "most_votes", "lot"}
    for m in es.available_methods():
        for p in TIE_POLICIES:
            s = ElectoralSystem(10, m, tie_break=p)
            assert s.method is get_method(m)
            assert s.tie_break == p
    # a resolved Method object is accepted as is
    assert ElectoralSystem(10, get_method("dhondt")).method is get_method("dhondt")


def test_design_methods_are_registered() -> None:
    # DESIGN.md section 5: quota methods Hare, Droop, Hagenbach-Bischoff, Imperiali; divisor
    # methods D'Hondt, Sainte-Lague, modified Sainte-Lague, Adams, Dean, Huntington-Hill,
    # Danish, Imperiali.
    assert set(es.available_methods("quota")) == {
        "hare",
        "droop",
        "hagenbach_bischoff",
        "imperiali_quota",
    }
    assert set(es.available_methods("divisor")) == {
        "dhondt",
        "sainte_lague",
        "modified_sainte_lague",
        "adams",
        "dean",
        "huntington_hill",
        "danish",
        "imperiali",
    }


def test_custom_callable_method() -> None:
    def first_party_takes_all(votes: np.ndarray, seats: np.ndarray) -> np.ndarray:
        # eligible parties' votes, ineligible set to 0: give every seat to the largest
        out = np.zeros_like(votes)
        out[np.arange(len(seats)), votes.argmax(axis=1)] = seats
        return out

    e = Election([[[10, 60, 30]], [[2, 1, 97]]])
    s = ElectoralSystem(10, first_party_takes_all, national=Threshold("5%"))
    a = allocate(e, s)
    assert a.seats.tolist() == [[0, 10, 0], [0, 0, 10]]
    assert s.method.family == "custom"

    def wrong_total(votes: np.ndarray, seats: np.ndarray) -> np.ndarray:
        return np.zeros_like(votes)

    with pytest.raises(ElectsimError, match="custom method"):
        allocate(e, ElectoralSystem(10, wrong_total))


def test_describe() -> None:
    s = ElectoralSystem(
        50, "dhondt", national=Threshold("5%"), regional=Threshold("1%"), cap=30, name="X"
    )
    text = str(s)
    for part in [
        "X",
        "50 seats",
        "dhondt",
        ">= 5% of ballots",
        ">= 1% of ballots",
        "cap 30",
        "ties: raise",
    ]:
        assert part in text


# =========================================================================== presets


def test_preset_kyrgyzstan_2020() -> None:
    # election law Art. 64 (Art. 64(2)-(3) of the election law as amended June 2020):
    # 120 seats in one nationwide district, 7 % of the voters who took part and 0.7 % in each
    # oblast and Bishkek/Osh ("not less than"), Hare quota with largest remainders, 65-seat cap;
    # no published tie rule, so electsim refuses to guess ("raise").
    s = es.presets.kyrgyzstan_2020()
    assert s.seats == 120
    assert s.method.name == "hare"
    assert s.national == Threshold("7%", base="ballots", inclusive=True)
    assert s.regional == Threshold("0.7%", base="ballots", inclusive=True)
    assert s.cap == SeatCap(65)
    assert s.tie_break == "raise"
    assert s.missing_regions == "raise"
    assert "64" in s.source
    assert es.presets.PRESETS["kyrgyzstan_2020"]() == s


def test_preset_kyrgyzstan_2021_list_tier() -> None:
    # 2021 law: 54 PR seats, threshold 5 %, regional 0.5 %, "one party can take
    # 54 seats" (no cap).
    s = es.presets.kyrgyzstan_2021_list_tier()
    assert s.seats == 54
    assert s.national == Threshold("5%")
    assert s.regional == Threshold("0.5%")
    assert s.cap is None


def test_preset_on_regional_data_applies_both_thresholds() -> None:
    # Three regions; P2 passes 7 % nationally but has 0.5 % < 0.7 % in Osh; Abroad is outside
    # the regional test, so P3's zero there does not matter.
    e = Election(
        [
            [4_000, 3_000, 2_000, 1_000],  # Bishkek, 10,000 ballots
            [5_000, 4_950, 50, 0],  # Osh, 10,000 ballots: P2 has 0.5 %
            [0, 0, 500, 0],  # Abroad
        ],
        regions=[Region("Bishkek"), Region("Osh"), Region("Abroad", in_regional_threshold=False)],
    )
    a = allocate(e, es.presets.kyrgyzstan_2020().replace(tie_break="lowest_index"))
    # National ballots 20,500, 7 % = 1,435: P0 9,000, P1 7,950, P2 2,550 pass; P3 1,000 fails.
    assert a.passes_national.tolist() == [True, True, True, False]
    assert a.failed_regions[1].tolist() == [False, False, True, True]
    assert a.eligible.tolist() == [True, True, False, False]
    # Hare between P0 and P1: V = 16,950; 120 v / V = 63.717, 56.283 -> floors 63/56 = 119,
    # the last seat to .717 (P0) -> [64, 56]; under the cap.
    assert a.seats.tolist() == [64, 56, 0, 0]


def test_unknown_base_and_policy_names_list_the_valid_ones() -> None:
    with pytest.raises(UnknownMethodError) as info:
        Threshold("7%", base="turnout")  # type: ignore[arg-type]
    for b in ["ballots", "valid", "party_votes", "registered"]:
        assert b in str(info.value)
    with pytest.raises(UnknownMethodError) as info:
        ElectoralSystem(10, "hare", tie_break="coin")
    for p in TIE_POLICIES:
        assert p in str(info.value)
