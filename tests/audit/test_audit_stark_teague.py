"""A published worked audit reproduced with its published sample size.

Stark, P. B. & Teague, V. (2014). Verifiable European elections: risk-limiting audits for
D'Hondt and its relatives. *USENIX Journal of Election Technology and Systems* 3(1), 18-39,
with its companion notebook ``danmark14EU.ipynb`` (github.com/pbstark/DKDHondt14): Denmark's
2014 European Parliament election, 13 seats by D'Hondt, allocated first to the coalitions
(A+B+F), (C+V), I, N, O and then within the coalitions.

Published figures: coalition seats [5, 3, 0, 1, 4]; within A, B, F [3, 1, 1]; within C, V
[1, 2]; the MICRO upper bound u = max over winners w and losers l != w of
(d_l + d_w) / (d_l T_w - d_w T_l) = 0.0001124 (N u = 262.24); and, for a ballot-level
comparison audit with Kaplan-Wald, gamma = 0.95 and risk limit 0.001, the minimum sample size
with no discrepancy from 1/alpha = (gamma / (1 - 1/(N u)) + 1 - gamma)^n: **1,903** ballots.

Mapping to electsim's conventions.  electsim's divisor assertion for (w, l) is
g(b) = b_w / d_w - b_l / d_l > 0 summed over ballots, turned into a SHANGRLA assorter h with
upper bound u_h and diluted margin v/u_h.  Stark & Teague's per-ballot bound is the largest
change of g one ballot can make, divided by the margin: (1/d_w + 1/d_l) / (T_w/d_w - T_l/d_l),
which is (d_l + d_w)/(d_l T_w - d_w T_l) and equals 2 / (N v/u_h) on the assorter scale
(``AssertionSet.relative_overstatement_bounds``; the maximum is
``AssertionSet.overstatement_bound``).  A ballot without discrepancy scores 1/(2 - v/u_h) on
the comparison assorter, so with the null mean 1/2 (sampling with replacement) the Kaplan-Wald
factor 1 - gamma + gamma x / (1/2) is exactly gamma / (1 - 1/(N u)) + 1 - gamma.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import electsim as es
from electsim import audit

N_BALLOTS = 2_332_217  # including invalid and blank ballots
PARTY = {
    "A": 435_245,
    "B": 148_949,
    "C": 208_262,
    "F": 249_305,
    "I": 65_480,
    "N": 183_724,
    "O": 605_889,
    "V": 379_840,
}
COALITIONS = {"A+B+F": ("A", "B", "F"), "C+V": ("C", "V"), "I": ("I",), "N": ("N",), "O": ("O",)}
DHONDT = es.ElectoralSystem(13, "dhondt")  # no threshold


def _coalition_election() -> es.Election:
    totals = [sum(PARTY[p] for p in members) for members in COALITIONS.values()]
    return es.Election(
        [totals], invalid=[N_BALLOTS - sum(totals)], parties=list(COALITIONS), name="DK EP 2014"
    )


def test_coalition_totals_and_seats() -> None:
    e = _coalition_election()
    assert e.votes[0].tolist() == [833_499, 588_102, 65_480, 183_724, 605_889]
    assert int(e.national_ballots.item()) == N_BALLOTS
    assert es.allocate(e, DHONDT).seats.tolist() == [5, 3, 0, 1, 4]


def test_within_coalition_allocations() -> None:
    abf = es.Election([PARTY["A"], PARTY["B"], PARTY["F"]], parties="ABF")
    cv = es.Election([PARTY["C"], PARTY["V"]], parties="CV")
    assert es.allocate(abf, es.ElectoralSystem(5, "dhondt")).seats.tolist() == [3, 1, 1]
    assert es.allocate(cv, es.ElectoralSystem(3, "dhondt")).seats.tolist() == [1, 2]


def test_micro_upper_bound_u() -> None:
    A = audit.assertions(_coalition_election(), DHONDT)
    # only the pairwise divisor assertions: no threshold
    assert {a.kind for a in A} == {"seat_pair"}
    u = A.overstatement_bound
    assert float(u) == pytest.approx(0.0001124, abs=5e-8)  # published, 4 significant digits
    assert float(N_BALLOTS * u) == pytest.approx(262.24, abs=0.005)  # published N u
    # the same u from Stark & Teague's formula on the reported totals (independent of
    # electsim's assorter scaling): d_w = w's seats, d_l = l's seats + 1 (D'Hondt divisors)
    T, S = [833_499, 588_102, 65_480, 183_724, 605_889], [5, 3, 0, 1, 4]
    by_hand = max(
        Fraction(S[j] + 1 + S[i], (S[j] + 1) * T[i] - S[i] * T[j])
        for i in range(5)
        if S[i] >= 1
        for j in range(5)
        if j != i
    )
    # the maximising pair: w = O's 4th seat against l = C+V's 4th: 8 / (4 * 17,787)
    assert by_hand == Fraction(8, 4 * (605_889 - 588_102))
    assert u == by_hand


def test_kaplan_wald_sample_size_1903() -> None:
    """Through electsim: the closest assertion's no-discrepancy comparison score, fed to
    ``audit.kaplan_wald`` (gamma = 0.95, with replacement), first reaches p <= 0.001 at the
    published 1,903 draws; ``audit.plan`` (without replacement) gives the same."""
    e = _coalition_election()
    A = audit.assertions(e, DHONDT)
    closest = A.closest()
    # N u = 2 / (v/u_h) (the mapping in the module docstring)
    assert 2 / (N_BALLOTS * closest.diluted_margin) == A.overstatement_bound
    x0 = 1 / (2 - float(closest.diluted_margin))
    p = audit.kaplan_wald(np.full(3000, x0), u=2 * x0, gamma=0.95)
    assert int(np.argmax(p <= 0.001)) + 1 == 1903
    plan = audit.plan(
        e, DHONDT, 0.001, kind="comparison", test="kaplan_wald", gamma=0.95, error_rate=0.0,
        assertion_set=A,
    )  # fmt: skip
    assert plan.initial == 1903
    assert plan.driver is closest
