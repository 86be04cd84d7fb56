"""Routes of the desk pages (filled in by that area)."""

urlpatterns = []
