"""Addresses and form data shared by the tests of the beheerder's pages."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from tests.helpers import page_text

# URL name → the tenant attribute whose pk fills the object kwarg (or None).
PAGES = {
    "beheer-gebouwen": None,
    "beheer-gebouw-nieuw": None,
    "beheer-gebouwen-import": None,
    "beheer-gebouw-bewerken": ("gebouw_id", "gebouw"),
    "beheer-gebouw-verwijderen": ("gebouw_id", "gebouw"),
    "beheer-cooperaties": None,
    "beheer-cooperatie-nieuw": None,
    "beheer-cooperatie-bewerken": ("cooperatie_id", "cooperatie"),
    "beheer-overeenkomsten": None,
    "beheer-overeenkomst-nieuw": None,
    "beheer-overeenkomst-bewerken": ("overeenkomst_id", "overeenkomst"),
    "beheer-overeenkomst-beeindigen": ("overeenkomst_id", "overeenkomst"),
    "beheer-afspraken": None,
    "beheer-afspraak-nieuw": None,
    "beheer-afspraak-bewerken": ("afspraak_id", "afspraak"),
    "beheer-prestatieafspraken": None,
    "beheer-prestatieafspraak-nieuw": None,
    "beheer-prestatieafspraak-bewerken": ("prestatieafspraak_id", "prestatieafspraak"),
}
OBJECT_PAGES = [name for name, obj in PAGES.items() if obj]
POST_ONLY = {"beheer-gebouw-verwijderen", "beheer-overeenkomst-beeindigen"}


def url(name: str, tenant, obj_tenant=None) -> str:
    """The page in `tenant`'s portal, for the object of `obj_tenant` (default:
    the same tenant)."""
    kwargs = {"corporatie_id": tenant.corporatie.pk}
    if PAGES[name]:
        kwarg, attr = PAGES[name]
        kwargs[kwarg] = getattr(obj_tenant or tenant, attr).pk
    return reverse(name, kwargs=kwargs)


text_of = page_text


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def form_data(form) -> dict:
    """What a browser would post for an unbound form as it is rendered."""
    data = {}
    for bound in form:
        value = bound.value()
        if bound.widget_type == "checkbox":
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [
                str(v.pk if hasattr(v, "pk") else v) for v in value
            ]
        elif value is None:
            data[bound.html_name] = ""
        elif hasattr(value, "pk"):
            data[bound.html_name] = str(value.pk)
        else:
            data[bound.html_name] = str(value)
    return data


def page_data(response) -> dict:
    """The afspraak page's form and formset as the browser would post them."""
    data = form_data(response.context["form"])
    formset = response.context["formset"]
    for name, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{name}"] = str(value)
    for row in formset.forms:
        data.update(form_data(row))
    return data


def row_key(data: dict, index: int, field: str) -> str:
    return f"toezeggingen-{index}-{field}"
