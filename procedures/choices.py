from django.db import models
from django.utils.translation import gettext_lazy as _


class OnlineService(models.TextChoices):
    """Online public service of a procedure since Decree 42/2022/NĐ-CP."""

    FULL = "online_full", _("Toàn trình")
    PARTIAL = "online_partial", _("Một phần")
    NONE = "none", _("Không")


class Channel(models.TextChoices):
    """How a dossier reached the one-stop desk (kênh tiếp nhận)."""

    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class DossierStatus(models.TextChoices):
    """Status of a dossier in the one-stop system (trạng thái hồ sơ)."""

    RECEIVED = "received", _("Mới tiếp nhận")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    FINANCIAL_OBLIGATION = "financial_obligation", _("Chờ thực hiện nghĩa vụ tài chính")
    FINISHED = "finished", _("Đã giải quyết")
    RETURNED = "returned", _("Đã trả kết quả")
    NOT_ACCEPTED = "not_accepted", _("Không tiếp nhận")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    SUSPENDED = "suspended", _("Tạm dừng")


class DossierImportStatus(models.TextChoices):
    """Where an upload of the one-stop system's export stands."""

    PENDING = "pending", _("Chờ kiểm tra")
    PREVIEWED = "previewed", _("Đã kiểm tra, chờ xác nhận")
    REJECTED = "rejected", _("Bị từ chối")
    RUNNING = "running", _("Đang nhập")
    DONE = "done", _("Hoàn tất")
    FAILED = "failed", _("Lỗi")
    # Not confirmed within UPLOAD_KEEP_DAYS: the upload (personal data) was deleted.
    EXPIRED = "expired", _("Quá hạn xác nhận, tệp đã xoá")


class ServiceGroup(models.TextChoices):
    """The five groups of the Decision 766/QĐ-TTg service index (nhóm chỉ số thành phần);
    their maxima are `procedures.service_index.GROUP_MAXIMA`."""

    PUBLICITY = "publicity", _("Công khai, minh bạch")
    PROGRESS = "progress", _("Tiến độ, kết quả giải quyết")
    DIGITISATION = "digitisation", _("Số hóa hồ sơ")
    ONLINE = "online", _("Cung cấp dịch vụ trực tuyến")
    SATISFACTION = "satisfaction", _("Mức độ hài lòng")


class ServiceFormula(models.TextChoices):
    """Where an indicator's monthly rate comes from: a formula over the portal's dossiers and
    catalogue (docs/domain.md, "Decision 766 service index"), or a value entered per month."""

    PROCESSED_ON_TIME = "processed_on_time", _("Hồ sơ xử lý trước hạn, đúng hạn (đã và đang)")
    ONLINE_DOSSIERS = "online_dossiers", _("Hồ sơ nộp trực tuyến / hồ sơ tiếp nhận")
    PAID_ONLINE = "paid_online", _("Hồ sơ thanh toán trực tuyến / hồ sơ tiếp nhận")
    DIGITISED_RESULT = "digitised_result", _("Hồ sơ có kết quả số hóa / hồ sơ đã giải quyết")
    DIGITISED_DOSSIER = "digitised_dossier", _("Hồ sơ được số hóa / hồ sơ tiếp nhận")
    ONLINE_PROCEDURES = "online_procedures", _("TTHC có dịch vụ công trực tuyến / TTHC của cấp")
    ONLINE_SERVICES_USED = (
        "online_services_used",
        _("Dịch vụ công trực tuyến có hồ sơ trực tuyến / dịch vụ công trực tuyến của cấp"),
    )
    ENTERED = "entered", _("Nhập hằng tháng")
