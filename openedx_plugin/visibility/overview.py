"""
The operator's overview: awards per month, per badge and per course, revocations, pushes
by destination with their success rate, and what needs attention (pending evaluations,
failed pushes, badge events the event bus did not take).

Each figure is one aggregate query that an index answers without reading the award rows
(see migration 0009 and bench/overview.py, which times them on 1,000,000 awards). The
charts are drawn here as inline SVG, each with a title, a description and the same
numbers as a table beside it: no script, nothing loaded from elsewhere.
"""

from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from ..models import Award, AwardTally, BackpackProvider, BadgeClass, BusEventOutbox, PendingEvaluation, PushAttempt

MONTHS = 12
TOP_BADGES = 15
ATTENTION_ROWS = 20


def month_starts(now, months=MONTHS):
    """The first instants (UTC) of the last ``months`` months, oldest first, and the next month's."""
    year, month = now.year, now.month
    starts = []
    for _ in range(months + 1):
        starts.append(datetime(year, month, 1, tzinfo=UTC))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    starts.reverse()
    starts.append(starts[-1].replace(year=starts[-1].year + (starts[-1].month == 12),
                                     month=starts[-1].month % 12 + 1))
    return starts[1:]  # months + 1 bounds: [first month start, ..., next month start]


def _per_month(queryset, field, bounds):
    """
    One COUNT per month, each a range read of the index on ``field`` alone: cheaper on a
    million rows than one pass that works out every row's month (TruncMonth or CASE).
    """
    return [(bounds[i].strftime("%Y-%m"),
             queryset.filter(**{f"{field}__gte": bounds[i], f"{field}__lt": bounds[i + 1]}).count())
            for i in range(len(bounds) - 1)]


def awards_per_month(bounds):
    """``[("YYYY-MM", awards created)]`` for each month between consecutive ``bounds``, for the overview."""
    return _per_month(Award.objects.all(), "created", bounds)


def revocations_per_month(bounds):
    """``[("YYYY-MM", awards revoked)]`` by revocation date, for each month between consecutive ``bounds``."""
    return _per_month(Award.objects.filter(revoked=True), "revoked_at", bounds)


def awards_per_badge():
    """
    ``[(badge_class_id, awards, revoked)]``, every badge class with awards: the tallies,
    plus the awards after their mark (a primary-key range: the newest few), plus the
    revocations from the (revoked, revoked_at, badge_class) index.
    """
    tallies = list(AwardTally.objects.values_list("badge_class_id", "awarded", "up_to_id"))
    mark = min((up_to for _, _, up_to in tallies), default=0)
    counts = {pk: n for pk, n, up_to in tallies if up_to == mark}
    recent = (Award.objects.filter(id__gt=mark).order_by().values_list("badge_class_id")
              .annotate(n=Count("pk")))
    for pk, n in recent:
        counts[pk] = counts.get(pk, 0) + n
    revoked = dict(Award.objects.filter(revoked=True).order_by().values_list("badge_class_id")
                   .annotate(n=Count("pk")))
    return [(pk, n, revoked.get(pk, 0)) for pk, n in counts.items() if n]


TALLY_LAG = timedelta(minutes=5)


def refresh_tallies(chunk=50_000, lag=TALLY_LAG, rebuild=False):
    """
    Count the awards made since the tallies' mark, ``chunk`` ids per query, up to the
    awards older than ``lag`` (a transaction still open may yet commit a lower id).
    ``rebuild`` starts again from zero (after awards were deleted in the admin).
    Returns the new mark.
    """
    mark = 0 if rebuild else (AwardTally.objects.aggregate(m=Min("up_to_id"))["m"] or 0)
    recent = Award.objects.filter(created__gte=timezone.now() - lag).aggregate(m=Min("id"))["m"]
    target = (recent - 1) if recent is not None else (Award.objects.aggregate(m=Max("id"))["m"] or 0)
    counts = {} if rebuild else dict(AwardTally.objects.filter(up_to_id=mark).values_list("badge_class_id",
                                                                                          "awarded"))
    low = mark
    while low < target:
        high = min(low + chunk, target)
        for pk, n in (Award.objects.filter(id__gt=low, id__lte=high).order_by().values_list("badge_class_id")
                      .annotate(n=Count("pk"))):
            counts[pk] = counts.get(pk, 0) + n
        low = high
    if target <= mark and not rebuild:
        return mark
    with transaction.atomic():
        AwardTally.objects.all().delete()
        AwardTally.objects.bulk_create([AwardTally(badge_class_id=pk, awarded=n, up_to_id=max(target, 0))
                                        for pk, n in counts.items()])
    return target


