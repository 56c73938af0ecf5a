"""E-mail invitations into a team (a city's officials, an SME's members) by signed link."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.utils.translation import gettext_lazy as _

from .refusals import Refused


class SignedInvitation(models.Model):
    """An invitation whose link carries its id, signed with ``signing_salt``.

    A link is good for ``lifetime``; :meth:`from_token` refuses a forged, expired or unknown
    one the same way in every app, and callers decide what a used invitation means.
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

    @classmethod
    def from_token(cls, token):
        """The invitation behind a signed link; raises :class:`Refused` for a link that is
        expired, forged or names no invitation."""
        try:
            invitation_id = cls.id_from_token(token)
        except signing.SignatureExpired as error:
            raise Refused(_("This invitation has expired; ask for a new one.")) from error
        except signing.BadSignature as error:
            raise Refused(_("This invitation link is not valid.")) from error
        invitation = cls._default_manager.filter(pk=invitation_id).first()
        if invitation is None:
            raise Refused(_("This invitation link is not valid."))
        return invitation
