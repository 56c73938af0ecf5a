"""E-mail invitations into a team (a city's officials, an SME's members) by signed link."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedInvitation(models.Model):
    """An invitation whose link carries its id, signed with ``signing_salt``.

    A link is good for ``lifetime``; subclasses decide what a bad or expired link means.
    """

    signing_salt: str
    lifetime: timedelta

    email = models.EmailField(_("e-mail address"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def token(self):
        return signing.dumps({"invitation": self.pk}, salt=self.signing_salt)

    @classmethod
    def id_from_token(cls, token):
        """The invitation id a link carries; raises ``signing.SignatureExpired`` or
        ``signing.BadSignature`` for a link that is too old or forged."""
        payload = signing.loads(token, salt=cls.signing_salt, max_age=cls.lifetime.total_seconds())
        return payload.get("invitation")
