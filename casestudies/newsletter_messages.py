"""A newsletter issue as e-mail: rendered once per language, then made personal per subscriber.

Rendering the templates for each of 100,000 subscribers would cost more than sending; so
each language is rendered once with placeholders where the personal links go, and every
message fills in its subscriber's signed links (URL-safe, HTML-safe characters only).
"""

import email.policy
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation

from resilience_portal import markdown
from resilience_portal.mail import render

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

    def message(self, *, policy=email.policy.default):
        return super().message(policy=policy.clone(max_line_length=998))


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


def personal_message(rendered, subscriber):
    return _message(
        rendered,
        to=subscriber.email,
        unsubscribe=_absolute(subscriber.get_unsubscribe_url()),
        manage=_absolute(subscriber.get_manage_url()),
    )


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
