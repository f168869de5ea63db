"""The journal's models now belong to kern (kern 0001 takes them over with
their tables). This migration drops them from the ledger app's state and moves
their content types along, so permissions given on them stay given."""

from django.db import migrations

MOVED = {
    "auditentry": "auditentry",
    "auditchainhead": "auditchainhead",
    "auditchainverification": "auditchainverification",
    "journaalcheckpoint": "auditcheckpoint",
}


def move_content_types(apps, schema_editor, source="ledger", target="kern"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    names = MOVED if source == "ledger" else {v: k for k, v in MOVED.items()}
    for old, new in names.items():
        if not ContentType.objects.filter(app_label=target, model=new).exists():
            ContentType.objects.filter(app_label=source, model=old).update(
                app_label=target, model=new
            )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="kern", target="ledger")


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0004_tekst_zonder_stuurtekens_en_begrensd"),
        ("kern", "0001_initial"),
        # The last migrations that read the journal through the ledger app.
        ("afspraken", "0008_tekst_zonder_stuurtekens_en_begrensd"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(
                    name="AuditChainHead",
                ),
                migrations.DeleteModel(
                    name="AuditChainVerification",
                ),
                migrations.RemoveField(
                    model_name="auditentry",
                    name="actor",
                ),
                migrations.DeleteModel(
                    name="JournaalCheckpoint",
                ),
                migrations.DeleteModel(
                    name="AuditEntry",
                ),
            ],
        ),
    ]
