"""Invitations that let a city's officials bring colleagues into the city team."""

from datetime import timedelta

from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from resilience_portal.invitations import SignedInvitation
from resilience_portal.refusals import Refused

from .city import City, CityMembership

INVITATION_SALT = "cohorts.city-invitation"
INVITATION_LIFETIME = timedelta(days=14)


class CityInvitation(SignedInvitation):
    signing_salt = INVITATION_SALT
    lifetime = INVITATION_LIFETIME

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

    @classmethod
    def from_token(cls, token):
        try:
            invitation_id = cls.id_from_token(token)
        except signing.SignatureExpired as error:
            raise Refused(_("This invitation has expired; ask for a new one.")) from error
        except signing.BadSignature as error:
            raise Refused(_("This invitation link is not valid.")) from error
        invitation = cls.objects.select_related("city").filter(pk=invitation_id).first()
        if invitation is None:
            raise Refused(_("This invitation link is not valid."))
        return invitation

    @property
    def is_used(self):
        return self.accepted_at is not None

    def is_for(self, user):
        return user.email.lower() == self.email.lower()
