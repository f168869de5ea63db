"""Django admin that writes through the services, so admin changes are journaled.

An admin class names its services and stays declarative:

    @admin.register(Gebouw)
    class GebouwAdmin(ServiceModelAdmin):
        create_service = services.gebouw_create
        update_service = services.gebouw_update
        delete_service = services.gebouw_delete
        readonly_on_change = ("corporatie",)

- add: `create_service(actor=..., **form fields)`;
- change: `update_service(<instance_kwarg>=row fresh from the database,
  actor=..., **only the changed fields)`;
- delete (page, bulk action, inline row): `delete_service(<instance_kwarg>=row,
  actor=...)`;
- inline rows (`ServiceTabularInline`): the same, with the parent passed under the
  name of the foreign key (`toezegging_create(afspraak=..., ...)`).

A missing service switches the matching admin permission off: a model without
`update_service` has a read-only change page, one without any service (the
append-only journal and reports) can only be viewed. The admin is the platform
operator's tool (domain §1), so every permission also requires a superuser.

When a service refuses a write (ValidationError or PermissionDenied), the refusal
is raised out of the admin's transaction, so nothing of the request is kept; the
view then runs once more on the same POST with the refusal attached to the form
(or to the inline row), which shows it like any other form error. Service rules
that the model form cannot know (overlapping overeenkomsten, locked years,
gebouwen of another corporatie) thus appear on the form without being repeated
here, and no refusal becomes a 500.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    ValidationError,
)
from django.db import models, router, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

REFUSAL_ATTR = "_service_refusal"


class ServiceRefusedError(Exception):
    """A service refused an admin write.

    `prefix` and `index` name the inline formset and row the error belongs to
    (None: the main form); `obj` names the row of a bulk action.
    """

    def __init__(self, error: ValidationError) -> None:
        super().__init__(error)
        self.error = error
        self.prefix: str | None = None
        self.index: int | None = None
        self.obj: models.Model | None = None

    def __str__(self) -> str:
        text = " ".join(self.error.messages)
        return f"{self.obj}: {text}" if self.obj is not None else text


def call_service(service: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service; turn its refusal into `ServiceRefusedError`."""
    try:
        return service(**kwargs)
    except ValidationError as exc:
        raise ServiceRefusedError(exc) from exc
    except PermissionDenied as exc:
        message = str(exc) or _("U hebt geen toestemming voor deze wijziging.")
        raise ServiceRefusedError(ValidationError(message)) from exc


