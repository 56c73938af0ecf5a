"""The page chrome (navigation, language switcher, footer) rendered once per process.

``{% kept_chrome "header" %}...{% endkept_chrome %}`` renders its content the first time it
is needed for a language, a signed-in state and a time zone, and gives back that text on every
later page: the chrome is the same on every page for all who share those three. What belongs
to one request, the CSRF token and the address the language switcher returns to, is rendered
as a placeholder and filled in on each page. Loaded as a builtin (settings.TEMPLATES).
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils import timezone, translation
from django.utils.html import escape

register = template.Library()

TOKEN_PLACEHOLDER = "\x00chrome-csrf\x00"
PATH_PLACEHOLDER = "\x00chrome-path\x00"
KEPT_PER_PROCESS = 1000
_kept: dict = {}


class KeptChromeNode(template.Node):
    def __init__(self, name, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        user = context.get("user")
        key = (
            self.name,
            translation.get_language(),
            bool(user is not None and user.is_authenticated),
            timezone.get_current_timezone_name(),
        )
        kept = _kept.get(key)
        if kept is None:
            with context.push(csrf_token=TOKEN_PLACEHOLDER, return_path=PATH_PLACEHOLDER):
                kept = self.nodelist.render(context)
            if len(_kept) >= KEPT_PER_PROCESS:
                _kept.clear()
            _kept[key] = kept
        request = context.get("request")
        path = request.get_full_path() if request is not None else ""
        return kept.replace(PATH_PLACEHOLDER, escape(path)).replace(
            TOKEN_PLACEHOLDER, escape(str(context.get("csrf_token", "")))
        )


@receiver(setting_changed)
def _forget_on_new_settings(**kwargs):
    """The footer names settings (the organisation, its address): a change renders anew."""
    _kept.clear()


@register.tag
def kept_chrome(parser, token):
    try:
        _tag, quoted = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("kept_chrome takes one name") from None
    nodelist = parser.parse(("endkept_chrome",))
    parser.delete_first_token()
    return KeptChromeNode(quoted.strip("\"'"), nodelist)
