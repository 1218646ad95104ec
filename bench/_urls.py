"""The stand-in LMS's URLs plus a trivial view: the baseline of bench/public_load.py."""

from django.http import HttpResponse
from django.urls import path

from lms_standin.urls import urlpatterns as standin


def trivial(request):
    return HttpResponse('{"ok": true}', content_type="application/json")


urlpatterns = [path("bench/trivial", trivial), *standin]
