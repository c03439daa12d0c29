"""Poland, Sejm election of 15 October 2023: 460 seats in 41 constituencies by D'Hondt.

Official source: Państwowa Komisja Wyborcza (PKW), "Wybory do Sejmu i Senatu 2023", results by
constituency, https://wybory.gov.pl/sejmsenat2023/ (data in ``data/poland_2023.csv``).
Law: Kodeks wyborczy (2011) art. 196 § 1 (5 % of valid votes nationally for a party
committee, 8 % for a coalition committee), art. 197 § 1 (committees of registered national
minorities exempt), art. 232 (D'Hondt in each constituency).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from electsim import Election, Threshold
from electsim.rules import DistrictSystem

DATA = Path(__file__).resolve().parent / "data" / "poland_2023.csv"
LISTS = ("PiS", "KO", "TD", "NL", "Konf", "MN")
PUBLISHED = [194, 157, 65, 26, 18, 0]
#: Valid votes nationally (PKW); the lists not in the file had 21,596,674 - 20,813,086.
VALID = 21_596_674


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
        votes, against_all=other, parties=LISTS, regions=[f"Okręg {r['district']}" for r in data]
    )
    return e, mags


def test_poland_2023_seats() -> None:
    e, mags = load()
    party, coalition = Threshold("5%", base="valid"), Threshold("8%", base="valid")
    exempt = Threshold("0%", base="valid")
    ds = DistrictSystem(
        mags, "dhondt", national_threshold=[party, coalition, coalition, party, party, exempt]
    )
    r = ds.allocate(e)
    assert int(e.national_valid) == VALID
    assert r.seats.tolist() == PUBLISHED and int(r.magnitudes.sum()) == 460
    assert r.passes_national.all()
    # negative control: one national D'Hondt allocation of 460 gives 169/147/69/41/34/0
    national = DistrictSystem([460], "dhondt").allocate(e.national())
    assert national.seats.tolist() == [169, 147, 69, 41, 34, 0]
