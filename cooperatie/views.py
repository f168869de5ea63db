"""Pages of the cooperatie app."""

from django.shortcuts import render

from afspraken.models import Afspraak
from ledger.models import Activiteit

from .models import Cooperatie, Gebouw


def home(request):
    """The start page: what the product is, and what the signed-in user reaches."""
    user = request.user
    context = {}
    if user.is_authenticated:
        context["tellingen"] = {
            "gebouwen": Gebouw.objects.visible_to(user).count(),
            "cooperaties": Cooperatie.objects.visible_to(user).count(),
            "afspraken": Afspraak.objects.visible_to(user).count(),
            "activiteiten": Activiteit.objects.visible_to(user).count(),
        }
    return render(request, "home.html", context)
