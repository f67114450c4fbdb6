"""Demo people: a citizen, a company and its representative, one member of staff per role."""

from __future__ import annotations

import time
from typing import Any

from django.db import transaction
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts import services
from tongban.accounts.models import RealNameLevel, StaffRole, User
from tongban.demo.codes import credit_code, id_number
from tongban.demo.orgs import department_code
from tongban.orgs.models import Department, Region

DEMO_PASSWORD = "Tongban@2026"

CITIZENS = [
    # username, name, phone, id number, real-name level
    ("zhangsan", "张三", "13800000001", id_number("440106", "19900101", 123), RealNameLevel.BASIC),
    ("lisi", "李四", "13800000002", id_number("440104", "19851215", 456), RealNameLevel.BASIC),
    ("wangfang", "王芳", "13800000003", id_number("440106", "19520308", 282), RealNameLevel.REGISTERED),
]
COMPANY = ("naichadian", "广州市天河区甜心奶茶店有限公司", credit_code("91", "440106", 20260001), "lisi")

STAFF = [
    # username, name, phone, department serial, role, scope region
    ("chuangkou", "陈晓窗", "13900000001", 14, StaffRole.INTAKE_CLERK, "440106"),
    ("banli", "刘办理", "13900000002", 16, StaffRole.HANDLING_CLERK, "440106"),
    ("gongan", "黄警官", "13900000003", 15, StaffRole.HANDLING_CLERK, "440106"),
    ("kezhang", "周科长", "13900000004", 16, StaffRole.DEPARTMENT_HEAD, "440106"),
    ("jiancha", "吴监察", "13900000005", 12, StaffRole.SUPERVISOR, "440100"),
    ("shuju", "郑数据", "13900000006", 12, StaffRole.DATA_OFFICER, "440100"),
    ("admin", "孙管理", "13900000007", 12, StaffRole.ADMINISTRATOR, "440100"),
    ("shichuangkou", "钱市窗", "13900000008", 12, StaffRole.INTAKE_CLERK, "440100"),
]

# City departments that handle the children of the demo bundles (出生一件事 …): one member of
# staff each who both reviews and decides, so a bundle can be completed in the demo.
CITY_HANDLERS = [
    ("shiweijian", "何卫健", "13900000011", 4),
    ("shigongan", "林户政", "13900000012", 1),
    ("shiyibao", "梁医保", "13900000013", 3),
    ("shirenshe", "罗人社", "13900000014", 2),
    ("shishijian", "谢市监", "13900000015", 6),
    ("shishuiwu", "邓税务", "13900000016", 7),
    ("shigongjijin", "冯公积金", "13900000017", 10),
]
CITY_HANDLER_ROLES = (StaffRole.HANDLING_CLERK, StaffRole.DEPARTMENT_HEAD)


@transaction.atomic
def load(*, stdout: Any) -> None:
    for username, name, phone, number, level in CITIZENS:
        services.add_population_record(name=name, id_number=number)
        if User.objects.filter(username=username).exists():
            continue
        user = services.register_person(
            username=username, password=DEMO_PASSWORD, name=name, phone=phone, id_number=number
        )
        if level >= RealNameLevel.BASIC:
            services.verify_real_name(user=user)
    services.add_population_record(name="赵六", id_number=id_number("440104", "20000229", 77))
    username, name, code, rep = COMPANY
    if not User.objects.filter(username=username).exists():
        services.create_legal_person(
            username=username,
            password=DEMO_PASSWORD,
            name=name,
            credit_code=code,
            representative=User.objects.get(username=rep),
        )
    for username, name, phone, serial, role, scope in STAFF:
        if User.objects.filter(username=username).exists():
            continue
        department = Department.objects.get(code=department_code(serial))
        services.create_staff(
            username=username,
            password=DEMO_PASSWORD,
            name=name,
            phone=phone,
            roles=[(department, role, Region.objects.get(code=scope))],
        )
    city = Region.objects.get(code="440100")
    for username, name, phone, serial in CITY_HANDLERS:
        if User.objects.filter(username=username).exists():
            continue
        department = Department.objects.get(code=department_code(serial))
        services.create_staff(
            username=username,
            password=DEMO_PASSWORD,
            name=name,
            phone=phone,
            roles=[(department, role, city) for role in CITY_HANDLER_ROLES],
        )
    stdout.write(f"people: {len(CITIZENS)} citizens, 1 company, {len(STAFF) + len(CITY_HANDLERS)} staff")


def print_accounts(*, stdout: Any) -> None:
    stdout.write("")
    stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
    stdout.write("  Portal  http://127.0.0.1:8000/login/")
    for username, name, *_rest in CITIZENS:
        stdout.write(f"    citizen        {username:<12} {name}")
    stdout.write(f"    company        {COMPANY[0]:<12} (or log in as {COMPANY[3]} and act for the company)")
    stdout.write("  Console http://127.0.0.1:8000/console/login/  (demo mode only: TOTP secret and current code)")
    for username, _name, _phone, _serial, role, _scope in STAFF:
        user = User.objects.get(username=username)
        device = TOTPDevice.objects.get(user=user, name="default")
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
        stdout.write(f"    {role:<16} {username:<10} code now {code}  {device.config_url}")
    for username, _name, _phone, _serial in CITY_HANDLERS:
        device = TOTPDevice.objects.get(user__username=username, name="default")
        code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
        stdout.write(f"    {'city handler':<16} {username:<10} code now {code}  {device.config_url}")
    stdout.write(f"  TOTP codes change every 30 s (now: {time.strftime('%H:%M:%S')}); the console login page")
    stdout.write("  shows the current code in demo mode too. SMS codes appear at http://127.0.0.1:8000/demo/outbox/")
