"""Germany, Bundestag election of 23 February 2025: the national-minority exemption decides a seat.

Source: Die Bundeswahlleiterin, "Bundestagswahl 2025: Endgültiges Ergebnis",
https://www.bundeswahlleiterin.de/bundestagswahlen/2025/ergebnisse/bund-99.html.  Law:
Bundeswahlgesetz as amended in 2023, § 4: 630 seats apportioned by Sainte-Laguë/Schepers
(pure Sainte-Laguë) on second votes among the parties with at least 5 % of the valid second
votes (or three constituency wins -- no party qualified that way in 2025); the 5 % clause does
not apply to parties of national minorities (the SSW).

CDU and CSU are separate lists.  The 2,194,452 second votes of all other lists are modelled as
one list (4.4 %, below 5 %, not exempt).  The allocation of seats to the Länder lists and the
second-vote coverage of constituency winners do not change the party totals checked here.
"""

from __future__ import annotations

import electsim as es
from electsim.rules import Exempt

VOTES = {
    "CDU": 11_196_374,
    "AfD": 10_328_780,
    "SPD": 8_149_124,
    "GRÜNE": 5_762_380,
    "Die Linke": 4_356_532,
    "CSU": 2_964_028,
    "BSW": 2_472_947,
    "FDP": 2_148_757,
    "SSW": 76_138,
    "all other lists": 2_194_452,
}
PUBLISHED = [164, 152, 120, 85, 64, 44, 0, 0, 1, 0]
BUNDESTAG = es.ElectoralSystem(
    630,
    "sainte_lague",
    national=es.Threshold("5%", base="valid"),
    alternatives=[Exempt(["SSW"], reason="national minority")],
    name="Bundestag 2025",
    source="Bundeswahlgesetz (2023) § 4",
)


def _election() -> es.Election:
    return es.Election.from_mapping(VOTES, name="Bundestag 2025")


def test_published_seats() -> None:
    e = _election()
    assert int(e.national_valid.item()) == 49_649_512
    alloc = es.allocate(e, BUNDESTAG)
    assert alloc.seats.tolist() == PUBLISHED
    # BSW: 2,472,947 of 49,649,512 = 4.981 % -- fails by 9,529 votes (5 % = 2,482,475.6)
    assert not alloc.eligible[6]


def test_without_the_exemption_the_cdu_takes_the_ssw_seat() -> None:
    seats = es.allocate(_election(), BUNDESTAG.replace(alternatives=())).seats.tolist()
    assert seats[0] == 165 and seats[8] == 0
