"""Form plumbing shared by every portal: the date widget and the form that leaves
writing to the services."""

from django import forms

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


def date_input() -> forms.DateInput:
    return forms.DateInput(**DATE_WIDGET)


class ServiceModelForm(forms.ModelForm):
    """A ModelForm that takes labels, choices and help texts from the model but
    leaves the instance alone: the service validates and writes, and it needs the
    stored values untouched to journal what changed."""

    def _post_clean(self):
        pass

    def changed_values(self) -> dict:
        """The cleaned values of the fields the user changed."""
        return {name: self.cleaned_data[name] for name in self.changed_data}
