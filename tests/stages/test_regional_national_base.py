"""A regional threshold on the national base (``Threshold(..., base_scope="national")``): a list
needs the same number of votes, ``rate`` of the *national* base, in every region of the test.

Kyrgyzstan 2007: 0.5 % of the national registered electorate in each of the 9 regions (about
13,500 votes; BBC, 20 Dec 2007, http://news.bbc.co.uk/2/hi/asia-pacific/7153479.stm; OSCE/ODIHR
Election Observation Mission Final Report on the pre-term parliamentary elections of
16 December 2007, Warsaw, 24 April 2008, section IV).  Expected values by hand (each test).
"""

from __future__ import annotations

import dataclasses
import pickle
from fractions import Fraction

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, Region, Threshold, audit
from electsim.errors import ElectsimError
from electsim.presets import kyrgyzstan_2007
from electsim.rules import ByKind
from electsim.sensitivity.breakpoints import threshold_steps
from electsim.sensitivity.tipping import Add, passes, tipping_point
from electsim.stages import eligibility

NATIONAL = Threshold("0.5%", base="registered", base_scope="national")
REGIONS = [Region("X"), Region("Y"), Region("Z"), Region("Abroad", in_regional_threshold=False)]
#: registered 3,000 + 5,000 + 2,000 + 1,000 (abroad counts nationally) = 11,000:
#: 0.5 % of it = 55 votes needed in X, Y and Z (own bases: 15, 25, 10)
REGISTERED = [3000, 5000, 2000, 1000]


def boundary_election(b_in_y: int) -> Election:
    # A: 55 in each tested region (exactly the need); B: b_in_y in Y, 100 in X and Z
    votes = [[55, 100], [55, b_in_y], [55, 100], [0, 0]]
    return Election(votes, registered=REGISTERED, parties="AB", regions=REGIONS)


def test_boundary_need_minus_one_fails_need_passes_in_one_region() -> None:
    system = ElectoralSystem(4, "hare", regional=NATIONAL)
    el = eligibility(boundary_election(54), system)
    no = [False, False]
    assert el.failed_regions.tolist() == [no, [False, True], no, no]
    assert el.eligible.tolist() == [True, False]
    assert eligibility(boundary_election(55), system).eligible.tolist() == [True, True]
    # strict: floor(55) + 1 = 56 needed, so A's 55 fail everywhere
    strict = system.replace(regional=Threshold("0.5%", "registered", False, "national"))
    assert eligibility(boundary_election(55), strict).eligible.tolist() == [False, False]
    # the own bases need only 15, 25, 10: in Y, B's 25 pass and 24 fail
    own = system.replace(regional=Threshold("0.5%", base="registered"))
    assert eligibility(boundary_election(25), own).eligible.tolist() == [True, True]
    assert eligibility(boundary_election(24), own).eligible.tolist() == [True, False]


def test_base_counted_from_votes_and_batched() -> None:
    # base "ballots": national ballots of each batch element, one need per element.
    # Element 0: ballots 200 + 300 + 500 = 1000 -> 10 % needs 100 in each of X and Y;
    # element 1: 300 + 1200 + 500 = 2000 ballots -> 200.  A has 100 in Y in both: exactly
    # the need in element 0, short in element 1 (X: 150 and 250 pass)
    v0 = [[150, 50], [100, 200], [250, 250]]
    v1 = [[250, 50], [100, 1100], [250, 250]]
    e = Election(
        np.array([v0, v1]),
        parties="AB",
        regions=[Region("X"), Region("Y"), Region("Z", in_regional_threshold=False)],
    )
    system = ElectoralSystem(3, "hare", regional=Threshold("10%", base_scope="national"))
    el = eligibility(e, system)
    assert el.failed_regions[:, :2, 0].tolist() == [[False, False], [False, True]]
    assert el.eligible[:, 0].tolist() == [True, False]
    # B: 50 in X fails in both elements
    assert el.eligible[:, 1].tolist() == [False, False]


def test_by_kind_on_the_national_base() -> None:
    # A (one party) needs 0.5 % of 11,000 = 55, B (coalition of 2) 1 % = 110 per region
    e = Election(
        [[55, 110], [55, 110], [55, 109], [0, 0]],
        registered=REGISTERED,
        parties=[es.Party("A"), es.Party("B", members=2)],
        regions=REGIONS,
    )
    kinds = ByKind({1: "0.5%", 2: "1%"}, base="registered", base_scope="national")
    el = eligibility(e, ElectoralSystem(4, "hare", regional=kinds))
    assert el.eligible.tolist() == [True, False]
    assert el.failed_regions[:, 1].tolist() == [False, False, True, False]
    assert "base_scope='national'" in repr(kinds) and "of national registered" in str(kinds)


