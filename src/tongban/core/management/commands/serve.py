"""tongban serve: the production-grade server (gunicorn), plus a task worker in embedded mode.

In production mode (neither TONGBAN_DEBUG nor TONGBAN_DEMO) it refuses to start with a public, short
or low-entropy key and says which one (tongban.core.checks).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongban.core import checks


class Command(BaseCommand):
    help = "Serve the platform with gunicorn (WSGI). In embedded mode a task worker runs beside it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=int(os.environ.get("TONGBAN_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument("--no-worker", action="store_true", help="do not start the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = checks.production_problems()
        if problems:
            raise CommandError(checks.refusal(problems))
        if not settings.DEBUG:
            from django.core.management import call_command

            call_command("collectstatic", "--noinput", verbosity=0)
        worker = None
        if not options["no_worker"]:
            worker = subprocess.Popen([sys.executable, "-m", "tongban.cli", "worker"])
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(f"通办 Tongban serving on http://{bind}/  (console: http://{bind}/console/)")
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "tongban.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--logger-class",
            "tongban.core.gunicorn_logging.MaskedGunicornLogger",
            "--graceful-timeout",
            "10",
        ]
        try:
            subprocess.run(cmd, check=False)
        except KeyboardInterrupt:
            pass
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
