"""Tests of the bundled Kyrgyzstan 2020 data sets against their published sources.

Sources of the expected numbers:

* [CEC] CEC preliminary results, 5 Oct 2020 11:00 (ABB, 98 % of boxes), akipress.kg as reproduced
  at https://for.kg/news-669682-ru.html and https://ea-news.kz/?p=3840 (its table of 17 lines).
* [KLOOP] Kloop Media, GitHub KloopMedia/ParliamentCalculatorV2,
  src/data/PARTIES_RESULTS_REACT_LEVEL_ONE_NEW.csv, commit
  9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4 (2020-10-29); its sums by region, national sums and
  Form No. 2 statistics below were derived from the source file by hand, independently of
  electsim (and are re-derived from the shipped CSV with the csv module in the tests of the
  reconciliation).
"""

from __future__ import annotations

import csv
import importlib.util
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path

import matplotlib.colors as mcolors
import numpy as np
import pytest

import electsim as es
from electsim.datasets import (
    kyrgyzstan_2020,
    kyrgyzstan_2020_parties,
    kyrgyzstan_2020_precincts,
    kyrgyzstan_2020_reconciliation,
    kyrgyzstan_2020_regions,
)
from electsim.election import NATIONAL, Election, Party
from electsim.errors import ElectsimError, MissingDataError

from _support import REPO_ROOT

SHARED_SOURCE = (
    REPO_ROOT.parent / "shared" / "data" / "kyrgyzstan_2020" / "precincts_2020-10-29.csv"
)
CONVERTER = REPO_ROOT / "tools" / "convert_kloop_2020.py"

# [CEC] the CEC's table: party votes in the CEC's order.
CEC_VOTES = {
    "Birimdik": 487_685,
    "Mekenim Kyrgyzstan": 475_372,
    "Kyrgyzstan": 174_317,
    "Butun Kyrgyzstan": 141_940,
    "Mekenchil": 136_276,
    "Respublika": 115_288,
    "Ata Meken": 80_279,
    "Yiman Nuru": 66_747,
    "Bir Bol": 60_305,
    "Chon Kazat": 46_568,
    "Zamandash": 42_862,
    "Social Democrats": 42_460,
    "Reforma": 32_795,
    "Meken Yntymagy": 12_468,
    "Ordo": 4_395,
    "Party of Veterans of the War in Afghanistan and Participants of Other Military Conflicts": (
        3_459
    ),
}
CEC_AGAINST_ALL = 35_714  # [CEC] "Against all"
CEC_TOOK_PART = 1_990_753  # [CEC] "в голосовании приняли участие 1 млн 990 тыс. 753"
CEC_REGISTERED = 3_523_554  # [CEC] "из 3 млн 523 тыс. 554 избирателей"
CEC_VALID = 1_958_930  # [CEC] table 1.1, "Sum of the 17 lines (derived)"
CEC_INVALID = 31_823  # [CEC] table 1.1, derived = 1,990,753 - 1,958,930

REGION_ORDER = (
    "Bishkek city",
    "Osh city",
    "Batken",
    "Jalal-Abad",
    "Issyk-Kul",
    "Naryn",
    "Osh oblast",
    "Talas",
    "Chui",
    "Abroad",
)

