"""CSV exports that a spreadsheet opens safely."""

# A spreadsheet runs a cell that starts like a formula (CSV injection): such text is
# prefixed with an apostrophe, which shows as typed and is never evaluated.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """``value`` as text a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
