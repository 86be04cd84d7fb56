"""Routes of the referral area: 三办 (panel, actions), petition extension, recommendation letters,
statistics."""

from django.urls import path

from qinglian.intake import referral_views as v

urlpatterns = [
    path("reports/<int:report_id>/referrals/panel/", v.report_referral_panel, name="report_referral_panel"),
    path("reports/<int:report_id>/referrals/", v.report_referrals, name="report_referrals"),
    path("reports/<int:report_id>/referrals/new/", v.referral_create, name="referral_create"),
    path("reports/<int:report_id>/petition/extend/", v.petition_extend, name="petition_extend"),
    path("referrals/<int:referral_id>/reply/", v.referral_reply, name="referral_reply"),
    path("referrals/<int:referral_id>/inform/", v.referral_inform, name="referral_inform"),
    path("letters/", v.letter_list, name="letters"),
    path("letters/new/", v.letter_create, name="letter_create"),
    path("letters/<int:letter_id>/", v.letter_detail, name="letter_detail"),
    path("letters/<int:letter_id>/report/", v.letter_report, name="letter_report"),
    path("letters/<int:letter_id>/review/", v.letter_review, name="letter_review"),
    path("letters/<int:letter_id>/document.<str:fmt>", v.letter_document, name="letter_document"),
    path("stats/", v.stats_page, name="stats"),
]

# The intake app's ready() belongs to the desk area; the referral area's menu entries are added
# when its routes load (before any page renders the menu).
v.register_navigation()