# [KLOOP] votes by region in REGION_ORDER, then the national sum.
KLOOP_BY_REGION = {
    "Birimdik": (44_603, 62_805, 32_299, 90_706, 21_316, 22_688, 116_331, 16_473, 61_455, 422, 469_098),  # noqa: E501
    "Mekenim Kyrgyzstan": (44_794, 19_363, 30_457, 105_565, 32_101, 13_861, 115_748, 18_513, 72_401, 168, 452_971),  # noqa: E501
    "Kyrgyzstan": (10_308, 7_844, 9_138, 39_504, 9_644, 10_842, 27_024, 10_744, 41_735, 76, 166_859),  # noqa: E501
    "Butun Kyrgyzstan": (16_308, 5_858, 30_432, 30_114, 2_297, 2_080, 33_857, 1_125, 13_540, 4_125, 139_736),  # noqa: E501
    "Mekenchil": (14_726, 5_695, 10_384, 43_989, 16_007, 5_362, 19_659, 4_562, 11_263, 1_160, 132_807),  # noqa: E501
    "Respublika": (28_323, 2_271, 4_580, 8_217, 13_506, 5_902, 8_127, 16_450, 23_684, 242, 111_302),
    "Ata Meken": (15_095, 4_835, 4_429, 7_455, 10_528, 5_365, 8_316, 4_992, 16_555, 595, 78_165),
    "Yiman Nuru": (13_095, 2_466, 4_099, 9_305, 6_794, 6_142, 6_932, 4_549, 10_673, 660, 64_715),
    "Bir Bol": (6_227, 2_417, 6_063, 13_815, 2_059, 2_145, 18_963, 1_364, 5_090, 243, 58_386),
    "Chon Kazat": (13_267, 334, 305, 1_454, 11_987, 3_792, 691, 1_570, 11_033, 336, 44_769),
    "Zamandash": (6_036, 1_305, 1_211, 5_809, 3_327, 7_231, 10_777, 882, 5_031, 111, 41_720),
    "Social Democrats": (19_051, 158, 422, 697, 4_390, 3_349, 284, 391, 12_092, 189, 41_023),
    "Reforma": (17_692, 675, 460, 1_273, 2_510, 796, 907, 852, 6_063, 560, 31_788),
    "Meken Yntymagy": (2_811, 103, 313, 763, 4_024, 692, 213, 1_436, 1_575, 91, 12_021),
    "Ordo": (909, 29, 242, 234, 412, 227, 198, 332, 1_594, 8, 4_185),
    "Party of Veterans of the War in Afghanistan and Participants of Other Military Conflicts": (
        1_147, 56, 124, 399, 173, 170, 276, 58, 871, 14, 3_288,
    ),
}  # fmt: skip
KLOOP_AGAINST_ALL = (12_251, 1_091, 806, 2_592, 3_944, 2_399, 1_916, 1_265, 8_084, 164, 34_512)
# [KLOOP] table 2.1 "Total (16 parties + against all)" and "Precinct rows in file".
KLOOP_TOTAL = (
    266_643, 117_305, 135_764, 361_891, 145_019, 93_043, 370_219, 85_558, 302_739, 9_164, 1_887_345,
)  # fmt: skip
KLOOP_STATIONS = (232, 83, 210, 440, 243, 165, 487, 116, 392, 45, 2_413)

