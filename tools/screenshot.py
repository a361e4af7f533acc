"""Screenshot a screen of the application, offscreen, logged in as a staff member.

    python tools/screenshot.py --database sqlite:///demo-data/demo.sqlite3 --login admin \\
        --page members [--option member_id=8] [--wait 2] --out /tmp/members.png

``--dialog module:Class`` shows a dialog instead, built as ``Class(context, window,
**options)`` (e.g. ``--dialog backoffice.views.settings.dialog:SettingsDialog --option
tab=identity``).

For looking at what a user sees without a display (issues ask for it).
"""

from __future__ import annotations

import argparse
import importlib
import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import StaffUser
from backoffice.ops.context import AppContext
from backoffice.services.actors import actor_of
from backoffice.views.app import application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--page", default="dashboard")
    parser.add_argument("--option", action="append", default=[])
    parser.add_argument("--wait", type=float, default=1.5)
    parser.add_argument("--size", default="1400x900")
    parser.add_argument("--dialog", help="module:Class of a dialog to show instead")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    app = application()
    database = Database(args.database)
    with database.session() as session:
        actor = actor_of(session.scalar(select(StaffUser).where(StaffUser.login == args.login)))
    from backoffice.views.main_window import MainWindow

    window = MainWindow(AppContext(database, actor))
    width, height = (int(value) for value in args.size.split("x"))
    window.resize(width, height)
    window.show()
    options = dict(item.split("=", 1) for item in args.option)
    shown = window
    if args.dialog:
        module_name, class_name = args.dialog.split(":")
        dialog_class = getattr(importlib.import_module(module_name), class_name)
        shown = dialog_class(window.context, window, **options)
        shown.show()
    else:
        window.navigate(args.page, options or None)
    deadline = time.monotonic() + args.wait
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    shown.grab().save(args.out)
    window.close()  # as a user would: pages let go of what they hold, work finishes
    window.context.wait_for_background_work()
    app.processEvents()
    window.deleteLater()
    app.processEvents()
    print(args.out)


if __name__ == "__main__":
    main()
