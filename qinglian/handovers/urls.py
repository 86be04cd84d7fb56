from django.urls import path

from qinglian.handovers import views

app_name = "handovers"

urlpatterns = [
    path("", views.case_list, name="cases"),
    path("new/", views.case_new, name="case_new"),
    path("checklist/", views.checklist, name="checklist"),
    path("checklist/edit/", views.checklist_edit, name="checklist_edit"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/sign/", views.case_sign, name="case_sign"),
    path("cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path("cases/<int:case_id>/document/", views.case_document, name="case_document"),
    path("items/<int:item_id>/", views.item_update, name="item_update"),
    path("parts/<int:part_id>/", views.part_update, name="part_update"),
    path("audits/", views.audit_list, name="audits"),
    path("audits/<int:case_id>/", views.audit_detail, name="audit"),
    path("audits/<int:case_id>/save/", views.audit_save, name="audit_save"),
    path("audits/<int:case_id>/findings/", views.finding_new, name="finding_new"),
    path("findings/<int:finding_id>/hear/", views.finding_hear, name="finding_hear"),
    path("findings/<int:finding_id>/decide/", views.finding_decide, name="finding_decide"),
    path("mine/", views.my_cases, name="mine"),
    path("mine/<int:case_id>/", views.my_case, name="my_case"),
]
