"""Pages (under construction)."""

urlpatterns: list = []
