"""Case-study pages; the newsletter's pages sit beside them."""
