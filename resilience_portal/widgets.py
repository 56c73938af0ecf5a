"""Form widgets the portal's forms share."""

import decimal

from django import forms

from .formatting import plain_amount


class DateTimeLocalInput(forms.DateTimeInput):
    """A ``datetime-local`` picker; the form reads the value in the time zone it is given."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class HiddenInitialInput(forms.HiddenInput):
    """The hidden copy of a field's initial value (``show_hidden_initial``). Django hands it the
    field's ``aria-describedby``, which HTML does not allow on a hidden input and which would
    point readers at help for a field they cannot see."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("aria-describedby", None)
        return context


class AmountInput(forms.NumberInput):
    """A money amount as a person types it: ``420000000``, not the column's ``420000000.00``."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, decimal.Decimal):
            return plain_amount(value)
        return super().format_value(value)
