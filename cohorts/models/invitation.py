"""Invitations that let a city's officials bring colleagues into the city team."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resilience_portal import audit, mail
from resilience_portal.invitations import SignedInvitation

from .city import City, CityMembership
from .refusal import Refused

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

    @classmethod
    def invite(cls, *, city, email, by, role=CityMembership.Role.MEMBER):
        if not city.has_official(by):
            raise Refused(_("Only the city's officials can invite colleagues."))
        email = email.strip().lower()
        if city.memberships.verified().filter(user__email__iexact=email).exists():
            raise Refused(_("%(email)s is already an official of this city.") % {"email": email})
        with transaction.atomic():
            invitation = cls.objects.create(city=city, email=email, role=role, invited_by=by)
            audit.record(city, "city.invitation_sent", actor=by, email=email)
            mail.send_templated(
                "cohorts_invitation",
                to=email,
                context={
                    "invitation": invitation,
                    "inviter": by,
                    "link": settings.SITE_URL + invitation.get_absolute_url(),
                    "expires_at": timezone.now() + INVITATION_LIFETIME,
                },
            )
        return invitation

    def accept(self, user):
        """Join the city; only the invited address may, and only once."""
        if self.accepted_at is not None:
            raise Refused(_("This invitation has already been used."))
        if user.email.lower() != self.email.lower():
            raise Refused(
                _("This invitation is for %(email)s; sign in with that address to accept it.")
                % {"email": self.email}
            )
        with transaction.atomic():
            locked = CityInvitation.objects.select_for_update().get(pk=self.pk)
            if locked.accepted_at is not None:
                raise Refused(_("This invitation has already been used."))
            self.city.add_official(user, role=self.role, by=user, via="invitation")
            self.accepted_at = timezone.now()
            self.accepted_by = user
            self.save(update_fields=["accepted_at", "accepted_by"])
            audit.record(self, "invitation.accepted", actor=user)

    @classmethod
    def accept_pending(cls, user, email):
        """Accept every live invitation for ``email`` once ``user`` has verified it."""
        pending = cls.objects.filter(
            email__iexact=email,
            accepted_at__isnull=True,
            created_at__gte=timezone.now() - INVITATION_LIFETIME,
        ).select_related("city")
        accepted = []
        for invitation in pending:
            try:
                invitation.accept(user)
            except Refused:
                continue
            accepted.append(invitation)
        return accepted
