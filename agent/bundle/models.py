"""The filing bundle's models: one class per portal section, one ``portal_field`` per on-screen field.

Keys and layout follow ``docs/design.md``; option texts are checked against the portal profile's
``[vocab]`` tables named by ``vocab=``.
"""

from __future__ import annotations

from pydantic import ValidationInfo, field_validator

from agent.bundle.base import PortalDate, PortalModel, Section, distinct_attachment, fail
from agent.bundle.fields import portal_field

__all__ = [
    "PROVIDER",
    "SUPPORTER",
    "Algorithm",
    "AlgorithmData",
    "Entity",
    "EntityAttachments",
    "EntityCertificate",
    "Filing",
    "Person",
    "ProductDefinition",
    "ProductFunction",
    "ProductPath",
    "ProductSelection",
    "Products",
    "SecurityOfficer",
    "ServiceAccess",
    "TechnicalService",
]

PROVIDER = "服务提供者"
SUPPORTER = "技术支持者"
MAX_ACCESS_ROWS = 20  # filing guide, figure 9


class EntityCertificate(Section):
    type: str = portal_field("主体证件类型", "select", vocab="entity_certificate_type")
    number: str = portal_field("证件号码", "text", check="certificate", hint="as on the certificate")
    address: str = portal_field("证件地址", "text")
    valid_until: PortalDate = portal_field("证件有效期", "date", hint="a date, e.g. 2035-06-30")


class Person(Section):
    name: str = portal_field("姓名", "text")
    id_type: str = portal_field("证件类型", "select", vocab="person_certificate_type")
    id_number: str = portal_field(
        "证件号码", "text", check="id_number", hint="a 居民身份证 number is checked (GB 11643, birth date)"
    )


class SecurityOfficer(Person):
    mobile: str = portal_field("手机号码", "text", check="mobile", hint="11 digits, e.g. 13800138000")
    email: str = portal_field("电子邮箱", "text", check="email")


class EntityAttachments(Section):
    commitment_letter: str = portal_field("算法备案承诺书", "upload", hint="PDF, at most 20 MB")
    responsibility_report: str = portal_field(
        "落实算法安全主体责任基本情况", "upload", hint="PDF, at most 20 MB"
    )

    @field_validator("responsibility_report", mode="after")
    @classmethod
    def _not_the_letter(cls, value: str, info: ValidationInfo) -> str:
        return distinct_attachment(value, info, cls, "commitment_letter")


class Entity(Section):
    name: str = portal_field("主体名称", "text")
    unified_social_credit_code: str = portal_field(
        "统一社会信用代码", "text", check="uscc", hint="18 characters with its GB 32100-2015 check character"
    )
    entity_type: str = portal_field("主体类型", "select", vocab="entity_type")
    registered_address: str = portal_field(
        "注册地", "cascader", hint='the region\'s labels joined with "/", e.g. 浙江省/杭州市/西湖区'
    )
    address: str = portal_field("详细地址", "text")
    website: str = portal_field("网址", "text", check="url")
    monthly_active_users: str = portal_field("月活跃用户量", "select", vocab="monthly_active_users")
    certificate: EntityCertificate = portal_field("证件信息", "section")
    legal_representative: Person = portal_field("法定代表人信息", "section")
    security_officer: SecurityOfficer = portal_field("算法安全责任人信息", "section")
    attachments: EntityAttachments = portal_field("附件信息", "section")


class AlgorithmData(Section):
    intro: str = portal_field("算法简介", "textarea", max_chars=200, hint="at most 200 characters")
    scenarios: list[str] = portal_field("使用场景", "multiselect", vocab="scenario", min_length=1)
    input_modalities: list[str] = portal_field("输入数据模态", "multiselect", vocab="modality", min_length=1)
    input_biometric: bool = portal_field(
        "输入的人物特征是否包含生物特征", "radio", hint="true (是) or false (否)"
    )
    input_identity: bool = portal_field(
        "输入的人物特征是否包含身份信息", "radio", hint="true (是) or false (否)"
    )
    output_modalities: list[str] = portal_field("输出数据模态", "multiselect", vocab="modality", min_length=1)
    output_formats: list[str] = portal_field("输出文件格式", "multiselect", vocab="file_format", min_length=1)
    output_file_size: str = portal_field("输出文件大小", "text", hint="e.g. 不超过1MB")
    batch_output: bool = portal_field("是否支持批量输出", "radio", hint="true (是) or false (否)")
    open_source_datasets: str = portal_field("开源数据集&来源", "text")
    self_built_datasets: str = portal_field("自建数据集&来源", "text")


