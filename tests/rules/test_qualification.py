"""Thresholds per list kind (ByKind) and alternative qualification (DistrictShare, Exempt).

Every rule is checked against a slow exact reference written here (Python integers and
``Fraction``), on random inputs including exact-threshold ties, and on hand-computed cases.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import electsim as es
from electsim.errors import ElectsimError, MissingDataError, UnknownNameError
from electsim.rules import ByKind, DistrictShare, Exempt
from electsim.rules.qualification import alternative_qualification, threshold_need


def _ref_passes(votes: int, base: int, rate: Fraction, inclusive: bool) -> bool:
    """Slow reference: the share compared as a Fraction."""
    if base == 0:
        return votes >= 0 if inclusive else votes > 0
    share = Fraction(votes, base)
    return share >= rate if inclusive else share > rate


def _ref_rate(rates: dict[int, Fraction], members: int) -> Fraction:
    return rates[max(k for k in rates if k <= members)]


# ---------------------------------------------------------------------------- ByKind
def test_slovak_rates_by_kind() -> None:
    t = ByKind({1: "5%", 2: "7%", 4: "10%"}, base="valid")
    assert [t.for_members(m).rate for m in (1, 2, 3, 4, 7)] == [
        Fraction(5, 100),
        Fraction(7, 100),
        Fraction(7, 100),
        Fraction(10, 100),
        Fraction(10, 100),
    ]
    # 10,000 valid votes: 500 / 700 / 1000 needed
    assert t.needed([10_000], [1, 2, 3, 4]).tolist() == [[500, 700, 700, 1000]]
    # a coalition at 6.96 % fails 7 % while a party at 6.96 % passes 5 %  (hand calculation)
    e = es.Election(
        [696, 696, 8608],
        parties=[es.Party("coalition", members=2), es.Party("party"), es.Party("big")],
    )
    s = es.ElectoralSystem(10, "hare", national=t)
    need = threshold_need(t, e.base("valid"), e.parties)
    assert (e.national_votes >= need).tolist() == [False, True, True]
    assert s.national is t


def test_czech_2021_rates() -> None:
    t = ByKind({1: "5%", 2: "8%", 3: "11%"}, base="valid")
    assert [t.for_members(m).percent for m in (1, 2, 3, 5)] == ["5%", "8%", "11%", "11%"]
    assert str(t) == ">= 5% (party), 8% (2+ parties), 11% (3+ parties) of valid"


@settings(max_examples=150, deadline=None)
@given(
    rates=st.dictionaries(
        st.integers(1, 5),
        st.fractions(min_value=0, max_value=Fraction(1, 2), max_denominator=200),
        min_size=1,
        max_size=4,
    ),
    inclusive=st.booleans(),
    data=st.data(),
)
def test_by_kind_matches_reference(rates: dict[int, Fraction], inclusive: bool, data) -> None:  # type: ignore[no-untyped-def]
    rates = {1: rates.get(1, Fraction(1, 20)), **rates}
    n_parties = data.draw(st.integers(1, 6))
    members = data.draw(st.lists(st.integers(1, 7), min_size=n_parties, max_size=n_parties))
    base = data.draw(st.lists(st.integers(0, 4000), min_size=1, max_size=4))
    # votes at and around the exact need, to hit the inclusive boundary
    t = ByKind(rates, base="valid", inclusive=inclusive)
    need = t.needed(base, members)
    assert need.shape == (len(base), n_parties)
    for i, b in enumerate(base):
        for p, m in enumerate(members):
            r = _ref_rate(rates, m)
            for v in (int(need[i, p]) - 1, int(need[i, p])):
                if v >= 0:
                    assert (v >= need[i, p]) == _ref_passes(v, b, r, inclusive)


def test_by_kind_regional_shape() -> None:
    t = ByKind({1: "1%", 3: "2%"})
    assert t.needed(np.array([[100, 200], [300, 400]]), [1, 3, 1]).shape == (2, 2, 3)


@pytest.mark.parametrize(
    ("rates", "match"),
    [
        ({}, "non-empty mapping"),
        ({2: "7%"}, "key 1"),
        ({0: "5%"}, "int >= 1"),
        ({1: "5%", 2.0: "7%"}, "int >= 1"),
        ({1: "150%"}, "rate"),
        ({1: "x"}, "cannot be parsed"),
    ],
)
def test_by_kind_validation(rates: dict, match: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ElectsimError, match=match):
        ByKind(rates)


def test_by_kind_bad_base_and_members() -> None:
    with pytest.raises(ElectsimError, match="base"):
        ByKind({1: "5%"}, base="turnout")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="members"):
        ByKind({1: "5%"}).for_members(0)


def test_system_refuses_other_threshold_types() -> None:
    with pytest.raises(ElectsimError, match="ByKind"):
        es.ElectoralSystem(10, "hare", national="5%")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- Party fields
def test_party_members_and_candidates_validation() -> None:
    assert es.Party("A").members == 1 and es.Party("A").candidates is None
    assert es.Party("A", members=np.int64(3)).members == 3
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ElectsimError, match="members"):
            es.Party("A", members=bad)  # type: ignore[arg-type]
    for bad in (-1, 2.0, False):
        with pytest.raises(ElectsimError, match="candidates"):
            es.Party("A", candidates=bad)  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="above"):
        es.Party("A", candidates=10**12)


def test_party_metadata_through_csv(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "sk.csv"
    path.write_text("PS,SMER,KDH\n100,90,10\n", encoding="utf-8")
    meta = [es.Party("PS", members=2, candidates=150), es.Party("SMER"), es.Party("KDH")]
    e = es.Election.from_csv(path, parties=meta)
    assert [p.members for p in e.parties] == [2, 1, 1]
    assert e.parties[0].candidates == 150
    assert es.Election.from_csv(path).parties[0].members == 1  # format unchanged


# ---------------------------------------------------------------------------- DistrictShare
def _ref_district(
    votes: np.ndarray, extra: np.ndarray, rate: Fraction, inclusive: bool
) -> list[bool]:
    R, P = votes.shape
    out = []
    for p in range(P):
        ok = False
        for r in range(R):
            base = int(votes[r].sum()) + int(extra[r])
            ok |= _ref_passes(int(votes[r, p]), base, rate, inclusive)
        out.append(ok)
    return out


@settings(max_examples=120, deadline=None)
@given(
    votes=st.integers(1, 4).flatmap(
        lambda R: st.integers(1, 5).flatmap(
            lambda P: st.lists(
                st.lists(st.integers(0, 60), min_size=P, max_size=P), min_size=R, max_size=R
            )
        )
    ),
    rate=st.fractions(min_value=0, max_value=1, max_denominator=20),
    inclusive=st.booleans(),
    data=st.data(),
)
def test_district_share_matches_reference(votes, rate, inclusive, data) -> None:  # type: ignore[no-untyped-def]
    v = np.array(votes)
    R = v.shape[0]
    aa = np.array(data.draw(st.lists(st.integers(0, 30), min_size=R, max_size=R)))
    e = es.Election(v, against_all=aa, regions=[f"r{i}" for i in range(R)])
    got = DistrictShare(rate, base="valid", inclusive=inclusive).qualifies(e)
    assert got.tolist() == _ref_district(v, aa, rate, inclusive)


def test_district_share_batched_and_hand_case() -> None:
    # North: A 50 B 30 C 20 ; South: A 90 B 5 C 5.  12 % in one district: A, B, C(20 % in N)
    e = es.Election([[50, 30, 20], [90, 5, 5]], parties="ABC", regions=["N", "S"])
    assert DistrictShare("12%", base="valid").qualifies(e).tolist() == [True, True, True]
    assert DistrictShare("21%", base="valid").qualifies(e).tolist() == [True, True, False]
    batch = es.Election(np.stack([e.votes, e.votes[:, ::-1]]), parties="ABC", regions=["N", "S"])
    assert DistrictShare("21%", base="valid").qualifies(batch).tolist() == [
        [True, True, False],
        [False, True, True],
    ]


def test_district_share_needs_districts() -> None:
    with pytest.raises(MissingDataError, match="national-only"):
        DistrictShare("12%").qualifies(es.Election([10, 20]))
    # a unit outside the regional test (abroad) is no district
    e = es.Election(
        [[10, 0], [0, 10]],
        regions=[es.Region("Home"), es.Region("Abroad", in_regional_threshold=False)],
    )
    assert DistrictShare("50%", base="valid").qualifies(e).tolist() == [True, False]


# ---------------------------------------------------------------------------- Exempt
def test_exempt_resolves_names() -> None:
    e = es.Election(
        [900, 80, 20],
        parties=[
            es.Party("CDU"),
            es.Party("Südschleswigscher Wählerverband", "SSW"),
            es.Party("X"),
        ],
    )
    assert Exempt(["ssw"]).qualifies(e).tolist() == [False, True, False]
    assert Exempt([2, "SSW"]).indices(e) == (1, 2)
    with pytest.raises(UnknownNameError, match="did you mean"):
        Exempt(["SSV"]).qualifies(e)
    for bad in ("SSW", [], 3):
        with pytest.raises(ElectsimError):
            Exempt(bad)  # type: ignore[arg-type]


def test_alternatives_combine_with_or() -> None:
    e = es.Election([[50, 30, 20, 1], [90, 5, 5, 0]], parties="ABCD", regions=["N", "S"])
    alts = (DistrictShare("21%", base="valid"), Exempt(["D"]))
    assert alternative_qualification(e, alts).tolist() == [True, True, False, True]
    assert alternative_qualification(e, ()).tolist() == [False] * 4
    with pytest.raises(ElectsimError, match="alternative"):
        es.ElectoralSystem(10, "hare", alternatives=["SSW"])
    s = es.ElectoralSystem(10, "hare", alternatives=Exempt(["D"]))
    assert s.alternatives == (Exempt(["D"]),)
