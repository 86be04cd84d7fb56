"""Routes of the intake desk: reports, registration of every channel, routing, repeats, clues."""

from django.urls import path

from qinglian.intake import views as v

urlpatterns = [
    path("reports/", v.report_list, name="reports"),
    path("reports/new/", v.report_new, name="report_new"),
    path("reports/new/sms/", v.report_sms_import, name="report_sms_import"),
    path("reports/new/sms/template/", v.report_sms_template, name="report_sms_template"),
    path("reports/new/<str:channel>/", v.report_new_channel, name="report_new_channel"),
    path("reports/<int:report_id>/", v.report_detail, name="report_detail"),
    path("reports/<int:report_id>/reveal/", v.report_reveal, name="report_reveal"),
    path(
        "reports/<int:report_id>/attachments/<int:attachment_id>/",
        v.report_attachment,
        name="report_attachment",
    ),
    path("reports/<int:report_id>/accept/", v.report_accept, name="report_accept"),
    path("reports/<int:report_id>/classify/", v.report_classify, name="report_classify"),
    path("reports/<int:report_id>/forward/", v.report_forward, name="report_forward"),
    path("reports/<int:report_id>/acknowledge/", v.report_acknowledge, name="report_acknowledge"),
    path("reports/<int:report_id>/message/", v.report_message, name="report_message"),
    path("reports/<int:report_id>/repeat/", v.report_repeat, name="report_repeat"),
    path("reports/<int:report_id>/subjects/", v.report_subjects, name="report_subjects"),
    path("reports/<int:report_id>/clue/", v.report_clue, name="report_clue"),
    path("clues/", v.clue_list, name="clues"),
    path("clues/new/", v.clue_new, name="clue_new"),
    path("clues/<int:clue_id>/", v.clue_detail, name="clue_detail"),
    path("clues/<int:clue_id>/assign/", v.clue_assign, name="clue_assign"),
    path("clues/<int:clue_id>/recuse/", v.clue_recuse, name="clue_recuse"),
]
