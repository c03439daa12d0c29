"""Manipulation models: perturbations of election results with an exact ledger.

See :class:`Perturbation` for the protocol.  Mechanisms: vote buying, voter
transport (Form No. 2, carousel), administrative coercion, ballot stuffing.
"""

from ._base import (
    Composition,
    Ledger,
    Perturbation,
    Perturbed,
    broadcast_batch,
    compose,
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
    "broadcast_batch",
    "compose",
    "sample_without_replacement",
    "split_exact",
]
