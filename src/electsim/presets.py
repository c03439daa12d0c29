"""Named real rule sets, each with its legal source.

Where the law is silent (tie rule, cap redistribution, base of the regional threshold), the
preset says which default electsim uses; every such choice is a parameter you can change with
:meth:`ElectoralSystem.replace`.
"""

from __future__ import annotations

from .rules.mixed import ParallelSystem
from .system import ElectoralSystem, Threshold

__all__ = [
    "MIXED_PRESETS",
    "PRESETS",
    "kyrgyzstan_2007",
    "kyrgyzstan_2010",
    "kyrgyzstan_2015",
    "kyrgyzstan_2020",
    "kyrgyzstan_2021",
    "kyrgyzstan_2021_list_tier",
]


def kyrgyzstan_2007() -> ElectoralSystem:
    """Jogorku Kenesh, 16 December 2007: 90 seats, 5 % of registered voters + a regional test.

    Rules (Electoral Code as amended after the referendum of 21 October 2007):

    * 90 seats in one nationwide constituency, closed lists;
    * national threshold: 5 % of the *registered* voters (base ``"registered"``);
    * regional requirement: in each of the seven oblasts and the cities of Bishkek and Osh a
      list needed votes equal to 0.5 % of the registered voters *of the whole country* (about
      13,500 votes in every region; BBC, 20 Dec 2007; OSCE/ODIHR final report, section IV).
      The preset models it exactly: ``Threshold("0.5%", base="registered",
      base_scope="national")``, i.e. ``ceil(0.005 * national registered)`` votes in every
      region of the test (the national registered voters are the sum over all regions of the
      election, voters abroad included if the data have them as a region);
    * seat method: not found in the sources; Hare largest remainder as in the later law
      (documented default);
    * no seat cap was found; ties: ``"raise"`` (no rule found).

    Result: Ak Jol 71, SDPK 11, Party of Communists 8; Ata Meken (over 8 % nationally) was
    excluded by the regional rule in the city of Osh.  Official per-region counts were not
    found, so electsim has no reproduction of 2007.

    Sources: OSCE/ODIHR Election Observation Mission Final Report, Kyrgyz Republic Pre-term
    Parliamentary Elections 16 December 2007 (Warsaw, 24 April 2008), section IV; IPU Parline
    archive http://archive.ipu.org/parline-e/reports/arc/2174_07.htm ; BBC 20 Dec 2007
    http://news.bbc.co.uk/2/hi/asia-pacific/7153479.stm .

    Examples
    --------
    >>> print(kyrgyzstan_2007())
    Kyrgyzstan 2007: 90 seats, hare, national >= 5% of registered, every region >= 0.5% of national registered, ties: raise
    """  # noqa: E501
    return ElectoralSystem(
        seats=90,
        method="hare",
        national=Threshold("5%", base="registered"),
        regional=Threshold("0.5%", base="registered", base_scope="national"),
        cap=None,
        tie_break="raise",
        name="Kyrgyzstan 2007",
        source="Electoral Code as amended Oct 2007; OSCE/ODIHR final report of 24 Apr 2008",
    )


def kyrgyzstan_2010() -> ElectoralSystem:
    """Jogorku Kenesh, 10 October 2010: 120 seats, 5 % of registered voters, 0.5 % per region.

    Rules (Constitution of 27 June 2010; election law as amended 2010):

    * 120 seats in one nationwide constituency, closed lists;
    * national threshold: 5 % of the *registered* voters (base ``"registered"``);
    * regional threshold: 0.5 % of the registered voters in each of the seven oblasts and the
      cities of Bishkek and Osh (taken as each unit's own registered voters; the wording of the
      base was not found);
    * at most 65 seats per party (re-allocated by the same method, as in the 2020 preset);
    * Hare quota, largest remainder; ties: ``"raise"`` (no rule found).

    Published result (CEC): Ata-Jurt 28, SDPK 26, Ar-Namys 25, Respublika 23, Ata-Meken 18.

    Sources: IPU Parline, 2010 election; OSCE/ODIHR Final Report on the 10 October 2010
    parliamentary elections (Warsaw, 20 December 2010).

    Examples
    --------
    >>> kyrgyzstan_2010().national
    Threshold('5%', base='registered')
    """
    return ElectoralSystem(
        seats=120,
        method="hare",
        national=Threshold("5%", base="registered"),
        regional=Threshold("0.5%", base="registered"),
        cap=65,
        tie_break="raise",
        name="Kyrgyzstan 2010",
        source="Constitution of 27 June 2010 and election law (2010); OSCE/ODIHR 20 Dec 2010",
    )