# The Kloop file's Kyrgyz party headers and Russian region labels, with the English names of
# data/kyrgyzstan_2020/README.md -- written out here independently of the package's own table.
KLOOP_PARTY_COLUMNS = {
    "«БИРИМДИК»": "Birimdik",
    "«МЕКЕНИМ КЫРГЫЗСТАН»": "Mekenim Kyrgyzstan",
    "«КЫРГЫЗСТАН»": "Kyrgyzstan",
    "«БҮТҮН КЫРГЫЗСТАН» саясий партиясы": "Butun Kyrgyzstan",
    "«МЕКЕНЧИЛ»": "Mekenchil",
    "РЕСПУБЛИКА": "Respublika",
    "«АТА МЕКЕН» саясий социалисттик партиясы": "Ata Meken",
    "«ЫЙМАН НУРУ»": "Yiman Nuru",
    "«БИР БОЛ»": "Bir Bol",
    "«ЧОҢ КАЗАТ»": "Chon Kazat",
    "«ЗАМАНДАШ»": "Zamandash",
    "СОЦИАЛ-ДЕМОКРАТТАР": "Social Democrats",
    "«РЕФОРМА» партиясы": "Reforma",
    "«МЕКЕН ЫНТЫМАГЫ»": "Meken Yntymagy",
    "«ОРДО»": "Ordo",
    "«АФГАНИСТАН СОГУШУНУН АРДАГЕРЛЕРИ ЖАНА УШУЛ СЫЯКТУУ КАГЫШУУЛАРГА КАТЫШКАНДАРДЫН САЯСИЙ "
    "ПАРТИЯСЫ»": (
        "Party of Veterans of the War in Afghanistan and Participants of Other Military Conflicts"
    ),
}
KLOOP_REGIONS = {
    "БИШКЕК Г.": "Bishkek city",
    "ОШ Г.": "Osh city",
    "БАТКЕНСКАЯ ОБЛАСТЬ": "Batken",
    "ДЖАЛАЛ-АБАДСКАЯ ОБЛАСТЬ": "Jalal-Abad",
    "ЫСЫК-КУЛЬСКАЯ ОБЛАСТЬ": "Issyk-Kul",
    "НАРЫНСКАЯ ОБЛАСТЬ": "Naryn",
    "ОШСКАЯ ОБЛАСТЬ": "Osh oblast",
    "ТАЛАССКАЯ ТИК": "Talas",
    "ЧУЙСКАЯ ОБЛАСТЬ": "Chui",
    "МИД КР": "Abroad",
}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------ parties metadata
def test_parties_order_names_and_uniqueness() -> None:
    parties = kyrgyzstan_2020_parties()
    assert isinstance(parties, tuple) and all(isinstance(p, Party) for p in parties)
    # [CEC] table 1.1 order: Birimdik first, ..., Afghan-war veterans last.
    assert [p.name for p in parties] == list(CEC_VOTES)
    shorts = [p.short for p in parties]
    assert len(set(shorts)) == 16
    assert all(s and " " not in s and "," not in s for s in shorts)


def test_parties_colours_distinct_and_valid() -> None:
    colours = [p.color for p in kyrgyzstan_2020_parties()]
    assert all(c is not None and mcolors.is_color_like(c) for c in colours)
    rgba = {mcolors.to_rgba(c) for c in colours if c is not None}
    assert len(rgba) == 16


def test_parties_blocs_as_named_in_sources() -> None:
    # data/kyrgyzstan_2020/README.md: Birimdik and Mekenim Kyrgyzstan pro-government, Kyrgyzstan
    # "loyal to the government", Butun Kyrgyzstan and Mekenchil opposition; nothing else named.
    blocs = {p.name: p.bloc for p in kyrgyzstan_2020_parties()}
    assert {n for n, b in blocs.items() if b == "pro-government"} == {
        "Birimdik",
        "Mekenim Kyrgyzstan",
        "Kyrgyzstan",
    }
    assert {n for n, b in blocs.items() if b == "opposition"} == {"Butun Kyrgyzstan", "Mekenchil"}
    assert sum(b is None for b in blocs.values()) == 11


# ------------------------------------------------------------------ national (CEC) data
def test_national_cec_figures() -> None:
    e = kyrgyzstan_2020()
    assert e.batch_shape == () and e.votes.shape == (1, 16)
    assert e.regions == (NATIONAL,) and not e.regions[0].in_regional_threshold
    assert e.parties == kyrgyzstan_2020_parties()
    assert dict(zip(e.party_names, e.votes[0].tolist(), strict=True)) == CEC_VOTES
    assert e.national_against_all.item() == CEC_AGAINST_ALL
    assert e.national_registered is not None
    assert e.national_registered.item() == CEC_REGISTERED
    assert e.national_ballots.item() == CEC_TOOK_PART
    assert e.national_valid.item() == CEC_VALID
    assert e.national_invalid.item() == CEC_INVALID == CEC_TOOK_PART - CEC_VALID
    assert "5 Oct 2020" in e.name and "CEC" in e.name
    assert "DERIVED" in e.source and "for.kg/news-669682" in e.source


