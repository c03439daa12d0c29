"""Denmark, European Parliament election of 25 May 2014: electoral alliances (valgforbund).

Source: Statistics Denmark / the Ministry of Economic and Interior Affairs, official result of
the European Parliament election 2014 (dst.dk, valg.im.dk), as tabulated in Stark, P. B. &
Teague, V. (2014), Verifiable European elections: risk-limiting audits for D'Hondt and its
relatives, *USENIX Journal of Election Technology and Systems* 3(1), 18-39.  Law: Act on the
election of Danish members of the European Parliament: 13 seats by D'Hondt among the lists and
the alliances (each counted as one list), then by D'Hondt within each alliance; no threshold.

Alliances: A (Social Democrats) + B (Social Liberals) + F (Socialist People's Party), and
C (Conservatives) + V (Liberals).  Published seats: O 4, A 3, V 2, B 1, C 1, F 1, N 1, I 0.
"""

from __future__ import annotations

import electsim as es

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
PUBLISHED = {"A": 3, "B": 1, "C": 1, "F": 1, "I": 0, "N": 1, "O": 4, "V": 2}
N_BALLOTS = 2_332_217  # including invalid and blank ballots
EP = es.ElectoralSystem(13, "dhondt", alliances=[("A", "B", "F"), ("C", "V")])


def _election() -> es.Election:
    return es.Election.from_mapping(
        PARTY, invalid=N_BALLOTS - sum(PARTY.values()), name="DK EP 2014"
    )


def test_published_seats_through_the_alliances() -> None:
    alloc = es.allocate(_election(), EP)
    assert alloc.by_party() == PUBLISHED


def test_alliance_level_seats() -> None:
    # by hand: A+B+F 833,499 and C+V 588,102 as single lists; the 13th D'Hondt average is O's
    # fourth, 151,472.25, ahead of C+V's fourth (147,025.5): A+B+F 5, C+V 3, I 0, N 1, O 4
    alloc = es.allocate(_election(), EP)
    seats = alloc.by_party()
    assert seats["A"] + seats["B"] + seats["F"] == 5
    assert seats["C"] + seats["V"] == 3


def test_plain_dhondt_by_hand() -> None:
    # The alliances did not change the 2014 result: plain D'Hondt over the eight lists gives
    # the same seats (13th average: A's third, 145,081.67, ahead of V's third, 126,613.33) --
    # so this election checks the alliance arithmetic, not a decisive effect.
    plain = es.allocate(_election(), EP.replace(alliances=())).by_party()
    assert plain == PUBLISHED
