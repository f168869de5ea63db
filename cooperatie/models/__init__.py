"""Organisations, buildings, contracts, members and roles.

One module per concept; the models are imported from here (`cooperatie.models`).
"""

from .afgeleid import GeslotenJaar, Relatie
from .leden import LedenInzage, Lid
from .organisaties import Cooperatie, Corporatie, Gebouw, Overeenkomst
from .toegang import ApiClient, ApiToken, Rol, SsoIdentiteit, Uitnodiging

__all__ = [
    "ApiClient",
    "ApiToken",
    "Cooperatie",
    "Corporatie",
    "Gebouw",
    "GeslotenJaar",
    "LedenInzage",
    "Lid",
    "Overeenkomst",
    "Relatie",
    "Rol",
    "SsoIdentiteit",
    "Uitnodiging",
]
