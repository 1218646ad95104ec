"""Learner connections, pushes, and the DCC wallet exchange (mounted at ``badges/backpacks/``)."""

from django.urls import path

from . import views

app_name = "backpacks"

urlpatterns = [
    path("", views.connections, name="connections"),
    path("callback/", views.callback, name="callback"),
    path("<int:provider_id>/connect/", views.connect, name="connect"),
    path("<int:provider_id>/disconnect/", views.disconnect, name="disconnect"),
    path("<int:provider_id>/auto-push/", views.auto_push, name="auto-push"),
    path("<int:provider_id>/push/<uuid:award_uuid>/", views.push, name="push"),
    path("attempts/<int:attempt_id>/retry/", views.retry, name="retry"),
    path("<int:provider_id>/wallet/<uuid:award_uuid>/", views.dcc_request, name="dcc-request"),
    path("dcc/exchange/<str:exchange_id>", views.dcc_exchange, name="dcc-exchange"),
]
