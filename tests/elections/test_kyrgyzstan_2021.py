"""Kyrgyzstan, 28 November 2021: the 54-seat list tier reproduced seat for seat.

Source: CEC final results as reported by Interfax, 15 Dec 2021,
https://interfax.com/newsroom/top-stories/73392/ : shares of the voters who took part,
Ata-Jurt Kyrgyzstan 17.30, Ishenim 13.62, Yntymak 10.99, Alliance 8.33, Butun Kyrgyzstan 7.03,
Yiman Nuru 6.15 %; seats 15/12/9/7/6/5.  Only shares with two decimals are published, so they
are used as weights (Hare largest remainder is scale-invariant) and the test shows, by exact
interval arithmetic, that every vote split within the +-0.005-point rounding gives the same
seats.  The district tier (36 single-member districts) is not tested: no official district
results are bundled.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from electsim import Election, allocate
from electsim.presets import kyrgyzstan_2021, kyrgyzstan_2021_list_tier

SHARES = [Fraction(x, 100) for x in (1730, 1362, 1099, 833, 703, 615)]  # percent
PUBLISHED = [15, 12, 9, 7, 6, 5]
HALF = Fraction(5, 1000)  # half a unit of the last published digit, in percent


def test_kyrgyzstan_2021_list_tier_published_seats() -> None:
    # weights in 1/100 % of the voters who took part; the rest (other lists, against all,
    # invalid) fills the base up to 100 %
    v = [int(s * 100) for s in SHARES]
    e = Election(v, against_all=[10_000 - sum(v)])
    # national shares only: the 0.5 % regional test cannot be checked here
    tier = kyrgyzstan_2021_list_tier().replace(regional=None)
    assert allocate(e, tier).seats.tolist() == PUBLISHED
    assert kyrgyzstan_2021().list_tier == kyrgyzstan_2021_list_tier()


def test_kyrgyzstan_2021_robust_to_rounding_of_the_shares() -> None:
    # Hare largest remainder gives seats a (no tie) iff sum(a) = S and some cut c has
    # q_i - a_i <= c < q_i - a_i + 1 for every list (a_i = ceil(q_i - c): the lists whose
    # remainder exceeds c are rounded up; Balinski & Young, Fair Representation, 2001).  Over
    # the box of true shares, exact intervals of x_i = q_i - a_i with q_i = 54 v_i / sum(v)
    # show such a cut exists everywhere: max(hi(x)) < min(lo(x)) + 1.
    lo = [s - HALF for s in SHARES]
    hi = [s + HALF for s in SHARES]
    x_lo, x_hi = [], []
    for i in range(6):
        others_hi = sum(hi[j] for j in range(6) if j != i)
        others_lo = sum(lo[j] for j in range(6) if j != i)
        x_lo.append(54 * lo[i] / (lo[i] + others_hi) - PUBLISHED[i])
        x_hi.append(54 * hi[i] / (hi[i] + others_lo) - PUBLISHED[i])
    assert sum(PUBLISHED) == 54
    assert max(x_hi) < min(x_lo) + 1
    assert min(lo) > 5  # every list passes 5 % wherever the true share lies
    # and the batch kernel agrees on every corner of the box (in 1/1000 %)
    corners = np.array(
        [
            [int((s + d) * 1000) for s, d in zip(SHARES, signs, strict=True)]
            for signs in itertools.product((-HALF, HALF), repeat=6)
        ]
    )
    e = Election(corners[:, None, :], against_all=(100_000 - corners.sum(axis=1))[:, None])
    seats = allocate(e, kyrgyzstan_2021_list_tier().replace(regional=None)).seats
    assert (seats == PUBLISHED).all()