def add_errors(form, error: ValidationError) -> None:
    """Show a service's errors on the field they name, or above the form when the
    form has no such field."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.error_list)


def service_data(
    form, names: Iterable[str], exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """The cleaned values of the named form fields that are model fields."""
    opts = form._meta.model._meta
    fields = {
        f.name: f
        for f in opts.get_fields()
        if (f.concrete or f.many_to_many) and not f.auto_created
    }
    skipped = set(exclude)
    data = {}
    for name in names:
        field = fields.get(name)
        if field is None or field.primary_key or name in skipped:
            continue
        value = form.cleaned_data[name]
        if value is False and isinstance(field, models.FileField):
            value = ""  # the "clear" checkbox of a file input
        data[name] = value
    return data


def _is_operator(request) -> bool:
    user = request.user
    return user.is_active and user.is_superuser


class _ServiceWrites:
    """Services and the permissions they imply, shared by model and inline admins.

    Services are looked up on the class, so they can be assigned as plain
    functions (no `staticmethod` needed).
    """

    create_service: Callable[..., Any] | None = None
    update_service: Callable[..., Any] | None = None
    delete_service: Callable[..., Any] | None = None
    # Keyword under which update and delete services take the row (default: the
    # model name, e.g. `gebouw`).
    instance_kwarg: str | None = None

    def _service(self, kind: str) -> Callable[..., Any] | None:
        return getattr(type(self), f"{kind}_service")

    def _row_kwargs(self, obj: models.Model) -> dict[str, models.Model]:
        return {self.instance_kwarg or self.model._meta.model_name: obj}

    def _fresh(self, obj: models.Model) -> models.Model:
        """The row as the database holds it, not as the form already changed it."""
        return self.model._default_manager.get(pk=obj.pk)

    def has_view_permission(self, request, obj=None):
        return _is_operator(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return (
            self._service("create") is not None
            and _is_operator(request)
            and super().has_add_permission(request, *args)
        )

    def has_change_permission(self, request, obj=None):
        return (
            self._service("update") is not None
            and _is_operator(request)
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            self._service("delete") is not None
            and _is_operator(request)
            and super().has_delete_permission(request, obj)
        )


class ServiceAdminMixin(_ServiceWrites):
    """ModelAdmin whose writes go through the services (see the module docstring)."""

    # Form fields of the add page, when they differ from the change page.
    add_fields: tuple[str, ...] | None = None
    # Fields fixed once the row exists (the update service does not take them).
    readonly_on_change: tuple[str, ...] = ()

    def has_module_permission(self, request):
        return _is_operator(request) and super().has_module_permission(request)

    def get_fields(self, request, obj=None):
        if obj is None and self.add_fields is not None:
            return list(self.add_fields)
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += [f for f in self.readonly_on_change if f not in readonly]
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is None or refusal.prefix is not None:
            return form

        def clean(self):
            cleaned_data = form.clean(self)
            add_errors(self, refusal.error)
            return cleaned_data

        return type(form.__name__, (form,), {"clean": clean})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefusedError as refusal:
            if getattr(request, REFUSAL_ATTR, None) is not None:
                raise
            # The transaction is rolled back; show the same POST with the error.
            setattr(request, REFUSAL_ATTR, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            data = service_data(form, form.changed_data)
            if not data:
                return
            saved = call_service(
                self._service("update"),
                **self._row_kwargs(self._fresh(obj)),
                actor=request.user,
                **data,
            )
        else:
            saved = call_service(
                self._service("create"),
                actor=request.user,
                **service_data(form, form.fields),
            )
        # The admin logs and redirects with `obj`: make it the row just written.
        obj.pk = saved.pk
        obj._state.adding = False
        obj._state.db = saved._state.db
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # No form.save_m2m(): the services set the object's many-to-many
        # themselves, inside their journaled write.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inline = getattr(formset, "service_inline", None)
        if inline is None:
            raise ImproperlyConfigured(
                f"{type(formset).__name__} has no services; use ServiceInlineMixin."
            )
        inline.save_rows(request, formset)

    def delete_model(self, request, obj):
        call_service(
            self._service("delete"), **self._row_kwargs(obj), actor=request.user
        )

    def delete_queryset(self, request, queryset):
        # Runs inside response_action's transaction: one refusal keeps them all.
        for obj in queryset:
            try:
                self.delete_model(request, obj)
            except ServiceRefusedError as refusal:
                refusal.obj = obj
                raise

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefusedError as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_change",
                    args=(object_id,),
                    current_app=self.admin_site.name,
                )
            )

    def response_action(self, request, queryset):
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().response_action(request, queryset)
        except ServiceRefusedError as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def apply_service(
        self,
        request,
        queryset,
        service: Callable[..., Any],
        success_message: str,
        **kwargs: Any,
    ) -> int:
        """For admin actions: run `service` on each selected row. A refused row is
        reported and skipped; the others are written. Returns how many succeeded."""
        done = 0
        for obj in queryset:
            try:
                call_service(
                    service, **self._row_kwargs(obj), actor=request.user, **kwargs
                )
            except ServiceRefusedError as refusal:
                refusal.obj = obj
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request, success_message % {"count": done}, messages.SUCCESS
            )
        return done


class ServiceInlineMixin(_ServiceWrites):
    """Inline whose rows go through the services of its model."""

    # Keyword under which the create service takes the parent (default: the
    # foreign key's name, e.g. `afspraak` for a toezegging).
    parent_kwarg: str | None = None

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        attrs: dict[str, Any] = {"service_inline": self}
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is not None and refusal.prefix is not None:

            def clean(self):
                formset.clean(self)
                if self.prefix != refusal.prefix:
                    return
                forms = self.forms
                row = forms[refusal.index] if refusal.index < len(forms) else None
                if row is None or (self.can_delete and self._should_delete_form(row)):
                    raise refusal.error
                add_errors(row, refusal.error)

            attrs["clean"] = clean
        return type(formset.__name__, (formset,), attrs)

    def save_rows(self, request, formset) -> None:
        """Write the formset's rows through the services and record, like
        `BaseModelFormSet.save()`, what changed for the admin's change message."""
        formset.new_objects, formset.changed_objects = [], []
        formset.deleted_objects = []
        for index, form in enumerate(formset.forms):
            try:
                self._save_row(request, formset, form, index)
            except ServiceRefusedError as refusal:
                refusal.prefix, refusal.index = formset.prefix, index
                raise

    def _save_row(self, request, formset, form, index: int) -> None:
        actor = request.user
        fk = formset.fk.name
        deleting = form in formset.deleted_forms
        if index < formset.initial_form_count():
            if form.instance.pk is None:
                return
            if deleting:
                original = self._fresh(form.instance)
                call_service(
                    self._service("delete"), **self._row_kwargs(original), actor=actor
                )
                formset.deleted_objects.append(original)
                return
            data = service_data(form, form.changed_data, exclude=(fk,))
            if form.has_changed() and data:
                saved = call_service(
                    self._service("update"),
                    **self._row_kwargs(self._fresh(form.instance)),
                    actor=actor,
                    **data,
                )
                formset.changed_objects.append((saved, form.changed_data))
            return
        if deleting or not form.has_changed():
            return
        saved = call_service(
            self._service("create"),
            **{self.parent_kwarg or fk: formset.instance},
            actor=actor,
            **service_data(form, form.fields, exclude=(fk,)),
        )
        form.instance = saved
        formset.new_objects.append(saved)


class ServiceModelAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """A ModelAdmin writing through services; without services it is read-only."""


class ServiceTabularInline(ServiceInlineMixin, admin.TabularInline):
    """A tabular inline writing through services."""

    extra = 0
