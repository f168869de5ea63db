"""Frozen dataclass instances made in bulk.

`Maker` makes instances of a frozen dataclass from the values of its fields,
equal to those its `__init__` makes, at about half the cost: a selector that
reads a corporatie-year makes thousands (`afspraken.selectors`,
`afspraken.cijfers`).
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import keyword
from collections.abc import Callable


class Maker:
    """Instances of a frozen dataclass from the values of all its fields in
    order, equal to `cls(*values)`, each made with its `__dict__` at once
    instead of the generated `__init__`'s `object.__setattr__` per field
    (for a class without `__post_init__` whose `__init__` takes exactly its
    fields, `_velden_op_volgorde`; otherwise through `cls` itself). A
    corporatie-year makes thousands.

    Call `maak`, a function made for the class (as `dataclasses` makes the
    class's own `__init__`) from its field names alone."""

    def __init__(self, cls) -> None:
        self.cls = cls
        self.names, self.snel, self.maak = _maker_van(cls)

    def __call__(self, *values):
        return self.maak(*values)


@functools.lru_cache(maxsize=128)
def _maker_van(cls) -> tuple[tuple[str, ...], bool, Callable]:
    """A Maker's field names, whether it makes instances itself, and what it
    calls: worked out once per class (a Maker is made per call of a
    selector, and its function is compiled)."""
    names = tuple(f.name for f in dataclasses.fields(cls))
    snel = not hasattr(cls, "__post_init__") and _velden_op_volgorde(cls, names)
    return names, snel, (_maak_functie(cls, names) if snel else cls)


def _velden_op_volgorde(cls, names: tuple[str, ...]) -> bool:
    """Whether `cls(*values)` only stores each value under its field's name,
    as far as its signature tells: an `__init__` taking exactly the fields,
    in order, by position (no init-only or keyword-only fields), no slots,
    and names the made function can take as its arguments (identifiers, none
    starting with `_maker_`, the names it uses itself). An `__init__` written
    in the class with the same arguments is not told apart: Maker is for
    classes whose `__init__` is the one `dataclasses` writes."""
    if hasattr(cls, "__slots__"):
        return False
    if not all(
        name.isidentifier()
        and not keyword.iskeyword(name)
        and not name.startswith("_maker_")
        for name in names
    ):
        return False
    try:
        parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    except (TypeError, ValueError):
        return False
    return tuple(p.name for p in parameters) == names and all(
        p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters
    )


def _maak_functie(cls, names: tuple[str, ...]) -> Callable:
    """`def maak(<names>)`: an instance of `cls` whose `__dict__` holds each
    field's value under its name (`_velden_op_volgorde` holds for the
    names)."""
    arguments = ", ".join(names)
    items = ", ".join(f"{name!r}: {name}" for name in names)
    source = (
        f"def maak({arguments}):\n"
        "    _maker_self_ = _maker_new_(_maker_cls_)\n"
        f"    _maker_set_(_maker_self_, '__dict__', {{{items}}})\n"
        "    return _maker_self_\n"
    )
    namespace = {
        "_maker_new_": object.__new__,
        "_maker_set_": object.__setattr__,
        "_maker_cls_": cls,
    }
    exec(source, namespace)  # the source holds only the field names
    maak = namespace["maak"]
    maak.__qualname__ = f"Maker({cls.__qualname__}).maak"
    return maak
