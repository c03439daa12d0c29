"""Metadata of the Kyrgyz parliamentary election of 4 October 2020: parties and regions.

One table serves both bundled data sets (the CEC national figures and the Kloop precinct file) and
the conversion script ``tools/convert_kloop_2020.py``, so the party order, the short codes (the CSV
column headers) and the mapping from the source's Kyrgyz/Russian labels are defined exactly once.

Party order is the order of the CEC preliminary table of 5 October 2020 (by votes, Birimdik first,
the Afghan-war veterans' party last).  Colours are matplotlib colours chosen from the ``tab20``
palette for contrast (greys left out so they stay free for "against all"/"invalid"); they are
*not* the parties' own colours.  Blocs: ``"pro-government"`` for Birimdik, Mekenim Kyrgyzstan and
Kyrgyzstan, ``"opposition"`` for Butun Kyrgyzstan and Mekenchil (``docs/data.md``); ``None`` for
every other party.
"""

from __future__ import annotations

from typing import NamedTuple

from electsim.election import Party, Region

__all__ = [
    "AGAINST_ALL_SOURCE",
    "CEC_STATIONS_NOT_REPORTED",
    "CEC_STATIONS_TOTAL",
    "PARTIES",
    "PARTY_ROWS",
    "REGIONS",
    "REGION_ROWS",
    "REGISTERED_ABROAD",
    "PartyRow",
    "RegionRow",
]


class PartyRow(NamedTuple):
    """A party with the labels its data sources use."""

    name: str  # English transliteration
    short: str  # short code: the CSV column header in the bundled files
    color: str  # matplotlib colour (tab20), for contrast only
    bloc: str | None
    kloop_column: str  # column header in the Kloop precinct CSV (Kyrgyz)


class RegionRow(NamedTuple):
    """A region with the label of the Kloop ``level_one`` column."""

    name: str  # English name
    in_regional_threshold: bool
    kloop_label: str  # value of ``level_one`` in the Kloop precinct CSV (Russian)


_PRO = "pro-government"
_OPP = "opposition"

#: The 16 party lists in the order of the CEC table of 5 October 2020.
PARTY_ROWS: tuple[PartyRow, ...] = (
    PartyRow("Birimdik", "BRM", "#1f77b4", _PRO, "«БИРИМДИК»"),
    PartyRow("Mekenim Kyrgyzstan", "MKK", "#d62728", _PRO, "«МЕКЕНИМ КЫРГЫЗСТАН»"),
    PartyRow("Kyrgyzstan", "KYR", "#2ca02c", _PRO, "«КЫРГЫЗСТАН»"),
    PartyRow("Butun Kyrgyzstan", "BUT", "#ff7f0e", _OPP, "«БҮТҮН КЫРГЫЗСТАН» саясий партиясы"),
    PartyRow("Mekenchil", "MCH", "#9467bd", _OPP, "«МЕКЕНЧИЛ»"),
    PartyRow("Respublika", "RES", "#8c564b", None, "РЕСПУБЛИКА"),
    PartyRow("Ata Meken", "ATM", "#e377c2", None, "«АТА МЕКЕН» саясий социалисттик партиясы"),
    PartyRow("Yiman Nuru", "YNR", "#17becf", None, "«ЫЙМАН НУРУ»"),
    PartyRow("Bir Bol", "BBL", "#bcbd22", None, "«БИР БОЛ»"),
    PartyRow("Chon Kazat", "CHK", "#aec7e8", None, "«ЧОҢ КАЗАТ»"),
    PartyRow("Zamandash", "ZAM", "#ffbb78", None, "«ЗАМАНДАШ»"),
    PartyRow("Social Democrats", "SD", "#ff9896", None, "СОЦИАЛ-ДЕМОКРАТТАР"),
    PartyRow("Reforma", "REF", "#98df8a", None, "«РЕФОРМА» партиясы"),
    PartyRow("Meken Yntymagy", "MYN", "#c5b0d5", None, "«МЕКЕН ЫНТЫМАГЫ»"),
    PartyRow("Ordo", "ORD", "#c49c94", None, "«ОРДО»"),
    PartyRow(
        "Party of Veterans of the War in Afghanistan and Participants of Other Military Conflicts",
        "AFG",
        "#f7b6d2",
        None,
        "«АФГАНИСТАН СОГУШУНУН АРДАГЕРЛЕРИ ЖАНА УШУЛ СЫЯКТУУ КАГЫШУУЛАРГА КАТЫШКАНДАРДЫН "
        "САЯСИЙ ПАРТИЯСЫ»",
    ),
)

#: Kloop's column for "against all" (not a party; it wins no seats).
AGAINST_ALL_SOURCE = "БААРЫНА КАРШЫ"

#: The nine units of the 0.7 % regional threshold, then the polling stations abroad.
REGION_ROWS: tuple[RegionRow, ...] = (
    RegionRow("Bishkek city", True, "БИШКЕК Г."),
    RegionRow("Osh city", True, "ОШ Г."),
    RegionRow("Batken", True, "БАТКЕНСКАЯ ОБЛАСТЬ"),
    RegionRow("Jalal-Abad", True, "ДЖАЛАЛ-АБАДСКАЯ ОБЛАСТЬ"),
    RegionRow("Issyk-Kul", True, "ЫСЫК-КУЛЬСКАЯ ОБЛАСТЬ"),
    RegionRow("Naryn", True, "НАРЫНСКАЯ ОБЛАСТЬ"),
    RegionRow("Osh oblast", True, "ОШСКАЯ ОБЛАСТЬ"),
    RegionRow("Talas", True, "ТАЛАССКАЯ ТИК"),
    RegionRow("Chui", True, "ЧУЙСКАЯ ОБЛАСТЬ"),
    RegionRow("Abroad", False, "МИД КР"),
)

#: Polling stations of 4 October 2020 and those the CEC's figures of 5 October 2020, 11:00 had
#: not yet reported (45 abroad and one in the border zone of Zardaly), from the CEC's statement
#: "Из 2475 избирательных участков по 46 пока нет данных" (akipress.kg, for.kg/news-669682-ru).
CEC_STATIONS_TOTAL = 2475
CEC_STATIONS_NOT_REPORTED = 46

#: Registered voters on the lists abroad (of the 3,523,554 in the CEC's figure), vb.kg
#: https://vb.kg/doc/392589_vybory_2020._karta_osnovnyh_yik_po_bishkeky.html (tizme.gov.kg).
REGISTERED_ABROAD = 32_602

PARTIES: tuple[Party, ...] = tuple(Party(r.name, r.short, r.color, r.bloc) for r in PARTY_ROWS)
REGIONS: tuple[Region, ...] = tuple(Region(r.name, r.in_regional_threshold) for r in REGION_ROWS)
