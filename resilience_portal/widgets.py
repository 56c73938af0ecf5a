"""Form widgets the portal's forms share."""

from django import forms


class DateTimeLocalInput(forms.DateTimeInput):
    """A ``datetime-local`` picker; the form reads the value in the time zone it is given."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")
