"""Form widgets the portal's forms share."""

import decimal

from django import forms

from .formatting import plain_amount


class DateTimeLocalInput(forms.DateTimeInput):
    """A ``datetime-local`` picker; the form reads the value in the time zone it is given."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class AmountInput(forms.NumberInput):
    """A money amount as a person types it: ``420000000``, not the column's ``420000000.00``."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, decimal.Decimal):
            return plain_amount(value)
        return super().format_value(value)