def kyrgyzstan_2015() -> ElectoralSystem:
    """Jogorku Kenesh, 4 October 2015: 120 seats, Hare LR, 7 % + 0.7 % per region, cap 65.

    Rules (Constitutional Law "On elections of the President and deputies of the Jogorku
    Kenesh" of 2 July 2011 No. 68, as amended in 2015; Art. 64 as for 2020): 7 % of the
    voters who took part nationally and 0.7 % in each of the nine units (base ``"ballots"``,
    per region by analogy as in :func:`kyrgyzstan_2020`), cap 65, Hare largest remainder;
    ties ``"raise"``.  The rules are those of 2020 (the 9 % threshold of 2017 was never used
    and was lowered back to 7 % in June 2020).

    Published result (CEC, via IFES ElectionGuide): SDPK 38, Respublika-Ata Jurt 28,
    Kyrgyzstan 18, Onuguu-Progress 13, Bir Bol 12, Ata Meken 11.

    Sources: IFES ElectionGuide https://www.electionguide.org/elections/id/2623/ ; IPU Parline
    https://data.ipu.org/parliament/KG/KG-LC01/election/KG-LC01-E20151004/ .

    Examples
    --------
    >>> kyrgyzstan_2015().describe() == kyrgyzstan_2020().describe()
    True
    """
    return kyrgyzstan_2020().replace(
        name="Kyrgyzstan 2015",
        source="Constitutional Law on elections of 2 July 2011 No. 68 (as amended 2015), Art. 64",
    )


def kyrgyzstan_2020() -> ElectoralSystem:
    """Jogorku Kenesh, 4 October 2020: 120 seats, Hare largest remainder, 7 % + 0.7 % per region.

    Rules (Constitutional Law "On elections of the President of the Kyrgyz Republic and deputies
    of the Jogorku Kenesh", 2011 as amended; Art. 64(2)-(3)):

    * 120 seats in one nationwide constituency, closed lists;
    * national threshold: 7 % of the *voters who took part* (invalid ballots and "against all"
      included) -- base ``"ballots"``; Art. 64(2), amendment of June 2020 restoring 7 %;
    * regional threshold: 0.7 % in each of the seven oblasts and the cities of Bishkek and Osh;
      the base is taken by analogy as the voters who took part *in that unit* (the 2020 wording
      of the regional base was not found; Venice Commission/ODIHR 2011 say both thresholds use
      voters who participated).  Votes cast abroad count nationally but belong to no region;
    * allocation: "first electoral quotient" = sum of the qualifying lists' votes / 120, integer
      parts, then the largest fractional parts (Hare quota, largest remainder; Art. 64(3));
    * seat cap: 65 seats per party.  How seats above the cap are redistributed is not in the
      text found: electsim re-allocates them among the other qualifying parties by the same
      method (:class:`~electsim.system.SeatCap` policy ``"reallocate"``);
    * ties between equal remainders: no rule found, so the default is ``"raise"``; choose a
      policy with ``.replace(tie_break=...)``.

    Both thresholds are inclusive ("not less than 7 %").

    Sources: Art. 64 as translated in the TEPJF thesaurus
    https://www.te.gob.mx/vota_elections/thesaurus/article/22977/16189/149 ; threshold base:
    https://rus.azattyk.org/a/28520801.html and https://for.kg/news-665615-ru.html ; seat cap:
    RFE/RL's 2020 party guide https://www.rferl.org/a/kyrgyzstan-a-guide-to-the-parties-competing-in-the-parliamentary-elections/30871908.html
    (Art. 64 of the election law).

    Examples
    --------
    >>> print(kyrgyzstan_2020())
    Kyrgyzstan 2020: 120 seats, hare, national >= 7% of ballots, every region >= 0.7% of ballots, cap 65, ties: raise
    """  # noqa: E501
    return ElectoralSystem(
        seats=120,
        method="hare",
        national=Threshold("7%", base="ballots"),
        regional=Threshold("0.7%", base="ballots"),
        cap=65,
        tie_break="raise",
        name="Kyrgyzstan 2020",
        source="Constitutional Law on elections (2011, amended June 2020), Art. 64",
    )


