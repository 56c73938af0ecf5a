"""SMEs, their members and the sector taxonomy they are matched by."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cohorts.models import City

from ..sectors import SectorCode


class Sector(models.Model):
    """One entry of the fixed sector taxonomy; rows are created by a data migration."""

    code = models.SlugField(max_length=40, unique=True, choices=SectorCode.CHOICES)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["code"]

    def __str__(self):
        return str(self.get_code_display())


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
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166 code, e.g. ID"))
    city = models.ForeignKey(
        City, verbose_name=_("city"), on_delete=models.PROTECT, related_name="smes"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), related_name="smes")
    employees = models.PositiveIntegerField(_("number of employees"), null=True, blank=True)
    verification = models.CharField(
        _("verification"),
        max_length=12,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SME")
        verbose_name_plural = _("SMEs")
        ordering = ["legal_name"]

    def __str__(self):
        return self.trading_name or self.legal_name

    @property
    def is_verified(self):
        return self.verification == self.Verification.VERIFIED


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

    class Meta:
        verbose_name = _("SME membership")
        verbose_name_plural = _("SME memberships")
        constraints = [
            models.UniqueConstraint(fields=["sme", "user"], name="sme_membership_unique"),
        ]

    def __str__(self):
        return f"{self.user}, {self.sme} ({self.get_role_display()})"
