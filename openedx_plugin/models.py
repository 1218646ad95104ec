"""
What the plugin stores: issuers and their keys, badge classes, awards, status lists.

Issued documents are stored as signed, so that what a verifier fetches later is
byte for byte what was signed; revocation changes the status list and the
hosted 2.0 assertion, never a signed 3.0 credential.
"""

import unicodedata
import uuid
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ed25519
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from openedx_events.learning.data import BadgeData, BadgeTemplateData, UserData, UserPersonalData

from .engine import dataintegrity, ob2, ob3
from .engine.errors import EngineError
from .rules import RuleError, cycle_through, referenced_badges, referenced_courses, validate
from .visibility.indexes import OVERVIEW_AWARD_INDEXES, OVERVIEW_PUSH_INDEXES

IDENTITY_DID_WEB = "did:web"
IDENTITY_DID_KEY = "did:key"

# achievementType values from the Open Badges 3.0 vocabulary (extensible with "ext:").
ACHIEVEMENT_TYPES = [
    "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment",
    "AssociateDegree", "Award", "Badge", "BachelorDegree", "Certificate",
    "CertificateOfCompletion", "Certification", "CommunityService", "Competency",
    "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
    "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram",
    "License", "Membership", "ProfessionalDoctorate", "QualityAssuranceCredential",
    "MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
    "SecondarySchoolDiploma",
]


class Issuer(models.Model):
    """
    An organisation that issues badges, with its public profile and identity.

    .. no_pii:
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=255, help_text=_("Shown on every badge this issuer awards."))
    url = models.URLField(max_length=500, help_text=_("The issuer's home page."))
    email = models.EmailField(help_text=_("A contact address; Open Badges 2.0 validators require it."))
    description = models.TextField(blank=True)
    image_data = models.BinaryField(blank=True, null=True, editable=False)
    image_type = models.CharField(max_length=32, blank=True, editable=False)
    org = models.CharField(
        max_length=255, blank=True, db_index=True,
        help_text=_("Course organisation this issuer serves; empty for the site's default issuer."),
    )
    public_base_url = models.URLField(
        max_length=255,
        help_text=_("Origin under which this issuer's documents are published, e.g. https://lms.example.com."),
    )
    identity = models.CharField(
        max_length=16,
        choices=[(IDENTITY_DID_WEB, "did:web"), (IDENTITY_DID_KEY, "did:key")],
        default=IDENTITY_DID_WEB,
        help_text=_("did:web lets keys rotate; did:key ties the identity to one key."),
    )
    is_default = models.BooleanField(
        default=False,
        help_text=_("The default issuer's did:web document is served at /.well-known/did.json."),
    )
    linkedin_organization_id = models.CharField(
        max_length=32, blank=True, validators=[RegexValidator(r"^[0-9]+$", _("Digits only."))],
        help_text=_("The issuer's LinkedIn company page id (digits): LinkedIn then shows its logo and page "
                    "on learners' certifications. Empty: the issuer's name is sent instead."),
    )
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return self.name


class SigningKey(models.Model):
    """
    A key pair of an issuer; the private half is stored encrypted.

    Retired keys stay published (in did.json and as 2.0 CryptographicKey
    documents) so that everything they signed still verifies.

    .. no_pii:
    """

    ED25519 = "ed25519"
    RSA = "rsa"

    issuer = models.ForeignKey(Issuer, related_name="keys", on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=[(ED25519, "Ed25519 (3.0)"), (RSA, "RSA (2.0 JWS)")])
    key_id = models.CharField(max_length=100, help_text=_("Fragment or path segment that names this key."))
    public_key = models.TextField(help_text=_("Multibase (Ed25519) or PEM (RSA) public key."))
    private_key_encrypted = models.BinaryField(editable=False)
    active = models.BooleanField(default=True, help_text=_("Active keys sign new documents."))
    created = models.DateTimeField(auto_now_add=True)
    retired = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "openedx_badges"
        constraints = [models.UniqueConstraint(fields=["issuer", "key_id"], name="openedx_badges_key_unique")]

    def __str__(self):
        return f"{self.issuer} {self.kind} {self.key_id}"


class BadgeClass(models.Model):
    """
    The achievement a badge stands for, as its author defined it.

    .. no_pii:
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, related_name="badge_classes", on_delete=models.PROTECT)
    course_key = models.CharField(max_length=255, blank=True, db_index=True,
                                  help_text=_("Course that awards it; empty for a badge not tied to one course."))
    name = models.CharField(max_length=255)
    description = models.TextField()
    image_data = models.BinaryField(blank=True, null=True, editable=False)
    image_type = models.CharField(max_length=32, blank=True, editable=False)
    criteria_narrative = models.TextField(blank=True, help_text=_("What a learner does to earn it, in plain words."))
    criteria_url = models.URLField(max_length=500, blank=True)
    achievement_type = models.CharField(max_length=64, default="Badge",
                                        help_text=_("Open Badges 3.0 achievementType, or ext:Name."))
    alignments = models.JSONField(default=list, blank=True,
                                  help_text=_("Skills or standards: [{targetName, targetUrl, targetCode, "
                                              "targetFramework, targetType}]."))
    tags = models.JSONField(default=list, blank=True)
    level = models.CharField(max_length=64, blank=True, help_text=_("e.g. Foundation, Intermediate, Advanced."))
    category = models.CharField(max_length=128, blank=True, db_index=True,
                                help_text=_("The field the badge is filed under, e.g. a category of a taxonomy."))
    validity_days = models.PositiveIntegerField(null=True, blank=True,
                                                help_text=_("Days an award stays valid; empty: no expiry."))
    active = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"
        verbose_name_plural = "badge classes"

    def __str__(self):
        return self.name

    def clean(self):
        if not (self.criteria_narrative or self.criteria_url):
            raise ValidationError(_("Give the criteria as a narrative, a URL, or both."))
        problems = signing_problems(self)
        if problems:
            raise ValidationError(problems)


