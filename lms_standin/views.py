"""The stand-in LMS's home page: what the demo has, with links to try each part."""

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from openedx_plugin.credentials import public_urls
from openedx_plugin.models import Award, BadgeClass, Issuer

from .models import Course


def home(request):
    awards = Award.objects.select_related("badge_class__issuer", "user").order_by("-issued_on")[:50]
    return render(request, "lms_standin/home.html", {
        "courses": Course.objects.order_by("display_name"),
        "issuers": [(issuer, public_urls.issuer_did(issuer), public_urls.did_json_url(issuer))
                    for issuer in Issuer.objects.all()],
        "badge_classes": BadgeClass.objects.select_related("issuer").all(),
        "awards": [(award, public_urls.verify_page_url(award), public_urls.credential_url(award))
                   for award in awards],
    })


def dashboard(request):
    """The stand-in's learner dashboard: its home page, which lists the courses."""
    return home(request)


@require_http_methods(["GET", "POST"])
def logout_view(request):
    """Sign out on GET as the LMS's ``LogoutView`` does (POST is the same), then go home."""
    logout(request)
    return redirect("/")
