"""Inputs and scopes shared by the cooperatie service tests."""

from __future__ import annotations

import datetime

D = datetime.date

GEBOUW = {
    "complexnummer": "N-100",
    "naam": "De Nieuwe Linde",
    "straat": "Lindelaan",
    "huisnummer": "12",
    "postcode": "1234ab",
    "plaats": "Utrecht",
    "gemeentecode": "gm0344",
    "aantal_woningen": 30,
}
