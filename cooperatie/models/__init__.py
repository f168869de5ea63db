"""Organisations, buildings, contracts, members and roles.

One module per concept; the models are imported from here (`cooperatie.models`).
"""

from .afgeleid import GeslotenJaar, Relatie
from .buurtcijfers import Buurtkerncijfers, Leefbaarometerscore
from .leden import LedenInzage, Lid
from .organisaties import Cooperatie, Corporatie, Gebouw, Overeenkomst
from .toegang import ApiClient, ApiToken, Rol, SsoIdentiteit, Uitnodiging

__all__ = [
    "ApiClient",
    "ApiToken",
    "Buurtkerncijfers",
    "Cooperatie",
    "Corporatie",
    "Gebouw",
    "GeslotenJaar",
    "LedenInzage",
    "Leefbaarometerscore",
    "Lid",
    "Overeenkomst",
    "Relatie",
    "Rol",
    "SsoIdentiteit",
    "Uitnodiging",
]
