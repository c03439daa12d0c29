"""Regenerate the README images: ``python docs/make_images.py`` (writes docs/img/*.png)."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import electsim as es
import electsim.plotting

OUT = Path(__file__).resolve().parent / "img"


def main() -> None:
    """Save the 2020 parliament and a comparison of the 2020 law with two reforms."""
    OUT.mkdir(parents=True, exist_ok=True)
    election = es.datasets.kyrgyzstan_2020()  # CEC preliminary figures, 5 Oct 2020
    law = es.presets.kyrgyzstan_2020().replace(regional=None)  # national data only
    current = es.allocate(election, law)
    ax = electsim.plotting.hemicycle(current, title="Kyrgyzstan 2020: 46 / 45 / 16 / 13 (CEC)")
    ax.figure.savefig(OUT / "hemicycle_2020.png", dpi=100, bbox_inches="tight")
    plt.close(ax.figure)

    scenarios = {
        "2020 law (7 % of ballots)": current,
        "threshold 5 %": es.allocate(election, law.replace(national=es.Threshold("5%"))),
        "threshold 3 %": es.allocate(election, law.replace(national=es.Threshold("3%"))),
    }
    fig = electsim.plotting.compare(scenarios)
    fig.savefig(OUT / "compare_reforms.png", dpi=90, bbox_inches="tight")
    plt.close(fig)


if __name__ == "__main__":
    main()
