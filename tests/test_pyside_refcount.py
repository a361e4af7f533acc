"""Regression test for the PySide6 6.12.0 reference leak on None/True/False.

With that release on Python 3.11 every call of a C++ method returning nothing loses a
reference to ``None``; after a few hundred thousand calls the process dies with
``Fatal Python error: none_dealloc``. We pin a safe release; this test makes a few million
such calls in a subprocess and expects it to survive with ``None``'s count unchanged.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = r"""
import sys
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Signal

class Emitter(QObject):
    fired = Signal()

class Model(QAbstractListModel):
    def rowCount(self, parent=QModelIndex()):
        return 0
    def data(self, index, role=0):
        return None

emitter, model = Emitter(), Model()
root = QModelIndex()
before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
for _ in range(1_000_000):
    emitter.setObjectName("x")
    emitter.fired.emit()
    model.beginResetModel()
    model.endResetModel()
    emitter.blockSignals(False)
after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
print(*[a - b for a, b in zip(after, before)])
"""


@pytest.mark.slow
def test_millions_of_void_calls_do_not_leak_none() -> None:
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    drifts = [int(value) for value in result.stdout.split()]
    assert all(abs(drift) < 1000 for drift in drifts), drifts
