"""The journal's models moved from the ledger app to kern (kern 0001, ledger
0005): their tables stay, and their content types move along, so a permission
granted on the journal before the move is still granted after it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

import pytest

BEFORE = ("ledger", "0004_tekst_zonder_stuurtekens_en_begrensd")
MOVED = {
    "auditentry": "auditentry",
    "auditchainhead": "auditchainhead",
    "auditchainverification": "auditchainverification",
    "journaalcheckpoint": "auditcheckpoint",
}


@pytest.mark.django_db(transaction=True)
def test_the_move_to_kern_keeps_the_content_types_and_granted_permissions():
    # `migrate` runs as the owner role where there is one (tests/database_roles).
    call_command("migrate", *BEFORE, verbosity=0)
    # A database from before the move: `migrate` ends by creating the content
    # types of today's models (kern's), which such a database did not have.
    ContentType.objects.filter(app_label="kern", model__in=MOVED.values()).delete()
    ContentType.objects.clear_cache()
    # Before the move the journal's content types are the ledger app's.
    before = {
        ct.model: ct.pk
        for ct in ContentType.objects.filter(app_label="ledger", model__in=MOVED)
    }
    assert set(before) == set(MOVED)
    auditor = get_user_model().objects.create_user("auditor", password="x-1234567!")
    permission, _ = Permission.objects.get_or_create(
        content_type_id=before["auditentry"],
        codename="view_auditentry",
        defaults={"name": "Can view audit entry"},
    )
    auditor.user_permissions.add(permission)

    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()

    after = {
        ct.model: ct.pk
        for ct in ContentType.objects.filter(app_label="kern", model__in=MOVED.values())
    }
    # The same rows, renamed: nothing was created or lost.
    assert after == {MOVED[old]: pk for old, pk in before.items()}
    assert not ContentType.objects.filter(app_label="ledger", model__in=MOVED).exists()
    auditor = get_user_model().objects.get(pk=auditor.pk)
    assert auditor.has_perm("kern.view_auditentry")
