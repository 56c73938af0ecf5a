"""A visitor subscribes, confirms from the e-mail (double opt-in), manages and unsubscribes."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from casestudies.models import Subscriber
from casestudies.newsletter_forms import CONSENT_TEXT
from resilience_portal.models import AuditEntry
from tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

SUBSCRIBE = reverse("casestudies:newsletter_subscribe")
LINK = re.compile(r"https?://[^/\s]+(/newsletter/(?:confirm|manage|unsubscribe)/[^/\s]+/)")


def form(email="Arunee@Example.org", **changes):
    return {
        "email": email,
        "name": "Arunee",
        "language": "th",
        "topics": ["climate", "jobs"],
        "consent": "on",
        **changes,
    }


def subscribe(client, email="Arunee@Example.org", **changes):
    return client.post(SUBSCRIBE, form(email, **changes))


def page_text(response):
    """The page without what differs on every response (CSP nonce, CSRF token)."""
    return re.sub(rb'(nonce|name="csrfmiddlewaretoken" value)="[^"]*"', b"", response.content)


def links(message):
    return LINK.findall(message.body)


def test_subscribing_keeps_the_consent_text_and_time_and_waits_for_confirmation(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client)

    assert response.status_code == 302
    assert response.url == reverse("casestudies:newsletter_check_inbox")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "arunee@example.org"
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.language == "th" and subscriber.topics == ["climate", "jobs"]
    assert subscriber.consent_text == str(CONSENT_TEXT)
    assert subscriber.consented_at is not None
    (message,) = mail.outbox
    assert message.to == ["arunee@example.org"]
    assert "/newsletter/confirm/" in message.body


def test_subscribing_without_consent_is_a_form_error_and_stores_nothing(client):
    response = client.post(SUBSCRIBE, form(consent=""))

    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert not Subscriber.objects.exists()


@pytest.mark.parametrize("status", ["pending", "confirmed", "unsubscribed", "bounced"])
def test_a_repeat_subscribe_shows_the_same_page_sends_one_email_and_adds_no_row(
    client, django_capture_on_commit_callbacks, status
):
    SubscriberFactory(email="arunee@example.org", status=status)

    with django_capture_on_commit_callbacks(execute=True):
        response = subscribe(client, "ARUNEE@example.org")

    fresh = Client()
    with django_capture_on_commit_callbacks(execute=True):
        new_address = subscribe(fresh, "someone.new@example.org")
    assert response.status_code == new_address.status_code == 302
    assert response.url == new_address.url
    assert page_text(client.get(response.url)) == page_text(fresh.get(new_address.url))
    assert Subscriber.objects.filter(email__iexact="arunee@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["arunee@example.org"], ["someone.new@example.org"]]


def test_a_repeat_subscribe_never_changes_a_confirmed_subscription(
    client, django_capture_on_commit_callbacks
):
    subscriber = SubscriberFactory(email="arunee@example.org", language="en", name="Arunee")

    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, name="Someone else", language="vi")

    subscriber.refresh_from_db()
    assert (subscriber.status, subscriber.language, subscriber.name) == (
        "confirmed",
        "en",
        "Arunee",
    )
    assert "/newsletter/manage/" in mail.outbox[0].body
    assert "/newsletter/confirm/" not in mail.outbox[0].body


def test_confirming_takes_a_post_from_the_page_the_email_links_to(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client)
    (confirm_link,) = links(mail.outbox[0])

    page = client.get(confirm_link)
    assert page.status_code == 200
    assert Subscriber.objects.get().status == "pending"  # a GET (a link scanner) writes nothing

    client.post(confirm_link)
    subscriber = Subscriber.objects.get()
    assert subscriber.status == "confirmed" and subscriber.confirmed_at is not None
    assert AuditEntry.objects.filter(action="newsletter.confirmed").count() == 1


def test_a_forged_or_expired_confirmation_link_confirms_nothing(client, settings):
    subscriber = SubscriberFactory(status="pending")
    forged = subscriber.confirm_token()[:-2] + "xx"

    assert client.post(reverse("casestudies:newsletter_confirm", args=[forged])).status_code == 404
    unsubscribe_token = subscriber.unsubscribe_token()  # a valid token of another kind
    response = client.post(reverse("casestudies:newsletter_confirm", args=[unsubscribe_token]))
    assert response.status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == "pending"


def test_an_unsubscribed_address_cannot_be_confirmed_with_an_old_link(client):
    subscriber = SubscriberFactory(status="unsubscribed")

    client.post(reverse("casestudies:newsletter_confirm", args=[subscriber.confirm_token()]))

    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed"


def test_the_unsubscribe_link_shows_a_confirmation_page_on_get_and_changes_nothing(client):
    subscriber = SubscriberFactory()

    response = client.get(subscriber.get_unsubscribe_url())

    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"


def test_one_click_unsubscribe_works_without_cookies_login_or_csrf_token_and_twice():
    subscriber = SubscriberFactory()
    mail_program = Client(enforce_csrf_checks=True)

    for _ in range(2):  # RFC 8058: the same POST again changes nothing and still succeeds
        response = mail_program.post(
            subscriber.get_unsubscribe_url(), {"List-Unsubscribe": "One-Click"}
        )
        assert response.status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.status == "unsubscribed" and subscriber.unsubscribed_at is not None
    entry = AuditEntry.objects.get(action="newsletter.unsubscribed")
    assert entry.details == {"how": "one-click"}


def test_a_forged_unsubscribe_token_is_a_404_and_unsubscribes_nobody():
    subscriber = SubscriberFactory()
    token = f"{subscriber.pk}:forged"

    response = Client(enforce_csrf_checks=True).post(
        reverse("casestudies:newsletter_unsubscribe", args=[token])
    )

    assert response.status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.status == "confirmed"


def test_a_bounced_address_stays_bounced_when_its_unsubscribe_link_is_used():
    subscriber = SubscriberFactory(status="bounced")

    Client().post(subscriber.get_unsubscribe_url())

    subscriber.refresh_from_db()
    assert subscriber.status == "bounced"


def test_the_manage_link_changes_language_and_topics(client):
    subscriber = SubscriberFactory(language="en", topics=[])

    response = client.post(
        subscriber.get_manage_url(), {"name": "Lan", "language": "vi", "topics": ["health"]}
    )

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert (subscriber.language, subscriber.topics, subscriber.name) == ("vi", ["health"], "Lan")


def test_a_forged_manage_link_is_a_404(client):
    subscriber = SubscriberFactory()

    response = client.get(reverse("casestudies:newsletter_manage", args=[f"{subscriber.pk}:x"]))

    assert response.status_code == 404


def test_the_confirmation_email_is_in_the_language_asked_for(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        subscribe(client, language="th")

    (message,) = mail.outbox
    assert "พอร์ทัลเมืองยืดหยุ่น" in message.body  # the portal's name in Thai


def test_asking_again_and_again_for_one_address_is_refused_on_the_form(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _attempt in range(3):
            assert subscribe(Client(), "victim@example.org").status_code == 302
        refused = subscribe(client, "VICTIM@example.org")

    assert refused.status_code == 429
    assert "try again in an hour" in refused.content.decode()
    assert refused.context["form"].data["email"] == "VICTIM@example.org"
    assert len(mail.outbox) == 3
    assert subscribe(Client(), "someone.else@example.org").status_code == 302


def test_many_addresses_from_one_network_are_refused_after_the_limit(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "newsletter_subscribe": "2/h/ip",
    }
    visitor = Client(REMOTE_ADDR="203.0.113.7")
    assert subscribe(visitor, "one@example.org").status_code == 302
    assert subscribe(visitor, "two@example.org").status_code == 302

    refused = subscribe(visitor, "three@example.org")

    assert refused.status_code == 429
    assert not Subscriber.objects.filter(email="three@example.org").exists()
    assert subscribe(Client(REMOTE_ADDR="198.51.100.2"), "three@example.org").status_code == 302
