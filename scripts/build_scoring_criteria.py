"""Build the criteria-set fixtures of the two-tier demo in fixtures/ (stdlib + openpyxl).

Writes, deterministically (the workbook's timestamps are pinned, so running it twice gives
byte-identical files):

- ``scoring_criteria_commune.xlsx``: the CCHC index of communes (cấp xã);
- ``scoring_criteria_department.xlsx``: the CCHC index of the province's departments and
  agencies (sở, ban, ngành).

Both are modelled on Hà Nội's Quyết định 5666/QĐ-UBND of 17/11/2025, which sets one index for
departments and one for communes "for 2025 and the following years": appraisal 70 points over
the areas (1) direction and administration of CCHC, (2) institutional reform, (3) TTHC reform
and the one-stop mechanism, (4) organisational apparatus, (5) civil service, (6) public
finance, (7) digital government and, for communes, (8) impact on socio-economic development;
sociological survey 30 points. The criterion names and points are the demo's own, written in
that structure; they are not a copy of the decision.

The format is the one ``import_criteria`` reads (docs/formats.md, as
fixtures/scoring_criteria_district.xlsx). Leaves use every rule the importer supports
(manual, yes_no, rate with and without a threshold, tiers, deduction) and name the dossier
metrics the portal computes, among them the on-time rate.

From the repository root::

    python scripts/build_scoring_criteria.py            # writes fixtures/
    python scripts/build_scoring_criteria.py --out DIR  # writes elsewhere
    python scripts/build_scoring_criteria.py --check    # fails when fixtures/ differ
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import re
import sys
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

# openpyxl writes XML through lxml when it is installed (python-docx brings it) and through the
# standard library otherwise, and the two spell `<a />` differently: always the standard library,
# so the bytes do not depend on what else the virtualenv holds.
os.environ["OPENPYXL_LXML"] = "False"
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
HEADER = (
    "ma",
    "noi_dung",
    "diem_toi_da",
    "thanh_phan",
    "cach_cham",
    "tham_so",
    "chi_so",
    "bat_buoc_kiem_chung",
)
PINNED = dt.datetime(2025, 11, 17)  # the day of 5666/QĐ-UBND; keeps the files byte-stable

# (code, title, max points, rule, params, metric, evidence required); areas have rule "".
# Area 1 of the survey is marked "dieu_tra"; every other area is appraisal.
COMMUNE = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "8", "", "", "", ""),
    ("1.1", "Ban hành kế hoạch CCHC năm đúng thời hạn", "1", "yes_no", "", "", "x"),
    ("1.2", "Mức độ hoàn thành kế hoạch CCHC", "2.5", "rate", "threshold=0.6", "", ""),
    (
        "1.3",
        "Báo cáo CCHC định kỳ đầy đủ, đúng hạn",
        "1.5",
        "deduction",
        "per_violation=0.5",
        "",
        "",
    ),
    ("1.4", "Thông tin, tuyên truyền về CCHC", "1.5", "manual", "", "", ""),
    ("1.5", "Khắc phục tồn tại, hạn chế sau kiểm tra CCHC", "1.5", "manual", "", "", "x"),
    ("2", "Cải cách thể chế", "6", "", "", "", ""),
    (
        "2.1",
        "Ban hành văn bản QPPL của HĐND, UBND xã đúng thẩm quyền, trình tự",
        "2",
        "deduction",
        "per_violation=0.5",
        "",
        "",
    ),
    ("2.2", "Rà soát, hệ thống hóa văn bản QPPL", "2", "manual", "", "", "x"),
    ("2.3", "Tổ chức thi hành pháp luật và theo dõi thi hành pháp luật", "2", "manual", "", "", ""),
    (
        "3",
        "Cải cách thủ tục hành chính, thực hiện cơ chế một cửa, một cửa liên thông",
        "14",
        "",
        "",
        "",
        "",
    ),
    (
        "3.1",
        "Công khai TTHC đầy đủ, kịp thời trên Cổng dịch vụ công và tại Bộ phận một cửa",
        "2",
        "yes_no",
        "",
        "",
        "x",
    ),
    (
        "3.2",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "4",
        "rate",
        "threshold=0.9",
        "dossier_on_time_rate",
        "",
    ),
    (
        "3.3",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "3",
        "tiers",
        "tiers=0.3:1|0.5:2|0.7:3",
        "dossier_online_rate",
        "",
    ),
    ("3.4", "Tiếp nhận, xử lý phản ánh, kiến nghị về TTHC", "2", "manual", "", "", ""),
    ("3.5", "Hoạt động của Bộ phận một cửa cấp xã", "3", "manual", "", "", ""),
    ("4", "Cải cách tổ chức bộ máy hành chính", "6", "", "", "", ""),
    (
        "4.1",
        "Sắp xếp, kiện toàn tổ chức bộ máy và đơn vị hành chính cấp xã",
        "3",
        "manual",
        "",
        "",
        "x",
    ),
    ("4.2", "Thực hiện phân cấp, phân quyền, ủy quyền", "1.5", "yes_no", "", "", ""),
    ("4.3", "Thực hiện quy định về số lượng cán bộ, công chức cấp xã", "1.5", "manual", "", "", ""),
    ("5", "Cải cách chế độ công vụ", "8", "", "", "", ""),
    ("5.1", "Bố trí công chức theo vị trí việc làm", "2.5", "manual", "", "", ""),
    (
        "5.2",
        "Kỷ luật, kỷ cương hành chính (trừ điểm mỗi vi phạm)",
        "2",
        "deduction",
        "per_violation=1",
        "",
        "",
    ),
    ("5.3", "Đào tạo, bồi dưỡng cán bộ, công chức", "2", "rate", "", "", ""),
    ("5.4", "Đánh giá, xếp loại chất lượng cán bộ, công chức", "1.5", "manual", "", "", ""),
    ("6", "Cải cách tài chính công", "6", "", "", "", ""),
    ("6.1", "Thực hiện dự toán và giải ngân vốn đầu tư công", "2.5", "rate", "", "", ""),
    ("6.2", "Công khai ngân sách xã", "1.5", "yes_no", "", "", "x"),
    ("6.3", "Thực hành tiết kiệm, chống lãng phí", "2", "manual", "", "", ""),
    ("7", "Xây dựng và phát triển chính quyền số", "14", "", "", "", ""),
    ("7.1", "Xử lý văn bản, hồ sơ công việc trên môi trường mạng", "3", "rate", "", "", ""),
    (
        "7.2",
        "Số hóa hồ sơ, kết quả giải quyết TTHC",
        "3",
        "rate",
        "",
        "dossier_digitised_result_rate",
        "",
    ),
    ("7.3", "Thanh toán trực tuyến phí, lệ phí", "3", "rate", "", "dossier_paid_online_rate", ""),
    ("7.4", "Cung cấp dịch vụ công trực tuyến toàn trình", "3", "manual", "", "", ""),
    ("7.5", "Bảo đảm an toàn thông tin mạng", "2", "manual", "", "", ""),
    ("8", "Tác động của cải cách hành chính đến phát triển kinh tế - xã hội", "8", "", "", "", ""),
    ("8.1", "Thực hiện chỉ tiêu thu ngân sách trên địa bàn", "2.5", "rate", "", "", ""),
    ("8.2", "Thu hút đầu tư, phát triển sản xuất, kinh doanh", "2.5", "manual", "", "", ""),
    ("8.3", "Thực hiện các chỉ tiêu xây dựng nông thôn mới, giảm nghèo", "3", "manual", "", "", ""),
    ("9", "Điều tra xã hội học", "30", "", "", "", ""),
    ("9.1", "Đánh giá của đại biểu Hội đồng nhân dân xã", "6", "manual", "", "", ""),
    ("9.2", "Đánh giá của cán bộ, công chức xã", "6", "manual", "", "", ""),
    ("9.3", "Đánh giá của Mặt trận Tổ quốc và các đoàn thể", "4", "manual", "", "", ""),
    ("9.4", "Mức độ hài lòng của người dân, doanh nghiệp", "14", "manual", "", "", ""),
]

DEPARTMENT = [
    ("1", "Công tác chỉ đạo, điều hành cải cách hành chính", "10", "", "", "", ""),
    ("1.1", "Ban hành kế hoạch CCHC năm của cơ quan đúng thời hạn", "1.5", "yes_no", "", "", "x"),
    ("1.2", "Mức độ hoàn thành kế hoạch CCHC", "3", "rate", "threshold=0.6", "", ""),
    (
        "1.3",
        "Báo cáo CCHC định kỳ đầy đủ, đúng hạn",
        "1.5",
        "deduction",
        "per_violation=0.5",
        "",
        "",
    ),
    (
        "1.4",
        "Kiểm tra CCHC đối với đơn vị trực thuộc",
        "2",
        "tiers",
        "tiers=0.5:1|0.8:1.5|1:2",
        "",
        "",
    ),
    ("1.5", "Sáng kiến, giải pháp mới trong CCHC", "2", "manual", "", "", "x"),
    ("2", "Cải cách thể chế", "8", "", "", "", ""),
    (
        "2.1",
        "Tham mưu ban hành văn bản QPPL thuộc lĩnh vực quản lý đúng kế hoạch",
        "3",
        "rate",
        "",
        "",
        "",
    ),
    (
        "2.2",
        "Chất lượng văn bản QPPL do cơ quan chủ trì soạn thảo",
        "2",
        "deduction",
        "per_violation=0.5",
        "",
        "",
    ),
    ("2.3", "Rà soát, hệ thống hóa văn bản QPPL", "1.5", "manual", "", "", "x"),
    (
        "2.4",
        "Kiểm tra, theo dõi thi hành pháp luật trong lĩnh vực quản lý",
        "1.5",
        "manual",
        "",
        "",
        "",
    ),
    (
        "3",
        "Cải cách thủ tục hành chính, thực hiện cơ chế một cửa, một cửa liên thông",
        "14",
        "",
        "",
        "",
        "",
    ),
    ("3.1", "Công bố, công khai TTHC thuộc thẩm quyền đúng thời hạn", "2", "yes_no", "", "", "x"),
    (
        "3.2",
        "Tỷ lệ hồ sơ TTHC giải quyết đúng hạn",
        "4",
        "rate",
        "threshold=0.9",
        "dossier_on_time_rate",
        "",
    ),
    (
        "3.3",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "3",
        "tiers",
        "tiers=0.5:1|0.7:2|0.9:3",
        "dossier_online_rate",
        "",
    ),
    ("3.4", "Rà soát, đơn giản hóa TTHC", "2.5", "manual", "", "", ""),
    (
        "3.5",
        "Tiếp nhận, xử lý phản ánh, kiến nghị của người dân, doanh nghiệp",
        "2.5",
        "manual",
        "",
        "",
        "",
    ),
    ("4", "Cải cách tổ chức bộ máy hành chính", "8", "", "", "", ""),
    ("4.1", "Sắp xếp, kiện toàn các phòng, đơn vị trực thuộc", "3", "manual", "", "", "x"),
    ("4.2", "Quản lý biên chế theo đề án vị trí việc làm", "2.5", "manual", "", "", ""),
    ("4.3", "Thực hiện phân cấp, ủy quyền trong quản lý", "2.5", "yes_no", "", "", ""),
    ("5", "Cải cách chế độ công vụ", "10", "", "", "", ""),
    (
        "5.1",
        "Xác định, điều chỉnh vị trí việc làm, cơ cấu ngạch công chức",
        "2.5",
        "manual",
        "",
        "",
        "",
    ),
    ("5.2", "Tuyển dụng, sử dụng, quản lý công chức, viên chức", "2", "manual", "", "", ""),
    (
        "5.3",
        "Kỷ luật, kỷ cương hành chính (trừ điểm mỗi vi phạm)",
        "2.5",
        "deduction",
        "per_violation=1",
        "",
        "",
    ),
    ("5.4", "Đào tạo, bồi dưỡng công chức, viên chức", "3", "rate", "", "", ""),
    ("6", "Cải cách tài chính công", "6", "", "", "", ""),
    (
        "6.1",
        "Thực hiện cơ chế tự chủ tài chính của đơn vị sự nghiệp trực thuộc",
        "2.5",
        "manual",
        "",
        "",
        "",
    ),
    ("6.2", "Giải ngân vốn đầu tư công được giao", "2", "rate", "", "", ""),
    (
        "6.3",
        "Công khai tài chính, thực hành tiết kiệm, chống lãng phí",
        "1.5",
        "yes_no",
        "",
        "",
        "x",
    ),
    ("7", "Xây dựng và phát triển chính quyền số", "14", "", "", "", ""),
    (
        "7.1",
        "Xử lý văn bản, hồ sơ công việc trên môi trường mạng, chữ ký số",
        "3",
        "rate",
        "",
        "",
        "",
    ),
    (
        "7.2",
        "Số hóa hồ sơ, kết quả giải quyết TTHC",
        "3",
        "rate",
        "",
        "dossier_digitised_result_rate",
        "",
    ),
    ("7.3", "Thanh toán trực tuyến phí, lệ phí", "2", "rate", "", "dossier_paid_online_rate", ""),
    ("7.4", "Xây dựng, khai thác cơ sở dữ liệu chuyên ngành", "3", "manual", "", "", ""),
    ("7.5", "Cung cấp dịch vụ công trực tuyến toàn trình", "3", "manual", "", "", ""),
    ("8", "Điều tra xã hội học", "30", "", "", "", ""),
    ("8.1", "Đánh giá của đại biểu Hội đồng nhân dân tỉnh", "6", "manual", "", "", ""),
    ("8.2", "Đánh giá của lãnh đạo UBND cấp xã", "6", "manual", "", "", ""),
    ("8.3", "Đánh giá của công chức, viên chức trong cơ quan", "4", "manual", "", "", ""),
    ("8.4", "Mức độ hài lòng của người dân, doanh nghiệp", "14", "manual", "", "", ""),
]

FILES = {
    "scoring_criteria_commune.xlsx": (COMMUNE, "9"),
    "scoring_criteria_department.xlsx": (DEPARTMENT, "8"),
}


def check(rows: Sequence[tuple[str, ...]], survey_area: str) -> None:
    """Children sum to their parent; appraisal 70 + survey 30; every rule used."""
    points = {code: Decimal(mx) for code, _t, mx, *_rest in rows}
    for code in points:
        kids = [c for c in points if c.rpartition(".")[0] == code]
        if kids and sum(points[k] for k in kids) != points[code]:
            raise SystemExit(f"{code}: children do not sum to {points[code]}")
    roots = [c for c in points if "." not in c]
    survey = points[survey_area]
    appraisal = sum(points[c] for c in roots if c != survey_area)
    if (appraisal, survey) != (70, 30):
        raise SystemExit(f"appraisal {appraisal} + survey {survey}, expected 70 + 30")
    rules = {r[3] for r in rows if r[3]}
    if rules != {"manual", "yes_no", "rate", "tiers", "deduction"}:
        raise SystemExit(f"rules used: {sorted(rules)}")
    if not any(r[5] == "dossier_on_time_rate" and r[3] == "rate" for r in rows):
        raise SystemExit("no rate criterion with the on-time metric")


def workbook_bytes(rows: Sequence[tuple[str, ...]], survey_area: str) -> bytes:
    wb = Workbook()
    wb.properties.creator = "CCHC portal"
    wb.properties.created = wb.properties.modified = PINNED
    ws = wb.active
    ws.title = "tieu_chi"
    ws.append(HEADER)
    for code, title, mx, rule, params, metric, evidence in rows:
        value = Decimal(mx)
        component = ""
        if "." not in code:
            component = "dieu_tra" if code == survey_area else "tham_dinh"
        ws.append(
            (
                code,
                title,
                int(value) if value == value.to_integral() else float(value),
                component or None,
                rule or None,
                params or None,
                metric or None,
                evidence or None,
            )
        )
    ws.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    wb.save(buffer)
    return _pin_zip(buffer.getvalue())


def _pin_zip(data: bytes) -> bytes:
    """The same archive with every member's timestamp set to PINNED (openpyxl stamps now)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=PINNED.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                # openpyxl stamps dcterms:modified with the time of saving.
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*",
                    rb"\g<1>" + PINNED.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),
                    content,
                )
            target.writestr(pinned, content)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures")
    parser.add_argument("--check", action="store_true", help="write nothing; fail on a difference")
    args = parser.parse_args(argv)
    stale = []
    for name, (rows, survey_area) in FILES.items():
        check(rows, survey_area)
        data = workbook_bytes(rows, survey_area)
        target = args.out / name
        if args.check:
            if not target.is_file() or target.read_bytes() != data:
                stale.append(name)
            continue
        args.out.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"{target}: {len(rows)} rows")
    if stale:
        print("out of date: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
