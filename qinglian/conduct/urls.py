from django.urls import path

from qinglian.conduct import views

app_name = "conduct"

urlpatterns = [
    path("", views.home, name="home"),
    path("lists/", views.lists, name="lists"),
    path("lists/<str:kind>/edit/", views.list_edit, name="list_edit"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("observers/", views.observers, name="observers"),
    path("observers/new/", views.observer_new, name="observer_new"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/new/", views.registration_new, name="registration_new"),
    path("registrations/<int:registration_id>/", views.registration_detail, name="registration"),
    path("registrations/<int:registration_id>/activities/", views.activity_add, name="activity_add"),
    path("briefings/", views.briefings, name="briefings"),
    path("briefings/new/", views.briefing_new, name="briefing_new"),
    path("briefings/<int:briefing_id>/print/", views.briefing_print, name="briefing_print"),
    path("findings/", views.findings, name="findings"),
    path("findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/hear/", views.finding_hear, name="finding_hear"),
    path("findings/<int:finding_id>/decide/", views.finding_decide, name="finding_decide"),
    path("family-events/", views.events, name="events"),
    path("family-events/<int:event_id>/", views.event_detail, name="event"),
    path("mine/", views.my_events, name="my_events"),
    path("mine/new/", views.my_event_new, name="my_event_new"),
    path("mine/<int:event_id>/", views.my_event, name="my_event"),
]
