"""The `tongban` console script: every manage.py command plus the platform's own.

`tongban migrate`, `tongban createsuperuser`, `tongban demo`, `tongban serve --port 8000`,
`tongban worker`, `tongban verify-audit` … Dashes and underscores are the same.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
    from django.core.management import execute_from_command_line

    args[0] = "tongban"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
