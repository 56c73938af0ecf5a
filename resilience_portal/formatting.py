"""How the portal writes a moment, a day and an amount of money in each interface language.

One style per language, built on Babel's CLDR data: day-first dates with the month named (no
12/01/2026 that reads as 12 January to half the region), a 24-hour clock (no "3 p.m.."), and
every time followed by its zone. Money shows the currency's symbol where the language has one,
grouping, and the decimals the currency has in use (none for the rupiah and the dong).
"""

import copy
import datetime
import decimal
import re
import zoneinfo
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import get_currency_symbol, parse_pattern
from django.utils import timezone, translation
from django.utils.translation import gettext as _

# The English pages serve the Asia-Pacific programme: British English writes the day first.
BABEL_LOCALES = {"en": "en_GB", "id": "id", "th": "th", "vi": "vi"}
DEFAULT_LOCALE = "en_GB"

# CLDR skeletons, so each language orders and punctuates them its own way.
DATE_SKELETON = "yMMMd"
TIME_SKELETON = "Hm"


def babel_locale(language=None):
    """The Babel locale of ``language`` (or of the active language)."""
    language = (language or translation.get_language() or "en").split("-")[0]
    return Locale.parse(BABEL_LOCALES.get(language, DEFAULT_LOCALE))


def zone_abbreviation(moment):
    """The zone's short name at ``moment`` ("WIB", "UTC", "PST"), or "UTC+7" where the zone
    database names none ("+07")."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = moment.utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def in_zone(moment, zone=None):
    """``moment`` on the wall clock of ``zone`` (a name or a ZoneInfo), else the active zone."""
    if isinstance(zone, str):
        zone = zoneinfo.ZoneInfo(zone)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return timezone.localtime(moment, zone)


def format_day(value, *, zone=None, language=None):
    """``29 Dec 2026`` / ``29 Des 2026`` / ``29 ธ.ค. 2026`` / ``29 thg 12, 2026``."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = in_zone(value, zone).date()
    locale = babel_locale(language)
    return babel_format_date(value, locale.datetime_skeletons[DATE_SKELETON], locale=locale)


def format_wall_clock(moment, *, weekday=False, time_only=False, language=None):
    """``Wed 10 Mar 2027, 17:30`` (or ``17:30``) as ``moment``'s own clock reads, no zone: for
    spans whose zone is written once beside them."""
    locale = babel_locale(language)
    time_text = babel_format_time(moment, locale.datetime_skeletons[TIME_SKELETON], locale=locale)
    if time_only:
        return time_text
    skeleton = "yMMMEd" if weekday else DATE_SKELETON
    date_text = babel_format_date(moment.date(), locale.datetime_skeletons[skeleton], locale=locale)
    return str(locale.datetime_formats["medium"]).replace("'", "").format(time_text, date_text)


def format_moment(value, *, zone=None, language=None, seconds=False):
    """A date and time with its zone: ``29 Dec 2026, 17:00 WIB`` (``29 Des 2026 17.00 WIB``,
    ``17:00 WIB 29 thg 12, 2026``), in ``zone`` or the active zone."""
    if value in (None, ""):
        return ""
    moment = in_zone(value, zone)
    locale = babel_locale(language)
    time_pattern = str(locale.datetime_skeletons["Hms" if seconds else TIME_SKELETON])
    time_text = babel_format_time(moment, time_pattern, tzinfo=moment.tzinfo, locale=locale)
    date_text = babel_format_date(
        moment.date(), locale.datetime_skeletons[DATE_SKELETON], locale=locale
    )
    joined = str(locale.datetime_formats["medium"]).replace("'", "")
    return joined.format(f"{time_text} {zone_abbreviation(moment)}", date_text)


def format_city_moment(value, city, *, language=None):
    """A moment on the city's clock, its zone named: ``29 Dec 2026, 17:00 WIB, Jakarta time``."""
    return _("%(when)s, %(city)s time") % {
        "when": format_moment(value, zone=city.zone, language=language),
        "city": city.name,
    }


def machine_moment(value):
    """The ``<time datetime>`` value: UTC, to the second (browsers and feeds need no
    microseconds)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        return in_zone(value, datetime.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def currency_digits(currency):
    """The decimals ``currency`` has in use: CLDR's cash digits (0 for IDR, whose ISO 4217
    minor unit of 2 no one pays in; 0 for VND; 2 for THB, PHP, USD)."""
    fractions = get_global("currency_fractions")
    return fractions.get(currency, fractions["DEFAULT"])[2]


def plain_amount(amount, currency=None):
    """The amount as a form field or a spreadsheet cell takes it: no grouping, no trailing
    zeros (``420000000``, ``1500.5``)."""
    if amount in (None, ""):
        return ""
    amount = decimal.Decimal(amount)
    if currency:
        amount = amount.quantize(decimal.Decimal(1).scaleb(-currency_digits(currency)))
    text = format(amount, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@lru_cache(maxsize=64)
def _currency_pattern(locale_name, digits):
    pattern = copy.copy(parse_pattern(Locale.parse(locale_name).currency_formats["standard"]))
    pattern.frac_prec = (digits, digits)
    return pattern


def _spaced(text, symbol):
    # CLDR's currencySpacing (which Babel does not apply): a symbol ending or starting in a
    # letter ("IDR", "US$") stands apart from the digits by a no-break space.
    if not symbol:
        return text
    escaped = re.escape(symbol)
    if symbol[-1].isalpha():
        text = re.sub(f"({escaped})(?=[-\\d])", "\\1\u00a0", text)
    if symbol[0].isalpha():
        text = re.sub(f"(?<=\\d)({escaped})", "\u00a0\\1", text)
    return text


def format_money(amount, currency, *, language=None):
    """``Rp150.000.000`` in Bahasa Indonesia, ``IDR 150,000,000`` in English,
    ``฿420,000.00`` in Thai, ``150.000.000 ₫`` in Vietnamese."""
    if amount in (None, ""):
        return ""
    locale = babel_locale(language)
    pattern = _currency_pattern(str(locale), currency_digits(currency))
    text = pattern.apply(decimal.Decimal(amount), locale, currency=currency, currency_digits=False)
    return _spaced(text, get_currency_symbol(currency, locale=locale))
