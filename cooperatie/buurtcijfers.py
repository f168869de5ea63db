"""Importing figures per buurt from a published file: the Leefbaarometer
scores or the CBS "Kerncijfers wijken en buurten" (docs/buurtcijfers.md).

The file is read with the platform's bounded table reader
(`kern.tabelimport`), every row is checked against the model's bounds, and the
rows are written all or nothing, in one transaction, with one journal entry
for the import (its source, file name, SHA-256 and counts) on the platform
chain. Any refused row refuses the file; every error names its row and column.

A year (and, for the Leefbaarometer, a version) that is already there is
refused, unless the import is asked to replace it (`vervang`): then its rows
are removed and the file's written in their place, in the same transaction.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from kern import journal, tabelimport
from kern.tabelimport import ParsedFile, RowError, TableImportError, shown
from kern.validators import BUURTCODE_REGEX, normalize_code

from .models import Buurtkerncijfers, Leefbaarometerscore
from .models.buurtcijfers import EERSTE_JAAR, LAATSTE_JAAR
from .scope import scope_of

LEEFBAAROMETER = "leefbaarometer"
CBS = "cbs"
BRONNEN = (LEEFBAAROMETER, CBS)

MAX_BYTES = 32 * 1024 * 1024
"""Largest file accepted: the national CBS table of a year (some 17,000 rows
of about 200 columns) is below it."""

MAX_ROWS = 150_000
"""Most rows in one file: every buurt (about 14,500) over ten measurement
years, with room to spare."""

MAX_TOTAL_CHARS = 40_000_000
"""Characters in all cells together."""

MAX_CELL_CHARS = 200
"""Characters in one cell: names of regions are the longest."""

VERSIE_MAX = Leefbaarometerscore._meta.get_field("versie").max_length

# Cells CBS writes for a figure it does not have or keeps secret.
_ONTBREEKT = {"", ".", "x", "?", "-"}


@dataclass(frozen=True)
class Kolom:
    """One column of a published file: the model field it fills, the header
    the publisher writes, other headers it is known by, and whether every row
    must have it."""

    field: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False


# Leefbaarometer 3.0, the buurt score file: the code of the buurt, the
# measurement year, the total score (lbm), its deviation from the national
# level (afw) and the five dimensions.
LEEFBAAROMETER_KOLOMMEN = (
    Kolom("buurtcode", "bu_code", ("buurtcode", "code"), required=True),
    Kolom("meetjaar", "jaar", ("meetjaar",), required=True),
    Kolom("totaal", "lbm", ("totaalscore",), required=True),
    Kolom("afwijking", "afw"),
    Kolom("woningen", "won"),
    Kolom("fysieke_omgeving", "fys"),
    Kolom("voorzieningen", "vrz"),
    Kolom("sociale_samenhang", "soc"),
    Kolom("onveiligheid", "onv"),
)

# CBS StatLine, "Kerncijfers wijken en buurten" (one table per year): the
# region's code and a few figures. CBS numbers each column after its name
# (`AantalInwoners_5`); the number differs per year's table and is ignored.
CBS_KOLOMMEN = (
    Kolom("buurtcode", "Codering", ("buurtcode",), required=True),
    Kolom("aantal_inwoners", "AantalInwoners"),
    Kolom("aantal_huishoudens", "HuishoudensTotaal"),
    Kolom("woningvoorraad", "Woningvoorraad"),
    Kolom("percentage_koopwoningen", "Koopwoningen"),
    Kolom("percentage_corporatiewoningen", "InBezitWoningcorporatie"),
    Kolom("gemiddeld_inkomen_per_inwoner", "GemiddeldInkomenPerInwoner"),
)


class BuurtcijfersImportError(TableImportError):
    """The file, or a row of it, is refused; nothing has been written."""


@dataclass
class ImportVerslag:
    """What an import wrote."""

    bron: str
    aantal: int
    jaren: list[int]
    vervangen: int = 0
    overgeslagen: int = 0
    sha256: str = ""


@dataclass
class _Rij:
    number: int
    values: dict = field(default_factory=dict)


def _kolommen(bron: str) -> tuple[Kolom, ...]:
    return LEEFBAAROMETER_KOLOMMEN if bron == LEEFBAAROMETER else CBS_KOLOMMEN


def _spec(bron: str) -> tabelimport.TableSpec:
    return tabelimport.TableSpec.of_columns(
        _kolommen(bron),
        max_rows=MAX_ROWS,
        max_bytes=MAX_BYTES,
        max_cell_chars=MAX_CELL_CHARS,
        max_total_chars=MAX_TOTAL_CHARS,
        too_many_rows=_("Het bestand mag hoogstens %(max)s rijen met buurten hebben."),
        header_only=_("Het bestand moet onder de kopregel buurten bevatten."),
        skip_unknown=True,
        numbered_headers=bron == CBS,
    )


class _CellError(Exception):
    pass


def _getal(text: str, model_field: models.Field):
    """A number of the file for a model field: a decimal comma or point, CBS's
    symbols for a missing figure as empty; the field's bounds apply."""
    text = text.strip()
    if text in _ONTBREEKT:
        if model_field.null:
            return None
        raise _CellError(_("Deze cel moet een getal bevatten."))
    cleaned = text.replace(" ", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?[0-9]{1,12}(\.[0-9]{1,12})?", cleaned):
        raise _CellError(
            _("“%(waarde)s” moet een getal zijn.") % {"waarde": shown(text)}
        )
    value = Decimal(cleaned)
    if isinstance(model_field, models.DecimalField):
        places = Decimal(1).scaleb(-model_field.decimal_places)
        try:
            value = value.quantize(places)
        except InvalidOperation as exc:
            raise _CellError(
                _("“%(waarde)s” moet een kleiner getal zijn.") % {"waarde": shown(text)}
            ) from exc
    elif value != value.to_integral_value():
        raise _CellError(
            _("“%(waarde)s” moet een geheel getal zijn.") % {"waarde": shown(text)}
        )
    else:
        value = int(value)
    try:
        model_field.run_validators(value)
    except ValidationError as exc:
        raise _CellError(" ".join(exc.messages)) from exc
    return value


def _buurtcode(text: str) -> str:
    code = normalize_code(text)
    if not re.match(BUURTCODE_REGEX, code):
        raise _CellError(
            _(
                "“%(waarde)s” moet een buurtcode zijn: BU, de 4 cijfers van de "
                "gemeentecode en 4 cijfers of hoofdletters, bijv. BU03440101."
            )
            % {"waarde": shown(text)}
        )
    return code


def _lees(
    bron: str, parsed: ParsedFile, model: type[models.Model]
) -> tuple[list[_Rij], int, list[RowError]]:
    """The rows of the file as model values, the rows skipped (a CBS table's
    rows of the country, gemeenten and wijken), and every error."""
    rijen: list[_Rij] = []
    errors: list[RowError] = []
    overgeslagen = 0
    velden = {name: model._meta.get_field(name) for name in parsed.fields}

    def lees(name: str, text: str):
        return _buurtcode(text) if name == "buurtcode" else _getal(text, velden[name])

    for row in parsed.rows:
        code = row.values.get("buurtcode", "").strip()
        if bron == CBS and not normalize_code(code).startswith("BU"):
            overgeslagen += 1
            continue
        rij = _Rij(row.number)
        for name in parsed.fields:
            try:
                rij.values[name] = lees(name, row.values[name])
            except _CellError as exc:
                errors.append(RowError(row.number, parsed.header(name), str(exc)))
        rijen.append(rij)
    return rijen, overgeslagen, errors


def _dubbele(rijen: list[_Rij], sleutel: str, parsed: ParsedFile) -> list[RowError]:
    """A buurt twice for one year in the file: the second row is refused."""
    errors = []
    gezien: dict[tuple, int] = {}
    for rij in rijen:
        key = (rij.values.get("buurtcode"), rij.values.get(sleutel))
        if None in key:
            continue
        if key in gezien:
            errors.append(
                RowError(
                    rij.number,
                    parsed.header("buurtcode"),
                    _("Deze buurt staat voor dit jaar al op rij %(rij)s.")
                    % {"rij": gezien[key]},
                )
            )
        else:
            gezien[key] = rij.number
    return errors


def _check_actor(actor) -> None:
    if actor is None or not scope_of(actor).is_superuser:
        raise PermissionDenied(
            _("Alleen een platformbeheerder mag buurtcijfers inlezen.")
        )


def import_buurtcijfers(
    *,
    bron: str,
    data: bytes,
    naam: str,
    actor,
    versie: str = "",
    jaar: int | None = None,
    vervang: bool = False,
) -> ImportVerslag:
    """Read a Leefbaarometer (`versie`: the publication) or CBS (`jaar`: the
    table's year) file and write its buurten, all or nothing. Raises
    BuurtcijfersImportError naming every refused row and column."""
    _check_actor(actor)
    if bron not in BRONNEN:
        raise BuurtcijfersImportError(
            [RowError(None, None, _("De bron moet leefbaarometer of cbs zijn."))]
        )
    versie = versie.strip()
    if bron == LEEFBAAROMETER and not (
        0 < len(versie) <= VERSIE_MAX and versie.isprintable()
    ):
        raise BuurtcijfersImportError(
            [
                RowError(
                    None,
                    None,
                    _(
                        "Bij de Leefbaarometer moet de versie van de publicatie "
                        "worden opgegeven: één regel van hoogstens %(max)s tekens."
                    )
                    % {"max": VERSIE_MAX},
                )
            ]
        )
    model = Leefbaarometerscore if bron == LEEFBAAROMETER else Buurtkerncijfers
    if bron == CBS and not (
        isinstance(jaar, int) and EERSTE_JAAR <= jaar <= LAATSTE_JAAR
    ):
        raise BuurtcijfersImportError(
            [
                RowError(
                    None,
                    None,
                    _(
                        "Bij CBS moet het jaar van de tabel worden opgegeven, "
                        "tussen 1990 en 2100."
                    ),
                )
            ]
        )
    try:
        parsed = tabelimport.read_table(data, naam, _spec(bron))
    except TableImportError as exc:
        raise BuurtcijfersImportError(exc.errors) from exc

    rijen, overgeslagen, errors = _lees(bron, parsed, model)
    sleutel = "meetjaar" if bron == LEEFBAAROMETER else "jaar"
    if bron == CBS:
        for rij in rijen:
            rij.values["jaar"] = jaar
    errors += _dubbele(rijen, sleutel, parsed)
    if not rijen and not errors:
        errors.append(
            RowError(None, None, _("Het bestand moet rijen met buurten bevatten."))
        )
    if errors:
        raise BuurtcijfersImportError(sorted(errors, key=lambda e: e.row or 0))

    jaren = sorted({rij.values[sleutel] for rij in rijen})
    bestaand = model.objects.filter(**{f"{sleutel}__in": jaren})
    if bron == LEEFBAAROMETER:
        bestaand = bestaand.filter(versie=versie)
    with transaction.atomic():
        aanwezig = sorted(set(bestaand.values_list(sleutel, flat=True)))
        if aanwezig and not vervang:
            raise BuurtcijfersImportError(
                [
                    RowError(
                        None,
                        None,
                        _(
                            "Voor %(jaren)s zijn al cijfers ingelezen; lees ze "
                            "opnieuw in met --vervang om ze te vervangen."
                        )
                        % {"jaren": ", ".join(map(str, aanwezig))},
                    )
                ]
            )
        vervangen, _per_model = bestaand.delete() if aanwezig else (0, {})
        extra = {"versie": versie} if bron == LEEFBAAROMETER else {}
        model.objects.bulk_create(
            [model(**rij.values, **extra) for rij in rijen], batch_size=2000
        )
        verslag = ImportVerslag(
            bron=bron,
            aantal=len(rijen),
            jaren=jaren,
            vervangen=vervangen,
            overgeslagen=overgeslagen,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        journal.record(
            actor=actor,
            action="buurtcijfers_import",
            object_type=model._meta.label_lower,
            object_repr=f"{bron} {versie or jaar}: {len(rijen)} buurten",
            after={
                "bron": bron,
                "bestand": naam[:200],
                "sha256": verslag.sha256,
                "versie": versie,
                "jaren": jaren,
                "rijen": len(rijen),
                "vervangen": vervangen,
                "overgeslagen": overgeslagen,
            },
        )
    return verslag


def laatste_scores(
    scores: models.QuerySet, *, codes: Iterable[str], jaren: range
) -> dict[tuple[str, int], Leefbaarometerscore]:
    """Per (buurtcode, meetjaar) within `jaren` the Leefbaarometer score of
    the latest imported version (`scores`: the rows the reader may see), in
    one query. A later publication recomputes earlier years, so the score
    imported last stands for the year."""
    laatste = {}
    for score in scores.filter(
        buurtcode__in=set(codes), meetjaar__gte=jaren.start, meetjaar__lt=jaren.stop
    ).order_by("buurtcode", "meetjaar", "pk"):
        laatste[(score.buurtcode, score.meetjaar)] = score
    return laatste
