from django.urls import path

from qinglian.archive import opinion_views, views

app_name = "archive"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("warnings/<int:warning_id>/act/", views.warning_act, name="warning_act"),
    path("people/<int:cadre_id>/", views.person_file, name="person"),
    path("people/<int:cadre_id>/entries/new/", views.person_entry_new, name="person_entry_new"),
    path("units/<int:unit_id>/", views.unit_file, name="unit"),
    path("units/<int:unit_id>/entries/new/", views.unit_entry_new, name="unit_entry_new"),
    path("entries/<int:entry_id>/attachment/", views.entry_attachment, name="entry_attachment"),
    path("entries/<int:entry_id>/void/", views.entry_void, name="entry_void"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<int:entry_id>/", views.review_decide, name="review_decide"),
    path("voids/", views.void_queue, name="void_queue"),
    path("voids/<int:void_id>/", views.void_decide, name="void_decide"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
    path("import/<int:job_id>/errors/", views.import_errors, name="import_errors"),
    path("opinions/", opinion_views.opinion_list, name="opinions"),
    path("opinions/new/", opinion_views.opinion_create, name="opinion_create"),
    path("opinions/template/", opinion_views.opinion_template, name="opinion_template"),
    path("opinions/<int:request_id>/", opinion_views.opinion_detail, name="opinion_detail"),
    path("opinions/<int:request_id>/review/", opinion_views.opinion_review_view, name="opinion_review"),
    path("opinions/<int:request_id>/approve/", opinion_views.opinion_approve_view, name="opinion_approve"),
]
