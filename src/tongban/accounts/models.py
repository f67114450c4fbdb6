"""One user model for three kinds of people: 自然人, 法人 and staff (工作人员)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.fields import EncryptedTextField
from tongban.core.masking import mask_id_number, mask_mobile, mask_name


class UserKind(models.TextChoices):
    PERSON = "person", _("自然人")
    LEGAL_PERSON = "legal_person", _("法人")
    STAFF = "staff", _("工作人员")


class IdType(models.TextChoices):
    """证件类型."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    CREDIT_CODE = "credit_code", _("统一社会信用代码")


class RealNameLevel(models.IntegerChoices):
    """实名等级 (浙里办 style)."""

    REGISTERED = 1, _("注册用户")
    BASIC = 2, _("基本实名")
    ADVANCED = 3, _("高级实名")


class StaffRole(models.TextChoices):
    """工作人员角色."""

    INTAKE_CLERK = "intake_clerk", _("综合窗口受理员")
    HANDLING_CLERK = "handling_clerk", _("业务办理员")
    DEPARTMENT_HEAD = "department_head", _("部门负责人")
    SUPERVISOR = "supervisor", _("电子监察员")
    DATA_OFFICER = "data_officer", _("数据专员")
    ADMINISTRATOR = "administrator", _("系统管理员")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields: object) -> User:
        user = self.model(username=username, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, username: str, password: str | None = None, **fields: object) -> User:
        """`tongban createsuperuser`: a 系统管理员 over the root region, without a second factor yet.

        The account cannot open the console until `tongban enrol-totp USERNAME` has confirmed
        an authenticator; see docs/operations.md.
        """
        from tongban.accounts.services import create_administrator

        return create_administrator(
            username=username,
            password=password,
            name=str(fields.get("name") or username),
            email=str(fields.get("email") or ""),
        )


class User(AbstractBaseUser, PermissionsMixin):
    """用户: a citizen, a legal person's account or a member of staff."""

    username = models.CharField(_("用户名"), max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=UserKind.choices, default=UserKind.PERSON)
    name = models.CharField(_("姓名/名称"), max_length=100)
    id_type = models.CharField(max_length=24, choices=IdType.choices, blank=True)
    id_number = EncryptedTextField(blank=True, default="")
    id_number_index = models.CharField(max_length=64, null=True, blank=True, editable=False)
    birth_date = models.DateField(null=True, blank=True)
    phone = EncryptedTextField(blank=True, default="")
    phone_index = models.CharField(max_length=64, null=True, blank=True, db_index=True, editable=False)
    email = models.EmailField(blank=True)
    realname_level = models.PositiveSmallIntegerField(choices=RealNameLevel.choices, default=RealNameLevel.REGISTERED)
    credit_code = models.CharField(max_length=18, null=True, blank=True, unique=True)
    legal_representative = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="represented_entities"
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["id_type", "id_number_index"],
                name="user_id_number_unique",
                condition=models.Q(id_number_index__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff(self) -> bool:
        return self.kind == UserKind.STAFF

    @property
    def masked_name(self) -> str:
        return self.name if self.kind == UserKind.LEGAL_PERSON else mask_name(self.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_mobile(self.phone)

    @property
    def audit_label(self) -> str:
        return f"{self.kind}:{self.pk}:{self.masked_name}"


class Representation(models.Model):
    """代办关系: a person may act for a legal person (as legal representative or as an agent)."""

    class Role(models.TextChoices):
        LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
        AGENT = "agent", _("经办人")

    legal_person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representatives")
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representations")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["legal_person", "person"], name="representation_unique")]


class StaffAssignment(models.Model):
    """岗位: a role of a member of staff in a department, scoped to a region subtree."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=30, choices=StaffRole.choices)
    scope = models.ForeignKey("orgs.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "department", "role"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.department} {self.get_role_display()}"


class PopulationRecord(models.Model):
    """人口库 (demo copy): what the local IdentityVerifier checks names and ID numbers against."""

    name = models.CharField(max_length=100)
    id_number_index = models.CharField(max_length=64, unique=True)
    birth_date = models.DateField()


class LoginCode(models.Model):
    """短信验证码: a one-time login code, stored only as a hash."""

    phone_index = models.CharField(max_length=64, db_index=True)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)


class ApiToken(models.Model):
    """API 令牌: for apps, mini-programs and kiosks; only its SHA-256 is stored.

    It works until `expires_at`, until revoked (the row is deleted) and while `password_stamp` — the
    owner's session-auth hash when it was issued — still matches: a password change ends it
    (tongban.accounts.tokens).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    password_stamp = models.CharField(max_length=64, editable=False)