def test_national_percentages_reproduce_cec_table() -> None:
    # [CEC] the published percentages are votes / 1,990,753 took part (one decimal or two).
    published = {"Birimdik": "24.5", "Mekenim Kyrgyzstan": "23.88", "Kyrgyzstan": "8.76"}
    published |= {"Butun Kyrgyzstan": "7.13", "Mekenchil": "6.85", "Respublika": "5.79"}
    e = kyrgyzstan_2020()
    base = e.base("ballots").item()
    for name, text in published.items():
        pct = Fraction(100 * e.votes[0, e.party_index(name)].item(), base)
        half_ulp = Fraction(1, 2 * 10 ** len(text.split(".")[1]))
        assert abs(pct - Fraction(text)) <= half_ulp, name
    # 7 % of voters who took part: Butun passes, Mekenchil fails (table 1.1 seat derivation).
    assert 141_940 * 100 >= 7 * base > 136_276 * 100


def test_national_csv_is_readable_by_election_from_csv() -> None:
    ref = resources.files("electsim.datasets") / "data" / "kyrgyzstan_2020_national.csv"
    with resources.as_file(ref) as path:
        e = Election.from_csv(path)
    # Columns are headed by the short codes, in the CEC's order.
    assert e.party_names == tuple(p.short for p in kyrgyzstan_2020_parties())
    assert e.votes.tolist() == kyrgyzstan_2020().votes.tolist()
    assert e.regions == (NATIONAL,)
    assert e.national_ballots.item() == CEC_TOOK_PART


# ------------------------------------------------------------------ precinct (Kloop) data
def test_precincts_shape_and_unknowns() -> None:
    pr = kyrgyzstan_2020_precincts()
    assert pr.n_stations == 2_413  # [KLOOP] 2,413 rows
    assert pr.votes.shape == (2_413, 16) and pr.against_all.shape == (2_413,)
    assert pr.parties == kyrgyzstan_2020_parties()
    assert pr.invalid is None and pr.registered is None  # not in the source: unknown
    assert pr.station_ids == tuple(str(i) for i in range(1, 2_414))
    assert set(pr.extra) == {"form2_share"}
    assert "9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4" in pr.source


def test_precinct_regions_and_flags() -> None:
    pr = kyrgyzstan_2020_precincts()
    assert tuple(r.name for r in pr.regions) == REGION_ORDER
    assert [r.in_regional_threshold for r in pr.regions] == [True] * 9 + [False]


def test_precinct_station_counts_per_region() -> None:
    pr = kyrgyzstan_2020_precincts()
    counts = np.bincount(pr.region, minlength=len(pr.regions))
    assert (*counts.tolist(), int(counts.sum())) == KLOOP_STATIONS  # [KLOOP] table 2.1


def test_precinct_regional_totals_table_2_1() -> None:
    e = kyrgyzstan_2020_precincts().to_election(invalid_rate=0)
    for name, row in KLOOP_BY_REGION.items():
        assert sum(row[:-1]) == row[-1], name  # the table is consistent with itself
        j = e.party_index(name)
        assert (*e.votes[:, j].tolist(), e.national_votes[j].item()) == row, name
    assert e.against_all is not None
    assert (*e.against_all.tolist(), e.national_against_all.item()) == KLOOP_AGAINST_ALL
    assert (*e.valid.tolist(), e.national_valid.item()) == KLOOP_TOTAL


def test_precinct_national_sums_table_1_4() -> None:
    # [KLOOP] national sums of the source file.
    pr = kyrgyzstan_2020_precincts()
    sums = dict(zip((p.name for p in pr.parties), pr.votes.sum(axis=0).tolist(), strict=True))
    assert sums["Birimdik"] == 469_098
    assert sums["Mekenim Kyrgyzstan"] == 452_971
    assert sums["Kyrgyzstan"] == 166_859
    assert sums["Butun Kyrgyzstan"] == 139_736
    assert sums["Mekenchil"] == 132_807
    assert int(pr.against_all.sum()) == 34_512
    assert int(pr.valid.sum()) == 1_887_345