def by_badge_and_course(per_badge, top=TOP_BADGES):
    """The busiest badges by name, and the awards of each course (summed from the badges')."""
    names = dict(BadgeClass.objects.filter(pk__in=[row[0] for row in per_badge])
                 .values_list("pk", "name"))
    courses = dict(BadgeClass.objects.filter(pk__in=[row[0] for row in per_badge])
                   .values_list("pk", "course_key"))
    ranked = sorted(per_badge, key=lambda row: (-row[1], row[0]))
    badges = [(names.get(pk, str(pk)), n, revoked) for pk, n, revoked in ranked[:top]]
    per_course = {}
    for pk, n, revoked in per_badge:
        key = courses.get(pk) or "(no course: pathways and staff badges)"
        total, gone = per_course.get(key, (0, 0))
        per_course[key] = (total + n, gone + revoked)
    course_rows = sorted(((key, n, revoked) for key, (n, revoked) in per_course.items()), key=lambda r: -r[1])
    return badges, course_rows[:top]


def pushes_by_destination():
    """``[(destination, sent, failed, pending, success_rate_percent_or_None)]`` by provider."""
    rows = (PushAttempt.objects.order_by().values("provider_id", "status").annotate(n=Count("pk")))
    providers = dict(BackpackProvider.objects.values_list("pk", "name"))
    table = {}
    for row in rows:
        counts = table.setdefault(row["provider_id"], {PushAttempt.SENT: 0, PushAttempt.FAILED: 0,
                                                       PushAttempt.PENDING: 0})
        counts[row["status"]] = row["n"]
    result = []
    for provider_id, counts in sorted(table.items()):
        done = counts[PushAttempt.SENT] + counts[PushAttempt.FAILED]
        rate = round(100 * counts[PushAttempt.SENT] / done, 1) if done else None
        result.append((providers.get(provider_id, str(provider_id)), counts[PushAttempt.SENT],
                       counts[PushAttempt.FAILED], counts[PushAttempt.PENDING], rate))
    return result


def attention():
    """What an operator should look at: counts, and the most recent failed pushes."""
    failed = PushAttempt.objects.filter(status=PushAttempt.FAILED)
    recent = list(failed.select_related("provider").order_by("-updated")[:ATTENTION_ROWS]
                  .values("pk", "award_id", "provider__name", "operation", "attempts", "last_error", "updated"))
    return {
        "pending_evaluations": PendingEvaluation.objects.count(),
        "failed_evaluations": PendingEvaluation.objects.exclude(last_error="").count(),
        "failed_pushes": failed.count(),
        "bus_events_waiting": BusEventOutbox.objects.filter(sent_at__isnull=True).count(),
        "recent_failed_pushes": recent,
    }


def collect(now=None):
    """Every figure of the overview, as plain data."""
    bounds = month_starts(now or timezone.now())
    per_badge = awards_per_badge()
    badges, courses = by_badge_and_course(per_badge)
    return {
        "awards_per_month": awards_per_month(bounds),
        "revocations_per_month": revocations_per_month(bounds),
        "total_awards": sum(row[1] for row in per_badge),
        "total_revoked": sum(row[2] for row in per_badge),
        "badges": badges,
        "courses": courses,
        "pushes": pushes_by_destination(),
        **attention(),
    }


# --- charts -----------------------------------------------------------------------------

BAR = "#1f5f8b"
BAR_ALT = "#b4441c"


def column_chart(chart_id, title, description, points, color=BAR, width=640, height=240):
    """A column chart of ``[(label, value)]`` as inline SVG, labelled for screen readers."""
    top = max((value for _, value in points), default=0) or 1
    left, plot_h = 48, height - 36 - 16
    step = (width - left - 8) / max(len(points), 1)
    bars = []
    for i, (label, value) in enumerate(points):
        h = plot_h * value / top
        x = left + i * step + step * 0.15
        bars.append(format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
            '<text x="{}" y="{}" font-size="10" text-anchor="middle">{}</text>',
            f"{x:.1f}", f"{16 + plot_h - h:.1f}", f"{step * 0.7:.1f}", f"{h:.1f}", color, label, value,
            f"{x + step * 0.35:.1f}", height - 20, label[2:] if len(label) == 7 else label[:10]))
    axis = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#555"/>'
        '<text x="{}" y="24" font-size="11" text-anchor="end">{}</text>'
        '<text x="{}" y="{}" font-size="11" text-anchor="end">0</text>',
        left, 16 + plot_h, width - 8, 16 + plot_h, left - 4, top, left - 4, 16 + plot_h)
    return format_html(
        '<svg class="obo-chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" direction="ltr" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{axis}{bars}</svg>',
        w=width, h=height, id=chart_id, title=title, desc=description, axis=axis,
        bars=mark_safe("".join(bars)))  # noqa: S308  (each piece built by format_html)