def kyrgyzstan_2021_list_tier() -> ElectoralSystem:
    """The 54-seat list tier of the 2021 mixed system: 5 % nationally, 0.5 % per region.

    Law of 26/27 August 2021 (54 PR seats in one nationwide district + 36 single-member
    districts); the July 2021 draft raised the threshold from 3 % to 5 % and the regional one
    from 0.3 % to 0.5 %; "one party can take 54 seats", so no cap.  Seats by Hare largest
    remainder as before (the 2021 text was not found; assumption).  Sources:
    https://interfax.com/newsroom/top-stories/72607/ ;
    https://24.kg/english/202399_Parties_registered_six_months_before_elections_to_be_able_to_run/
    """
    return ElectoralSystem(
        seats=54,
        method="hare",
        national=Threshold("5%", base="ballots"),
        regional=Threshold("0.5%", base="ballots"),
        cap=None,
        tie_break="raise",
        name="Kyrgyzstan 2021 list tier",
        source="Law on elections of 26/27 Aug 2021 (54 PR seats); 5 %/0.5 % thresholds",
    )


def kyrgyzstan_2021() -> ParallelSystem:
    """Jogorku Kenesh, 28 November 2021: 90 seats, parallel: 54 list seats + 36 districts.

    Rules (Constitution of 5 May 2021; Constitutional Law on elections as amended 26/27 August
    2021):

    * 54 seats by lists in one nationwide constituency: :func:`kyrgyzstan_2021_list_tier`
      (5 % of the voters who took part nationally, 0.5 % in each region, Hare largest
      remainder, no cap);
    * 36 single-member districts by plurality; if "against all" has more votes than the leading
      candidate the district election is repeated (the seat is reported unfilled; this
      happened in two Bishkek districts);
    * the tiers are independent (parallel): a party's seats are its list seats plus its
      district seats; ties for first place in a district: ``"raise"`` (no rule found).

    Published list tier (CEC final, 15 Dec 2021): Ata-Jurt Kyrgyzstan 15, Ishenim 12,
    Yntymak 9, Alliance 7, Butun Kyrgyzstan 6, Yiman Nuru 5.  The district results are not
    bundled; :func:`electsim.datasets.synthetic_districts` builds a documented synthetic layer.

    Sources: https://interfax.com/newsroom/top-stories/73392/ (CEC final results);
    https://interfax.com/newsroom/top-stories/72607/ (the law);
    https://24.kg/english/202399_Parties_registered_six_months_before_elections_to_be_able_to_run/ ;
    against all in districts: https://for.kg/news-736172-ru.html .

    Examples
    --------
    >>> s = kyrgyzstan_2021()
    >>> s.seats, s.list_tier.seats, s.n_districts
    (90, 54, 36)
    """
    return ParallelSystem(
        kyrgyzstan_2021_list_tier(),
        36,
        tie_break="raise",
        name="Kyrgyzstan 2021",
        source="Constitutional Law on elections as amended 26/27 Aug 2021: 54 list seats + 36 SMDs",
    )


#: List-PR presets (:class:`~electsim.ElectoralSystem`); the command line's ``--preset``.
PRESETS = {
    "kyrgyzstan_2007": kyrgyzstan_2007,
    "kyrgyzstan_2010": kyrgyzstan_2010,
    "kyrgyzstan_2015": kyrgyzstan_2015,
    "kyrgyzstan_2020": kyrgyzstan_2020,
    "kyrgyzstan_2021_list_tier": kyrgyzstan_2021_list_tier,
}

#: Mixed presets (a list tier + single-member districts; allocate with ``districts=``).
MIXED_PRESETS = {
    "kyrgyzstan_2021": kyrgyzstan_2021,
}