# --- the one validator of a badge class: the engine's -------------------------------------------
#
# Every save path (the editor through ``api.save_badge``, the admin's forms, the sample
# command) calls ``BadgeClass.full_clean``, which calls this. It builds the 3.0 achievement and
# the 2.0 BadgeClass with the engine's own builders and signs a throwaway credential with a
# throwaway key, so a badge the engine would refuse to sign when a learner earns it (and that
# would then block the learner's other awards) cannot be saved in the first place.

# Engine field paths (after "achievement.") -> the model field an author can correct.
_ENGINE_FIELDS = (
    ("criteria.id", "criteria_url"), ("criteria_url", "criteria_url"), ("criteria", "criteria_narrative"),
    ("achievementType", "achievement_type"), ("alignment", "alignments"), ("alignments", "alignments"),
    ("tag", "tags"), ("tags", "tags"), ("name", "name"), ("description", "description"),
    ("fieldOfStudy", "category"),
)

# Line breaks and tabs are text in a description; in a one-line field (a name is an email's
# subject line, where CR/LF would end the header) every control character is refused.
_MULTILINE_OK = {"\n", "\r", "\t"}
_PLACEHOLDER = "https://badge-validation.invalid/badge"


def _control_characters(value, multiline):
    if not isinstance(value, str):
        return False
    return any(unicodedata.category(ch) in ("Cc", "Cs") and not (multiline and ch in _MULTILINE_OK)
               or ch in "\u2028\u2029" and not multiline
               for ch in value)


def _model_field(engine_field):
    path = engine_field.split("achievement.", 1)[-1]
    for prefix, name in _ENGINE_FIELDS:
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return name
    return None


def signing_problems(badge):
    """``{field: message}`` for everything that would stop the engine signing an award of ``badge``."""

    problems = {}
    for name in ("name", "level", "category"):
        if _control_characters(getattr(badge, name, ""), multiline=False):
            problems[name] = _("Control characters (such as line breaks) are not allowed here.")
    for name in ("description", "criteria_narrative"):
        if _control_characters(getattr(badge, name, ""), multiline=True):
            problems[name] = _("Control characters other than line breaks and tabs are not allowed here.")
    tags = badge.tags if isinstance(badge.tags, list) else None
    if tags is None or not all(isinstance(tag, str) for tag in tags):
        problems["tags"] = _("Give the tags as a list of words.")
    elif any(_control_characters(tag, multiline=False) for tag in tags):
        problems["tags"] = _("Control characters are not allowed in tags.")
    if not isinstance(badge.alignments, list):
        problems["alignments"] = _("Give the alignments as a list.")
    if problems:
        return problems
    try:
        achievement = ob3.build_achievement(
            _PLACEHOLDER, badge.name, badge.description,
            criteria_id=badge.criteria_url or None, criteria_narrative=badge.criteria_narrative or None,
            image=_PLACEHOLDER + "/image", achievement_type=badge.achievement_type or None,
            alignment=badge.alignments or (), tag=list(badge.tags or []) + ([badge.level] if badge.level else []),
            field_of_study=badge.category or None,
        )
        ob2.build_badge_class(_PLACEHOLDER, badge.name, badge.description, _PLACEHOLDER + "/image",
                              issuer_id=_PLACEHOLDER + "/issuer", criteria_url=badge.criteria_url or None,
                              criteria_narrative=badge.criteria_narrative or None,
                              alignments=badge.alignments or None, tags=badge.tags or None)
        credential = ob3.build_credential(
            _PLACEHOLDER + "/award", ob3.build_profile(_PLACEHOLDER + "/issuer", "Issuer", _PLACEHOLDER),
            achievement, subject_id="did:example:learner", valid_from="2026-01-01T00:00:00Z",
            name=badge.name, description=badge.description)
        dataintegrity.sign(credential, ed25519.Ed25519PrivateKey.generate(), "did:example:issuer#key")
    except EngineError as exc:
        field = _model_field(getattr(exc, "field", "") or "")
        reason = getattr(exc, "reason", None) or str(exc)
        message = _FIELD_MESSAGES.get(field, _("This cannot go into a signed badge: %(reason)s"))
        return {field or "__all__": message % {"reason": reason}}
    return {}


