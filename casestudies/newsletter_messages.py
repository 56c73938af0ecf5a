"""A newsletter issue as e-mail: rendered once per language, then made personal per subscriber.

Rendering the templates for each of 100,000 subscribers would cost more than sending; so
each language is rendered once with placeholders where the personal links go, and every
message fills in its subscriber's signed links (URL-safe, HTML-safe characters only).

Building and encoding each message with the e-mail library (its header folding above all)
cost more than the rest of the send together; so each language's message is also encoded
once, as bytes, and each subscriber's copy is those bytes with the address, the message id
and the links put in (see :class:`EncodedIssue`).
"""

import email.policy
import re
from dataclasses import dataclass
from email.utils import make_msgid

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.urls import reverse
from django.utils import translation

from resilience_portal import markdown
from resilience_portal.mail import render

from .models import Subscriber

UNSUBSCRIBE_PLACEHOLDER = "NEWSLETTER-UNSUBSCRIBE-LINK"
MANAGE_PLACEHOLDER = "NEWSLETTER-MANAGE-LINK"


@dataclass(frozen=True)
class RenderedIssue:
    subject: str
    text: str
    html: str
    language: str


class NewsletterMessage(EmailMultiAlternatives):
    """Headers may run to RFC 5322's 998 characters: folding would otherwise turn the long
    List-Unsubscribe URL into an encoded word, which mail programs do not read as a URL."""

    encoded = None  # the whole message as bytes, when made from an EncodedIssue

    def message(self, *, policy=email.policy.default):
        if self.encoded is not None:
            return _Encoded(self.encoded)
        return super().message(policy=policy.clone(max_line_length=998))


class _Encoded:
    """Stands in for the e-mail library's message where a mail backend asks for the bytes."""

    def __init__(self, raw):
        self.raw = raw

    def as_bytes(self, *args, **kwargs):
        return self.raw


def _absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def issue_context(issue, language):
    """What the e-mail and the web view show: the text in ``language`` where translated,
    and each featured case study as a reader of ``language`` sees it."""
    text = issue.text_for(language)
    featured = []
    for case_study in (
        issue.featured.listed()
        .select_related("city")
        .with_translation(language)
        .order_by("-published_at", "-id")
    ):
        text_of_study = case_study.for_reader(language)
        link = _absolute(case_study.get_absolute_url())
        if text_of_study.language == language:
            link += f"?lang={language}"
        featured.append({"case_study": case_study, "text": text_of_study, "link": link})
    return {
        "issue": issue,
        "text": text,
        "content_language": getattr(text, "language", settings.LANGUAGE_CODE),
        "introduction_html": markdown.render(text.introduction),
        "introduction_text": text.introduction,
        "featured": featured,
        "web_link": _absolute(issue.get_absolute_url()),
        "reader_language": language,
    }


def render_issue(issue, language):
    context = {
        **issue_context(issue, language),
        "unsubscribe_link": UNSUBSCRIBE_PLACEHOLDER,
        "manage_link": MANAGE_PLACEHOLDER,
    }
    subject, text, html = render("newsletter_issue", context, language=language)
    return RenderedIssue(subject=subject, text=text, html=html, language=language)


def _fill(rendered, *, unsubscribe, manage):
    def fill(value):
        return value.replace(UNSUBSCRIBE_PLACEHOLDER, unsubscribe).replace(
            MANAGE_PLACEHOLDER, manage
        )

    return fill(rendered.text), fill(rendered.html)


