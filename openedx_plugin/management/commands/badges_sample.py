"""
Write a sample of everything the plugin issues, made through the real award path.

    python manage.py badges_sample --out DIR --base-url http://127.0.0.1:8000

Every URL in the files starts with the base URL, and the host serving the
plugin at that address (``manage.py runserver``) serves each of them, so anyone
can point a verifier at the output.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.db import transaction

from ...credentials import baked, issuing, public_urls
from ...models import Award, BadgeClass, Issuer, SigningKey

SAMPLE_ISSUER = "Sample Academy"
SAMPLE_BADGES = [
    {
        "name": "Python Data Analysis",
        "description": "Cleans, explores and summarises a real data set with pandas.",
        "criteria_narrative": "Pass the graded data-analysis project with at least 80%.",
        "achievement_type": "Competency",
        "level": "Intermediate",
        "tags": ["python", "data"],
        "alignments": [{
            "type": ["Alignment"], "targetName": "Data analysis",
            "targetUrl": "https://example.org/skills/data-analysis",
            "targetFramework": "Sample Skills Framework", "targetCode": "DA-2", "targetType": "ext:Skill",
        }],
        "validity_days": 730,
    },
]


class Command(BaseCommand):
    help = "Issue sample Open Badges 3.0 and 2.0 documents and write them to a folder."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="Folder to write the documents to.")
        parser.add_argument("--base-url", required=True,
                            help="Origin the documents are published under, e.g. http://127.0.0.1:8000.")

    def handle(self, *args, **options):
        base_url = options["base_url"].rstrip("/")
        try:
            URLValidator(schemes=["http", "https"])(base_url)
        except Exception as exc:  # pylint: disable=broad-except
            raise CommandError(f"--base-url must be an http(s) URL: {base_url!r}") from exc
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        with transaction.atomic():
            issuer, badge_class = self._sample_setup(base_url)
            earned = self._award(badge_class, "sample-learner", "Sample.Learner@example.com")
            revoked = self._award(badge_class, "sample-revoked", "revoked.learner@example.com")
            issuing.revoke_award(revoked, "Awarded in error (sample revocation).")
        revoked.refresh_from_db()
        self._write(out, issuer, badge_class, earned, revoked)
        self.stdout.write(self.style.SUCCESS(f"Wrote sample badges to {out} (base URL {base_url})."))

    def _sample_setup(self, base_url):
        issuer = Issuer.objects.filter(name=SAMPLE_ISSUER, public_base_url=base_url).first()
        if issuer is None:
            default = Issuer.objects.filter(is_default=True).first()
            issuer = issuing.create_issuer(
                SAMPLE_ISSUER, f"{base_url}/", "badges@example.com",
                description="An example issuer made by badges_sample.",
                public_base_url=base_url, is_default=default is None,
            )
        spec = dict(SAMPLE_BADGES[0])
        badge_class = BadgeClass.objects.filter(issuer=issuer, name=spec["name"]).first()
        if badge_class is None:
            badge_class = issuing.create_badge_class(issuer, spec.pop("name"), spec.pop("description"), **spec)
        return issuer, badge_class

    def _award(self, badge_class, username, email):
        user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": email})
        # Each run shows a fresh award: earlier sample awards of this learner are set aside.
        Award.objects.filter(badge_class=badge_class, user=user).update(user=None)
        award, _ = issuing.award_badge(
            badge_class, user, email=email,
            evidence=[{"name": "Data-analysis project", "narrative": "Scored 92% on the graded project."}],
            result=[{"type": ["Result"], "value": "92"}],
            provenance={"source": "badges_sample"},
        )
        return award

    def _write(self, out, issuer, badge_class, earned, revoked):
        rsa_key = issuer.keys.filter(kind=SigningKey.RSA, active=True).first()
        documents = {
            "ob3.json": earned.ob3_credential,
            "ob3-revoked.json": revoked.ob3_credential,
            "status-list.json": issuing.status_list_credential(revoked.status_list),
            "suspension-list.json": issuing.status_list_credential(revoked.suspension_list),
            "ob2-assertion.json": issuing.hosted_assertion(earned),
            "ob2-assertion-revoked.json": issuing.hosted_assertion(revoked),
            "ob2-badgeclass.json": issuing.badge_class_ob2(badge_class),
            "ob2-issuer.json": issuing.issuer_ob2(issuer),
            "ob2-key.json": issuing.key_ob2(issuer, rsa_key),
            "ob2-revocation-list.json": issuing.revocation_list_ob2(issuer),
            "did.json": issuing.did_document(issuer),
        }
        for name, document in documents.items():
            (out / name).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / "ob2-signed.jws").write_text(earned.ob2_jws + "\n", encoding="ascii")
        for version in ("ob3", "ob2"):
            for fmt in ("png", "svg"):
                _, data = baked.bake(earned, version, fmt)
                (out / f"badge-{version}.{fmt}").write_bytes(data)
        index = {
            public_urls.credential_url(earned): "ob3.json",
            public_urls.credential_url(revoked): "ob3-revoked.json",
            public_urls.status_list_url(revoked.status_list): "status-list.json",
            public_urls.status_list_url(revoked.suspension_list): "suspension-list.json",
            public_urls.assertion_url(earned): "ob2-assertion.json",
            public_urls.assertion_url(revoked): "ob2-assertion-revoked.json",
            public_urls.badge_class_url(badge_class): "ob2-badgeclass.json",
            public_urls.issuer_url(issuer): "ob2-issuer.json",
            public_urls.key_url(issuer, rsa_key): "ob2-key.json",
            public_urls.revocation_list_url(issuer): "ob2-revocation-list.json",
            public_urls.did_json_url(issuer): "did.json",
        }
        (out / "index.json").write_text(json.dumps({
            "did": public_urls.issuer_did(issuer),
            "documents": index,
            "verify_pages": [public_urls.verify_page_url(earned), public_urls.verify_page_url(revoked)],
        }, indent=2) + "\n", encoding="utf-8")
