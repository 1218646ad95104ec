"""
Staff awards in bulk: a CSV of usernames or emails, with a dry run that changes nothing.

Each line gets a row in the report (awarded, would award, already holds it, not
found), so staff see exactly what happened to every learner they listed.
"""

import csv
import io
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from .. import conf
from ..credentials import issuing
from . import awarding, bulk_issue

MAX_ROWS = 100_000


@dataclass
class BulkRow:
    line: int
    identifier: str
    status: str
    username: str = ""
    award_uuid: str = ""


def read_identifiers(text):
    """Usernames or emails from the first column; a header row and blank or repeated lines are skipped."""
    seen, out = set(), []
    for line_no, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not row[0].strip():
            continue
        value = row[0].strip()
        if line_no == 1 and value.lower() in ("username", "email", "user"):
            continue
        if value.lower() in seen:
            continue
        seen.add(value.lower())
        out.append((line_no, value))
        if len(out) > MAX_ROWS:
            raise ValueError(f"At most {MAX_ROWS} learners per upload.")
    return out


def _find_users(identifiers):
    names = [value for _, value in identifiers]
    lowered = [value.lower() for value in names if "@" in value]
    users = (get_user_model().objects.annotate(email_lower=Lower("email"))
             .filter(Q(username__in=names) | Q(email_lower__in=lowered)))
    found = {}
    for user in users:
        found.setdefault(user.username, user)
        if user.email:
            found.setdefault(user.email.lower(), user)
    return found


def stream_threshold():
    """From this many learners a staff award goes through the batched path (fewer: one by one, same result)."""
    return int(conf.get("OPENEDX_BADGES_BULK_STREAM_THRESHOLD"))


def bulk_award(badge_class, identifiers, *, staff_user, reason, dry_run=True):
    """Award ``badge_class`` to each listed learner (or, with ``dry_run``, say what would happen)."""
    if not dry_run and len(identifiers) >= stream_threshold():
        return _bulk_award_streaming(badge_class, identifiers, staff_user=staff_user, reason=reason)
    report = []
    for line, value, user in _matched(identifiers, _find_users(identifiers), report):
        current = issuing.current_award(badge_class, user)
        state = current.state() if current else "none"
        if state == "earned":
            report.append(BulkRow(line, value, "already holds it", user.username))
            continue
        if dry_run:
            report.append(BulkRow(line, value, "would award", user.username))
            continue
        award, created = awarding.manual_award(badge_class, user, staff_user=staff_user, reason=reason)
        report.append(BulkRow(line, value, "awarded" if created else "already holds it", user.username,
                              str(award.uuid)))
    return report


def _matched(identifiers, users, report):
    """The (line, value, user) of each identifier that names a learner; the others are reported "not found"."""
    for line, value in identifiers:
        user = users.get(value) or users.get(value.lower())
        if user is None:
            report.append(BulkRow(line, value, "not found"))
        else:
            yield line, value, user


def _bulk_award_streaming(badge_class, identifiers, *, staff_user, reason):
    """
    Many learners: ``bulk_issue.award_many`` (batched writes, keys decrypted once), with
    the same report and the same provenance as one staff award per learner.
    """
    users = _find_users(identifiers)
    wanted = list({user.pk: user for user in users.values()}.values())
    outcome = {}

    def on_result(user, status, award):
        outcome[user.pk] = (status, str(award.uuid) if award is not None else "")

    provenance = {"source": "staff", "by": getattr(staff_user, "username", str(staff_user)), "reason": reason,
                  "time": timezone.now().isoformat(), "bulk": True}
    bulk_issue.award_many(badge_class, wanted, provenance=provenance,
                          on_result=on_result)
    report = []
    for line, value, user in _matched(identifiers, users, report):
        status, award_uuid = outcome.get(user.pk, ("already holds it", ""))
        report.append(BulkRow(line, value, status, user.username, award_uuid))
    return report
