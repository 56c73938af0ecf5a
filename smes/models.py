"""SMEs, their members, documents and invitations, and the sector taxonomy they are matched by."""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from cohorts.models import City
from resilience_portal import scanning
from resilience_portal.invitations import SignedInvitation
from resilience_portal.permissions import Role, has_role
from resilience_portal.storage import private_storage

from .sectors import SectorCode


class Sector(models.Model):
    """One entry of the fixed sector taxonomy; rows are created by a data migration."""

    code = models.SlugField(max_length=40, unique=True, choices=SectorCode.CHOICES)

    class Meta:
        db_table = "procurement_sector"
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self):
        # Not get_code_display(): it rebuilds the whole taxonomy's translated choices on every
        # call, which dominated the directory's rendering (three badges per SME listed).
        return str(SECTOR_LABELS.get(self.code, self.code))


SECTOR_LABELS = dict(SectorCode.CHOICES)


class SizeClass(models.TextChoices):
    """Size classes by number of employees; the thresholds live here and nowhere else."""

    MICRO = "micro", _("Micro (fewer than 10 employees)")
    SMALL = "small", _("Small (10 to 49 employees)")
    MEDIUM = "medium", _("Medium (50 to 249 employees)")
    LARGE = "large", _("Large (250 employees or more)")

    @classmethod
    def bounds(cls):
        """Each class's employee range as (lowest, highest or None)."""
        return {
            cls.MICRO: (0, 9),
            cls.SMALL: (10, 49),
            cls.MEDIUM: (50, 249),
            cls.LARGE: (250, None),
        }

    @classmethod
    def short_label(cls, size):
        return {
            cls.MICRO: _("Micro"),
            cls.SMALL: _("Small"),
            cls.MEDIUM: _("Medium"),
            cls.LARGE: _("Large"),
        }[cls(size)]

    @classmethod
    def of(cls, employees):
        if employees is None:
            return None
        for size, (low, high) in cls.bounds().items():
            if employees >= low and (high is None or employees <= high):
                return size
        return None

    @classmethod
    def employees_filter(cls, size, prefix=""):
        low, high = cls.bounds()[cls(size)]
        condition = Q(**{f"{prefix}employees__gte": low})
        if high is not None:
            condition &= Q(**{f"{prefix}employees__lte": high})
        return condition


class RevenueChange(models.TextChoices):
    FELL_OVER_HALF = "fell_over_50", _("Fell by more than half")
    FELL_QUARTER_TO_HALF = "fell_25_50", _("Fell by 25 to 50%")
    FELL_UNDER_QUARTER = "fell_under_25", _("Fell by less than 25%")
    STABLE = "stable", _("Stayed about the same")
    GREW = "grew", _("Grew")


def normalise_registration_number(number):
    """Registration numbers compare without case, spaces or punctuation: "ab-12 3" is "AB123"."""
    return re.sub(r"[\W_]+", "", number or "").upper()


class SMEQuerySet(models.QuerySet):
    def visible_to(self, user):
        """SMEs whose full profile (contacts, documents, pandemic impact) ``user`` may see:
        staff and city officials see every SME, members their own."""
        if not user.is_authenticated:
            return self.none()
        if has_role(user, Role.PROGRAMME_STAFF) or has_role(user, Role.CITY_OFFICIAL):
            return self
        return self.filter(memberships__user=user)

    def editable_by(self, user):
        """Only the SME's own members keep its profile."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user)

    def managed_by(self, user):
        """Only owners invite, hand over and remove members."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(memberships__user=user, memberships__role=SMEMembership.Role.OWNER)

    def search(self, text):
        """Full-text search on PostgreSQL's stored vector; a plain contains elsewhere."""
        words = re.findall(r"\w+", text or "")[:8]
        if not words:
            return self
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery

            # The last word is a prefix, so "sol" finds "solar" while someone is still typing;
            # the words before it are typed out, and a whole word reads one index entry where a
            # prefix reads every word it starts. The last word also stands as itself beside its
            # prefix: that finds nothing more, but PostgreSQL then estimates it from the word's
            # own frequency, where a prefix alone is guessed at 2% whenever the statistics know
            # fewer than 100 common words (a "flood warning" in one city: 122 rows expected,
            # 4,534 found, and every one of them sorted rather than the city's first 25 by name).
            last = words[-1]
            raw = " & ".join([*words[:-1], f"({last} | {last}:*)"])
            return self.filter(
                search_vector=SearchQuery(raw, config=SEARCH_CONFIG, search_type="raw")
            )
        condition = Q()
        for word in words:
            condition &= (
                Q(legal_name__icontains=word)
                | Q(trading_name__icontains=word)
                | Q(capabilities__icontains=word)
            )
        return self.filter(condition)

    def in_sector(self, code):
        """SMEs listed under the sector ``code``: an EXISTS on the links by the sector's id,
        so the planner estimates from the links' own statistics. Joined through the code, it
        leaned on the sector table's, which has none: its 14 rows come from a migration, too
        few for autovacuum ever to analyse it, and 14,278 links of "water" were guessed at 333."""
        links = SME.sectors.through.objects.filter(
            sme=OuterRef("pk"), sector=Sector.objects.filter(code=code).order_by().values("pk")[:1]
        )
        return self.filter(Exists(links))


