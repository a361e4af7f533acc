"""User actions declared once, calibre's ``gui2/actions`` way.

A view declares each of its actions on the method that carries it out::

    class ReviewPanel(QWidget):
        @action(lambda: tr("Approve"), shortcut=("Ctrl+Return", "Ctrl+Enter"),
                permission=Permission.CHANGES_REVIEW, default=True)
        def approve(self) -> None:
            ...  # the service it calls

and builds what staff touch from the declarations: ``self.actions = Actions(self, context)``
makes one ``QAction`` per declaration (its shortcut active inside the view, its tooltip
naming the shortcut, hidden when the role lacks the permission), then
``self.actions.button("approve")`` the button, ``self.actions.list_menu(table, ...)`` the
list's context menu. The F1 list of shortcuts (:func:`declared_in`) reads the same
declarations, so it cannot disagree with the buttons.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStyle,
    QToolButton,
    QWidget,
)

from backoffice.i18n import tr, trc
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Permission
from backoffice.views.widgets import dialogs

Icon = QStyle.StandardPixmap


@dataclass(frozen=True)
class Ask:
    """What an action asks before it runs on the view's selected row: ``question(row)``
    under ``title``, the button that goes on named ``go`` (both the action's label when
    not given). ``row``: the view's method that gives the row (None from it: nothing to
    do); ``row=None``: an action on no row, ``question()`` takes nothing and neither does
    the method."""

    question: Callable[..., str]
    title: Callable[[], str] | None = None
    go: Callable[[], str] | None = None
    row: str | None = "selected"


class action:  # noqa: N801 - used as a decorator, like ``property``
    """The declaration of one user action, on the method that carries it out.

    ``label``: the French text (a function, so that it is translated when shown);
    ``shortcut``: key sequences, the first one shown; ``permission``: the right it needs
    (without it the action is hidden and does nothing); ``enabled``: whether it applies
    now, given the view (selection, state), re-read by :meth:`Actions.update`; ``tip``: a
    longer explanation; ``default``: its button is the one Enter presses; ``on_list``: the
    shortcut works in the view's list only (Enter, Del), bound by :meth:`Actions.list_menu`;
    ``ask``: the question about the selected row asked first (the method then takes the
    row, and runs only when there is one and the user said yes)."""

    def __init__(
        self,
        label: Callable[[], str],
        *,
        shortcut: str | Iterable[str] = (),
        permission: Permission | None = None,
        enabled: Callable[[Any], bool] | None = None,
        icon: QStyle.StandardPixmap | None = None,
        tip: Callable[[], str] | None = None,
        default: bool = False,
        on_list: bool = False,
        ask: Ask | None = None,
    ) -> None:
        self.label = label
        self.ask = ask
        self.on_list = on_list
        self.shortcuts = (shortcut,) if isinstance(shortcut, str) else tuple(shortcut)
        self.permission = permission
        self.enabled = enabled
        self.icon = icon
        self.tip = tip
        self.default = default
        self.name = ""
        self.owner: type | None = None
        self.method: Callable[..., Any] | None = None

    def __call__(self, method: Callable[..., Any]) -> action:
        self.method = method
        self.__doc__ = method.__doc__
        return self

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.owner = name, owner
        _DECLARED.append(self)

    def __get__(self, view: object, owner: type | None = None) -> Any:
        if view is None:
            return self
        assert self.method is not None, f"@action {self.name} decorates no method"
        return types.MethodType(self.method if self.ask is None else self._asking, view)

    def _asking(self, view: QWidget) -> None:
        ask, method = self.ask, self.method
        assert ask is not None and method is not None
        rows = () if ask.row is None else (getattr(view, ask.row)(),)
        if None not in rows and dialogs.confirm(
            view, (ask.title or self.label)(), ask.question(*rows), (ask.go or self.label)()
        ):
            method(view, *rows)

    def keys_text(self) -> str:
        return key_text(self.shortcuts[0]) if self.shortcuts else ""

    def tooltip(self) -> str:
        text = self.tip() if self.tip else self.label()
        keys = self.keys_text()
        return tr("{label} ({keys})", label=text, keys=keys) if keys else text


_DECLARED: list[action] = []


def declared_actions(view_class: type) -> list[action]:
    """The actions a view class declares (its own and its bases'), in declaration order."""
    seen: dict[str, action] = {}
    for klass in reversed(view_class.__mro__):
        for value in vars(klass).values():
            if isinstance(value, action):
                seen[value.name] = value
    return list(seen.values())


def declared_in(package: str) -> list[action]:
    """Every action declared by the views of a module or package already imported (the
    F1 list: a section's actions, once its page is imported)."""
    return [
        declaration
        for declaration in _DECLARED
        if declaration.owner is not None
        and (
            declaration.owner.__module__ == package
            or declaration.owner.__module__.startswith(package + ".")
        )
    ]


# Keys as printed on French keyboards and in the French manuals.
def _key_names() -> dict[str, str]:
    return {
        "Shift": trc("key", "Shift"),
        "Return": trc("key", "Enter"),
        "Enter": trc("key", "Enter"),
        "Del": trc("key", "Del"),
        "Ins": trc("key", "Ins"),
        "Left": trc("key", "Left"),
        "Right": trc("key", "Right"),
        "Up": trc("key", "Up"),
        "Down": trc("key", "Down"),
        "Home": trc("key", "Home"),
        "End": trc("key", "End"),
        "PgUp": trc("key", "PgUp"),
        "PgDown": trc("key", "PgDown"),
        "Esc": trc("key", "Esc"),
        "Space": trc("key", "Space"),
        "Backspace": trc("key", "Backspace"),
    }


def key_text(keys: str) -> str:
    """``Ctrl+Shift+A`` as the user's language writes it (``Ctrl+Maj+A``)."""
    portable = QKeySequence(keys).toString(QKeySequence.SequenceFormat.PortableText)
    names = _key_names()
    return "+".join(names.get(part, part) for part in portable.split("+")) if portable else keys


def with_keys(text: str, declaration: action) -> str:
    """A button's text: the label, then its shortcut in brackets."""
    keys = declaration.keys_text()
    return tr("{label} ({keys})", label=text, keys=keys) if keys else text


@dataclass
class _Built:
    declaration: action
    qaction: QAction
    allowed: bool


class Actions:
    """The actions of one view, built from its declarations."""

    def __init__(self, view: QWidget, context: AppContext) -> None:
        self.view = view
        self._built: dict[str, _Built] = {}
        for declaration in declared_actions(type(view)):
            allowed = declaration.permission is None or context.allows(declaration.permission)
            qaction = QAction(declaration.label(), view)
            if declaration.icon is not None:
                qaction.setIcon(view.style().standardIcon(declaration.icon))
            if allowed and declaration.shortcuts:
                qaction.setShortcuts([QKeySequence(keys) for keys in declaration.shortcuts])
                qaction.setShortcutContext(
                    Qt.ShortcutContext.WidgetShortcut
                    if declaration.on_list
                    else Qt.ShortcutContext.WidgetWithChildrenShortcut
                )
            qaction.setToolTip(declaration.tooltip())
            qaction.setVisible(allowed)
            qaction.setEnabled(allowed)
            qaction.triggered.connect(lambda _checked=False, name=declaration.name: self.run(name))
            if not declaration.on_list:
                view.addAction(qaction)
            self._built[declaration.name] = _Built(declaration, qaction, allowed)

    def __getitem__(self, name: str) -> QAction:
        return self._built[name].qaction

    def allowed(self, name: str) -> bool:
        return self._built[name].allowed

    def run(self, name: str) -> None:
        """Carry the action out, if the role may and it applies now."""
        built = self._built[name]
        if built.allowed and built.qaction.isEnabled():
            getattr(self.view, name)()

    def enable(self, name: str, enabled: bool) -> None:
        built = self._built[name]
        built.qaction.setEnabled(built.allowed and enabled)

    def show(self, name: str, visible: bool) -> None:
        """Hide or show an action that only sometimes makes sense (never one the role
        may not use)."""
        built = self._built[name]
        built.qaction.setVisible(built.allowed and visible)

    def update(self) -> None:
        """Re-read each declaration's ``enabled`` (after the selection or state changed)."""
        for built in self._built.values():
            if built.declaration.enabled is not None:
                self.enable(built.declaration.name, bool(built.declaration.enabled(self.view)))

    def retitle(self, name: str, label: str) -> None:
        """A label that says more for now (``Approve the selection (13)…``)."""
        self._built[name].qaction.setText(label)

    def extend_to(self, widget: QWidget) -> None:
        """Make the shortcuts work anywhere in ``widget`` too (a panel's actions from the
        list beside it)."""
        for built in self._built.values():
            widget.addAction(built.qaction)

    def button(self, name: str) -> QPushButton:
        """A push button that shows the action (its label and shortcut), follows its
        enabled and visible state and triggers it."""
        built = self._built[name]
        button = QPushButton()
        button.setObjectName(f"action_{name}")
        button.setDefault(built.declaration.default)
        button.clicked.connect(lambda _checked=False: self.run(name))

        def follow() -> None:
            button.setText(with_keys(built.qaction.text(), built.declaration))
            button.setToolTip(built.qaction.toolTip())
            button.setEnabled(built.qaction.isEnabled())
            button.setVisible(built.qaction.isVisible())
            if not built.qaction.icon().isNull():
                button.setIcon(built.qaction.icon())

        built.qaction.changed.connect(follow)
        follow()
        return button

    def buttons(self, *names: str) -> list[QPushButton]:
        return [self.button(name) for name in names]

    def menu_button(self, text: str, *names: str | None) -> QToolButton:
        """A button that opens a menu of actions (the less frequent ones of a bar)."""
        button = QToolButton()
        button.setText(text)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMenu(self.menu(names, button))
        button.setVisible(any(self._built[n].allowed for n in names if n is not None))
        return button

    def bar(self, *names: str, count: QLabel | None = None) -> QHBoxLayout:
        """The bar under a list: ``count`` (what the list holds) on the left, the buttons
        of ``names`` on the right."""
        bar = QHBoxLayout()
        if count is not None:
            bar.addWidget(count)
        bar.addStretch()
        for button in self.buttons(*names):
            bar.addWidget(button)
        return bar

    def tool_bar(self, *names: str, end: QWidget | None = None) -> QHBoxLayout:
        """The buttons of ``names`` from the left, ``end`` (a summary, a button apart) on
        the right."""
        bar = QHBoxLayout()
        for button in self.buttons(*names):
            bar.addWidget(button)
        bar.addStretch()
        if end is not None:
            bar.addWidget(end)
        return bar

    def menu(self, names: Iterable[str | None], parent: QWidget | None = None) -> QMenu:
        """A menu of the actions ``names`` (None in the list: a separator)."""
        menu = QMenu(parent or self.view)
        for name in names:
            if name is None:
                menu.addSeparator()
            else:
                menu.addAction(self._built[name].qaction)
        return menu

    def bind_list(self, table: QWidget, *names: str) -> None:
        """The shortcuts of the ``on_list`` actions among ``names`` work in ``table``."""
        for name in names:
            if self._built[name].declaration.on_list:
                table.addAction(self._built[name].qaction)

    def list_menu(self, table: QAbstractItemView, *names: str | None) -> None:
        """The right-click menu of a list: these actions, on the rows under the mouse; the
        shortcuts of the ``on_list`` ones work in the list."""
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.bind_list(table, *(name for name in names if name is not None))

        def popup(point: QPoint) -> None:
            index = table.indexAt(point)
            if index.isValid() and not table.selectionModel().isRowSelected(index.row()):
                table.setCurrentIndex(index)
            self.update()
            menu = self.menu(names, table)
            if any(action.isVisible() for action in menu.actions()):
                menu.exec(table.viewport().mapToGlobal(point))
            menu.deleteLater()

        table.customContextMenuRequested.connect(popup)
