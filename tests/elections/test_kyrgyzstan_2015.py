"""Kyrgyzstan, Jogorku Kenesh election of 4 October 2015, reproduced seat for seat.

Source: IFES ElectionGuide, https://www.electionguide.org/elections/id/2623/ (results from the
CEC); voters who took part 1,589,479: IPU Parline
https://data.ipu.org/parliament/KG/KG-LC01/election/KG-LC01-E20151004/ .  Published seats: SDPK
38, Respublika-Ata Jurt 28, Kyrgyzstan 18, Onuguu-Progress 13, Bir Bol 12, Ata Meken 11.
"""

from __future__ import annotations

from fractions import Fraction

from electsim import Election, allocate
from electsim.presets import kyrgyzstan_2015

VOTES = {
    "SDPK": 432_804,
    "Respublika-Ata Jurt": 318_266,
    "Kyrgyzstan": 205_268,
    "Onuguu-Progress": 147_515,
    "Bir Bol": 134_909,
    "Ata Meken": 122_500,
}
TOOK_PART = 1_589_479
PUBLISHED = [38, 28, 18, 13, 12, 11]


def test_kyrgyzstan_2015_published_seats() -> None:
    # the other lists, against all and invalid ballots (1,589,479 - the six lists) are folded
    # into one count outside the lists: they win nothing and only enter the 7 % base
    rest = TOOK_PART - sum(VOTES.values())
    e = Election(list(VOTES.values()), against_all=[rest], parties=list(VOTES))
    a = allocate(e, kyrgyzstan_2015().replace(regional=None))  # no regional counts
    assert a.seats.tolist() == PUBLISHED
    assert int(a.national_base) == TOOK_PART
    # 7 % of 1,589,479 = 111,263.53: Ata Meken passes by 11,236.47 votes (hand computation)
    assert Fraction(VOTES["Ata Meken"]) - Fraction(7, 100) * TOOK_PART == Fraction(1123647, 100)
