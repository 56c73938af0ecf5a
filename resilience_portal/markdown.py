"""Markdown written by officials, turned into HTML that is safe to show to anyone."""

import markdown as markdown_library
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(text, *, images_under=None):
    """Markdown to sanitised HTML: no scripts, styles, images or event handlers survive.

    ``images_under``: a URL prefix of our own storage (e.g. the case-study images); images
    whose address starts with it are kept, every other image is dropped, so Markdown can
    never make a reader's browser (or the PDF renderer) fetch a remote resource.
    """
    html = markdown_library.markdown(text or "", extensions=["tables", "sane_lists"])
    tags, attributes, attribute_filter = ALLOWED_TAGS, ALLOWED_ATTRIBUTES, None
    if images_under:
        tags = ALLOWED_TAGS | {"img"}
        attributes = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "title"}}

        def attribute_filter(element, attribute, value):
            if element == "img" and attribute == "src":
                return value if value.startswith(images_under) and ".." not in value else None
            return value

    cleaned = nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return mark_safe(cleaned)
