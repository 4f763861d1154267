"""The parts of OpenDP Veil uses, imported without ``opendp.prelude``.

``opendp.prelude`` also imports OpenDP's scikit-learn and Polars extras, which costs
seconds at start-up when those libraries are installed (the ``veil`` command would take
four seconds to print its help). Import this module as ``dp`` instead.
"""

from __future__ import annotations

from opendp import combinators as c
from opendp import measurements as m
from opendp.accuracy import discrete_laplacian_scale_to_accuracy, laplacian_scale_to_accuracy
from opendp.domains import atom_domain, map_domain, vector_domain
from opendp.measures import max_divergence, zero_concentrated_divergence
from opendp.metrics import (
    absolute_distance,
    l01inf_distance,
    l02inf_distance,
    l1_distance,
    l2_distance,
    linf_distance,
)
from opendp.mod import Measurement, OpenDPException, binary_search, binary_search_param, enable_features

enable_features("contrib")

__all__ = [
    "Measurement",
    "OpenDPException",
    "absolute_distance",
    "atom_domain",
    "binary_search",
    "binary_search_param",
    "c",
    "discrete_laplacian_scale_to_accuracy",
    "enable_features",
    "l01inf_distance",
    "l02inf_distance",
    "l1_distance",
    "l2_distance",
    "laplacian_scale_to_accuracy",
    "linf_distance",
    "m",
    "map_domain",
    "max_divergence",
    "vector_domain",
    "zero_concentrated_divergence",
]
