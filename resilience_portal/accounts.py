"""django-allauth adapter: account e-mails leave through the Celery mail task."""

from allauth.account.adapter import DefaultAccountAdapter
from django.core.mail import EmailMultiAlternatives

from . import mail


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = None
        if isinstance(message, EmailMultiAlternatives):
            html = next(
                (content for content, mimetype in message.alternatives if mimetype == "text/html"),
                None,
            )
        mail.queue(
            subject=message.subject,
            body=message.body,
            html=html,
            to=message.to,
            headers=dict(message.extra_headers),
            from_email=message.from_email,
        )
