"""Norway, Storting election of 13 September 2021, reproduced seat for seat.

Official sources: Valgdirektoratet, valgresultat.no, "Stortingsvalget 2021"
(https://valgresultat.no/valg/2021/st) for votes and seats; Kommunal- og
moderniseringsdepartementet, "Fordeling av mandatene ved neste stortingsvalg" (2020,
regjeringen.no id2699589) for the county populations and areas.  Law: valgloven (2002)
§§ 11-3 to 11-6; Constitution §§ 57-59.  Data in ``data/norway_2021*.csv``.

Rules: 169 seats apportioned among the 19 counties by pure Sainte-Laguë on population + 1.8 x
area; one seat per county is a levelling seat; the other 150 by modified Sainte-Laguë (first
divisor 1.4) in each county without a threshold; levelling: lists with >= 4 % of the votes
nationally, pure Sainte-Laguë, exclusion of lists above their share; placement by relative
quotients with divisor 1 for a list without a district seat.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from electsim import Election, Threshold
from electsim.rules import DistrictSystem, LevellingSystem, Magnitudes

DATA = Path(__file__).resolve().parent / "data"

#: Published national totals (valgresultat.no).
PUBLISHED = {
    "A": 48,
    "H": 36,
    "SP": 28,
    "FRP": 21,
    "SV": 13,
    "RØDT": 8,
    "V": 8,
    "MDG": 3,
    "KRF": 3,
    "PF": 1,
}


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@pytest.fixture(scope="module")
def norway() -> dict:
    data = rows("norway_2021.csv")
    counties = list(dict.fromkeys(r["county"] for r in data))
    parties = list(dict.fromkeys(r["party"] for r in data))
    votes = np.zeros((len(counties), len(parties)), dtype=np.int64)
    seats, lev = votes.copy(), votes.copy()
    for r in data:
        i, j = counties.index(r["county"]), parties.index(r["party"])
        votes[i, j] = int(r["votes"])
        seats[i, j] = int(r["published_seats"])
        lev[i, j] = int(r["of_which_levelling"])
    basis = {
        r["county"]: 10 * int(r["population_2020"]) + 18 * int(r["area_km2"])
        for r in rows("norway_2021_counties.csv")
    }
    election = Election(votes, parties=parties, regions=counties, name="Norway 2021")
    return {"election": election, "seats": seats, "lev": lev, "basis": basis, "counties": counties}


def system(norway: dict, **changes: object) -> LevellingSystem:
    mags = Magnitudes(169, norway["basis"], "sainte_lague").resolve(norway["counties"])
    lower = DistrictSystem(mags - 1, "modified_sainte_lague")
    s = LevellingSystem(
        lower, np.ones(19, dtype=int), Threshold("4%", base="party_votes"), "sainte_lague"
    )
    return s.replace(**changes) if changes else s


def test_county_magnitudes(norway: dict) -> None:
    """Population + 1.8 x area (scaled by 10 to integers), pure Sainte-Laguë, 169 seats."""
    mags = Magnitudes(169, norway["basis"], "sainte_lague").resolve(norway["counties"])
    assert mags.tolist() == norway["seats"].sum(axis=1).tolist()
    assert mags.tolist()[:3] == [9, 19, 20] and int(mags.sum()) == 169


def test_district_levelling_and_county_seats(norway: dict) -> None:
    r = system(norway).allocate(norway["election"])
    e = norway["election"]
    assert {p: int(s) for p, s in zip(e.party_names, r.seats, strict=True) if s} == PUBLISHED
    assert (r.lower.district_seats == norway["seats"] - norway["lev"]).all()  # 150 district seats
    assert r.upper_seats[[e.party_index(p) for p in ("SV", "RØDT", "V", "H", "FRP")]].tolist() == [
        5,
        4,
        5,
        1,
        4,
    ]
    assert r.upper_district_seats is not None and r.district_seats is not None
    assert (r.upper_district_seats == norway["lev"]).all()  # the county of every levelling seat
    assert (r.district_seats == norway["seats"]).all()
    assert r.qualified.sum() == 7 and not r.ties
    sv = e.party_index("SV")
    (rec,) = [x for x in r.to_records() if x["party"] == "SV"]
    published = [c for c, n in zip(norway["counties"], norway["lev"][:, sv], strict=True) if n]
    assert rec["upper_districts"] == published and len(published) == 5
    assert "Finnmark" in str(r) and r._repr_html_().startswith("<pre")


def test_negative_control_first_divisor_14(norway: dict) -> None:
    """Placing levelling seats with the district divisor 1.4 instead of 1 misplaces some."""
    r = system(norway, first_divisor="1.4").allocate(norway["election"])
    assert r.upper_district_seats is not None
    assert (r.upper_district_seats != norway["lev"]).any()
    assert (r.seats == system(norway).allocate(norway["election"]).seats).all()  # totals same
