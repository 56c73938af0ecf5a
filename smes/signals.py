"""Signal receivers: a newly verified address picks up the SME invitations sent to it."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed, dispatch_uid="smes.accept_invitations_on_email_confirmed")
def accept_invitations(request, email_address, **kwargs):
    # The address is proven now, as with city invitations: no second trip to the e-mail.
    services.accept_pending_invitations(email_address.user, email_address.email)
