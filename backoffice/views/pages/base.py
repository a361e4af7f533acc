"""The page base lives with the other building blocks (``views/widgets/page.py``)."""

from backoffice.views.widgets.page import Page

__all__ = ["Page"]
