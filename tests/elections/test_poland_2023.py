"""Poland, Sejm election of 15 October 2023: 460 seats in 41 constituencies by D'Hondt.

Official source: Państwowa Komisja Wyborcza (PKW), "Wybory do Sejmu i Senatu 2023", results by
constituency, https://wybory.gov.pl/sejmsenat2023/ (data in ``data/poland_2023.csv``).
Law: Kodeks wyborczy (2011) art. 196 § 1 (5 % of valid votes nationally for a party
committee, 8 % for a coalition committee), art. 197 § 1 (committees of registered national
minorities exempt), art. 232 (D'Hondt in each constituency).

The rules are written as the law states them: the coalition committees are lists with
``Party.members >= 2`` under ``ByKind({1: "5%", 2: "8%"}, base="valid")``, and the German
minority's committee is ``Exempt(["MN"])``.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from electsim import Election, Party, Threshold
from electsim.rules import ByKind, DistrictSystem, Exempt

DATA = Path(__file__).resolve().parent / "data" / "poland_2023.csv"
LISTS = ("PiS", "KO", "TD", "NL", "Konf", "MN")
#: Parties on each committee's list (PKW register of election committees, 2023):
#: KO = Koalicyjny Komitet Wyborczy Koalicja Obywatelska PO .N iPL Zieloni (four parties);
#: TD = Koalicyjny Komitet Wyborczy Trzecia Droga Polska 2050 Szymona Hołowni - Polskie
#: Stronnictwo Ludowe (two parties); the others are committees of one party or of voters.
MEMBERS = {"KO": 4, "TD": 2}
PUBLISHED = [194, 157, 65, 26, 18, 0]
#: Valid votes nationally (PKW); the lists not in the file had 21,596,674 - 20,813,086.
VALID = 21_596_674
#: Art. 196 § 1: 5 % for a party (or voters') committee, 8 % for a coalition committee.
POLISH_THRESHOLD = ByKind({1: "5%", 2: "8%"}, base="valid")
#: Art. 197 § 1: committees of registered national-minority organisations are exempt.
MINORITY = Exempt(["MN"], reason="national minority (art. 197 § 1)")


def load() -> tuple[Election, list[int]]:
    with DATA.open(encoding="utf-8") as fh:
        data = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    votes = np.array([[int(r[p]) for p in LISTS] for r in data])
    mags = [int(r["magnitude"]) for r in data]
    other = np.zeros(len(data), dtype=np.int64)
    # only the national sum of the other lists' votes matters (no district threshold): it is put
    # in the first constituency's non-seat valid votes
    other[0] = VALID - int(votes.sum())
    e = Election(
        votes,
        against_all=other,
        parties=[Party(p, members=MEMBERS.get(p, 1)) for p in LISTS],
        regions=[f"Okręg {r['district']}" for r in data],
    )
    return e, mags


def sejm(mags: list[int], *, exempt: bool = True) -> DistrictSystem:
    return DistrictSystem(
        mags,
        "dhondt",
        national_threshold=POLISH_THRESHOLD,
        alternatives=(MINORITY,) if exempt else (),
        name="Sejm 2023",
        source="Kodeks wyborczy art. 196-197, 232",
    )


def test_poland_2023_seats() -> None:
    e, mags = load()
    r = sejm(mags).allocate(e)
    assert int(e.national_valid) == VALID
    assert r.seats.tolist() == PUBLISHED and int(r.magnitudes.sum()) == 460
    # every committee but MN passes its own threshold (TD 14.4 % >= 8 %, Konf 7.2 % >= 5 %);
    # MN (25,778 votes, 0.12 %) fails it and takes part by the exemption only
    assert r.passes_national.tolist() == [True, True, True, True, True, False]
    assert r.eligible[:, LISTS.index("MN")].all()
    # negative control: one national D'Hondt allocation of 460 gives 169/147/69/41/34/0
    national = DistrictSystem([460], "dhondt").allocate(e.national())
    assert national.seats.tolist() == [169, 147, 69, 41, 34, 0]


def test_poland_2023_without_the_minority_exemption() -> None:
    # negative control of the exemption: MN then fails the 5 % and is eligible nowhere; with
    # 25,778 votes it won no seat anyway, so the seats are unchanged (see the toy test below
    # for a case where the exemption decides a seat)
    e, mags = load()
    r = sejm(mags, exempt=False).allocate(e)
    assert not r.eligible[:, LISTS.index("MN")].any()
    assert r.seats.tolist() == PUBLISHED


def test_poland_2023_per_kind_rule_reads_party_members() -> None:
    # Konfederacja's 7.2 % passes the party threshold but would fail the coalition one: as a
    # (hypothetical) coalition committee it is barred and its 18 seats go to the others
    e, mags = load()
    share = int(e.national_votes[LISTS.index("Konf")]) * 100 / VALID
    assert 5 < share < 8
    parties = [Party(p, members=2 if p == "Konf" else MEMBERS.get(p, 1)) for p in LISTS]
    r = sejm(mags).allocate(e.replace(parties=parties))
    assert not r.passes_national[LISTS.index("Konf")]
    assert int(r.seats[LISTS.index("Konf")]) == 0 and int(r.seats.sum()) == 460


# A toy election under Poland's rules where the exemption and the per-kind threshold each
# decide a seat.  Valid votes 100,000: 5 % = 5,000, 8 % = 8,000.  Lists A and C are parties,
# B a two-party coalition with 7,000 votes (7 %: passes 5 %, fails 8 %), M the minority list
# with 4,500 votes (4.5 %).
TOY_VOTES = [
    # A,     B,      C,     M
    [15000, 7000, 12000, 0],  # N, 4 seats
    [8000, 0, 3000, 4500],  # S, 2 seats
    [25000, 0, 25500, 0],  # E, 3 seats
]
TOY_MAGS = {"N": 4, "S": 2, "E": 3}


def toy(b_members: int) -> Election:
    parties = [Party("A"), Party("B", members=b_members), Party("C"), Party("M")]
    return Election(TOY_VOTES, parties=parties, regions=list(TOY_MAGS))


def test_toy_exemption_and_per_kind_threshold_decide_seats() -> None:
    # D'Hondt by hand:
    # N (4): quotients A 15000, C 12000, A/2 7500, B 7000, C/2 6000, A/3 5000.
    #   B barred (coalition, 7 % < 8 %): A 15000, C 12000, A/2 7500, C/2 6000 -> A 2, C 2.
    #   B a single party (7 % >= 5 %):    A 15000, C 12000, A/2 7500, B 7000  -> A 2, C 1, B 1.
    # S (2): quotients A 8000, M 4500, A/2 4000, C 3000.
    #   M exempt: A 8000, M 4500 -> A 1, M 1;  M not exempt (4.5 % < 5 %): A 8000, A/2 4000 -> A 2.
    # E (3): quotients C 25500, A 25000, C/2 12750, A/2 12500 -> C 2, A 1.
    law = DistrictSystem(
        TOY_MAGS, "dhondt", national_threshold=POLISH_THRESHOLD, alternatives=(Exempt(["M"]),)
    )
    r = law.allocate(toy(b_members=2))
    assert r.district_seats.tolist() == [[2, 0, 2, 0], [1, 0, 0, 1], [1, 0, 2, 0]]
    assert r.seats.tolist() == [4, 0, 4, 1]
    # without the exemption M's seat in S goes to A
    assert law.replace(alternatives=()).allocate(toy(2)).seats.tolist() == [5, 0, 4, 0]
    # B as a single-party committee passes 5 % and takes C's second seat in N
    assert law.allocate(toy(b_members=1)).seats.tolist() == [4, 1, 3, 1]
    # the same per-kind rule written as one Threshold per list (the older form) agrees
    five, eight = Threshold("5%", base="valid"), Threshold("8%", base="valid")
    per_list = law.replace(national_threshold=[five, eight, five, five])
    assert per_list.allocate(toy(2)).seats.tolist() == [4, 0, 4, 1]
