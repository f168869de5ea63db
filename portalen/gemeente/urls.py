"""The gemeente's portal: /gemeente/<gemeentecode>/…"""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.overzicht, name="gemeente-start"),
    path("rapport/<int:jaar>/", views.rapport, name="gemeente-rapport"),
]
