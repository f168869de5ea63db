"""Validators shared by models, forms, the API and imports: the formats of Dutch
registry codes, what a free text may hold, and the plausible dates of activities
and bookings."""

import datetime
import re
import string
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kern.formatting import datum

KVK_REGEX = r"^[0-9]{8}$"
POSTCODE_REGEX = r"^[1-9][0-9]{3} [A-Z]{2}$"
GEMEENTECODE_REGEX = r"^GM[0-9]{4}$"
# CBS: BU + gemeentecode (4 digits) + wijk and buurt (4 characters; Amsterdam and
# other large municipalities use capital letters there, e.g. BU0363AF09).
BUURTCODE_REGEX = r"^BU[0-9]{4}[0-9A-Z]{4}$"
# BAG (Basisregistratie Adressen en Gebouwen): an object's identificatie is 16
# digits: the 4 digits of the gemeentecode of the municipality that registered
# it, the object type (10 a pand, 01 a verblijfsobject) and a 10-digit number.
BAG_PAND_REGEX = r"^[0-9]{4}10[0-9]{10}$"
BAG_VERBLIJFSOBJECT_REGEX = r"^[0-9]{4}01[0-9]{10}$"
BAG_VERBLIJFSOBJECTEN_MAX = 500
# A corporation's cluster code (VERA: the cluster of units in its own systems):
# capitals, digits and . _ -, starting with a letter or digit, at most 20 long.
CLUSTERCODE_REGEX = r"^[A-Z0-9][A-Z0-9._-]{0,19}$"

# What a form or the API accepts for a code and normalises to the stored form
# above (`normalize_postcode`, `normalize_code`): any case, and for a postcode
# any number of spaces between digits and letters. (Surrounding whitespace is
# trimmed before.) The API's schema states these as the request patterns.
POSTCODE_INPUT_REGEX = r"^([1-9][0-9]{3}) *([A-Za-z]{2})$"
INPUT_REGEXES = {
    KVK_REGEX: KVK_REGEX,
    POSTCODE_REGEX: POSTCODE_INPUT_REGEX,
    GEMEENTECODE_REGEX: r"^[Gg][Mm][0-9]{4}$",
    BUURTCODE_REGEX: r"^[Bb][Uu][0-9]{4}[0-9A-Za-z]{4}$",
    CLUSTERCODE_REGEX: r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$",
}

kvk_validator = RegexValidator(
    KVK_REGEX,
    _("Een KvK-nummer moet uit precies 8 cijfers bestaan."),
    code="kvk_nummer",
)
postcode_validator = RegexValidator(
    POSTCODE_REGEX,
    _(
        "Een postcode moet de vorm 1234 AB hebben (vier cijfers, spatie, twee "
        "hoofdletters)."
    ),
    code="postcode",
)
gemeentecode_validator = RegexValidator(
    GEMEENTECODE_REGEX,
    _("Een gemeentecode moet de vorm GM gevolgd door 4 cijfers hebben, bijv. GM0363."),
    code="gemeentecode",
)
buurtcode_validator = RegexValidator(
    BUURTCODE_REGEX,
    _(
        "Een buurtcode moet de vorm BU, de 4 cijfers van de gemeentecode en 4 "
        "cijfers of hoofdletters hebben, bijv. BU03440101 of BU0363AF09."
    ),
    code="buurtcode",
)

bag_pand_validator = RegexValidator(
    BAG_PAND_REGEX,
    _(
        "Een BAG-pand-id moet uit 16 cijfers bestaan: de 4 cijfers van de "
        "gemeentecode, 10 (pand) en 10 cijfers, bijv. 0344100000012345."
    ),
    code="bag_pand_id",
)
bag_verblijfsobject_validator = RegexValidator(
    BAG_VERBLIJFSOBJECT_REGEX,
    _(
        "Een BAG-verblijfsobject-id moet uit 16 cijfers bestaan: de 4 cijfers van "
        "de gemeentecode, 01 (verblijfsobject) en 10 cijfers, bijv. "
        "0344010000012345."
    ),
    code="bag_verblijfsobject_id",
)
clustercode_validator = RegexValidator(
    CLUSTERCODE_REGEX,
    _(
        "Een clustercode moet uit hoogstens 20 hoofdletters, cijfers, punten, "
        "liggende streepjes of onderstrepingstekens bestaan en met een letter of "
        "cijfer beginnen."
    ),
    code="clustercode",
)