_FIELD_MESSAGES = {
    "achievement_type": _("Not an Open Badges 3.0 achievement type: use one from the list, or ext: followed by "
                          "letters, digits, '.', '_' or '-' (no spaces). This cannot go into a signed badge: "
                          "%(reason)s"),
    "criteria_url": _("Not a URL a signed badge can hold (no spaces or \" < > | { } ^ ` characters; encode "
                      "them). This cannot go into a signed badge: %(reason)s"),
}


class StatusList(models.Model):
    """
    A Bitstring Status List of an issuer: one bit per award.

    ``purpose`` is ``revocation`` (a bit set is final: verifiers and wallets may cache
    it) or ``suspension`` (a reversible hold, cleared when the hold is lifted).

    .. no_pii:
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(Issuer, related_name="status_lists", on_delete=models.PROTECT)
    purpose = models.CharField(max_length=32, default="revocation")
    size = models.PositiveIntegerField(default=131072)
    bits = models.BinaryField(help_text="The raw bitstring, index 0 = left-most bit.")
    next_index = models.PositiveIntegerField(default=0)
    credential = models.JSONField(default=dict, blank=True, editable=False,
                                  help_text="The signed status list credential, re-signed when a bit changes.")
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"{self.issuer} {self.purpose} {self.uuid}"


# The ``origin`` of the badge templates this plugin names in openedx-events.
EVENT_ORIGIN = "openedx_badges"
AWARD_STATES = ("earned", "expired", "revoked", "suspended")


class AwardQuerySet(models.QuerySet):
    """Awards narrowed by their state now, in SQL, with the same rules as ``Award.state``."""

    def in_state(self, state, now=None):
        """Awards whose ``state(now)`` is ``state`` (one of AWARD_STATES): the wallet's filter, in one query."""
        now = now or timezone.now()
        if state == "revoked":
            return self.filter(revoked=True)
        if state == "suspended":
            return self.filter(revoked=False, suspended=True)
        if state == "expired":
            return self.filter(revoked=False, suspended=False, valid_until__lte=now)
        if state == "earned":
            return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now), revoked=False, suspended=False)
        raise ValueError(state)

    def held(self, now=None):
        """The awards a learner holds now (earned): what badge pathways and the progress view count."""
        return self.in_state("earned", now)

    def held_badge_uuids(self, user, now=None):
        """UUIDs (as strings) of the badge classes ``user`` holds now: a badge leaf's input, in one query."""
        rows = self.filter(user=user).held(now).values_list("badge_class__uuid", flat=True)
        return {str(value) for value in rows}