def bar_chart(chart_id, title, description, rows, color=BAR, width=640):
    """A horizontal bar chart of ``[(label, value)]``: long names (badges, courses) stay readable."""
    row_h, label_w = 22, 250
    height = row_h * max(len(rows), 1) + 8
    top = max((value for _, value in rows), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(rows):
        w = (width - label_w - 70) * value / top
        y = 4 + i * row_h
        short = label if len(label) <= 38 else label[:37] + "…"
        bars.append(format_html(
            '<text x="{}" y="{}" font-size="11" text-anchor="end" unicode-bidi="plaintext">{}</text>'
            '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>'
            '<text x="{}" y="{}" font-size="11">{}</text>',
            label_w - 6, y + 15, short, label_w, y + 3, f"{w:.1f}", row_h - 6, color, label, value,
            f"{label_w + w + 4:.1f}", y + 15, value))
    return format_html(
        '<svg class="obo-chart" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" direction="ltr" '
        'aria-labelledby="{id}-title {id}-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{bars}</svg>',
        w=width, h=height, id=chart_id, title=title, desc=description,
        bars=mark_safe("".join(bars)))  # noqa: S308  (each piece built by format_html)


def table(caption, headers, rows):
    """The chart's numbers as a table with a caption and column headers."""
    head = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in headers))
    body = format_html_join("", "<tr>{}</tr>", (
        (format_html_join("", '<td dir="auto">{}</td>', ((cell,) for cell in row)),) for row in rows))
    return format_html('<table class="obo-table"><caption>{}</caption><thead><tr>{}</tr></thead>'
                       '<tbody>{}</tbody></table>', caption, head, body)


def sections(data):
    """The overview's chart sections: ``[(heading, svg, table)]``, in the operator's language."""
    months = data["awards_per_month"]
    revoked = data["revocations_per_month"]
    pushes = data["pushes"]
    total = sum(n for _, n in months)
    awards_month, revocations_month = gettext("Awards per month"), gettext("Revocations per month")
    awards_badge, awards_course = gettext("Awards per badge"), gettext("Awards per course")
    by_destination = gettext("Pushes by destination")
    return [
        (awards_month,
         column_chart("awards-month", awards_month,
                      ngettext("Badges awarded in each of the last {months} months; {total} in all.",
                               "Badges awarded in each of the last {months} months; {total} in all.",
                               len(months)).format(months=len(months), total=total), months),
         table(awards_month, (gettext("Month"), gettext("Awards")), months)),
        (revocations_month,
         column_chart("revocations-month", revocations_month,
                      ngettext("Awards revoked in each of the last {months} months.",
                               "Awards revoked in each of the last {months} months.",
                               len(revoked)).format(months=len(revoked)), revoked, color=BAR_ALT),
         table(revocations_month, (gettext("Month"), gettext("Revocations")), revoked)),
        (awards_badge,
         bar_chart("awards-badge", awards_badge, gettext("The badges awarded most, all time."),
                   [(name, n) for name, n, _count in data["badges"]]),
         table(awards_badge, (gettext("Badge"), gettext("Awards"), gettext("Revoked")), data["badges"])),
        (awards_course,
         bar_chart("awards-course", awards_course, gettext("Awards of each course's badges, all time."),
                   [(key, n) for key, n, _count in data["courses"]]),
         table(awards_course, (gettext("Course"), gettext("Awards"), gettext("Revoked")), data["courses"])),
        (by_destination,
         bar_chart("pushes", gettext("Push success rate by destination"),
                   gettext("Percent of finished pushes each backpack or wallet accepted."),
                   [(name, rate or 0) for name, _sent, _failed, _pending, rate in pushes]),
         table(by_destination, (gettext("Destination"), gettext("Sent"), gettext("Failed"), gettext("Pending"),
                                gettext("Success rate (%)")),
               [(name, sent, failed, pending, "–" if rate is None else rate)
                for name, sent, failed, pending, rate in pushes])),
    ]


