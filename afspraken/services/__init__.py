"""Every write of the afspraken app: agreements and clauses (`afspraken`), the
yearly cycle (`cyclus`). Atomic, keyword-only, permission-checked, one journal
entry each; callers import them from here."""

from .afspraken import (
    AFSPRAAK_FIELDS,
    TOEZEGGING_FIELDS,
    AfspraakSaved,
    ToezeggingChange,
    afspraak_create,
    afspraak_save,
    afspraak_update,
    gesloten_jaar_update,
    jaarparameter_create,
    jaarparameter_update,
    relatie_update,
    toetsing_open,
    toezegging_create,
    toezegging_delete,
    toezegging_update,
)
from .cyclus import (
    TRANSITION_LABELS,
    TRANSITIONS,
    toetsing_beoordelen,
    toetsing_indienen,
    toetsing_terugsturen,
    toetsing_vaststellen,
)

__all__ = [
    "AFSPRAAK_FIELDS",
    "TOEZEGGING_FIELDS",
    "TRANSITIONS",
    "TRANSITION_LABELS",
    "AfspraakSaved",
    "ToezeggingChange",
    "afspraak_create",
    "afspraak_save",
    "afspraak_update",
    "gesloten_jaar_update",
    "jaarparameter_create",
    "jaarparameter_update",
    "relatie_update",
    "toetsing_beoordelen",
    "toetsing_indienen",
    "toetsing_open",
    "toetsing_terugsturen",
    "toetsing_vaststellen",
    "toezegging_create",
    "toezegging_delete",
    "toezegging_update",
]
