"""Typed, frozen records from a loaded YAML tree, checked on the way in.

A record is a dataclass; its type hints say what each key holds (text, whole
number, fraction, amount, date, list, mapping, another record, or nothing), and
the field's metadata (`keuzes()`, `bereik()`) what a value must further be. Every
error names the key where it sits, as in ``cooperaties[0].programma[2].maanden[1]``,
so a mistake in the data file is found without reading Python.
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from decimal import Decimal, InvalidOperation
from typing import Any

_UNSET: Any = dataclasses.MISSING


class DemoDataError(ValueError):
    """The data file does not have the shape its records declare."""

    def __init__(self, pad: str, tekst: str, bron: str = "") -> None:
        super().__init__(pad, tekst)
        self.pad, self.tekst, self.bron = pad, tekst, bron

    def __str__(self) -> str:
        plaats = ": ".join(p for p in (self.bron, self.pad) if p)
        return f"{plaats or 'het bestand'}: {self.tekst}"


def keuzes(waarden: typing.Iterable[str]) -> dict:
    """Field metadata: the values a field (for a list: each item) may take."""
    return {"keuzes": tuple(waarden)}


def bereik(laag: float, hoog: float) -> dict:
    """Field metadata: the lowest and highest number a field (or each item) may be."""
    return {"bereik": (laag, hoog)}


def record(cls: type, value: Any, pad: str = "") -> Any:
    """`value` (a mapping) as a `cls`, or `DemoDataError` naming the first wrong key."""
    if not isinstance(value, dict):
        raise DemoDataError(
            pad, f"moet een mapping (sleutel: waarde) zijn, niet {value!r}"
        )
    hints = typing.get_type_hints(cls)
    fields = dataclasses.fields(cls)
    bekend = [f.name for f in fields]
    for key in value:
        if key not in bekend:
            raise DemoDataError(
                _sub(pad, key),
                f"is geen bekende sleutel; bekend zijn: {', '.join(bekend)}",
            )
    kwargs = {}
    for f in fields:
        if f.name not in value:
            if f.default is _UNSET and f.default_factory is _UNSET:
                raise DemoDataError(_sub(pad, f.name), "moet aanwezig zijn")
            continue
        kwargs[f.name] = _convert(
            hints[f.name], value[f.name], _sub(pad, f.name), f.metadata
        )
    return cls(**kwargs)


def _sub(pad: str, key: str) -> str:
    return f"{pad}.{key}" if pad else str(key)


def _convert(tp: Any, value: Any, pad: str, meta: typing.Mapping) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        [inner] = [a for a in args if a is not type(None)]
        return _convert(inner, value, pad, meta)
    if dataclasses.is_dataclass(tp):
        return record(tp, value, pad)
    if origin is tuple:
        return _tuple(args, value, pad, meta)
    if origin is dict:
        if not isinstance(value, dict):
            raise DemoDataError(
                pad, f"moet een mapping (sleutel: waarde) zijn, niet {value!r}"
            )
        for key in value:
            if not isinstance(key, str):
                raise DemoDataError(_sub(pad, key), "moet een sleutel van tekst zijn")
        return {
            key: _convert(args[1], item, _sub(pad, key), meta)
            for key, item in value.items()
        }
    return _check(_scalar(tp, value, pad), pad, meta)


def _tuple(args: tuple, value: Any, pad: str, meta: typing.Mapping) -> tuple:
    if not isinstance(value, list):
        raise DemoDataError(pad, f"moet een lijst zijn, niet {value!r}")
    if len(args) == 2 and args[1] is Ellipsis:
        args = (args[0],) * len(value)
    elif len(value) != len(args):
        raise DemoDataError(pad, f"moet een lijst van {len(args)} waarden zijn")
    return tuple(
        _convert(tp, item, f"{pad}[{i}]", meta)
        for i, (tp, item) in enumerate(zip(args, value, strict=True))
    )


_NAMEN = {
    str: "tekst",
    bool: "true of false",
    int: "een geheel getal",
    float: "een getal",
    Decimal: "een bedrag of getal",
    datetime.date: "een datum (JJJJ-MM-DD)",
}


def _scalar(tp: Any, value: Any, pad: str) -> Any:
    ok = {
        str: isinstance(value, str),
        bool: isinstance(value, bool),
        int: isinstance(value, int) and not isinstance(value, bool),
        float: isinstance(value, int | float) and not isinstance(value, bool),
        Decimal: isinstance(value, int | float | str) and not isinstance(value, bool),
        datetime.date: isinstance(value, datetime.date)
        and not isinstance(value, datetime.datetime),
    }[tp]
    if ok and tp is Decimal:
        try:
            value = Decimal(str(value))
        except InvalidOperation:
            ok = False
        else:
            ok = value.is_finite()
    if not ok:
        raise DemoDataError(pad, f"moet {_NAMEN[tp]} zijn, niet {value!r}")
    return float(value) if tp is float else value


def _check(value: Any, pad: str, meta: typing.Mapping) -> Any:
    keuzes = meta.get("keuzes")
    if keuzes is not None and value not in keuzes:
        raise DemoDataError(
            pad, f"moet een van {', '.join(keuzes)} zijn, niet {value!r}"
        )
    bereik = meta.get("bereik")
    if bereik is not None and not bereik[0] <= value <= bereik[1]:
        raise DemoDataError(
            pad, f"moet tussen {bereik[0]} en {bereik[1]} liggen, niet {value!r}"
        )
    return value
