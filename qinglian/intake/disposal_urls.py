"""Routes of the disposal pages (filled in by that area)."""

urlpatterns = []
