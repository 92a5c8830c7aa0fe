"""The default checklist templates every installation starts with: the contents the source
articles' inspections checked (docs/domain.md, "Inspections"). Copied here, not imported, so
the migration keeps its meaning whatever the code becomes."""

from django.db import migrations

DEFAULTS = {
    ("cchc", "Danh mục kiểm tra công tác CCHC"): [
        "Việc rà soát, công bố, công khai thủ tục hành chính",
        "Công tác xây dựng, ban hành, kiểm tra và rà soát văn bản quy phạm pháp luật",
        "Thực hiện cơ chế tự chủ, tự chịu trách nhiệm về tài chính",
        "Ứng dụng công nghệ thông tin trong quản lý, điều hành "
        "(phần mềm quản lý văn bản, chữ ký số)",
        "Hoạt động của Bộ phận một cửa và trang thiết bị (camera giám sát, máy lấy số, "
        "máy tra cứu)",
        "Kỷ luật, kỷ cương hành chính của cán bộ, công chức",
        "Kiểm tra ngẫu nhiên hồ sơ thủ tục hành chính",
    ],
    ("tthc_control", "Danh mục kiểm tra công tác kiểm soát TTHC"): [
        "Việc rà soát, công bố, công khai thủ tục hành chính",
        "Hoạt động của Bộ phận một cửa và trang thiết bị (camera giám sát, máy lấy số, "
        "máy tra cứu)",
        "Tiếp nhận, xử lý phản ánh, kiến nghị về thủ tục hành chính",
        "Kiểm tra ngẫu nhiên hồ sơ thủ tục hành chính",
    ],
}


def create(apps, schema_editor):
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistTemplateItem")
    for (kind, name), items in DEFAULTS.items():
        template, created = Template.objects.get_or_create(kind=kind, name=name, revision=1)
        if created:
            Item.objects.bulk_create(
                Item(template=template, position=i, text=text) for i, text in enumerate(items)
            )


def remove(apps, schema_editor):
    """Unused defaults go; one a checklist was made from stays (its lines are protected)."""
    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistTemplateItem")
    for kind, name in DEFAULTS:
        template = Template.objects.filter(kind=kind, name=name, revision=1).first()
        if template is not None and not Item.objects.filter(
            template=template, results__isnull=False
        ).exists():
            template.delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0008_checklist_templates")]

    operations = [migrations.RunPython(create, remove)]
