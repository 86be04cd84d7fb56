"""Intake URLs: each area keeps its own module of routes (desk, disposal, referrals, public)."""

from qinglian.intake import desk_urls, disposal_urls, referral_urls

app_name = "intake"

urlpatterns = [*desk_urls.urlpatterns, *disposal_urls.urlpatterns, *referral_urls.urlpatterns]
