from django.urls import path

from qinglian.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.home, name="home"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan"),
    path("plans/<int:plan_id>/import/", views.plan_import, name="plan_import"),
    path("indicators/", views.indicators, name="indicators"),
    path("rounds/new/", views.round_new, name="round_new"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/teams/new/", views.team_new, name="team_new"),
    path("rounds/<int:round_id>/assign/", views.round_assign, name="round_assign"),
    path("rounds/<int:round_id>/move/", views.round_move, name="round_move"),
    path("rounds/<int:round_id>/unifications/", views.unification_record, name="unification"),
    path("rounds/<int:round_id>/disclosure/", views.disclosure, name="disclosure"),
    path("rounds/<int:round_id>/findings/new/", views.finding_new, name="finding_new"),
    path("targets/<int:target_id>/override/", views.target_override, name="target_override"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("findings/<int:finding_id>/confirm/", views.finding_confirm, name="finding_confirm"),
    path("findings/<int:finding_id>/handover/", views.finding_handover, name="finding_handover"),
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/<int:rect_id>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:rect_id>/plan/", views.rectification_plan, name="rectification_plan"),
    path("rectifications/<int:rect_id>/gates/<str:gate>/", views.gate_pass, name="gate_pass"),
    path("monthly/", views.monthly, name="monthly"),
    path("pools/", views.pool_list, name="pools"),
    path("pools/new/", views.inspector_new, name="inspector_new"),
    path("inspectors/<int:inspector_id>/", views.inspector_detail, name="inspector"),
    path("inspectors/<int:inspector_id>/<str:action>/", views.inspector_action, name="inspector_action"),
]
