"""Named real rule sets, each with its legal source.

Where the law is silent (tie rule, cap redistribution, base of the regional threshold), the
preset says which default electsim uses; every such choice is a parameter you can change with
:meth:`ElectoralSystem.replace`.
"""

from __future__ import annotations

from .system import ElectoralSystem, Threshold

__all__ = ["PRESETS", "kyrgyzstan_2020", "kyrgyzstan_2021_list_tier"]


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


PRESETS = {
    "kyrgyzstan_2020": kyrgyzstan_2020,
    "kyrgyzstan_2021_list_tier": kyrgyzstan_2021_list_tier,
}
