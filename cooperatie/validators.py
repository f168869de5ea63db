"""Format validators for Dutch registry codes, shared by models and imports."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

KVK_REGEX = r"^[0-9]{8}$"
POSTCODE_REGEX = r"^[1-9][0-9]{3} [A-Z]{2}$"
GEMEENTECODE_REGEX = r"^GM[0-9]{4}$"
# CBS: BU + gemeentecode (4 digits) + wijk and buurt (4 characters; Amsterdam and
# other large municipalities use capital letters there, e.g. BU0363AF09).
BUURTCODE_REGEX = r"^BU[0-9]{4}[0-9A-Z]{4}$"

kvk_validator = RegexValidator(
    KVK_REGEX, _("Een KvK-nummer bestaat uit precies 8 cijfers."), code="kvk_nummer"
)
postcode_validator = RegexValidator(
    POSTCODE_REGEX,
    _("Een postcode heeft de vorm 1234 AB (vier cijfers, spatie, twee hoofdletters)."),
    code="postcode",
)
gemeentecode_validator = RegexValidator(
    GEMEENTECODE_REGEX,
    _("Een gemeentecode heeft de vorm GM gevolgd door 4 cijfers, bijv. GM0363."),
    code="gemeentecode",
)
buurtcode_validator = RegexValidator(
    BUURTCODE_REGEX,
    _(
        "Een buurtcode heeft de vorm BU, de 4 cijfers van de gemeentecode en 4 "
        "cijfers of hoofdletters, bijv. BU03440101 of BU0363AF09."
    ),
    code="buurtcode",
)


def normalize_postcode(value: str) -> str:
    """Return a postcode as `1234 AB`, whatever spacing and case it came in."""
    compact = "".join(value.split()).upper()
    if len(compact) == 6:
        return f"{compact[:4]} {compact[4:]}"
    return value.strip().upper()
