"""`kern.maker.Maker`: frozen dataclass instances made without their
`__init__`, equal to those `__init__` makes."""

from __future__ import annotations

from dataclasses import InitVar, dataclass, field
from decimal import Decimal

import pytest

from afspraken.evaluatie import ActiviteitGroep, Jaarcijfers
from kern.maker import Maker


def test_made_instances_equal_those_of_the_class_and_stay_frozen():
    values = ("groen", True, 4, Decimal("7.50"), 12)
    made = Maker(ActiviteitGroep)(*values)
    assert made == ActiviteitGroep(*values)
    assert hash(made) == hash(ActiviteitGroep(*values))
    assert made.vrijwilligersuren == Decimal("7.5")
    with pytest.raises(AttributeError):
        made.aantal = 5


def test_jaarcijfers_made_keep_their_properties():
    cijfers = Maker(Jaarcijfers)(2024, (), Decimal(10), Decimal(4), 3, 1, 2)
    assert cijfers == Jaarcijfers(2024, (), Decimal(10), Decimal(4), 3, 1, 2)
    assert cijfers.besteding == Decimal(6)


def test_every_field_must_be_given_and_no_more():
    with pytest.raises(TypeError, match=r"'uitgaven'.*'actieve_leden'"):
        Maker(Jaarcijfers)(2024, ())
    with pytest.raises(TypeError, match="positional"):
        Maker(ActiviteitGroep).maak("groen", True, 4, Decimal(1), 12, "meer")


def test_fields_with_any_names_are_made_as_the_class_makes_them():
    """The function made for a class takes its fields by their names: a
    field named like a builtin, or like what the function uses itself,
    still gets its own value."""

    @dataclass(frozen=True)
    class Namen:
        object: str
        instance: int
        cls: str
        _maker_cls_: str

    maker = Maker(Namen)
    assert not maker.snel  # the function's own names: through the class
    assert maker("a", 1, "b", "c") == Namen("a", 1, "b", "c")

    @dataclass(frozen=True)
    class Gewoon:
        object: str
        instance: int
        cls: str

    made = Maker(Gewoon).maak("a", 1, "b")
    assert Maker(Gewoon).snel
    assert made == Gewoon("a", 1, "b")
    assert type(made) is Gewoon
    assert vars(made) == {"object": "a", "instance": 1, "cls": "b"}


def test_a_class_with_post_init_goes_through_its_init():
    @dataclass(frozen=True)
    class Getal:
        waarde: int
        dubbel: int = field(default=0)

        def __post_init__(self):
            object.__setattr__(self, "dubbel", 2 * self.waarde)

    maker = Maker(Getal)
    assert not maker.snel
    assert maker(3, 0).dubbel == 6


def test_a_class_whose_init_takes_other_arguments_goes_through_its_init():
    @dataclass(frozen=True)
    class Sleutelwoord:
        waarde: int
        eenheid: str = field(default="uur", kw_only=True)

    @dataclass(frozen=True)
    class Alleen:
        waarde: int
        factor: InitVar[int] = 1

    @dataclass(frozen=True)
    class Berekend:
        waarde: int
        dubbel: int = field(init=False, default=0)

    for cls in (Sleutelwoord, Alleen, Berekend):
        assert not Maker(cls).snel
        assert Maker(cls).maak is cls
    assert Maker(Sleutelwoord)(3) == Sleutelwoord(3)
    assert Maker(Alleen)(3, 2) == Alleen(3, 2)


def test_a_class_is_looked_at_and_its_function_made_once():
    first, second = Maker(ActiviteitGroep), Maker(Jaarcijfers)
    assert first.snel
    assert Maker(ActiviteitGroep).maak is first.maak
    assert Maker(Jaarcijfers).maak is second.maak
    assert first.maak is not second.maak