def _message(rendered, *, to, unsubscribe, manage, subject=None):
    text, html = _fill(rendered, unsubscribe=unsubscribe, manage=manage)
    message = NewsletterMessage(
        subject=subject or rendered.subject,
        body=text,
        to=[to],
        headers={
            # RFC 2369 and RFC 8058: mail programs offer a one-click unsubscribe button
            # that POSTs "List-Unsubscribe=One-Click" to this address.
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Content-Language": rendered.language,
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def test_message(rendered, *, to):
    """A test to staff: the links lead to the subscribe page, not to anyone's subscription."""
    harmless = _absolute(reverse("casestudies:newsletter_subscribe"))
    with translation.override(rendered.language):
        prefix = translation.gettext("[Test]")
    return _message(
        rendered,
        to=to,
        unsubscribe=harmless,
        manage=harmless,
        subject=f"{prefix} {rendered.subject}",
    )


# Placeholders for what differs between subscribers' copies of one language's message.
RECIPIENT_PLACEHOLDER = "newsletter-recipient@placeholder.invalid"
MESSAGE_ID_PLACEHOLDER = "<newsletter-message-id@placeholder.invalid>"
# An address that may be put into the encoded bytes as it is (most are): no quoting, no IDNA.
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")
# The longest personal link the encoded message makes room for on a line.
LINK_ROOM = 400


class PersonalLinks:
    """Each subscriber's signed unsubscribe and manage links, as ``Subscriber`` makes them,
    with each address reversed once rather than twice a message."""

    TOKEN = "NEWSLETTER-TOKEN"

    def __init__(self):
        self.unsubscribe_url = _absolute(
            reverse("casestudies:newsletter_unsubscribe", args=[self.TOKEN])
        )
        self.manage_url = _absolute(reverse("casestudies:newsletter_manage", args=[self.TOKEN]))
        self.unsubscribe_signer = signing.Signer(salt=Subscriber.UNSUBSCRIBE_SALT)
        self.manage_signer = signing.Signer(salt=Subscriber.MANAGE_SALT)

    def of(self, subscriber_id):
        """(unsubscribe link, manage link) of the subscriber with this id."""
        pk = str(subscriber_id)
        return (
            self.unsubscribe_url.replace(self.TOKEN, self.unsubscribe_signer.sign(pk)),
            self.manage_url.replace(self.TOKEN, self.manage_signer.sign(pk)),
        )


class EncodedIssue:
    """One language's message encoded once, then copied per subscriber as bytes.

    The copy is only made where it is certain to be the message the e-mail library would
    have made: each placeholder is found in the bytes exactly as often as it was written
    (so no part was quoted-printable or base64 encoded, and no header folded), and every line
    with a link has room for it. Otherwise (and for an address with quoting or non-ASCII
    characters) each message is built the usual way.
    """

    def __init__(self, rendered):
        self.rendered = rendered
        template = _message(
            rendered,
            to=RECIPIENT_PLACEHOLDER,
            unsubscribe=UNSUBSCRIBE_PLACEHOLDER,
            manage=MANAGE_PLACEHOLDER,
        )
        template.extra_headers["Message-ID"] = MESSAGE_ID_PLACEHOLDER
        raw = template.message(policy=email.policy.SMTP).as_bytes()
        self.raw = raw if self._faithful(raw, rendered) else None

    @staticmethod
    def _faithful(raw, rendered):
        written = {
            RECIPIENT_PLACEHOLDER: 1,
            MESSAGE_ID_PLACEHOLDER: 1,
            # once in the List-Unsubscribe header, then wherever the templates put it
            UNSUBSCRIBE_PLACEHOLDER: 1
            + (rendered.text + rendered.html).count(UNSUBSCRIBE_PLACEHOLDER),
            MANAGE_PLACEHOLDER: (rendered.text + rendered.html).count(MANAGE_PLACEHOLDER),
        }
        if any(raw.count(mark.encode()) != count for mark, count in written.items()):
            return False
        links = (UNSUBSCRIBE_PLACEHOLDER.encode(), MANAGE_PLACEHOLDER.encode())
        return all(
            len(line) + LINK_ROOM * sum(line.count(link) for link in links) <= 998
            for line in raw.split(b"\r\n")
            if any(link in line for link in links)
        )

    def message(self, *, to, unsubscribe, manage):
        message = _message(self.rendered, to=to, unsubscribe=unsubscribe, manage=manage)
        roomy = len(unsubscribe) < LINK_ROOM and len(manage) < LINK_ROOM
        if self.raw is not None and roomy and PLAIN_ADDRESS.fullmatch(to):
            message.encoded = (
                self.raw.replace(RECIPIENT_PLACEHOLDER.encode(), to.encode())
                .replace(MESSAGE_ID_PLACEHOLDER.encode(), make_msgid(domain=DNS_NAME).encode())
                .replace(UNSUBSCRIBE_PLACEHOLDER.encode(), unsubscribe.encode())
                .replace(MANAGE_PLACEHOLDER.encode(), manage.encode())
            )
        return message