class Algorithm(Section):
    name: str = portal_field("算法名称", "text")
    type: str = portal_field("算法类型", "select", vocab="algorithm_type")
    role: str = portal_field("角色", "radio", vocab="role")
    online_date: PortalDate = portal_field("上线时间", "date", hint="a date, e.g. 2023-08-01")
    version: str = portal_field("版本号", "text")
    application_fields: list[str] = portal_field(
        "应用领域", "multiselect", vocab="application_field", min_length=1
    )
    self_assessment_report: str = portal_field("算法安全自评估报告", "upload", hint="PDF, at most 20 MB")
    public_disclosure: str = portal_field("拟公示内容", "upload", hint="PDF, at most 20 MB")
    data: AlgorithmData = portal_field("算法数据", "section")
    model: Section = portal_field("算法模型", "section", default_factory=Section)
    strategy: Section = portal_field("算法策略", "section", default_factory=Section)
    risk: Section = portal_field("算法风险与防范机制", "section", default_factory=Section)

    @field_validator("public_disclosure", mode="after")
    @classmethod
    def _not_the_report(cls, value: str, info: ValidationInfo) -> str:
        return distinct_attachment(value, info, cls, "self_assessment_report")


class ProductSelection(PortalModel):
    identity = ("product", "path", "function")

    product: str = portal_field("产品名称", "text")
    path: str | None = portal_field(
        "功能访问路径", "text", default=None, check="nav_path", hint="optional; steps joined by ' > '"
    )
    function: str | None = portal_field("功能名称", "text", default=None, hint="optional; needs path")

    @field_validator("function", mode="after")
    @classmethod
    def _function_needs_path(cls, value: str | None, info: ValidationInfo) -> str | None:
        # A path that failed its own check is absent from info.data: do not blame the function for it.
        if value is not None and "path" in info.data and info.data["path"] is None:
            raise fail('a 功能 is ticked under its 功能访问路径 — add path = "…" to this entry')
        return value


class ProductFunction(Section):
    identity = ("name",)

    name: str = portal_field("功能名称", "text")
    intro: str = portal_field("功能介绍", "textarea", max_chars=500, hint="at most 500 characters")


class ProductPath(PortalModel):
    identity = ("path",)

    path: str = portal_field("功能访问路径", "text", check="nav_path", hint="steps joined by ' > '")
    functions: list[ProductFunction] = portal_field("功能", "section", min_length=1)


class ProductDefinition(Section):
    name: str = portal_field("产品名称", "text")
    service_form: str = portal_field("服务形式", "select", vocab="service_form")
    url: str = portal_field("访问地址", "text", check="url")
    status: str = portal_field("服务状态", "select", vocab="service_status")
    audience: str = portal_field("服务对象", "text")
    real_name_required: bool = portal_field("是否需实名认证", "radio", hint="true (是) or false (否)")
    prior_permits: str = portal_field("前置许可", "text", hint="e.g. 无")
    paths: list[ProductPath] = portal_field("功能访问路径", "section", min_length=1)


class Products(PortalModel):
    select: list[ProductSelection] = portal_field("勾选产品及功能", "tree", min_length=1)
    define: list[ProductDefinition] = portal_field("产品及功能信息", "section", default_factory=list)

    @field_validator("define", mode="after")
    @classmethod
    def _unique_products(cls, value: list[ProductDefinition]) -> list[ProductDefinition]:
        names = [p.name for p in value]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise fail(
                f"product '{twice[0]}' is defined twice — merge its paths into one [[products.define]]"
            )
        return value


class ServiceAccess(PortalModel):
    identity = ("type", "url")

    type: str = portal_field("类型", "select", vocab="technical_service_type")
    url: str = portal_field("下载地址", "text", check="url")


class TechnicalService(Section):
    name: str = portal_field("技术服务名称", "text")
    access: list[ServiceAccess] = portal_field(
        "技术服务访问方式", "rows", min_length=1, max_length=MAX_ACCESS_ROWS, hint="1 to 20 rows"
    )
    objects: list[str] = portal_field("技术服务对象", "rows", min_length=1)
    frequency: float = portal_field(
        "技术服务频度（近三个月）", "text", ge=0, allow_inf_nan=False, hint="次/每天, a number >= 0"
    )


class Filing(PortalModel):
    account: str = portal_field("账号", "text", check="account", hint="the portal account in the settings")
    entity: Entity | None = portal_field("主体信息", "section", default=None)
    algorithm: Algorithm = portal_field("算法基础属性信息", "section")
    products: Products | None = portal_field("产品及功能信息", "tree", default=None)
    technical_service: TechnicalService | None = portal_field("技术服务方式", "section", default=None)

    @property
    def role(self) -> str:
        return self.algorithm.role
