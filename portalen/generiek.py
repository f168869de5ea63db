"""The write pages of the portals, declared instead of written out.

Every write page has the same shape: look the object up within the portal, show a
form (or a confirmation), call one service with the user as ``actor``, and then
either say what happened and redirect, or show why the service refused. These
classes hold that shape once; a page declares what differs: the portal, the
object's lookup (`queryset`, `url_kwarg`), the `service`, the `form_class`, the
template, where success leads (`success_url`) and what it says
(`success_message`). ``as_view()`` gives the function for the URL pattern.

What every page gets:

- the portal decorator: login, the organisation in scope, the portal's role, and a
  service's ``PermissionDenied`` answered with 403 and logged (`portalen.ui`);
- the object looked up with `get_in_portal` *before* the method is checked, so
  another tenant's id answers 404 whatever the method;
- a service's ``ValidationError`` on the form (`apply_errors`), or, for an action
  without a form, as error messages;
- POST only for actions (405 otherwise), unless the page has a confirmation step;
- ``terug_url`` in the context: where the page's back link and cancel button
  lead (``templates/form_page.html``).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from portalen.ui import apply_errors, get_in_portal


def fresh(obj):
    """The object read anew, to hand to a service: a service sets the new values
    on what it gets, and a refused write must not show up on the page."""
    return type(obj).objects.get(pk=obj.pk)


class ServiceView:
    """One write page of a portal. Subclasses declare the class attributes below
    and the messages; `as_view()` gives the view function for the URL pattern.

    `portal` and `service` are plain functions kept on the class; they are read
    from the class (``type(self)``), so they are never bound as methods.
    """

    portal = None
    """The portal decorator: `beheer_view`, `bestuur_view` or `audit_view`."""
    queryset = None
    """The object's model manager or queryset (None: the page has no object)."""
    url_kwarg = None
    """The URL kwarg that holds the object's primary key."""
    object_name = None
    """The object's name in the template context and as the service's kwarg."""
    service = None
    """The service function; it is called with keyword arguments and ``actor``."""
    template_name = None
    success_url = None
    """The portal URL name to go to after success (`get_success_url` for more)."""
    post_only = False
    """Whether GET answers 405 (an action whose button sits on another page)."""

    def __init__(self, request, kwargs):
        self.request = request
        self.kwargs = kwargs
        self.object = self.get_object()

    @classmethod
    def as_view(cls):
        def view(request, **kwargs):
            return cls(request, kwargs).dispatch()

        view.__name__ = cls.__name__
        view.__qualname__ = cls.__qualname__
        view.__module__ = cls.__module__
        view.__doc__ = cls.__doc__
        return cls.portal(view)

    # The object ------------------------------------------------------------------

    def get_queryset(self):
        # A copy: a queryset kept on the class must never cache rows.
        return None if self.queryset is None else self.queryset.all()

    def get_object(self):
        queryset = self.get_queryset()
        if queryset is None:
            return None
        return get_in_portal(self.request, queryset, pk=self.kwargs[self.url_kwarg])

    # The service -----------------------------------------------------------------

    def call_service(self, **kwargs):
        return type(self).service(actor=self.request.user, **kwargs)

    def success_message(self, result) -> str:
        """What happened, shown after the redirect; `result` is what the service
        returned (for an action: the object as it was before)."""
        raise NotImplementedError

    def get_success_url(self, result) -> str:
        return self.request.portal.url(self.success_url)

    def get_cancel_url(self) -> str:
        """Where the back link and the cancel button lead."""
        return self.request.portal.url(self.success_url)

    def succeed(self, result):
        messages.success(self.request, self.success_message(result))
        return redirect(self.get_success_url(result))

    # The page --------------------------------------------------------------------

    def dispatch(self):
        if self.post_only and self.request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return self.handle()

    def handle(self):
        raise NotImplementedError

    def get_context_data(self, **context) -> dict:
        if self.object_name:
            context.setdefault(self.object_name, self.object)
        context.setdefault("terug_url", self.get_cancel_url())
        return context

    def render(self, **context):
        return render(
            self.request, self.template_name, self.get_context_data(**context)
        )


class ServiceFormView(ServiceView):
    """A form whose cleaned data go to the service: by default with the object
    (a fresh copy) under `object_name`, e.g. ``lid_end(lid=…, lid_tot=…)``."""

    form_class = None

    def get_form_kwargs(self) -> dict:
        """Extra arguments of the form: choices, prefix, initial values."""
        return {}

    def get_form(self):
        if self.request.method == "POST":
            return self.form_class(
                self.request.POST, self.request.FILES, **self.get_form_kwargs()
            )
        return self.form_class(**self.get_form_kwargs())

    def handle(self):
        form = self.get_form()
        if self.request.method == "POST" and form.is_valid():
            response = self.form_valid(form)
            if response is not None:
                return response
        return self.render(form=form)

    def form_valid(self, form):
        """Call the service; a refusal goes onto the form (and None is returned,
        so the page shows the form again)."""
        try:
            result = self.call_service(**self.service_kwargs(form))
        except ValidationError as exc:
            apply_errors(form, self.form_errors(exc))
            return None
        return self.succeed(result)

    def service_kwargs(self, form) -> dict:
        return {self.object_name: fresh(self.object), **form.cleaned_data}

    def form_errors(self, exc: ValidationError) -> ValidationError:
        """The service's refusal as it should land on this form."""
        return exc


class ServiceCreateView(ServiceFormView):
    """A new object from the form's data. `organisatie_kwarg` names the service's
    argument that takes the portal's organisation (``cooperatie=…``), if any."""

    organisatie_kwarg = None

    def service_kwargs(self, form) -> dict:
        kwargs = dict(form.cleaned_data)
        if self.organisatie_kwarg:
            kwargs[self.organisatie_kwarg] = self.request.portal.organisatie
        return kwargs


class ServiceUpdateView(ServiceFormView):
    """An object's form: only the changed fields go to the service (and so to the
    journal); when nothing changed, that is said and nothing is written."""

    unchanged_message = gettext_lazy("Er was niets gewijzigd.")

    def get_form_kwargs(self) -> dict:
        return {"instance": self.object}

    def changed_values(self, form) -> dict:
        return form.changed_values()

    def form_valid(self, form):
        self.changed = self.changed_values(form)
        if not self.changed:
            messages.info(self.request, str(self.unchanged_message))
            return redirect(self.get_success_url(self.object))
        return super().form_valid(form)

    def service_kwargs(self, form) -> dict:
        return {self.object_name: fresh(self.object), **self.changed}


class ServiceActionView(ServiceView):
    """A button that calls the service with the object: delete, end, approve.
    POST only, unless a `template_name` is declared: then GET shows that page to
    confirm (and `post_only` is set to False).

    The success message and URL are made before the service runs, from the
    object as it was: a deleted object has lost its primary key afterwards. A
    refusal is shown as error messages on the page `get_refused_url` names."""

    post_only = True

    def handle(self):
        if self.request.method != "POST":
            return self.render()
        message = self.success_message(self.object)
        url = self.get_success_url(self.object)
        try:
            self.call_service(**self.service_kwargs())
        except ValidationError as exc:
            return self.refused(exc)
        messages.success(self.request, message)
        return redirect(url)

    def service_kwargs(self) -> dict:
        return {self.object_name: self.object}

    def refusal_messages(self, exc: ValidationError) -> list[str]:
        return exc.messages

    def get_refused_url(self) -> str:
        return self.get_success_url(self.object)

    def refused(self, exc: ValidationError):
        for message in self.refusal_messages(exc):
            messages.error(self.request, message)
        return redirect(self.get_refused_url())
