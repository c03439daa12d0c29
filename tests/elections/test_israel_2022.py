"""Israel, election to the 25th Knesset, 1 November 2022: surplus-vote agreements decide a seat.

Source: Central Elections Committee, national results of the elections to the 25th Knesset,
https://votes25.bechirot.gov.il/nationalresults (final count).  Law: Knesset Elections Law
[Consolidated Version] 5729-1969, sections 81-81A: threshold 3.25 % of the valid votes; 120 seats
by the Bader-Ofer method (= D'Hondt) among the lists that passed, each surplus-vote agreement
counted as one list, then divided between its members by the same method.

Valid votes 4,764,742; invalid 29,851.  All other lists are modelled as one list far below the
threshold with the valid votes not won by the twelve lists below: 4,764,742 - 4,636,752 =
127,990 votes (2.7 %).
"""

from __future__ import annotations

import electsim as es

VOTES = {
    "Likud": 1_115_336,
    "Yesh Atid": 847_435,
    "Religious Zionism": 516_470,
    "National Unity": 432_482,
    "Shas": 392_964,
    "United Torah Judaism": 280_194,
    "Yisrael Beiteinu": 213_687,
    "United Arab List": 194_047,
    "Hadash-Ta'al": 178_735,
    "Labor": 175_992,
    "Meretz": 150_793,
    "Balad": 138_617,
    "all other lists": 4_764_742 - 4_636_752,
}
PUBLISHED = [32, 24, 14, 12, 11, 7, 6, 5, 5, 4, 0, 0, 0]
AGREEMENTS = [
    ("Likud", "Religious Zionism"),
    ("National Unity", "Yesh Atid"),
    ("Shas", "United Torah Judaism"),
    ("Labor", "Meretz"),  # Meretz failed the threshold: Labor stands alone
]
KNESSET = es.ElectoralSystem(
    120,
    "dhondt",
    national=es.Threshold("3.25%", base="valid"),
    alliances=AGREEMENTS,
    name="Knesset 2022",
    source="Knesset Elections Law 5729-1969, ss. 81-81A",
)


def _election() -> es.Election:
    return es.Election.from_mapping(VOTES, invalid=29_851, name="Knesset 2022")


def test_valid_votes_and_threshold() -> None:
    e = _election()
    assert int(e.national_valid.item()) == 4_764_742
    alloc = es.allocate(e, KNESSET)
    # 3.25 % of 4,764,742 = 154,854.115 -> 154,855 votes: Meretz (150,793) and Balad fail
    assert int(alloc.national_base.item()) == 4_764_742
    assert alloc.eligible.tolist() == [True] * 10 + [False] * 3


def test_published_seats_with_surplus_agreements() -> None:
    assert es.allocate(_election(), KNESSET).seats.tolist() == PUBLISHED


def test_without_agreements_likud_loses_a_seat_to_labor() -> None:
    # negative control: the agreements decide a seat (plain D'Hondt: Likud 31, Labor 5)
    seats = es.allocate(_election(), KNESSET.replace(alliances=())).seats.tolist()
    assert seats[0] == 31 and seats[9] == 5
    assert sum(seats) == 120
