"""The e-mails the cohorts app sends: who is told what, each in their own language."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from resilience_portal import mail
from resilience_portal.permissions import programme_staff_users

from .models import CityApplication


def tell_officials(application, template_prefix):
    """E-mail each of the city's verified officials, after commit."""
    for official in application.officials():
        mail.send_templated(
            template_prefix,
            to=official,
            context={"application": application, "name": official, "site_url": settings.SITE_URL},
        )


def tell_requester(membership, template_prefix):
    """Tell the person who asked to represent a city what staff decided."""
    person = membership.user
    site = settings.SITE_URL.rstrip("/")
    mail.send_templated(
        template_prefix,
        to=person,
        context={
            "membership": membership,
            "city": membership.city,
            "name": person.full_name,
            "link": site + membership.city.get_absolute_url(),
            "register_link": site + reverse("cohorts:city_register"),
        },
    )


def tell_staff_city_requested(membership):
    """Programme staff hear of every request to represent a city, each in their language, so
    none waits unseen in the review queue."""
    staff = list(programme_staff_users())
    if not staff:
        return
    mail.send_templated(
        "cohorts_official_requested",
        to=staff,
        context={
            "membership": membership,
            "city": membership.city,
            "person": membership.user,
            "link": settings.SITE_URL.rstrip("/") + reverse("cohorts:official_requests"),
        },
    )


def send_invitation(invitation, *, inviter):
    mail.send_templated(
        "cohorts_invitation",
        to=mail.addressee(invitation.email, introduced_by=inviter),
        context={
            "invitation": invitation,
            "inviter": inviter,
            "link": settings.SITE_URL + invitation.get_absolute_url(),
            "expires_at": timezone.now() + invitation.lifetime,
        },
    )


def send_selection_results(cohort_id):
    """E-mail each decided applicant its result once; safe to run twice."""
    decided = CityApplication.objects.filter(
        cohort_id=cohort_id,
        status__in=CityApplication.RESULTS,
        result_emailed_at__isnull=True,
    ).select_related("city", "cohort")
    sent = 0
    for application in decided:
        with transaction.atomic():
            claimed = CityApplication.objects.filter(
                pk=application.pk, result_emailed_at__isnull=True
            ).update(result_emailed_at=timezone.now())
            if not claimed:
                continue
            tell_officials(application, "cohorts_result")
            sent += 1
    return sent