def validate_bag_verblijfsobject_ids(value) -> None:
    """A list of at most BAG_VERBLIJFSOBJECTEN_MAX verblijfsobject ids, each
    once."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError(
            _("Geef de verblijfsobject-ids als een lijst van teksten."),
            code="bag_verblijfsobject_ids",
        )
    if len(value) > BAG_VERBLIJFSOBJECTEN_MAX:
        raise ValidationError(
            _("Een gebouw mag hoogstens %(max)s verblijfsobject-ids hebben."),
            code="bag_verblijfsobject_ids",
            params={"max": BAG_VERBLIJFSOBJECTEN_MAX},
        )
    wrong = [v for v in value if not re.match(BAG_VERBLIJFSOBJECT_REGEX, v)]
    if wrong:
        raise ValidationError(
            format_lazy(
                "{} {}",
                bag_verblijfsobject_validator.message,
                _("Niet zo: %(ids)s."),
            ),
            code="bag_verblijfsobject_id",
            params={"ids": ", ".join(repr(v[:20]) for v in wrong[:5])},
        )
    double = sorted(v for v, n in Counter(value).items() if n > 1)
    if double:
        raise ValidationError(
            _("Elk verblijfsobject-id mag maar één keer voorkomen: %(ids)s."),
            code="bag_verblijfsobject_ids",
            params={"ids": ", ".join(double[:5])},
        )


# What a form field or an import cell with ids holds at most, before it is split.
BAG_IDS_MAX_CHARS = BAG_VERBLIJFSOBJECTEN_MAX * 20


def split_ids(text: str) -> list[str]:
    """The ids in a text as people paste them: separated by line breaks,
    spaces, commas or semicolons. (The text is bounded by its reader.)"""
    return [part for part in re.split(r"[\s,;]+", text) if part]


def normalize_postcode(value: str) -> str:
    """Return a postcode as `1234 AB`, whatever spacing between digits and
    letters and whatever case it came in (POSTCODE_INPUT_REGEX); anything else
    as it came, for the validator to refuse."""
    value = value.strip()
    if match := re.match(POSTCODE_INPUT_REGEX, value):
        return f"{match[1]} {match[2].upper()}"
    return value


_ASCII_UPPER = str.maketrans(string.ascii_lowercase, string.ascii_uppercase)


def normalize_code(value: str) -> str:
    """A gemeentecode or buurtcode in capitals (GM0363, BU0363AF09). Only
    ASCII letters change: `ß` does not become `SS` and pass as a code."""
    return value.strip().translate(_ASCII_UPPER)


# Free text -----------------------------------------------------------------------

# Longest texts, by kind (CharFields carry their own max_length; these are the
# multi-line texts, whose limit Django does not enforce on a TextField by itself).
TOELICHTING_MAX_LENGTH = 2000  # reasons, explanations, sources
OMSCHRIJVING_MAX_LENGTH = 5000  # an activity's description

# Characters that control layout rather than carry text: every C0 and C1 control
# character (with DEL and NEL, U+0085), the line and paragraph separators
# (U+2028, U+2029), the bidirectional embeddings, overrides and isolates that
# reorder the text around them, and lone surrogates (not text at all; a database
# cannot store them). A multi-line text may hold tabs and line breaks (\t \n \r).
_OTHER_CONTROLS = r"\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
CONTROL_CHARACTERS = re.compile(rf"[\x00-\x1f{_OTHER_CONTROLS}]")
CONTROL_CHARACTERS_MULTI_LINE = re.compile(
    rf"[\x00-\x08\x0b\x0c\x0e-\x1f{_OTHER_CONTROLS}]"
)


def _refuse(value: str, pattern: re.Pattern) -> None:
    if match := pattern.search(str(value)):
        raise ValidationError(
            _("Deze tekst mag geen stuurtekens bevatten (gevonden: %(teken)s)."),
            code="stuurteken",
            params={"teken": f"U+{ord(match.group()):04X}"},
        )


def validate_single_line(value: str) -> None:
    """A name or one-line text holds no control characters at all, not even a
    tab or a line break."""
    _refuse(value, CONTROL_CHARACTERS)


def validate_multi_line(value: str) -> None:
    """A longer text holds no control characters besides tabs and line breaks."""
    _refuse(value, CONTROL_CHARACTERS_MULTI_LINE)


def multi_line_validators(max_length: int) -> list:
    """The validators of a multi-line text (a TextField) of at most `max_length`
    characters: Django checks a TextField's max_length only in forms."""
    return [MaxLengthValidator(max_length), validate_multi_line]


# Dates of activities and bookings --------------------------------------------------

EARLIEST_DATE = datetime.date(1990, 1, 1)


def latest_date() -> datetime.date:
    """The last plausible date of an activity or booking: 31 December of next
    year (budgets are sometimes booked ahead)."""
    return datetime.date(timezone.localdate().year + 1, 12, 31)


def validate_plausible_date(value: datetime.date) -> None:
    """An activity's or booking's date lies between 1 January 1990 and 31
    December of next year."""
    latest = latest_date()
    if not EARLIEST_DATE <= value <= latest:
        raise ValidationError(
            _("De datum moet tussen %(van)s en %(tot)s liggen."),
            code="datum_buiten_bereik",
            params={
                "van": datum(EARLIEST_DATE),
                "tot": datum(latest),
            },
        )
