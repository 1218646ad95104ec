"""
JSON shapes of awards and badge classes for the learner API.

Only public information about a badge class, and of an award only what its
owner may see; the owner may change nothing but the two sharing choices.
Computed values are declared as typed fields so the OpenAPI schema says what they are.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..credentials import public_urls
from ..views import wallet
from ..visibility import tracking

WRITABLE_AWARD_FIELDS = ("public", "show_name")
PUBLIC_HELP = _("Anyone with the link may see the verification page; when false only the learner can.")
SHOW_NAME_HELP = _("Show the learner's name on the verification page.")


class ComputedURLField(serializers.URLField):
    """A read-only URL computed from the whole object (``source="*"``)."""

    def __init__(self, func, **kwargs):
        self.func = func
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.func(value)


class WalletURLField(serializers.URLField):
    """The award's wallet page on the host that answered (the wallet is not a published document)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    PLACEHOLDER = "00000000-0000-4000-8000-000000000000"

    def to_representation(self, value):
        # Reversed once per response (kept in the serializers' shared context), the UUID put in by
        # text: a skills profile lists a thousand awards, and reverse() per award is most of its time.
        template = self.context.get("_wallet_url_template")
        if template is None:
            path = reverse("openedx_badges:wallet-detail", kwargs={"award_uuid": self.PLACEHOLDER})
            request = self.context.get("request")
            template = request.build_absolute_uri(path) if request is not None else path
            if isinstance(self.context, dict):
                self.context["_wallet_url_template"] = template
        return template.replace(self.PLACEHOLDER, str(value.uuid))


class AwardStateField(serializers.ChoiceField):
    """The award's state now, decided as everywhere else by ``Award.state``."""

    def __init__(self, **kwargs):
        super().__init__(choices=wallet.STATUSES, source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return value.state()


class IssuerSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    name = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True, help_text=_("The issuer's home page."))


class AlignmentSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    targetName = serializers.CharField(read_only=True, required=False)  # camelCase: the Open Badges names
    targetUrl = serializers.CharField(read_only=True, required=False)
    targetDescription = serializers.CharField(read_only=True, required=False)
    targetFramework = serializers.CharField(read_only=True, required=False)
    targetCode = serializers.CharField(read_only=True, required=False)
    targetType = serializers.CharField(read_only=True, required=False)


class EvidenceSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    id = serializers.CharField(read_only=True, required=False, help_text=_("A URL where the evidence can be seen."))
    name = serializers.CharField(read_only=True, required=False)
    description = serializers.CharField(read_only=True, required=False)
    narrative = serializers.CharField(read_only=True, required=False)
    genre = serializers.CharField(read_only=True, required=False)
    audience = serializers.CharField(read_only=True, required=False)


class BadgeClassSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """What anyone may know about a badge: the public achievement definition."""

    uuid = serializers.UUIDField(read_only=True)
    name = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    course_key = serializers.CharField(read_only=True, help_text=_("Empty for a badge not tied to one course."))
    achievement_type = serializers.CharField(read_only=True,
                                             help_text=_("Open Badges 3.0 achievementType, or ext:Name."))
    level = serializers.CharField(read_only=True)
    criteria_narrative = serializers.CharField(read_only=True)
    criteria_url = serializers.CharField(read_only=True)
    alignments = AlignmentSerializer(many=True, read_only=True, help_text=_("Skills or standards."))
    tags = serializers.ListField(child=serializers.CharField(), read_only=True)
    validity_days = serializers.IntegerField(read_only=True, allow_null=True,
                                             help_text=_("Days an award stays valid; null: no expiry."))
    image_url = ComputedURLField(public_urls.badge_image_url)
    badge_class_url = ComputedURLField(public_urls.badge_class_url,
                                       help_text=_("The Open Badges 2.0 BadgeClass document."))
    issuer = IssuerSerializer(read_only=True)


class AwardLinksSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """Where the award's documents, images and sharing targets are."""

    verify = ComputedURLField(public_urls.verify_page_url, help_text=_("The human verification page."))
    credential_ob3 = ComputedURLField(public_urls.credential_url, help_text=_("The signed 3.0 credential (JSON)."))
    assertion_ob2 = ComputedURLField(public_urls.assertion_url, help_text=_("The hosted 2.0 assertion (JSON)."))
    png_ob3 = ComputedURLField(lambda award: public_urls.baked_url(award, "ob3", "png"))
    svg_ob3 = ComputedURLField(lambda award: public_urls.baked_url(award, "ob3", "svg"))
    png_ob2 = ComputedURLField(lambda award: public_urls.baked_url(award, "ob2", "png"))
    svg_ob2 = ComputedURLField(lambda award: public_urls.baked_url(award, "ob2", "svg"))
    linkedin = ComputedURLField(wallet.linkedin_url, help_text=_("LinkedIn's add-to-profile link."))
    wallet = WalletURLField(help_text=_("The award's page in the learner's wallet."))


class AwardSharingSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The body of a PATCH: the two choices a learner makes about an award (the schema's request body)."""

    public = serializers.BooleanField(required=False, help_text=PUBLIC_HELP)
    show_name = serializers.BooleanField(required=False, help_text=SHOW_NAME_HELP)


class AwardSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One of the requester's awards; ``public`` and ``show_name`` are theirs to change."""

    uuid = serializers.UUIDField(read_only=True)
    badge = BadgeClassSerializer(source="badge_class", read_only=True)
    state = AwardStateField()
    issued_on = serializers.DateTimeField(read_only=True)
    valid_until = serializers.DateTimeField(read_only=True, allow_null=True)
    revoked_at = serializers.DateTimeField(read_only=True, allow_null=True)
    revocation_reason = serializers.CharField(read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    public = serializers.BooleanField(required=False, help_text=PUBLIC_HELP)
    show_name = serializers.BooleanField(required=False, help_text=SHOW_NAME_HELP)
    links = AwardLinksSerializer(source="*", read_only=True)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(WRITABLE_AWARD_FIELDS))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field cannot be changed.")] for name in unknown})
        return attrs

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if validated_data:  # never rewrite the signed documents
            instance.save(update_fields=list(validated_data))
            tracking.visibility_changed(instance, instance.public, instance.show_name)
        return instance


# --- the learner's pathways in progress (openedx_plugin.pathways.progress) ---------------------


class PathwayStepSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    uuid = serializers.UUIDField(read_only=True, help_text=_("The badge class's UUID."))
    name = serializers.CharField(read_only=True)
    course_key = serializers.CharField(read_only=True, help_text=_("The course that awards it; empty for none."))
    course_url = serializers.URLField(read_only=True, allow_null=True,
                                      help_text=_("Where the learner goes to earn it: the course's home."))
    held = serializers.BooleanField(read_only=True, help_text=_("Whether the learner holds it now."))
    optional = serializers.BooleanField(read_only=True, help_text=_("An optional step: shown, never counted."))


class PathwayMilestoneSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    number = serializers.IntegerField(read_only=True, help_text=_("Its place in the pathway, from 1."))
    title = serializers.CharField(read_only=True, help_text=_("The author's title; empty when none was given."))
    state = serializers.ChoiceField(choices=["done", "next", "later"], read_only=True, help_text=_(
        "done: reached; next: the first milestone not reached; later: the ones after it."))
    have = serializers.IntegerField(read_only=True, help_text=_("Required badges of it the learner holds."))
    needed = serializers.IntegerField(read_only=True, help_text=_("Required badges it needs."))
    steps = PathwayStepSerializer(many=True, read_only=True)


class PathwaySerializer(serializers.Serializer):  # pylint: disable=abstract-method
    uuid = serializers.UUIDField(read_only=True, help_text=_("The UUID of the badge the pathway leads to."))
    name = serializers.CharField(read_only=True)
    course_key = serializers.CharField(read_only=True)
    done = serializers.IntegerField(read_only=True, help_text=_("Milestones reached."))
    total = serializers.IntegerField(read_only=True, help_text=_("Milestones in the pathway."))
    milestones = PathwayMilestoneSerializer(many=True, read_only=True)


# --- the skills profile and the public profile (issue 18) ---------------------------------------


class SkillAwardSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """An award that evidences a skill: enough to name it and link to it."""

    uuid = serializers.UUIDField(read_only=True)
    badge_name = serializers.CharField(source="badge_class.name", read_only=True)
    badge_uuid = serializers.UUIDField(source="badge_class.uuid", read_only=True)
    wallet = WalletURLField(help_text=_("The award's page in the learner's wallet."))

    def to_representation(self, instance):
        # The fields above, written out: a profile lists every award the learner holds, and DRF's
        # field-by-field path costs more than the query that read them (bench/wallet.py).
        return {"uuid": str(instance.uuid), "badge_name": instance.badge_class.name,
                "badge_uuid": str(instance.badge_class.uuid),
                "wallet": self.fields["wallet"].to_representation(instance)}


class SkillSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """One skill (an alignment target) with the strongest level reached and the awards behind it."""

    name = serializers.CharField(read_only=True)
    code = serializers.CharField(read_only=True, help_text=_("The framework's code of the skill, or empty."))
    framework = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text=_("The skill's page in its framework, or empty."))
    target_type = serializers.CharField(read_only=True)
    level = serializers.CharField(read_only=True, help_text=_("The strongest level among the awards, or empty."))
    awards = SkillAwardSerializer(many=True, read_only=True)


class SkillGroupSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The skills of one framework; ``framework`` is empty for alignments that name none."""

    framework = serializers.CharField(read_only=True)
    skills = SkillSerializer(many=True, read_only=True)


class LearnerProfileSerializer(serializers.Serializer):  # pylint: disable=abstract-method
    """The learner's public profile choices; ``url`` is where the page is (it answers 404 while off)."""

    public = serializers.BooleanField(required=False, help_text=_(
        "Anyone with the link sees the badges the learner made public; false: the page does not exist."))
    slug = serializers.SlugField(required=False, max_length=40, help_text=_(
        "The last part of the page's address: letters, digits, hyphens, underscores."))
    show_name = serializers.BooleanField(required=False, help_text=_("Show the learner's name on the page."))
    headline = serializers.CharField(required=False, allow_blank=True, max_length=120)
    url = serializers.SerializerMethodField(help_text=_("The public page's address."))

    def get_url(self, profile) -> str:
        return public_urls.absolute(reverse("openedx_badges:public-profile", kwargs={"slug": profile.slug}))

    def validate_slug(self, value):
        from ..models import LearnerProfile  # pylint: disable=import-outside-toplevel

        value = value.lower()
        if LearnerProfile.objects.filter(slug=value).exclude(pk=getattr(self.instance, "pk", None)).exists():
            raise serializers.ValidationError(_("This address is taken: choose another one."))
        return value

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - {"public", "slug", "show_name", "headline"})
        if unknown:
            raise serializers.ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
        return attrs

    def update(self, instance, validated_data):
        for name, value in validated_data.items():
            setattr(instance, name, value)
        if validated_data:
            instance.save(update_fields=[*validated_data, "modified"])
        return instance
