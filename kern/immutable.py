"""Append-only rows: refused by `save()` on an existing row, by the queryset's
`update()`/`delete()`, and on PostgreSQL by a trigger that blocks UPDATE and DELETE
even for raw SQL."""

from __future__ import annotations

from django.db import migrations, models
from django.utils.translation import gettext as _


class ImmutableRowError(Exception):
    """Raised on an attempt to change or delete an append-only row."""


def _refuse(model) -> ImmutableRowError:
    return ImmutableRowError(
        _("%(model)s is onveranderlijk: rijen worden alleen toegevoegd.")
        % {"model": model._meta.verbose_name}
    )


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        raise _refuse(self.model)

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        raise _refuse(self.model)

    def _raw_delete(self, using):
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    """Abstract base: rows are inserted once and never changed or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refuse(type(self))
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))


def _trigger_sql(table: str) -> tuple[str, str]:
    function = f"{table}_append_only"
    create = f"""
        CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
        BEGIN
            RAISE EXCEPTION USING
                MESSAGE = TG_OP || ' on ' || TG_TABLE_NAME
                    || ' is refused: rows are append-only',
                ERRCODE = 'restrict_violation';
        END;
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER {function}
            BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {function}();
    """
    drop = f"""
        DROP TRIGGER IF EXISTS {function} ON {table};
        DROP FUNCTION IF EXISTS {function}();
    """
    return create, drop


def append_only_trigger(table: str) -> migrations.RunPython:
    """A migration operation that installs the PostgreSQL append-only trigger.

    Row-level triggers do not fire on TRUNCATE, so test-database flushes still work.
    On other databases the operation does nothing (the ORM guards remain).
    """
    create, drop = _trigger_sql(table)

    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(create)

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(drop)

    return migrations.RunPython(forwards, backwards, elidable=False)
