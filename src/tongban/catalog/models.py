"""政务服务事项目录: service items (GB/T 39046 Table 4), their materials, themes, bundles.

Field names are those of the exchange format (docs: catalogue-format.md), so an imported line and
a row read the same. Items point to departments, regions and their parent item by *code*
(`to_field="code"`): the code is the catalogue's own key, and the importer writes rows without
first looking ids up. Unknown fields of a line are kept in `extra` and exported back unchanged.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ItemKind(models.TextChoices):
    """事项类型 (GB/T 39046 A.1)."""

    PERMIT = "permit", _("行政许可")
    PENALTY = "penalty", _("行政处罚")
    ENFORCEMENT = "enforcement", _("行政强制")
    LEVY = "levy", _("行政征收")
    PAYMENT = "payment", _("行政给付")
    INSPECTION = "inspection", _("行政检查")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    RULING = "ruling", _("行政裁决")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


#: The two-digit national code of each kind (GB/T 39046 Appendix A.1).
KIND_CODES: dict[str, str] = {
    ItemKind.PERMIT: "01",
    ItemKind.PENALTY: "02",
    ItemKind.ENFORCEMENT: "03",
    ItemKind.LEVY: "04",
    ItemKind.PAYMENT: "05",
    ItemKind.INSPECTION: "06",
    ItemKind.CONFIRMATION: "07",
    ItemKind.REWARD: "08",
    ItemKind.RULING: "09",
    ItemKind.OTHER_POWER: "10",
    ItemKind.PUBLIC_SERVICE: "20",
}


class Audience(models.TextChoices):
    """服务对象."""

    PERSON = "person", _("自然人")
    LEGAL_PERSON = "legal_person", _("法人")


class Handling(models.TextChoices):
    """办件类型 (A.6)."""

    INSTANT = "instant", _("即办件")
    COMMITTED = "committed", _("承诺件")


class OnlineDepth(models.IntegerChoices):
    """网上办理深度."""

    INFORMATION = 1, _("网上咨询（办事指南在网上）")
    PRE_REVIEW = 2, _("网上预审")
    ACCEPTED_ONLINE = 3, _("网上受理")
    FULLY_ONLINE = 4, _("全程网办")


class Scope(models.TextChoices):
    """通办范围."""

    LOCAL = "local", _("属地办理")
    CITY = "city", _("全市通办")
    PROVINCE = "province", _("全省通办")
    CROSS_PROVINCE = "cross_province", _("跨省通办")


class Channel(models.TextChoices):
    """办理形式."""

    WEB = "web", _("网上（电脑）")
    MOBILE = "mobile", _("手机")
    WINDOW = "window", _("窗口")
    KIOSK = "kiosk", _("自助终端")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    SUSPENDED = "suspended", _("暂停")


class Situation(models.TextChoices):
    """业务办理项的情形."""

    NEW = "新设", _("新设")
    CHANGE = "变更", _("变更")
    RENEWAL = "延续", _("延续")
    CANCELLATION = "注销", _("注销")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ELECTRONIC = "electronic", _("电子版")


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", _("申请人自备")
    GOVERNMENT = "government", _("政府部门核发")


class Theme(models.Model):
    """主题: items grouped by life event or business stage, shown as a phrase ("我要办户口")."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=100)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    phrase = models.CharField(max_length=100, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="order of the theme in the last imported file")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("主题")

    def __str__(self) -> str:
        return self.phrase or self.name

    @property
    def label(self) -> str:
        return self.phrase or self.name


