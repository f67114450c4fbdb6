"""tongban worker: run background tasks (notifications, deadlines, index updates) and the outbox."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)


def deliver_outbox_until(stop: threading.Event, interval: float) -> None:
    """通知发件箱: deliver queued SMS and e-mail every `interval` seconds until `stop` is set."""
    from tongban.notices.services import OUTBOX_BATCH, deliver_outbox

    while not stop.is_set():
        try:
            close_old_connections()
            while deliver_outbox() >= OUTBOX_BATCH and not stop.is_set():
                pass  # a backlog: go on at once
        except DatabaseError:
            logger.warning("outbox delivery postponed (database unavailable)", exc_info=True)
            connection.close()
        stop.wait(interval)
    connection.close()


class Command(BaseCommand):
    help = "Run the background task worker (django-tasks database backend) and deliver the notice outbox."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument("--batch", action="store_true", help="run what is queued, then stop")

    def handle(self, *args: Any, **options: Any) -> None:
        from tongban.notices.services import deliver_outbox, outbox_is_polled

        # one process: no code reloader (it would run a second copy of the outbox loop beside it)
        extra = ["--no-reload", *(["--batch"] if options["batch"] else [])]
        if options["batch"]:
            call_command("db_worker", "--interval", str(options["interval"]), *extra)
            if outbox_is_polled():
                while deliver_outbox():
                    pass
            return
        stop = threading.Event()
        outbox = None
        if outbox_is_polled():
            outbox = threading.Thread(
                target=deliver_outbox_until, args=(stop, min(options["interval"], 0.5)), name="outbox", daemon=True
            )
            outbox.start()
        try:
            call_command("db_worker", "--interval", str(options["interval"]), *extra)
        finally:
            stop.set()
            if outbox is not None:
                outbox.join(timeout=10)
