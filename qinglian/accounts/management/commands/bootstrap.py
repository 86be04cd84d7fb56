"""First start of a new instance: the jurisdiction's root unit, an administrator and a security officer.

Two people, not one: the administrator manages accounts but can never read sealed content, and
roles that read sealed content need the security officer's approval (三员分立).
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qinglian.accounts.models import User
from qinglian.accounts.services import role_assign, user_create
from qinglian.people.models import Unit
from qinglian.people.services import unit_create


class Command(BaseCommand):
    help = "Create the root unit, the first system administrator and the first security officer."

    def add_arguments(self, parser):
        parser.add_argument("--root-name", required=True, help="辖区名称，如：某某市")
        parser.add_argument("--root-code", required=True, help="辖区代码")
        parser.add_argument("--level", default="county", choices=["province", "city", "county"])
        parser.add_argument("--admin", default="admin", help="系统管理员账号")
        parser.add_argument("--security-officer", default="security", help="安全保密管理员账号")

    def _password(self, username):
        for _ in range(3):
            first = getpass.getpass(f"{username} 的密码: ")
            if first and first == getpass.getpass("再输入一次: "):
                return first
            self.stderr.write("两次输入不一致或为空，请重试。")
        raise CommandError("未设置密码")

    def handle(self, *args, **opts):
        if User.objects.exists() or Unit.objects.exists():
            raise CommandError("该实例已有用户或单位，初始化只能在空库上执行")
        passwords = {opts["admin"]: self._password(opts["admin"])}
        passwords[opts["security_officer"]] = self._password(opts["security_officer"])
        try:
            with transaction.atomic():
                root = unit_create(
                    actor=None,
                    name=opts["root_name"],
                    code=opts["root_code"],
                    kind="jurisdiction",
                    level=opts["level"],
                )
                for username, role, anchor in (
                    (opts["admin"], "sysadmin", root),
                    (opts["security_officer"], "security_officer", None),
                ):
                    user = user_create(
                        actor=None,
                        username=username,
                        display_name=username,
                        unit=root,
                        password=passwords[username],
                    )
                    role_assign(actor=None, user=user, role=role, anchor=anchor, reason="系统初始化")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建辖区“{root.name}”、系统管理员 {opts['admin']} 和安全保密管理员 "
                f"{opts['security_officer']}。"
            )
        )
