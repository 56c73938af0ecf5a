"""Forms and form fields of the shared core."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import connections, models
from django.utils.translation import gettext_lazy as _

from .models import User
from .text import NameField

# The first, empty entry of every list to choose from, in every form: Django's model and
# form fields take it from ``BLANK_CHOICE_LABEL`` (set in ``PortalConfig.ready``), the
# portal's own choice lists name it.
EMPTY_CHOICE = _("Choose…")

# The width of every e-mail column (RFC 5321's path limit, Django's EmailField default).
EMAIL_MAX_LENGTH = 254

validate_email_length = MaxLengthValidator(
    EMAIL_MAX_LENGTH,
    message=_(
        "An e-mail address can have at most %(limit_value)d characters "
        "(this one has %(show_value)d)."
    ),
)


class EmailAddressField(forms.EmailField):
    """An e-mail address that fits the database: longer ones are a form error, not a 500."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", EMAIL_MAX_LENGTH)
        kwargs.setdefault("error_messages", {"max_length": validate_email_length.message})
        super().__init__(**kwargs)


class ModelMultipleIdChoiceField(forms.ModelMultipleChoiceField):
    """Several choices by id; an id the database column cannot hold is refused unasked.

    SQLite cannot even bind an integer past 64 bits (OverflowError), so such an id must
    never reach a query; on every database it is simply not one of the choices.
    """

    def _check_values(self, value):
        key_field = (
            self.queryset.model._meta.get_field(self.to_field_name)
            if self.to_field_name
            else self.queryset.model._meta.pk
        )
        if isinstance(key_field, models.IntegerField):
            operations = connections[self.queryset.db].ops
            low, high = operations.integer_field_range(key_field.get_internal_type())
            for candidate in value:
                try:
                    number = int(str(candidate).strip())
                except ValueError:
                    continue  # not a number: the default check says so
                if not low <= number <= high:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": candidate},
                    )
        return super()._check_values(value)


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]
        field_classes = {"full_name": NameField}
        help_texts = {
            "language": _("The language of the portal's pages and of the e-mails it sends you."),
            "time_zone": _("Deadlines and session times are shown in this time zone."),
        }
