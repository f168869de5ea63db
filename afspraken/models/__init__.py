"""Agreements, their measurable clauses, the yearly assessment, sealed reports,
and the municipal performance agreements they refer to.

One module per concept; the models are imported from here (`afspraken.models`).
"""

from .afspraken import (
    JAAR_VALIDATORS,
    MAANDEN,
    Afspraak,
    Beoordeling,
    Jaarparameter,
    Rapport,
    Toetsing,
    Toezegging,
)
from .prestatieafspraken import MAX_DOELEN, Prestatieafspraak, Prestatiedoel

__all__ = [
    "JAAR_VALIDATORS",
    "MAANDEN",
    "MAX_DOELEN",
    "Afspraak",
    "Beoordeling",
    "Jaarparameter",
    "Prestatieafspraak",
    "Prestatiedoel",
    "Rapport",
    "Toetsing",
    "Toezegging",
]