SEARCH_CONFIG = "english"
# Addresses under /smes/ that are pages, not profiles.
RESERVED_SLUGS = {"register", "verification", "invitations", "export-csv", "export"}


def search_vector_expression():
    return (
        SearchVector("legal_name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("trading_name", weight="A", config=SEARCH_CONFIG)
        + SearchVector("capabilities", weight="B", config=SEARCH_CONFIG)
    )


def display_name_key():
    """The name an SME is shown by (``str(sme)``), lower-cased: the directory sorts on it."""
    return Lower(Coalesce(NullIf("trading_name", Value("")), "legal_name"))


class SearchIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index elsewhere, so the embedded SQLite still migrates."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def check_supported(self, schema_editor):
        pass


class SME(models.Model):
    """A small or medium enterprise that can answer challenges."""

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("Not yet verified")
        PENDING = "pending", _("Verification pending")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Verification rejected")

    legal_name = models.CharField(_("legal name"), max_length=200)
    trading_name = models.CharField(_("trading name"), max_length=200, blank=True)
    slug = models.SlugField(_("web address"), max_length=220, unique=True)
    registration_number = models.CharField(_("registration number"), max_length=64)
    registration_key = models.CharField(max_length=64, editable=False, default="")
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. ID"))
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="smes"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="smes")
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    year_founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    women_led = models.BooleanField(
        _("women-led"), default=False, help_text=_("Majority owned or led by women.")
    )
    youth_led = models.BooleanField(
        _("youth-led"), default=False, help_text=_("Founded or led by people under 35.")
    )
    pandemic_impact = models.TextField(
        _("how the pandemic affected the business"), blank=True, max_length=2000
    )
    revenue_change = models.CharField(
        _("revenue change since the pandemic"),
        max_length=16,
        choices=RevenueChange.choices,
        blank=True,
    )
    capabilities = models.TextField(
        _("capabilities"),
        blank=True,
        max_length=4000,
        help_text=_("What the business can do for a city: products, services, past work."),
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    verification_note = models.TextField(_("reason given with the decision"), blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_requested_at = models.DateTimeField(null=True, blank=True)
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SMEQuerySet.as_manager()

    class Meta:
        db_table = "procurement_sme"
        verbose_name = _("SME")
        verbose_name_plural = _("SMEs")
        ordering = ["legal_name"]
        constraints = [
            # Registration numbers are unique per country however they are typed.
            models.UniqueConstraint(
                fields=["country", "registration_key"], name="sme_registration_unique"
            ),
        ]
        indexes = [
            SearchIndex(fields=["search_vector"], name="sme_search_vector_gin"),
            # The directory's order: by the name it shows, whatever the letter case; and the
            # same order within one city, for a search narrowed to a city.
            models.Index(display_name_key(), "id", name="sme_display_name_idx"),
            models.Index("city", display_name_key(), "id", name="sme_city_display_name_idx"),
            # "Verified only" with a size class: the matches counted from the index alone.
            models.Index(fields=["verification", "employees", "id"], name="sme_verified_size_idx"),
            models.Index(
                fields=["verification", "verification_requested_at"], name="sme_queue_idx"
            ),
        ]

    def __str__(self):
        return self.trading_name or self.legal_name

    def save(self, **kwargs):
        self.registration_key = normalise_registration_number(self.registration_number)
        self.country = (self.country or "").upper()
        if not self.slug:
            self.slug = self._unique_slug()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "registration_number" in update_fields:
            kwargs["update_fields"] = {*update_fields, "registration_key"}
        super().save(**kwargs)
        if update_fields is None or {"legal_name", "trading_name", "capabilities"} & set(
            update_fields
        ):
            self.refresh_search_vector()

    def get_absolute_url(self):
        return reverse("smes:detail", kwargs={"slug": self.slug})

    def refresh_search_vector(self):
        if connection.vendor == "postgresql":
            SME.objects.filter(pk=self.pk).update(search_vector=search_vector_expression())

    def _unique_slug(self):
        base = slugify(self.trading_name or self.legal_name)[:200] or "sme"
        if base in RESERVED_SLUGS:
            base = f"{base}-sme"
        slug = base
        while SME.objects.filter(slug=slug).exists():
            slug = f"{base}-{uuid.uuid4().hex[:6]}"
        return slug

    @property
    def is_verified(self):
        return self.verification == self.Verification.VERIFIED

    @property
    def size_class(self):
        return SizeClass.of(self.employees)

    def get_size_class_display(self):
        size = self.size_class
        return SizeClass.short_label(size) if size else ""

    # Completeness -----------------------------------------------------------------

    def completeness_items(self):
        """What verification needs, each as (label, done)."""
        return [
            (
                _("Legal name and registration number"),
                bool(self.legal_name and self.registration_number),
            ),
            (_("City"), bool(self.city_id)),
            (_("At least one sector"), self._has_sectors()),
            (_("Number of employees"), self.employees is not None),
            (_("Year founded"), self.year_founded is not None),
            (_("Capabilities"), bool(self.capabilities.strip())),
            (
                _("How the pandemic affected the business"),
                bool(self.pandemic_impact.strip() and self.revenue_change),
            ),
            (_("Business registration certificate"), self._has_certificate()),
        ]

    def _has_sectors(self):
        cache = getattr(self, "_prefetched_objects_cache", {})
        if "sectors" in cache:
            return bool(cache["sectors"])
        return self.sectors.exists()

    def _has_certificate(self):
        cache = getattr(self, "_prefetched_objects_cache", {})
        documents = cache["documents"] if "documents" in cache else self.documents.all()
        return any(d.kind == SMEDocument.Kind.REGISTRATION_CERTIFICATE for d in documents)

    def missing_items(self):
        return [label for label, done in self.completeness_items() if not done]

    def completeness_percent(self):
        items = self.completeness_items()
        return round(100 * sum(done for _label, done in items) / len(items))

    # Verification ---------------------------------------------------------------

    def may_request_verification(self):
        """Members may ask for verification of a new or a rejected profile."""
        return self.verification in (self.Verification.UNVERIFIED, self.Verification.REJECTED)

    @property
    def awaits_decision(self):
        return self.verification == self.Verification.PENDING

    @property
    def is_rejected(self):
        return self.verification == self.Verification.REJECTED


class SMEMembershipQuerySet(models.QuerySet):
    def owners(self):
        return self.filter(role=SMEMembership.Role.OWNER)


class SMEMembership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    sme = models.ForeignKey(SME, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sme_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SMEMembershipQuerySet.as_manager()

    class Meta:
        db_table = "procurement_smemembership"
        verbose_name = _("SME membership")
        verbose_name_plural = _("SME memberships")
        constraints = [
            models.UniqueConstraint(fields=["sme", "user"], name="sme_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user}, {self.sme} ({self.get_role_display()})"

    @property
    def is_owner(self):
        return self.role == self.Role.OWNER


def document_path(instance, filename):
    # Never the uploader's file name: a random one, with the extension of the checked kind.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"sme-documents/{instance.sme_id}/{uuid.uuid4().hex}.{extension}"


class SMEDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The SME's own members and programme staff; no one else, officials included."""
        if not user.is_authenticated:
            return self.none()
        if has_role(user, Role.PROGRAMME_STAFF):
            return self
        return self.filter(sme__memberships__user=user)


class SMEDocument(models.Model):
    class Kind(models.TextChoices):
        REGISTRATION_CERTIFICATE = "registration", _("Business registration certificate")
        OTHER = "other", _("Other supporting document")

    sme = models.ForeignKey(SME, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    file = models.FileField(upload_to=document_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    scan_status = scanning.status_field()

    objects = SMEDocumentQuerySet.as_manager()

    class Meta:
        db_table = "procurement_smedocument"
        verbose_name = _("SME document")
        verbose_name_plural = _("SME documents")
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("smes:document", kwargs={"slug": self.sme.slug, "pk": self.pk})


scanning.register(SMEDocument)

INVITATION_SALT = "procurement.sme-invitation"


class SMEInvitation(SignedInvitation):
    """An owner's invitation for a colleague to join as a member, by e-mail."""

    signing_salt = INVITATION_SALT
    lifetime = timedelta(days=14)

    sme = models.ForeignKey(SME, on_delete=models.CASCADE, related_name="invitations")

    class Meta(SignedInvitation.Meta):
        db_table = "procurement_smeinvitation"
        verbose_name = _("SME invitation")
        verbose_name_plural = _("SME invitations")

    def __str__(self):
        return f"{self.email} → {self.sme}"

    def get_absolute_url(self):
        return reverse("smes:invitation", kwargs={"token": self.token})
