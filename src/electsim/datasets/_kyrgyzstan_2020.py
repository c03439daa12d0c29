"""Metadata of the Kyrgyz parliamentary election of 4 October 2020: parties and regions.

One table serves both bundled data sets (the CEC national figures and the Kloop precinct file) and
the conversion script ``tools/convert_kloop_2020.py``, so the party order, the short codes (the CSV
column headers) and the mapping from the source's Kyrgyz/Russian labels are defined exactly once.

Party order is the order of the CEC preliminary table of 5 October 2020 (by votes, Birimdik first,
the Afghan-war veterans' party last).  Colours are matplotlib colours chosen from the ``tab20``
palette for contrast (greys left out so they stay free for "against all"/"invalid"); they are
*not* the parties' own colours.  Blocs: ``"pro-government"`` for Birimdik, Mekenim Kyrgyzstan and
Kyrgyzstan, ``"opposition"`` for Butun Kyrgyzstan and Mekenchil, as the shared data README
(``data/kyrgyzstan_2020/README.md``) describes them; ``None`` for every other party, because no
source in electsim's references classifies them.
"""

from __future__ import annotations

from typing import NamedTuple

from electsim.election import Party, Region

__all__ = [
    "AGAINST_ALL_SOURCE",
    "PARTIES",
    "PARTY_ROWS",
    "REGIONS",
    "REGION_ROWS",
    "PartyRow",
    "RegionRow",
]


class PartyRow(NamedTuple):
    """A party with the labels its data sources use."""

    name: str  # English name (kyrgyzstan.md, table 1.1)
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

PARTIES: tuple[Party, ...] = tuple(Party(r.name, r.short, r.color, r.bloc) for r in PARTY_ROWS)
REGIONS: tuple[Region, ...] = tuple(Region(r.name, r.in_regional_threshold) for r in REGION_ROWS)
