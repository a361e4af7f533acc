"""The views' building blocks are tested with the GUI fixtures."""

from tests.gui.conftest import context, gui_actors, isolated_settings, make_context

__all__ = ["context", "gui_actors", "isolated_settings", "make_context"]