class ServiceItem(models.Model):
    """政务服务事项 (实施清单): one implementation of an item by one department in one region.

    Items form a tree: 主项 → 子项 → 业务办理项 (split by `situation`: 新设/变更/延续/注销).
    """

    code = models.CharField(_("实施编码"), max_length=100, unique=True)
    base_code = models.CharField(_("基本编码"), max_length=64, blank=True, db_index=True)
    name = models.CharField(_("事项名称"), max_length=200)
    aliases = models.JSONField(_("俗称"), default=list, blank=True)
    kind = models.CharField(_("事项类型"), max_length=20, choices=ItemKind.choices)
    department = models.ForeignKey(
        "orgs.Department", to_field="code", on_delete=models.PROTECT, related_name="service_items"
    )
    region = models.ForeignKey("orgs.Region", to_field="code", on_delete=models.PROTECT, related_name="service_items")
    audience = models.JSONField(_("服务对象"), default=list)
    themes: models.ManyToManyField[Theme, ItemTheme] = models.ManyToManyField(
        Theme, through="ItemTheme", related_name="items", blank=True
    )
    summary = models.TextField(_("事项简介"), blank=True)
    conditions = models.TextField(_("受理条件"), blank=True)
    legal_basis = models.TextField(_("设定依据"), blank=True)
    handling = models.CharField(_("办件类型"), max_length=10, choices=Handling.choices)
    statutory_days = models.PositiveIntegerField(_("法定办结时限"), null=True, blank=True)
    committed_days = models.PositiveIntegerField(_("承诺办结时限"))
    online_depth = models.PositiveSmallIntegerField(_("网上办理深度"), choices=OnlineDepth.choices)
    max_visits = models.PositiveSmallIntegerField(_("到办事现场次数"))
    scope = models.CharField(_("通办范围"), max_length=20, choices=Scope.choices, blank=True)
    channels = models.JSONField(_("办理形式"), default=list, blank=True)
    fee = models.JSONField(_("收费"), null=True, blank=True)
    form = models.JSONField(_("申请表（JSON Schema）"), null=True, blank=True)
    process = models.CharField(_("办理流程"), max_length=100, blank=True)
    result = models.JSONField(_("办理结果"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.ACTIVE, db_index=True)
    extra = models.JSONField(default=dict, blank=True)
    parent = models.ForeignKey(
        "self", to_field="code", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    situation = models.CharField(_("情形"), max_length=4, choices=Situation.choices, blank=True)
    popularity = models.PositiveIntegerField(default=0, db_index=True, help_text="page views; search ranks by it")
    content_hash = models.CharField(max_length=40, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("政务服务事项")

    @property
    def allows_several_open_cases(self) -> bool:
        """Whether a person may have several open cases of this item at once (catalogue field
        `several_open`, kept in `extra`; e.g. one licence per shop). Default: one at a time."""
        return bool((self.extra or {}).get("several_open", False))

    def __str__(self) -> str:
        return self.name

    @property
    def kind_code(self) -> str:
        """The GB/T 39046 A.1 code, e.g. "01" for 行政许可."""
        return KIND_CODES.get(self.kind, "")

    @property
    def is_instant(self) -> bool:
        return self.handling == Handling.INSTANT

    @property
    def charged(self) -> bool:
        return bool((self.fee or {}).get("charged"))

    @property
    def audience_labels(self) -> list[str]:
        return [str(Audience(a).label) for a in self.audience if a in Audience.values]

    @property
    def channel_labels(self) -> list[str]:
        return [str(Channel(c).label) for c in self.channels if c in Channel.values]


class ItemTheme(models.Model):
    """An item in a theme; rows keep the order the catalogue gave."""

    # no index of its own: the unique (item, theme) index serves lookups by item
    item = models.ForeignKey(
        ServiceItem, to_field="code", on_delete=models.CASCADE, related_name="theme_links", db_index=False
    )
    theme = models.ForeignKey(Theme, to_field="code", on_delete=models.CASCADE, related_name="item_links")

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["item", "theme"], name="item_theme_unique")]


class Material(models.Model):
    """申请材料: what the applicant brings, or what the government already holds (免提交)."""

    # no index of its own: the unique (item, position) index serves lookups by item
    item = models.ForeignKey(
        ServiceItem, to_field="code", on_delete=models.CASCADE, related_name="materials", db_index=False
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("材料名称"), max_length=300)
    required = models.BooleanField(_("必要"), default=True)
    form = models.CharField(_("材料形式"), max_length=12, choices=MaterialForm.choices, blank=True)
    copies = models.PositiveSmallIntegerField(_("份数"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=12, choices=MaterialSource.choices, blank=True)
    certificate_type = models.CharField(_("电子证照类型"), max_length=64, blank=True)
    note = models.TextField(_("备注"), blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["item", "position"]
        constraints = [models.UniqueConstraint(fields=["item", "position"], name="material_position_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def government_held(self) -> bool:
        """政府部门已有: issued by the government or replaced by an electronic certificate (免提交)."""
        return self.source == MaterialSource.GOVERNMENT or bool(self.certificate_type)


class Bundle(models.Model):
    """一件事: several items done as one — one form, one material list, one submission."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    aliases = models.JSONField(default=list, blank=True)
    themes = models.ManyToManyField(Theme, related_name="bundles", blank=True)
    items: models.ManyToManyField[ServiceItem, BundleItem] = models.ManyToManyField(
        ServiceItem, through="BundleItem", related_name="bundles"
    )
    summary = models.TextField(blank=True)
    committed_days = models.PositiveIntegerField(null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0, help_text="order of the bundle in the last imported file")

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("一件事")

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    """An item of a bundle, in the order a person meets it."""

    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE, related_name="bundle_items")
    item = models.ForeignKey(ServiceItem, to_field="code", on_delete=models.CASCADE, related_name="bundle_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["bundle", "position"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_unique")]


class DepartmentExtra(models.Model):
    """Fields of a catalogue department line that orgs.Department has no column for."""

    department = models.OneToOneField(
        "orgs.Department", to_field="code", on_delete=models.CASCADE, primary_key=True, related_name="catalog_extra"
    )
    extra = models.JSONField(default=dict)


class ChangeKind(models.TextChoices):
    ITEM = "item", _("事项")
    BUNDLE = "bundle", _("一件事")
    THEME = "theme", _("主题")


class CatalogChange(models.Model):
    """目录变更日志: one row per created, changed or deleted entry; the search index follows it by id."""

    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    code = models.CharField(max_length=100)
    deleted = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.code}{' deleted' if self.deleted else ''}"