def test_precinct_form2_statistics() -> None:
    # [KLOOP] Form No. 2 statistics (descriptive; rounded to 0.01 percentage points).
    share = kyrgyzstan_2020_precincts().extra["form2_share"]
    assert share.dtype == np.float64 and share.shape == (2_413,)
    assert np.all((share >= 0) & (share <= 1))
    assert float(np.median(share)) == pytest.approx(0.0465, abs=5e-5)
    assert float(np.mean(share)) == pytest.approx(0.1079, abs=5e-5)
    assert int((share >= 0.10).sum()) == 776
    assert int((share >= 0.50).sum()) == 70
    assert int((share == 1.0).sum()) == 10


def test_precinct_form2_median_by_region() -> None:
    # [KLOOP] Form No. 2 share, median by region (percent, 2 decimals).
    published = {"Bishkek city": 23.42, "Osh city": 20.73, "Chui": 10.72, "Talas": 4.41}
    published |= {"Osh oblast": 3.95, "Jalal-Abad": 3.58, "Naryn": 2.87, "Batken": 1.94}
    published |= {"Issyk-Kul": 1.82}
    pr = kyrgyzstan_2020_precincts()
    names = [r.name for r in pr.regions]
    for region, pct in published.items():
        median = float(np.median(pr.extra["form2_share"][pr.region == names.index(region)]))
        assert 100 * median == pytest.approx(pct, abs=0.005 + 1e-9), region


