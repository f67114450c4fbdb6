"""tongban enrol-totp USERNAME: bind an authenticator app to a staff account (绑定动态验证码).

Prints the otpauth URI of a fresh secret once, then asks for the first code, which confirms the
device. Without a terminal (`--no-input`), confirm later with `tongban enrol-totp USERNAME --confirm CODE`.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from tongban.accounts import services


class Command(BaseCommand):
    help = "Bind a TOTP authenticator to a staff account: prints the otpauth URI once, confirmed by a first code."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--confirm", metavar="CODE", help="confirm the pending authenticator with its first code")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="print the URI and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        try:
            if options["confirm"]:
                self._confirm(username, options["confirm"])
                return
            device = services.start_totp_enrolment(username=username)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(_("请把下面的地址加入验证器应用（只显示这一次，请勿泄露）："))
        self.stdout.write(device.config_url)
        if not (options["interactive"] and sys.stdin.isatty()):
            self.stdout.write(
                _("然后运行 tongban enrol-totp %(username)s --confirm 验证码 完成绑定。") % {"username": username}
            )
            return
        for _attempt in range(3):
            code = input(_("请输入验证器显示的 6 位数字：")).strip()
            try:
                self._confirm(username, code)
                return
            except CommandError as exc:
                self.stderr.write(str(exc))
        raise CommandError(
            _("尚未绑定。稍后可运行 tongban enrol-totp %(username)s --confirm 验证码 完成绑定。")
            % {"username": username}
        )

    def _confirm(self, username: str, code: str) -> None:
        try:
            services.confirm_totp_enrolment(username=username, code=code)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(_("%(username)s 的动态验证码已绑定，现在可以登录工作台。") % {"username": username})
        )
