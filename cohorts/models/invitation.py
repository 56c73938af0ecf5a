"""Invitations that let a city's officials bring colleagues into the city team."""

from datetime import timedelta

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resilience_portal.invitations import SignedInvitation

from .city import City, CityMembership

INVITATION_SALT = "cohorts.city-invitation"


class CityInvitation(SignedInvitation):
    signing_salt = INVITATION_SALT
    lifetime = timedelta(days=14)

    city = models.ForeignKey(City, on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=CityMembership.Role.choices,
        default=CityMembership.Role.MEMBER,
    )

    class Meta(SignedInvitation.Meta):
        verbose_name = _("city invitation")
        verbose_name_plural = _("city invitations")

    def __str__(self):
        return f"{self.email} → {self.city}"

    def get_absolute_url(self):
        return reverse("cohorts:invitation", kwargs={"token": self.token})

    @property
    def is_used(self):
        return self.accepted_at is not None

    def is_for(self, user):
        return user.email.lower() == self.email.lower()
