"""Routes of the referral pages (filled in by that area)."""

urlpatterns = []