class Award(models.Model):
    """
    One badge awarded to one learner, with the documents issued for it.

    ``sequence`` counts awards of the same badge to the same learner (a new one
    after expiry), and the unique constraint over the three makes a second award
    of the same sequence impossible, whatever races happen above it.

    .. pii: the recipient's email is kept only as a salted hash; ``user`` links
       the learner until retirement.
    .. pii_types: email_address, id
    .. pii_retirement: local_api
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    badge_class = models.ForeignKey(BadgeClass, related_name="awards", on_delete=models.PROTECT)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             related_name="openedx_badges_awards", on_delete=models.SET_NULL)
    sequence = models.PositiveIntegerField(default=1)
    recipient_identity = models.CharField(max_length=100, help_text=_("sha256$ hash of the email and salt."))
    recipient_salt = models.CharField(max_length=64)
    issued_on = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=list, blank=True)
    provenance = models.JSONField(default=dict, blank=True,
                                  help_text=_("What caused the award: event, rule, course, block, score, time."))
    revoked = models.BooleanField(default=False, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revocation_reason = models.CharField(max_length=255, blank=True)
    status_list = models.ForeignKey(StatusList, null=True, blank=True, on_delete=models.PROTECT)
    status_index = models.PositiveIntegerField(null=True, blank=True)
    # A reversible hold: its own list (statusPurpose "suspension"), because a revocation bit
    # is final. Awards signed before suspension lists existed have no slot and cannot be held.
    suspended = models.BooleanField(default=False, db_index=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspension_reason = models.CharField(max_length=255, blank=True)
    suspension_list = models.ForeignKey(StatusList, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="suspended_awards")
    suspension_index = models.PositiveIntegerField(null=True, blank=True)
    ob3_credential = models.JSONField(default=dict, blank=True, editable=False)
    ob2_assertion = models.JSONField(default=dict, blank=True, editable=False)
    ob2_signed_assertion = models.JSONField(default=dict, blank=True, editable=False)
    ob2_jws = models.TextField(blank=True, editable=False)
    public = models.BooleanField(default=True, help_text=_(
        "The learner's choice: anyone with the link may see the verification page."))
    show_name = models.BooleanField(default=False, help_text=_(
        "The learner's choice: show their name on the public verification page."))
    created = models.DateTimeField(auto_now_add=True)
    # The follow-ups of an award (event, email, backpack pushes) run after its commit;
    # these two make them an outbox: done once, redone if a crash or a dropped
    # connection interrupted them (awarding.deliver_announcements, the sweeper).
    announced_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True, help_text=_(
        "When the award's event, email and backpack pushes were sent; empty until then."))
    announce_claimed_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_(
        "When a worker took on sending them; another may take over after a lease."))
    # Set when the learner is told this award will expire soon (awards/notifications.py):
    # the periodic task skips awards that have it, so the email goes once per award.
    expiry_notified_at = models.DateTimeField(null=True, blank=True, editable=False, help_text=_(
        "When the learner was emailed that this badge expires soon; empty until then."))

    objects = AwardQuerySet.as_manager()

    class Meta:
        app_label = "openedx_badges"
        constraints = [
            models.UniqueConstraint(fields=["badge_class", "user", "sequence"], name="openedx_badges_award_once"),
            models.UniqueConstraint(fields=["status_list", "status_index"], name="openedx_badges_status_slot"),
            models.UniqueConstraint(fields=["suspension_list", "suspension_index"],
                                    name="openedx_badges_suspension_slot"),
        ]
        indexes = [models.Index(fields=["user", "-issued_on"], name="openedx_badges_user_recent"),
                   *OVERVIEW_AWARD_INDEXES,  # the operator's overview (visibility/overview.py)
                   # the course team's recipients list (course_team): a badge's awards, newest first. Ascending,
                   # so that a backward scan gives "issued_on DESC, id DESC" (InnoDB appends the id) without a sort.
                   models.Index(fields=["badge_class", "issued_on"], name="openedx_badges_badge_recent"),
                   # and its counts by state, from the index alone
                   models.Index(fields=["badge_class", "revoked", "suspended", "valid_until"],
                                name="openedx_badges_badge_states")]
        permissions = [
            ("issue_award", "Can award badges by hand or in bulk"),
            ("revoke_award", "Can revoke, reinstate and re-issue badges"),
        ]

    def __str__(self):
        return f"{self.badge_class} → {self.user_id} #{self.sequence}"

    def state(self, now=None):
        """
        "revoked", "suspended", "expired" or "earned" now: the one definition every screen,
        the API, the pipeline and the exports use (``AwardQuerySet.in_state`` says it in SQL).
        """
        if self.revoked:
            return "revoked"
        if self.suspended:
            return "suspended"
        if self.valid_until and self.valid_until <= (now or timezone.now()):
            return "expired"
        return "earned"

    def as_badge_data(self, image_url):
        """
        The award as openedx-events' ``BadgeData`` (what BADGE_AWARDED and BADGE_REVOKED
        carry); ``image_url`` is the badge image's public URL, which the model does not build.
        """
        user, badge_class = self.user, self.badge_class
        return BadgeData(
            uuid=str(self.uuid),
            user=UserData(id=user.id, is_active=user.is_active,
                          pii=UserPersonalData(username=user.username, email=user.email,
                                               name=user.get_full_name() or user.username)),
            template=BadgeTemplateData(uuid=str(badge_class.uuid), origin=EVENT_ORIGIN, name=badge_class.name,
                                       description=badge_class.description, image_url=image_url),
        )


class BadgeRule(models.Model):
    """
    What earns a badge: a condition tree over course outcomes and other badges.

    ``condition`` is ``{"all": [...]}``, ``{"any": [...]}``, ``{"at_least": N, "of": [...]}``
    or a leaf ``{"kind": ..., ...}``; ``rules.validate`` defines and checks the kinds.
    A badge class has at most one rule; without one it is awarded only by staff.

    .. no_pii:
    """

    badge_class = models.OneToOneField(BadgeClass, related_name="rule", on_delete=models.CASCADE)
    condition = models.JSONField(help_text=_("The condition tree; see the author guide for the kinds."))
    enabled = models.BooleanField(default=True)
    courses = models.JSONField(default=list, editable=False,
                               help_text=_("Course keys the condition reads, kept for the receivers' index."))
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"rule of {self.badge_class}"

    def save(self, *args, **kwargs):

        self.courses = referenced_courses(self.condition) if isinstance(self.condition, dict) else []
        super().save(*args, **kwargs)

    def clean(self):

        try:
            validate(self.condition)
        except RuleError as exc:
            raise ValidationError({"condition": str(exc)}) from exc
        try:
            badge = self.badge_class  # set, though perhaps not saved yet, when an admin inline cleans it
        except BadgeClass.DoesNotExist:
            badge = None
        problem = pathway_problem(badge.uuid if badge is not None else None, self.condition)
        if problem:
            raise ValidationError({"condition": problem})

    @staticmethod
    def requirement_graph():
        """Badge UUID -> the badge UUIDs its rule counts, for every rule of the site (one query)."""
        graph = {}
        for badge_uuid, condition in BadgeRule.objects.values_list("badge_class__uuid", "condition"):
            try:
                validate(condition)
            except RuleError:
                continue
            named = referenced_badges(condition)
            if named:
                graph[str(badge_uuid)] = named
        return graph


def pathway_problem(badge_uuid, condition):
    """
    What is wrong with the badges a (valid) rule names, in the author's words, or "": a badge
    requiring itself, an unknown badge, or a cycle through other pathways (a requires b
    requires a, which nobody could ever earn). Every save path of a rule asks this.
    """
    named = referenced_badges(condition)
    if not named:
        return ""
    if badge_uuid is not None and str(badge_uuid) in named:
        return str(_("A badge cannot require itself."))
    known = {str(value) for value in
             BadgeClass.objects.filter(uuid__in=valid_uuids(named)).values_list("uuid", flat=True)}
    unknown = [uuid for uuid in named if uuid not in known]
    if unknown:
        return str(_("Unknown badge: {uuid}.")).format(uuid=unknown[0])
    if badge_uuid is not None:
        chain = cycle_through(badge_uuid, condition, BadgeRule.requirement_graph())
        if chain:
            names = dict(BadgeClass.objects.filter(uuid__in=valid_uuids(chain)).values_list("uuid", "name"))
            named_chain = " → ".join(names.get(uuid_value, uuid_value) for uuid_value in valid_uuids(chain))
            return str(_("These badges would require each other, so nobody could earn them: {chain}.")).format(
                chain=named_chain)
    return ""


def valid_uuids(values):
    """The valid UUIDs among ``values`` (strings a rule names), as UUID objects the database can compare."""
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


class PendingEvaluation(models.Model):
    """
    An evaluation that could not be queued (broker down), which the sweeper queues later;
    or one rule's award that failed (``rule`` set, ``last_error`` says why), kept for the
    operator to fix the badge and retry from the admin rather than dropped.

    .. pii: the learner's id only.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    user_id = models.IntegerField(db_index=True)
    course_key = models.CharField(max_length=255, blank=True)
    trigger = models.JSONField(default=dict, help_text=_("The event that asked for the evaluation."))
    created = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    rule = models.ForeignKey(BadgeRule, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="failed_evaluations",
                             help_text=_("The rule whose award failed; empty for an evaluation not yet queued."))

    class Meta:
        app_label = "openedx_badges"
        ordering = ["id"]

    def __str__(self):
        return f"pending evaluation of user {self.user_id} in {self.course_key or 'all courses'}"