def test_to_election_requires_invalid_rate() -> None:
    pr = kyrgyzstan_2020_precincts()
    with pytest.raises(MissingDataError, match="invalid_rate"):
        pr.to_election()
    with pytest.raises(MissingDataError):
        kyrgyzstan_2020_regions(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kyrgyzstan_2020_regions()  # type: ignore[call-arg]
    with pytest.raises(ElectsimError):
        kyrgyzstan_2020_regions("100%")


def test_regions_with_zero_invalid_rate() -> None:
    e = kyrgyzstan_2020_regions(invalid_rate=0)
    assert e.regions == kyrgyzstan_2020_precincts().regions
    assert e.registered is None
    assert e.invalid is not None and not e.invalid.any()
    assert e.ballots.tolist() == e.valid.tolist() == list(KLOOP_TOTAL[:-1])
    assert e.has_regional_breakdown


def test_regions_invalid_rate_recorded_and_decides_mekenchil() -> None:
    # [KLOOP] with no invalid ballots Mekenchil (132,807) clears 7 % of
    # voters who took part; with Kloop's 1.5 % assumption it does not (break-even 9,898 invalid).
    mch = 132_807
    e0 = kyrgyzstan_2020_regions(invalid_rate=0)
    assert mch * 100 >= 7 * e0.national_ballots.item()
    e = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    assert "1.5%" in e.name and "ASSUMED" in e.source
    expected = [int(Fraction(v) * Fraction(15, 985) + Fraction(1, 2)) for v in KLOOP_TOTAL[:-1]]
    assert e.invalid is not None and e.invalid.tolist() == expected
    assert e.national_invalid.item() > 9_898
    assert mch * 100 < 7 * e.national_ballots.item()


# ------------------------------------------------------------------ freshness, immutability
def test_loaders_return_fresh_read_only_objects() -> None:
    a, b = kyrgyzstan_2020(), kyrgyzstan_2020()
    assert a is not b
    for field in ("votes", "against_all", "invalid", "registered"):
        x, y = getattr(a, field), getattr(b, field)
        assert not x.flags.writeable and not np.shares_memory(x, y), field
    with pytest.raises(ValueError):
        a.votes[0, 0] = 0

    p, q = kyrgyzstan_2020_precincts(), kyrgyzstan_2020_precincts()
    assert p is not q and p.extra is not q.extra
    arrays: list[tuple[np.ndarray, np.ndarray]] = [
        (p.votes, q.votes),
        (p.against_all, q.against_all),
        (p.region, q.region),
    ]
    arrays.append((p.extra["form2_share"], q.extra["form2_share"]))
    for x, y in arrays:
        assert not x.flags.writeable and not np.shares_memory(x, y)
    with pytest.raises(ValueError):
        p.extra["form2_share"][0] = 0.5
    assert kyrgyzstan_2020_precincts().votes[0, 0] == q.votes[0, 0]


# ------------------------------------------------------------------ shipped file vs source
def _shared_rows() -> list[dict[str, str]]:
    if not SHARED_SOURCE.is_file():
        pytest.skip(f"shared source file {SHARED_SOURCE} is absent")
    return _read_csv(SHARED_SOURCE)


def test_shipped_precincts_match_shared_source() -> None:
    rows = _shared_rows()
    pr = kyrgyzstan_2020_precincts()
    assert len(rows) == pr.n_stations
    party_col = {p.name: j for j, p in enumerate(pr.parties)}
    region_names = [r.name for r in pr.regions]
    assert set(rows[0]) == {*KLOOP_PARTY_COLUMNS, "БААРЫНА КАРШЫ", "total"} | {
        "form2_percent",
        "level_one",
    }
    for k, row in enumerate(rows):
        floats = {c: float(row[c]) for c in (*KLOOP_PARTY_COLUMNS, "БААРЫНА КАРШЫ")}
        # The README's promise: every count is within 1e-12 of an integer, sums equal `total`.
        assert all(abs(x - round(x)) <= 1e-12 for x in floats.values()), k
        assert sum(round(x) for x in floats.values()) == round(float(row["total"])), k
        for column, name in KLOOP_PARTY_COLUMNS.items():
            assert pr.votes[k, party_col[name]] == round(floats[column]), (k, name)
        assert pr.against_all[k] == round(floats["БААРЫНА КАРШЫ"]), k
        assert region_names[pr.region[k]] == KLOOP_REGIONS[row["level_one"]], k
        assert pr.station_ids[k] == str(k + 1)
        form2 = float(Decimal(row["form2_percent"]) / 100)
        assert pr.extra["form2_share"][k] == form2, k


def test_shipped_precinct_csv_text_matches_converter() -> None:
    _shared_rows()
    if not CONVERTER.is_file():
        pytest.skip(f"conversion script {CONVERTER} is absent")
    spec = importlib.util.spec_from_file_location("convert_kloop_2020", CONVERTER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = resources.files("electsim.datasets") / "data"
    shipped = (data / "kyrgyzstan_2020_precincts.csv").read_text(encoding="utf-8")
    assert module.convert_precincts(SHARED_SOURCE) == shipped
    assert module.national_csv() == (data / "kyrgyzstan_2020_national.csv").read_text("utf-8")
    # form2_share is form2_percent / 100 exactly as a decimal string (full precision kept).
    lines = shipped.splitlines()[1:]
    for line, row in zip(lines, _read_csv(SHARED_SOURCE), strict=True):
        assert Decimal(line.rsplit(",", 1)[1]) == Decimal(row["form2_percent"]) / 100


def test_sources_md_is_shipped() -> None:
    text = (resources.files("electsim.datasets") / "data" / "SOURCES.md").read_text("utf-8")
    for needle in (
        "kyrgyzstan_2020_national.csv",
        "kyrgyzstan_2020_precincts.csv",
        "9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4",
        "https://for.kg/news-669682-ru.html",
        "Derived",
        "incomplete",
        "2,368",
        "80,749",
    ):
        assert needle in text, needle
    assert "a later count than" not in text


# ------------------------------------------------------------------ reconciliation, abroad
def _shipped_rows(name: str) -> list[dict[str, str]]:
    text = (resources.files("electsim.datasets") / "data" / name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def test_reconciliation_matches_hand_sums_of_the_csv_files() -> None:
    # expected values summed here with the csv module, independently of the package's loaders
    national = _shipped_rows("kyrgyzstan_2020_national.csv")[0]
    stations = _shipped_rows("kyrgyzstan_2020_precincts.csv")
    codes = [p.short for p in kyrgyzstan_2020_parties()]
    domestic = [r for r in stations if r["region"] != "Abroad"]
    abroad = [r for r in stations if r["region"] == "Abroad"]
    rec = kyrgyzstan_2020_reconciliation()
    # [CEC] 2,475 stations, 46 not reported -> 2,429; the file: 2,368 domestic + 45 abroad
    assert (rec.stations_cec, rec.stations_file_domestic, rec.stations_file_abroad) == (
        2_429,
        len(domestic),
        len(abroad),
    )
    assert (len(domestic), len(abroad), rec.stations_missing) == (2_368, 45, 61)
    names = [p.name for p in kyrgyzstan_2020_parties()] + ["against all"]
    for name, code in zip(names, [*codes, "against_all"], strict=True):
        row = rec.row(name)
        assert row.cec == int(national[code]), name
        assert row.file_domestic == sum(int(r[code]) for r in domestic), name
        assert row.file_abroad == sum(int(r[code]) for r in abroad), name
        assert row.difference == row.file_domestic - row.cec
    total = rec.row("valid (total)")
    cols = [*codes, "against_all"]
    assert total.cec == sum(int(national[c]) for c in cols) == 1_958_930
    assert total.file_domestic == sum(int(r[c]) for r in domestic for c in cols) == 1_878_181
    assert total.file_abroad == sum(int(r[c]) for r in abroad for c in cols) == 9_164
    assert total.difference == -80_749
    # the party-specific shortfalls (hand: 22,569/475,372, 6,329/141,940, 4,629/136,276)
    assert round(rec.row("Mekenim Kyrgyzstan").difference_percent, 2) == -4.75
    assert round(rec.row("Butun Kyrgyzstan").difference_percent, 2) == -4.46
    assert round(rec.row("Mekenchil").difference_percent, 2) == -3.40
    assert round(total.difference_percent, 1) == -4.1
    assert rec.row("Butun Kyrgyzstan").file_abroad == 4_125
    text = str(rec)
    assert "-80,749" in text and "2,368" in text and "9,164" in text
    assert rec._repr_html_().startswith("<pre")
    recs = rec.to_records()
    assert recs[0]["name"] == "stations" and recs[0]["difference"] == -61
    assert len(recs) == 1 + 16 + 2 and '"valid (total)"' in rec.to_json()
    with pytest.raises(es.errors.UnknownNameError):
        rec.row("Nobody")


def test_abroad_unit_combines_cec_domestic_and_file_abroad() -> None:
    with pytest.raises(MissingDataError, match="abroad_invalid_rate"):
        kyrgyzstan_2020(abroad=True)
    with pytest.raises(ElectsimError, match="abroad=True"):
        kyrgyzstan_2020(abroad_invalid_rate=0)
    e = kyrgyzstan_2020(abroad=True, abroad_invalid_rate=0)
    assert [r.name for r in e.regions] == ["Kyrgyzstan (CEC)", "Abroad"]
    assert not e.has_regional_breakdown
    but = e.party_index("Butun Kyrgyzstan")
    assert e.votes[:, but].tolist() == [141_940, 4_125]
    assert e.national_ballots.item() == CEC_TOOK_PART + 9_164
    assert e.national_registered is not None and e.national_registered.item() == CEC_REGISTERED
    # Butun Kyrgyzstan's margin over 7 %: 141,940 - 0.07 * 1,990,753 = 2,587.29 (CEC);
    # 146,065 - 0.07 * 1,999,917 = 6,070.81 with the stations abroad
    assert Fraction(141_940) - Fraction(7, 100) * CEC_TOOK_PART == Fraction(258_729, 100)
    margin = e.national_votes[but].item() - Fraction(7, 100) * e.national_ballots.item()
    assert margin == Fraction(607_081, 100)
    law = es.presets.kyrgyzstan_2020().replace(regional=None)
    # Hare on BRM 488,107, MKK 475,540, KYR 174,393, BUT 146,065 (sum 1,284,105): quotas
    # 45.612, 44.439, 16.297, 13.650 -> floors 118, the two remainder seats go to BUT (.650) and
    # BRM (.612): the votes abroad move a seat from Mekenim Kyrgyzstan to Butun Kyrgyzstan
    assert es.allocate(e, law).seats[:5].tolist() == [46, 44, 16, 14, 0]
    # the abroad invalid ballots: 1.6 % -> round(9,164 * 16/984) = round(149.01) = 149
    e16 = kyrgyzstan_2020(abroad=True, abroad_invalid_rate="1.6%")
    assert e16.invalid is not None and e16.invalid.tolist() == [CEC_INVALID, 149]


def test_how_close_example_shows_margins_with_and_without_abroad(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # only the example's margins table (its tipping rows are tested with the tipping module)
    script = REPO_ROOT / "examples" / "how_close_was_2020.py"
    spec = importlib.util.spec_from_file_location("how_close_was_2020", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    law = es.presets.kyrgyzstan_2020().replace(regional=None, tie_break="lowest_index")
    module.margins(law)
    lines = capsys.readouterr().out.splitlines()

    def row(label: str) -> str:
        return next(line for line in lines if line.startswith(label))

    # hand: 141,940 - 0.07 * 1,990,753 = +2,587.29; invalidating 2,588 BUT ballots suffices
    assert "+2,587.29" in row("CEC, without") and row("CEC, without").endswith("2,588  46/45/16/13")
    # hand: 146,065 - 0.07 * 1,999,917 = +6,070.81 -> 6,071; with 149 invalid abroad
    # 146,065 - 0.07 * 2,000,066 = +6,060.38 -> 6,061; seats 46/44/16/14 (quotas above)
    assert "+6,070.81" in row("CEC + abroad, 0 %")
    assert row("CEC + abroad, 0 %").endswith("6,071  46/44/16/14")
    assert "+6,060.38" in row("CEC + abroad, 1.6 %")
    assert row("CEC + abroad, 1.6 %").endswith("6,061  46/44/16/14")


def test_regions_completed_to_the_cec_totals() -> None:
    national = _shipped_rows("kyrgyzstan_2020_national.csv")[0]
    stations = _shipped_rows("kyrgyzstan_2020_precincts.csv")
    codes = [*(p.short for p in kyrgyzstan_2020_parties()), "against_all"]
    file_e = kyrgyzstan_2020_regions(0)
    e = kyrgyzstan_2020_regions("1.5%", complete=True)
    assert "completed" in e.name and "ASSUMPTION" in e.source
    counts = np.concatenate([e.votes, np.asarray(e.against_all)[:, None]], axis=1)
    old = np.concatenate([file_e.votes, np.asarray(file_e.against_all)[:, None]], axis=1)
    for j, code in enumerate(codes):
        abroad = sum(int(r[code]) for r in stations if r["region"] == "Abroad")
        # domestic totals are the CEC's exactly; the abroad unit is the file's
        assert counts[:-1, j].sum() == int(national[code]), code
        assert counts[-1, j] == old[-1, j] == abroad, code
        # each region gets the shortfall in proportion to the list's votes there (within 1)
        short = int(national[code]) - old[:-1, j].sum()
        share = short * old[:-1, j] / old[:-1, j].sum()
        assert (np.abs(counts[:-1, j] - old[:-1, j] - share) < 1).all(), code
    # Mekenchil: 137,436 votes of 1,968,094 valid -- below 7 % even with no invalid ballots
    mch = e.party_index("Mekenchil")
    zero = kyrgyzstan_2020_regions(0, complete=True)
    assert zero.national_votes[mch].item() * 100 < 7 * zero.national_ballots.item()
    assert e.invalid is not None
    assert e.invalid.tolist() == [
        int(Fraction(int(v)) * Fraction(15, 985) + Fraction(1, 2)) for v in e.valid
    ]
