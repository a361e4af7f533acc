"""The views' building blocks are tested with the GUI fixtures."""

from tests.gui.conftest import _settings_kept_apart, context

__all__ = ["_settings_kept_apart", "context"]