# --- Backpacks and wallets: where awards are pushed (issue 5) --------------------------------
#
# Secrets (API tokens, OAuth tokens, client secrets) are stored Fernet-encrypted with the
# signing keys' encryption keys (``keystore.encrypt``); they are never shown, logged, or
# copied into an error message.


def validate_http_url(value):
    """Only http(s) URLs with a host: a ``file:`` or ``gopher:`` base URL must never be called."""

    parts = urlsplit(value or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Give an http or https URL."))
    if parts.username or parts.password:
        raise ValidationError(_("Put credentials in the secret field, not in the URL."))


class BackpackProvider(models.Model):
    """
    A backpack, wallet or issuing service the operator lets awards go to.

    ``settings`` holds what each kind needs: Badgr's ``region`` and ``client_id``,
    Credly's ``organization_id``, ``environment`` (sandbox/production) and ``templates``
    (badge class UUID -> Credly badge template id), the DCC wallet's ``deep_link``
    style. ``secret_encrypted`` is Credly's API token or an OAuth client secret.

    .. no_pii:
    """

    OB3_API = "ob3_api"
    BADGR = "badgr"
    CREDLY = "credly"
    DCC = "dcc"
    KINDS = [
        (OB3_API, _("Open Badges 3.0 API host")),
        (BADGR, _("Canvas Credentials (Badgr) backpack")),
        (CREDLY, _("Credly (organisation issuing)")),
        (DCC, _("DCC Learner Credential Wallet")),
    ]

    kind = models.CharField(max_length=16, choices=KINDS)
    name = models.CharField(max_length=100, help_text=_("Shown to learners, e.g. 'My university wallet'."))
    base_url = models.CharField(
        max_length=500, blank=True, validators=[validate_http_url],
        help_text=_("API origin. Badgr: empty to use the region's host; Credly: empty to use the "
                    "environment's host; DCC: not used."),
    )
    enabled = models.BooleanField(default=True)
    auto_push_default = models.BooleanField(
        default=False,
        help_text=_("Push new awards automatically: the default of new learner connections, "
                    "or (Credly) whether every award with a mapped template is issued there."),
    )
    settings = models.JSONField(default=dict, blank=True)
    secret_encrypted = models.BinaryField(blank=True, null=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def clean(self):
        needs_url = self.kind == self.OB3_API or (
            self.kind == self.BADGR and not (self.settings or {}).get("region"))
        if needs_url and not self.base_url:
            raise ValidationError({"base_url": _("This kind of provider needs its API URL.")})


class BackpackConnection(models.Model):
    """
    A learner's link to a backpack: OAuth tokens and, for Open Badges 3.0 hosts, the
    client registration made for it.

    ``oauth_state`` and ``pkce_verifier_encrypted`` live only between the redirect to the
    host and the callback; the callback clears them.

    .. pii: links a learner to their account at an external backpack (tokens, encrypted).
    .. pii_types: id
    .. pii_retirement: local_api
    """

    PENDING = "pending"
    CONNECTED = "connected"
    FAILED = "failed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="openedx_badges_backpacks",
                             on_delete=models.CASCADE)
    provider = models.ForeignKey(BackpackProvider, related_name="connections", on_delete=models.CASCADE)
    state = models.CharField(max_length=16, default=PENDING,
                             choices=[(PENDING, _("pending")), (CONNECTED, _("connected")), (FAILED, _("failed"))])
    access_token_encrypted = models.BinaryField(blank=True, null=True, editable=False)
    refresh_token_encrypted = models.BinaryField(blank=True, null=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    client_id = models.CharField(max_length=255, blank=True,
                                 help_text=_("Client id from dynamic registration (Open Badges 3.0 API)."))
    client_secret_encrypted = models.BinaryField(blank=True, null=True, editable=False)
    client_secret_expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the host said the registered client secret expires (RFC 7591)."))
    auto_push = models.BooleanField(default=False)
    oauth_state = models.CharField(max_length=64, blank=True, db_index=True)
    pkce_verifier_encrypted = models.BinaryField(blank=True, null=True, editable=False)
    oauth_started = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"
        constraints = [models.UniqueConstraint(fields=["user", "provider"], name="openedx_badges_backpack_once")]

    def __str__(self):
        return f"{self.provider} of user {self.user_id} ({self.state})"


class PushAttempt(models.Model):
    """
    One award sent (or revoked) at one provider: its state, tries and the reason it failed.

    ``idempotency_key`` is unique over (award, provider, connection, operation) and built
    here rather than as a constraint over the columns, because ``connection`` is NULL for
    operator-level providers and SQL lets NULLs repeat. ``last_error`` is written for the
    learner and never contains a token.

    .. no_pii:
    """

    PUSH = "push"
    REVOKE = "revoke"
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"

    award = models.ForeignKey(Award, related_name="push_attempts", on_delete=models.CASCADE)
    provider = models.ForeignKey(BackpackProvider, related_name="push_attempts", on_delete=models.CASCADE)
    connection = models.ForeignKey(BackpackConnection, null=True, blank=True, related_name="push_attempts",
                                   on_delete=models.SET_NULL)
    operation = models.CharField(max_length=8, default=PUSH, choices=[(PUSH, _("push")), (REVOKE, _("revoke"))])
    status = models.CharField(max_length=8, default=PENDING,
                              choices=[(PENDING, _("pending")), (SENT, _("sent")), (FAILED, _("failed"))])
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    remote_id = models.CharField(max_length=255, blank=True, help_text=_("The provider's id of what was sent."))
    idempotency_key = models.CharField(max_length=200, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"
        indexes = [models.Index(fields=["status", "updated"], name="openedx_badges_push_state"),
                   *OVERVIEW_PUSH_INDEXES]

    def __str__(self):
        return f"{self.operation} {self.award_id} to {self.provider_id}: {self.status}"

    @staticmethod
    def key_for(award, provider, connection=None, operation=PUSH):
        """The idempotency key: the same push asked for twice finds the same row."""
        return f"{award.uuid}:{provider.pk}:{connection.pk if connection else '-'}:{operation}"


class WalletChallenge(models.Model):
    """
    A single-use nonce offered to a DCC Learner Credential Wallet for one award.

    The wallet signs it into its DID-Auth presentation; the exchange endpoint accepts a
    presentation only for an unexpired, unused challenge and marks it used.

    .. pii: ``holder`` is the DID of the learner's wallet, a pseudonymous identifier.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    award = models.ForeignKey(Award, related_name="wallet_challenges", on_delete=models.CASCADE)
    provider = models.ForeignKey(BackpackProvider, related_name="wallet_challenges", on_delete=models.CASCADE)
    exchange_id = models.CharField(max_length=64, unique=True)
    challenge = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    holder = models.CharField(max_length=255, blank=True, help_text=_("The wallet's DID, once it answered."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"wallet challenge for award {self.award_id}"


# --- persistence (issue 21): compromised keys, and credentials bound to a learner's DID ----------------------


class KeyCompromise(models.Model):
    """
    A signing key the operator declared compromised.

    Unlike a retired key (which stays published forever, so what it signed keeps
    verifying), a compromised key is withdrawn from the issuer's documents: whoever holds
    it must not be able to sign anything a verifier accepts. Every credential it signed was
    revoked with ``reason`` and re-issued with the current key.

    .. no_pii:
    """

    key = models.OneToOneField("openedx_badges.SigningKey", related_name="compromise", on_delete=models.PROTECT)
    reason = models.CharField(max_length=255)
    marked_at = models.DateTimeField(auto_now_add=True)
    marked_by = models.CharField(max_length=150, blank=True, help_text=_("Who declared it (username or 'command')."))
    reissued = models.PositiveIntegerField(default=0, help_text=_("Awards revoked and re-issued."))

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"compromised {self.key}"


class BoundCredential(models.Model):
    """
    The award's credential issued again with ``credentialSubject.id`` = a DID the learner
    proved to control, alongside the salted email hash.

    Same award, same status entries: revoking or suspending the award covers every
    bound copy. ``proof`` says how control was shown (the DCC wallet's DID-Auth exchange).

    .. pii: ``did`` is a pseudonymous identifier of the learner's wallet.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    award = models.ForeignKey("openedx_badges.Award", related_name="bound_credentials", on_delete=models.CASCADE)
    did = models.CharField(max_length=255)
    proof = models.CharField(max_length=32, default="dcc-didauth")
    credential = models.JSONField(default=dict, editable=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "openedx_badges"
        constraints = [models.UniqueConstraint(fields=["award", "did"], name="openedx_badges_bound_once")]

    def __str__(self):
        return f"award {self.award_id} bound to {self.did[:40]}"


# --- the operator's overview and the event bus (issue 14) ----------------------------------------------------


class BusEventOutbox(models.Model):
    """
    A badge event the event bus did not take, kept until it is produced again.

    .. no_pii:
    """

    event_type = models.CharField(max_length=255)
    award = models.ForeignKey("openedx_badges.Award", related_name="+", on_delete=models.CASCADE)
    event_time = models.DateTimeField(help_text="When the event happened; a retry keeps this time.")
    attempts = models.PositiveIntegerField(default=1)
    last_error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        app_label = "openedx_badges"
        verbose_name = "event bus outbox entry"
        verbose_name_plural = "event bus outbox"

    def __str__(self):
        return f"{self.event_type} for award {self.award_id} ({'sent' if self.sent_at else 'waiting'})"



class AwardTally(models.Model):
    """
    Awards of one badge class counted up to an award id, so the overview sums 200 rows
    instead of reading a million index entries; awards after ``up_to_id`` are counted
    live (``overview.awards_per_badge``). ``overview.refresh_tallies`` moves the mark on
    (celery beat, every 10 minutes) in chunks of award ids.

    .. no_pii:
    """

    badge_class = models.OneToOneField("openedx_badges.BadgeClass", related_name="+", on_delete=models.CASCADE)
    awarded = models.PositiveBigIntegerField(default=0)
    up_to_id = models.PositiveBigIntegerField(default=0, help_text="Awards with ids up to this one are counted.")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"{self.awarded} awards of badge {self.badge_class_id} up to award {self.up_to_id}"


class AwardOverview(Award):
    """No table: the admin's entry for the operator's overview (visibility/overview.py)."""

    class Meta:
        proxy = True
        app_label = "openedx_badges"
        verbose_name = "overview"
        verbose_name_plural = "overview: awards, revocations and pushes"


def _profile_slug():
    return uuid.uuid4().hex[:16]


class LearnerProfile(models.Model):
    """
    A learner's public badge profile (``/badges/u/<slug>/``): off until they turn it on.

    The slug is random, not the username, so the address says nothing about the account;
    the learner may pick a readable one instead. It stays the same while the page is off,
    so a link put on a CV works again when they turn the page back on. Retirement deletes
    the row (``handlers.on_user_retired``): the page is gone and its slug freed.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, related_name="openedx_badges_profile",
                                on_delete=models.CASCADE)
    slug = models.SlugField(max_length=40, unique=True, default=_profile_slug, help_text=_(
        "The last part of the public page's address."))
    public = models.BooleanField(default=False, help_text=_(
        "Anyone with the link sees the badges the learner made public."))
    headline = models.CharField(max_length=120, blank=True, help_text=_("A line shown under the name."))
    show_name = models.BooleanField(default=False, help_text=_("Show the learner's name on the page."))
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"

    def __str__(self):
        return f"profile of {self.user_id} ({'public' if self.public else 'off'})"


# --- course teams (issue 18): what a course team did, and how far learners got ------------------------------


class CourseTeamAction(models.Model):
    """
    One thing a course team member did to a course's badge awards: award, revoke, suspend,
    lift, re-issue, export. The course team's own history, kept apart from the awards'
    provenance because it also records what touched no award (a dry run, an export).

    .. pii: links the course-team member and the learner concerned to the action.
    .. pii_types: id, username
    .. pii_retirement: local_api
    """

    AWARD = "award"
    REVOKE = "revoke"
    SUSPEND = "suspend"
    LIFT = "lift"
    REISSUE = "reissue"
    EXPORT = "export"
    ACTIONS = [(AWARD, _("awarded")), (REVOKE, _("revoked")), (SUSPEND, _("suspended")),
               (LIFT, _("lifted the suspension")), (REISSUE, _("re-issued")), (EXPORT, _("exported recipients"))]

    course_key = models.CharField(max_length=255)
    badge_class = models.ForeignKey(BadgeClass, related_name="+", null=True, blank=True, on_delete=models.SET_NULL)
    award = models.ForeignKey(Award, related_name="+", null=True, blank=True, on_delete=models.SET_NULL)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True,
                              on_delete=models.SET_NULL)
    # The actor's and learner's usernames when it happened: the history stays readable after an
    # account is unlinked; retirement blanks them (handlers.on_user_retired -> course_team.audit.forget_user).
    actor_username = models.CharField(max_length=150, blank=True)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True,
                                on_delete=models.SET_NULL)
    learner_username = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=16, choices=ACTIONS)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True,
                              help_text=_("What else the action needs to be understood later: evidence, counts."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "openedx_badges"
        indexes = [models.Index(fields=["course_key", "-created"], name="openedx_badges_team_history"),
                   models.Index(fields=["badge_class", "-created"], name="openedx_badges_team_badge")]

    def __str__(self):
        return f"{self.actor_username} {self.action} {self.badge_class_id} for {self.learner_username}"


class BadgeProgress(models.Model):
    """
    How far a learner got towards a badge the last time its rule was evaluated and not met:
    what the course team's "in progress" count reads, since evaluating every learner's rule
    on the dashboard would read grades for the whole course.

    .. pii: links a learner to their progress on a badge.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    badge_class = models.ForeignKey(BadgeClass, related_name="+", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.CASCADE)
    done = models.PositiveIntegerField(default=0, help_text=_("Conditions met."))
    total = models.PositiveIntegerField(default=0, help_text=_("Conditions in the rule."))
    started = models.BooleanField(default=False, help_text=_("Some condition is met or partly met."))
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "openedx_badges"
        constraints = [models.UniqueConstraint(fields=["badge_class", "user"], name="openedx_badges_progress_once")]
        indexes = [models.Index(fields=["badge_class", "started"], name="openedx_badges_prog_started")]

    def __str__(self):
        return f"{self.user_id} {self.done}/{self.total} of {self.badge_class_id}"
