"""django-allauth adapter: account e-mails in the portal's name, sent by the Celery mail task."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import mail


def supported_language(code):
    """``code`` if it is one of the portal's interface languages, else ``None``."""
    return code if code in dict(settings.LANGUAGES) else None


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        site = SimpleNamespace(
            name=_("Resilience Portal"), domain=urlsplit(settings.SITE_URL).netloc
        )
        message = self.render_mail(
            template_prefix, email, {"email": email, "current_site": site, **context}
        )
        html = None
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"),
                None,
            )
        body = message.body
        if message.content_subtype == "html":
            html, body = message.body, ""
        if html is None:
            html = render_to_string("email/account_body.html", {"body": body})
        mail.queue(
            subject=message.subject,
            body=body,
            html=html,
            to=message.to,
            headers=dict(message.extra_headers),
            from_email=message.from_email,
        )

    def save_user(self, request, user, form, commit=True):
        # A language picked before signing up is the account's language from the start.
        language = supported_language(translation.get_language())
        if language:
            user.language = language
        return super().save_user(request, user, form, commit=commit)
