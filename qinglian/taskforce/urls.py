from django.urls import path

from qinglian.taskforce import views

app_name = "taskforce"

urlpatterns = [
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<int:agency_id>/", views.agency_detail, name="agency"),
    path("agencies/<int:agency_id>/sharing/", views.agency_sharing, name="agency_sharing"),
    path("agencies/<int:agency_id>/members/", views.agency_member_link, name="agency_member_link"),
    path(
        "agencies/<int:agency_id>/members/<int:member_id>/unlink/",
        views.agency_member_unlink,
        name="agency_member_unlink",
    ),  # fmt: skip
    path("agencies/<int:agency_id>/tokens/", views.agency_token_new, name="agency_token_new"),
    path(
        "agencies/<int:agency_id>/tokens/<int:token_id>/revoke/",
        views.agency_token_revoke,
        name="agency_token_revoke",
    ),  # fmt: skip
    path("row-types/", views.row_types, name="row_types"),
    path("row-types/new/", views.row_type_new, name="row_type_new"),
    path("row-types/<int:row_type_id>/save/", views.row_type_edit, name="row_type"),
    path("reports/", views.reports, name="reports"),
    path("reports/template.xlsx", views.report_template, name="template"),
    path("reports/upload/", views.upload, name="upload"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("shared/", views.shared, name="shared"),
    path("aggregates/", views.aggregates, name="aggregates"),
]
