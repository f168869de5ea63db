"""Format validators for Dutch registry codes, shared by models and imports."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

KVK_REGEX = r"^[0-9]{8}$"
POSTCODE_REGEX = r"^[1-9][0-9]{3} [A-Z]{2}$"
GEMEENTECODE_REGEX = r"^GM[0-9]{4}$"
BUURTCODE_REGEX = r"^BU[0-9]{8}$"

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
    _("Een buurtcode heeft de vorm BU gevolgd door 8 cijfers, bijv. BU03630000."),
    code="buurtcode",
)


def normalize_postcode(value: str) -> str:
    """Return a postcode as `1234 AB`, whatever spacing and case it came in."""
    compact = "".join(value.split()).upper()
    if len(compact) == 6:
        return f"{compact[:4]} {compact[4:]}"
    return value.strip().upper()
