"""Text people type that others read as a name or a title, kept free of direction tricks.

Unicode bidirectional controls (an override such as U+202E, an isolate, a mark) change
how the characters around them are displayed, so "Fakeville\u202egnp.exe" can show as a
different name. No name or title in the programme needs them; they are removed.
"""

from django import forms

BIDI_CONTROLS = frozenset(
    "\u061c"  # Arabic letter mark
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a\u202b\u202c\u202d\u202e"  # embeddings, pop, overrides
    "\u2066\u2067\u2068\u2069"  # isolates and pop
)
_REMOVE_BIDI_CONTROLS = dict.fromkeys(map(ord, BIDI_CONTROLS))


def without_bidi_controls(text):
    """``text`` with every bidirectional control character removed."""
    return text.translate(_REMOVE_BIDI_CONTROLS)


class NameField(forms.CharField):
    """A name or a title: bidirectional controls removed before the length and blank checks."""

    def to_python(self, value):
        if isinstance(value, str):
            value = without_bidi_controls(value)
        return super().to_python(value)