def test_display_pickle_replace_and_refusals() -> None:
    assert repr(NATIONAL) == "Threshold('0.5%', base='registered', base_scope='national')"
    assert str(NATIONAL) == ">= 0.5% of national registered"
    system = ElectoralSystem(4, "hare", regional=NATIONAL)
    assert "every region >= 0.5% of national registered" in system.describe()
    assert "base_scope='national'" in repr(system)
    assert pickle.loads(pickle.dumps(NATIONAL)) == NATIONAL
    assert pickle.loads(pickle.dumps(system)).regional == NATIONAL
    assert Threshold("0.5%", base="registered") != NATIONAL
    own = dataclasses.replace(NATIONAL, base_scope="own")
    assert own == Threshold("0.5%", base="registered")
    assert system.replace(seats=5).regional == NATIONAL
    with pytest.raises(ElectsimError, match="base_scope='national' is an option of the regional"):
        ElectoralSystem(4, "hare", national=NATIONAL)
    with pytest.raises(ElectsimError, match="base_scope='country' is unknown"):
        Threshold("1%", base_scope="country")  # type: ignore[arg-type]


def test_audit_assertion_uses_the_national_base() -> None:
    # A has 56 in each tested region: slack 56 - 0.5 % of 11,000 = 1 vote per region (hand);
    # with the own bases it would be 56 - 15, 56 - 25, 56 - 10
    e = Election(
        [[56, 300], [56, 300], [56, 300], [0, 0]],
        against_all=[0, 0, 0, 0],
        invalid=[0, 0, 0, 0],
        registered=REGISTERED,
        parties="AB",
        regions=REGIONS,
    )
    A = audit.assertions(e, ElectoralSystem(4, "hare", regional=NATIONAL))
    slacks = [a.slack for a in A if a.kind == "regional_above" and a.parties == ("A",)]
    assert slacks == [1, 1, 1]


def test_breakpoints_keep_the_national_base() -> None:
    # critical rates of the regional test: A min(55, 55, 55) / 11,000 = 0.5 %,
    # B min(100, 30, 100) / 11,000 = 30 / 11,000
    e = boundary_election(30)
    system = ElectoralSystem(4, "hare", regional=NATIONAL)
    f = threshold_steps(e, system, which="regional", lo="0.1%", hi="1%")
    assert f.breakpoints == (Fraction(30, 11000), Fraction(55, 11000))


def test_kyrgyzstan_2007_preset_reads_the_national_base() -> None:
    """Synthetic 9-region election where the two readings differ (hand).

    Registered 300,000 in each of 9 regions (2,700,000): 5 % = 135,000 nationally;
    0.5 % of the national electorate = 13,500 per region (own reading: 1,500).
    A 100,000 and B 20,000 in every region; C 20,000 in eight regions and 10,000 in the
    last (170,000 > 135,000 nationally; fails 13,500 there, as Ata Meken did in Osh); D 1,000
    per region (fails nationally).
    National reading: A, B on 1,080,000 votes -> 90 * 900/1080 = 75, 90 * 180/1080 = 15.
    Own reading: A, B, C on 1,250,000 -> 64.8, 12.96, 12.24 -> 64 + 12 + 12 = 88, the two
    largest remainders .96 (B) and .8 (A) -> 65, 13, 12.
    """
    votes = np.array([[100_000, 20_000, 20_000, 1_000]] * 9)
    votes[8, 2] = 10_000
    e = Election(
        votes,
        registered=[300_000] * 9,
        parties=["A", "B", "C", "D"],
        regions=[f"R{i}" for i in range(9)],
    )
    law = kyrgyzstan_2007()
    assert law.regional == NATIONAL
    got = es.allocate(e, law)
    assert got.seats.tolist() == [75, 15, 0, 0]
    assert got.failed_regions[:, 2].tolist() == [False] * 8 + [True]
    own = es.allocate(e, law.replace(regional=Threshold("0.5%", base="registered")))
    assert own.seats.tolist() == [65, 13, 12, 0]


def test_tipping_point_needs_the_national_need() -> None:
    # B has 30 of the 55 votes needed in Y: 25 added votes make it pass there (hand); the own
    # base of Y (25 votes) is passed already
    system = ElectoralSystem(4, "hare", regional=NATIONAL)
    tp = tipping_point(boundary_election(30), system, passes("B", region="Y"), [Add("B")])
    assert tp.votes == 25
