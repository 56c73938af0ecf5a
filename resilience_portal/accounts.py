"""django-allauth adapter and sign-up form: account e-mails in the portal's name, sent by the
Celery mail task; addresses that fit the database; a sign-up that does not tell who has an account.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import mail
from .forms import validate_email_length


def supported_language(code):
    """``code`` if it is one of the portal's interface languages, else ``None``."""
    return code if code in dict(settings.LANGUAGES) else None


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        # Sign-up and "add an address" both ask here; a longer address would be cut
        # to the column's width at sign-up, or fail to save when added.
        validate_email_length(email)
        return super().clean_email(email)

    def send_mail(self, template_prefix, email, context):
        site = SimpleNamespace(
            name=_("Resilience Portal"), domain=urlsplit(settings.SITE_URL).netloc
        )
        language = self.recipient_language(email, context)
        with translation.override(language):
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
            language=language,
        )

    def format_email_subject(self, subject):
        # The portal's name in the reader's language, not a fixed English prefix.
        return f"[{_('Resilience Portal')}] {subject}"

    def recipient_language(self, email, context):
        """An account's holder reads in the account's language, whoever asked (a password
        reset, a confirmation). For an address with no account the only reader to go by is
        the person who typed it, so their page's language is kept."""
        user = context.get("user")
        if not getattr(user, "pk", None):
            user = get_user_model().objects.filter(email__iexact=email).first()
        if user is not None:
            return mail.language_of(user)
        return translation.get_language() or settings.LANGUAGE_CODE

    def save_user(self, request, user, form, commit=True):
        # A language picked before signing up is the account's language from the start.
        language = supported_language(translation.get_language())
        if language:
            user.language = language
        return super().save_user(request, user, form, commit=commit)


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        if self.account_already_exists:
            # A new account costs a password hash; without one here, a quick answer would
            # tell whoever asks that the address already has an account. Both paths then
            # queue one e-mail through the same after-commit task.
            make_password(self.cleaned_data["password1"])
        return super().try_save(request)
