"""The default indicators of the Decision 766/QĐ-TTg service index (docs/domain.md, "Decision
766 service index": where each maximum, threshold and formula comes from)."""

from decimal import Decimal

from django.db import migrations

D = Decimal
DECISION = "QĐ 766/QĐ-TTg ngày 23/06/2022"
NATIONAL = "số liệu của Cổng Dịch vụ công quốc gia, nhập hằng tháng"
PORTAL = "tính từ hồ sơ nhập từ hệ thống một cửa"

# code, group, name, max_points, formula, full_at, source
DEFAULTS = [
    ("1.1", "publicity", "Tỷ lệ TTHC công bố đúng hạn", D(4), "entered", D(1),
     f"{DECISION}, nhóm công khai, minh bạch; {NATIONAL} (Cơ sở dữ liệu quốc gia về TTHC)"),
    ("1.2", "publicity", "Tỷ lệ TTHC được cập nhật, công khai đúng hạn", D(4), "entered", D(1),
     f"{DECISION}, nhóm công khai, minh bạch (tối đa 4 điểm); {NATIONAL}"),
    ("1.3", "publicity", "Tỷ lệ TTHC được công khai đầy đủ các bộ phận tạo thành", D(4),
     "entered", D(1), f"{DECISION}, nhóm công khai, minh bạch; {NATIONAL}"),
    ("1.4", "publicity", "Tỷ lệ hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia", D(6), "entered",
     D(1), f"{DECISION}, nhóm công khai, minh bạch; {NATIONAL}"),
    ("2.1", "progress", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", D(20), "processed_on_time", D(1),
     f"{DECISION}, nhóm tiến độ, kết quả giải quyết (tối đa 20 điểm): hồ sơ đã và đang xử lý "
     f"trước hạn, đúng hạn, trong hạn / hồ sơ tiếp nhận, xử lý trong kỳ; {PORTAL}"),
    ("3.1", "online", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", D(4), "online_procedures",
     D("0.8"), f"{DECISION}, nhóm cung cấp dịch vụ trực tuyến; đạt 80 % được điểm tối đa; "
     "tính từ danh mục TTHC của cấp đơn vị"),
    ("3.2", "online", "Tỷ lệ dịch vụ công trực tuyến có phát sinh hồ sơ", D(4),
     "online_services_used", D(1), f"{DECISION}, nhóm cung cấp dịch vụ trực tuyến; {PORTAL}"),
    ("3.3", "online", "Tỷ lệ hồ sơ nộp trực tuyến", D(8), "online_dossiers", D("0.5"),
     f"{DECISION}, nhóm cung cấp dịch vụ trực tuyến; đạt 50 % được điểm tối đa; {PORTAL}"),
    ("3.4", "online", "Tỷ lệ hồ sơ thanh toán trực tuyến", D(6), "paid_online", D(1),
     f"{DECISION}, nhóm cung cấp dịch vụ trực tuyến; {PORTAL} (mẫu số: mọi hồ sơ tiếp nhận)"),
    ("4.1", "digitisation", "Tỷ lệ hồ sơ có cấp kết quả giải quyết TTHC điện tử", D(8),
     "digitised_result", D(1), f"{DECISION}, nhóm số hóa hồ sơ; {PORTAL}"),
    ("4.2", "digitisation", "Tỷ lệ hồ sơ thực hiện số hóa hồ sơ", D(8), "digitised_dossier",
     D("0.8"), f"{DECISION}, nhóm số hóa hồ sơ; đạt 80 % được điểm tối đa; {PORTAL}"),
    ("4.3", "digitisation", "Tỷ lệ hồ sơ khai thác, sử dụng lại thông tin, dữ liệu số hóa", D(6),
     "entered", D("0.8"), f"{DECISION}, nhóm số hóa hồ sơ; đạt 80 % được điểm tối đa; {NATIONAL}"),
    ("5.1", "satisfaction", "Tỷ lệ phản ánh, kiến nghị xử lý đúng hạn", D(6), "entered", D(1),
     f"{DECISION}, nhóm mức độ hài lòng; {NATIONAL} (hệ thống phản ánh, kiến nghị)"),
    ("5.2", "satisfaction", "Tỷ lệ hài lòng trong xử lý phản ánh, kiến nghị", D(6), "entered",
     D(1), f"{DECISION}, nhóm mức độ hài lòng; {NATIONAL}"),
    ("5.3", "satisfaction", "Tỷ lệ hài lòng trong tiếp nhận, giải quyết TTHC", D(6), "entered",
     D("0.9"), f"{DECISION}, nhóm mức độ hài lòng (tối đa 6 điểm); đạt 90 % được điểm tối đa; "
     f"{NATIONAL}"),
]  # fmt: skip


def add_defaults(apps, schema_editor):
    indicator = apps.get_model("procedures", "ServiceIndicator")
    for position, (code, group, name, max_points, formula, full_at, source) in enumerate(
        DEFAULTS, start=1
    ):
        indicator.objects.update_or_create(
            code=code,
            defaults={
                "group": group,
                "name": name,
                "max_points": max_points,
                "formula": formula,
                "full_at": full_at,
                "source": source,
                "position": position,
            },
        )


def remove_defaults(apps, schema_editor):
    apps.get_model("procedures", "ServiceIndicator").objects.filter(
        code__in=[row[0] for row in DEFAULTS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("procedures", "0005_service_index")]

    operations = [migrations.RunPython(add_defaults, remove_defaults)]
