"""RSS and Atom feeds of published case studies, in the reader's language where translated."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from resilience_portal import markdown

from .models import CaseStudy

FEED_SIZE = 20


class CaseStudyFeed(Feed):
    title = _("Resilience Portal: case studies")
    link = reverse_lazy("casestudies:list")
    description = _(
        "How the programme's cities solved their resilience challenges with local SMEs."
    )

    def items(self):
        language = translation.get_language()
        return list(
            CaseStudy.objects.listed()
            .select_related("city")
            .with_translation(language)
            .order_by("-published_at", "-id")[:FEED_SIZE]
        )

    def _text(self, item):
        return item.for_reader(translation.get_language())

    def item_title(self, item):
        return self._text(item).title

    def item_description(self, item):
        return markdown.render(self._text(item).summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.city.name, *(str(label) for label in item.theme_labels())]


class CaseStudyAtomFeed(CaseStudyFeed):
    feed_type = Atom1Feed
    subtitle = CaseStudyFeed.description
