"""
Fixtures of the security tests: one world with every kind of object a URL can name,
and a user for each role of the access matrix.

Roles: anonymous; the learner who owns the award ("owner"); another learner;
course staff and global staff (the stand-in models the course team with Django's
``is_staff``, as its XBlock user service says, so both are ``is_staff`` users
without model permissions; global staff is not enrolled); the superuser.
"""

import io

import pytest

from lms_standin.demo_course import COURSE_KEY, usage_key

BLOCK_KEY = usage_key("badge_xblock", "badge")
ROLES = ("anonymous", "owner", "other", "course_staff", "global_staff", "superuser")


def png_bytes(size=64):
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGBA", (size, size), (5, 80, 174, 255)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def world(db, django_user_model, settings):
    """Issuer (default, did:web, with image), badge, award, providers, connection, push attempt, demo course."""
    from lms_standin.courseware import enroll
    from lms_standin.demo_course import create_demo_course
    from lms_standin.xblock_runtime import save_settings
    from openedx_plugin import api
    from openedx_plugin.credentials import issuing
    from openedx_plugin.models import BackpackConnection, BackpackProvider, PushAttempt, SigningKey

    settings.CELERY_TASK_ALWAYS_EAGER = True
    course = create_demo_course()
    issuer = issuing.create_issuer("Test Academy", "https://academy.example/", "badges@academy.example",
                                   public_base_url="https://lms.example.com", is_default=True)
    issuing.set_image(issuer, png_bytes(), ".png")
    badge = issuing.create_badge_class(issuer, "Data Wrangler", "Cleans messy data.", course_key=COURSE_KEY,
                                       criteria_narrative="Score 80%.")
    users = {
        "owner": django_user_model.objects.create_user("owner", "owner@example.com", "pw"),
        "other": django_user_model.objects.create_user("other", "other@example.com", "pw"),
        "course_staff": django_user_model.objects.create_user("cstaff", "cstaff@example.com", "pw", is_staff=True),
        "global_staff": django_user_model.objects.create_user("gstaff", "gstaff@example.com", "pw", is_staff=True),
        "superuser": django_user_model.objects.create_superuser("root", "root@example.com", "pw"),
    }
    for role in ("owner", "other", "course_staff"):
        enroll(users[role], course, mode="verified")
    award = issuing.award_badge(badge, users["owner"])[0]
    summary = api.save_badge(COURSE_KEY, {"name": "Block badge", "description": "In the block.",
                                          "criteria_narrative": "Do it."})
    save_settings(BLOCK_KEY, badge_uuid=summary["uuid"], display_name="Your badge")
    ob3 = BackpackProvider.objects.create(kind="ob3_api", name="OB3 host", base_url="http://127.0.0.1:9/")
    dcc = BackpackProvider.objects.create(kind="dcc", name="Wallet")
    connection = BackpackConnection.objects.create(user=users["owner"], provider=ob3, state="connected")
    attempt = PushAttempt.objects.create(award=award, provider=ob3, connection=connection, operation="push",
                                         status="failed")
    rsa = SigningKey.objects.filter(issuer=issuer, kind=SigningKey.RSA).first()
    status_list = award.status_list
    return {"course": course, "issuer": issuer, "badge": badge, "award": award, "users": users,
            "ob3": ob3, "dcc": dcc, "connection": connection, "attempt": attempt, "rsa": rsa,
            "status_list": status_list, "block_badge": summary}


def client_for(role, users, **kwargs):
    from django.test import Client

    client = Client(**kwargs)
    if role != "anonymous":
        client.force_login(users[role])
    return client
