"""Manipulation models: perturbations of election results with an exact ledger.

See :class:`Perturbation` and ``electsim.manipulation._base`` for the protocol and the shared
core (one abstainer rule, one rounding rule, one set of samplers).  Mechanisms: vote buying,
voter transport (Form No. 2, carousel), administrative coercion, ballot stuffing.  Their
equations, defaults and sources: ``docs/models.md``.
"""

from ._base import (
    Composition,
    Ledger,
    Perturbation,
    Perturbed,
    abstainers_of,
    broadcast_batch,
    compose,
    sample_multinomial,
    sample_without_replacement,
    split_exact,
)
from .coercion import Coercion
from .stuffing import BallotStuffing
from .transport import Carousel, Transport
from .vote_buying import BoughtVotes, VoteBuying

__all__ = [
    "BallotStuffing",
    "BoughtVotes",
    "Carousel",
    "Coercion",
    "Composition",
    "Ledger",
    "Perturbation",
    "Perturbed",
    "Transport",
    "VoteBuying",
    "abstainers_of",
    "broadcast_batch",
    "compose",
    "sample_multinomial",
    "sample_without_replacement",
    "split_exact",
]
