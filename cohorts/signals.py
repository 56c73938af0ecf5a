"""Signal receivers: a newly verified address picks up the city invitations sent to it."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from . import services


@receiver(email_confirmed, dispatch_uid="cohorts.accept_invitations_on_email_confirmed")
def accept_invitations(request, email_address, **kwargs):
    # The address is proven now, so the invitation's promise can be kept without a second click.
    services.accept_pending_invitations(email_address.user, email_address.email)
