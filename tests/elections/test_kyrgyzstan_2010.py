"""Kyrgyzstan, Jogorku Kenesh election of 10 October 2010, reproduced seat for seat.

Source: the CEC's final results (votes of the five lists that passed; percentages of registered
voters) as reported in IPU Parline (2010 election) and the OSCE/ODIHR Final Report on the
10 October 2010 parliamentary elections (Warsaw, 20 December 2010).  Published seats: Ata-Jurt
28, SDPK 26, Ar-Namys 25, Respublika 23, Ata-Meken 18.

Registered voters are not known exactly: ``REGISTERED`` = 266,923 / 0.0888 (Ata-Jurt's votes
over its published share of registered voters), DERIVED; every list passes 5 % of it with a
wide margin (the smallest, Ata-Meken, needs registered <= 3,364,360).
"""

from __future__ import annotations

from electsim import Election, allocate
from electsim.presets import kyrgyzstan_2010

VOTES = {
    "Ata-Jurt": 266_923,
    "SDPK": 241_528,
    "Ar-Namys": 232_682,
    "Respublika": 217_601,
    "Ata-Meken": 168_218,
}
PUBLISHED = [28, 26, 25, 23, 18]
REGISTERED = round(266_923 / 0.0888)  # derived, about 3.006 million


def test_kyrgyzstan_2010_published_seats() -> None:
    e = Election(list(VOTES.values()), registered=[REGISTERED], parties=list(VOTES))
    # national-only data: the 0.5 % regional test cannot be checked (no regional counts)
    a = allocate(e, kyrgyzstan_2010().replace(regional=None))
    assert a.seats.tolist() == PUBLISHED
    assert a.passes_national.all()
    assert not a.capped.any()  # the 65-seat cap does not bind


def test_kyrgyzstan_2010_registered_base_decides() -> None:
    # 5 % of registered voters: a list with 150,000 votes fails although it has over 5 % of
    # the 1,679,538 voters who took part (5 % of ~3.006 million registered is ~150,295)
    e = Election([*VOTES.values(), 150_000], registered=[REGISTERED], parties=[*VOTES, "X"])
    a = allocate(e, kyrgyzstan_2010().replace(regional=None))
    assert a.eligible.tolist() == [True] * 5 + [False]
    assert a.seats.tolist() == [*PUBLISHED, 0]
