"""Photos on checklist lines and findings: re-encoded by the server (≤ 1600 px, JPEG, no EXIF
and so no GPS), stored privately, served only to those who may see the inspection."""

import io
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from audit.models import AuditEvent
from inspections import services
from inspections.choices import FindingKind
from inspections.models import InspectionPhoto
from tests.inspections.factories import make_inspection

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _jpeg_with_gps(width=3000, height=2000, *, name="IMG_0001.JPG", orientation=None) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "Camera 1.0"  # Software
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (12.0, 41.0, 5.0), 3: "E", 4: (108.0, 3.0, 7.0)})
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _upload(data: bytes, name="IMG_0001.JPG", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_the_fixture_photo_has_gps_to_strip():
    """The input really carries GPS (else the stripping test below proves nothing)."""
    with Image.open(io.BytesIO(_jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)[1] == "N"


class TestService:
    def test_stored_photo_is_resized_jpeg_without_exif(self, personas, media):
        inspection = make_inspection(personas)
        line = inspection.checklist.first()
        (photo,) = services.photos_add(
            inspection=inspection,
            checklist_result=line,
            files=[_upload(_jpeg_with_gps())],
            by=personas.inspector,
        )
        with Image.open(photo.file.path) as stored:
            assert stored.format == "JPEG"
            assert stored.size == (1600, 1067)
            exif = stored.getexif()
            assert len(exif) == 0 and not exif.get_ifd(GPS_IFD)
            assert "exif" not in stored.info
        with Image.open(photo.thumbnail.path) as thumb:
            assert thumb.size == (320, 213) and not thumb.getexif()
        assert (photo.width, photo.height) == (1600, 1067)
        assert photo.name == "IMG_0001.JPG" and photo.uploaded_by == personas.inspector

    def test_files_are_private_and_never_dotfiles(self, personas, media):
        inspection = make_inspection(personas)
        (photo,) = services.photos_add(
            inspection=inspection,
            checklist_result=inspection.checklist.first(),
            files=[_upload(_jpeg_with_gps(40, 30), name=".htaccess")],
        )
        for f in (photo.file, photo.thumbnail):
            assert stat.S_IMODE(os.stat(f.path).st_mode) == 0o600
            assert not os.path.basename(f.name).startswith(".")
        assert photo.name == "htaccess"

    def test_orientation_is_applied_before_exif_goes(self, personas, media):
        inspection = make_inspection(personas)
        # Orientation 6: the camera held upright; the stored image is turned, portrait.
        (photo,) = services.photos_add(
            inspection=inspection,
            checklist_result=inspection.checklist.first(),
            files=[_upload(_jpeg_with_gps(400, 300, orientation=6))],
        )
        with Image.open(photo.file.path) as stored:
            assert stored.size == (300, 400)

    def test_small_png_keeps_its_size_and_becomes_jpeg(self, personas, media):
        inspection = make_inspection(personas)
        finding = services.finding_add(
            inspection=inspection, kind=FindingKind.LIMITATION, text="Camera hỏng"
        )
        out = io.BytesIO()
        Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(out, "PNG")
        (photo,) = services.photos_add(
            inspection=inspection, finding=finding, files=[_upload(out.getvalue(), "a.png")]
        )
        with Image.open(photo.file.path) as stored:
            assert (stored.format, stored.size, stored.mode) == ("JPEG", (200, 100), "RGB")

    def test_one_bad_file_refuses_all_and_stores_nothing(self, personas, media):
        inspection = make_inspection(personas)
        with pytest.raises(ValidationError) as exc:
            services.photos_add(
                inspection=inspection,
                checklist_result=inspection.checklist.first(),
                files=[_upload(_jpeg_with_gps(40, 30)), _upload(b"%PDF-1.4 not a photo", "b.jpg")],
            )
        assert exc.value.message_dict["photos"] == [
            "Ảnh “b.jpg”: không phải tệp ảnh JPEG, PNG hay WebP."
        ]
        assert InspectionPhoto.objects.count() == 0
        assert not any(p.is_file() for p in media.rglob("*"))

    def test_too_many_pixels_is_refused_before_decoding(self, personas, media, monkeypatch):
        from inspections import photos

        monkeypatch.setattr(photos, "MAX_PIXELS", 1_000_000)
        inspection = make_inspection(personas)
        with pytest.raises(ValidationError) as exc:
            services.photos_add(
                inspection=inspection,
                checklist_result=inspection.checklist.first(),
                files=[_upload(_jpeg_with_gps(1200, 1000))],
            )
        assert exc.value.message_dict["photos"] == [
            "Ảnh “IMG_0001.JPG”: 1200×1000 điểm ảnh, vượt giới hạn 1 triệu điểm ảnh."
        ]
        assert InspectionPhoto.objects.count() == 0


class TestPages:
    def _line(self, personas, media):
        inspection = make_inspection(personas)
        line = inspection.checklist.first()
        (photo,) = services.photos_add(
            inspection=inspection, checklist_result=line, files=[_upload(_jpeg_with_gps(80, 60))]
        )
        return inspection, line, photo

    def test_upload_shows_the_thumbnail(self, personas, client_for, media):
        inspection = make_inspection(personas)
        line = inspection.checklist.first()
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_photos_add", args=[inspection.pk, line.pk]),
            {"photos": [_upload(_jpeg_with_gps(80, 60)), _upload(_jpeg_with_gps(60, 80))]},
            **HTMX,
        )
        photos = list(line.photos.all())
        assert len(photos) == 2
        html = response.content.decode()
        for photo in photos:
            assert reverse("inspections:photo_thumbnail", args=[photo.pk]) in html

    def test_upload_without_files_names_the_field(self, personas, client_for, media):
        inspection = make_inspection(personas)
        line = inspection.checklist.first()
        response = client_for(personas.inspector).post(
            reverse("inspections:checklist_photos_add", args=[inspection.pk, line.pk]), {}, **HTMX
        )
        assert 'role="alert"' in response.content.decode()
        assert InspectionPhoto.objects.count() == 0

    def test_page_offers_the_camera_and_allows_it(self, personas, client_for, media):
        inspection, _line, _photo = self._line(personas, media)
        response = client_for(personas.inspector).get(inspection.get_absolute_url())
        html = response.content.decode()
        assert 'accept="image/*" capture="environment" multiple' in html
        assert "camera=(self)" in response["Permissions-Policy"]
        assert "microphone=()" in response["Permissions-Policy"]

    def test_staff_see_photos_but_no_upload(self, personas, client_for, media):
        inspection, _line, photo = self._line(personas, media)
        html = client_for(personas.cumgar_staff).get(inspection.get_absolute_url()).content
        html = html.decode()
        assert reverse("inspections:photo_thumbnail", args=[photo.pk]) in html
        assert 'capture="environment"' not in html

    def test_photo_is_served_and_audited_thumbnail_not(self, personas, client_for, media):
        _inspection, _line, photo = self._line(personas, media)
        client = client_for(personas.cumgar_staff)
        before = AuditEvent.objects.count()
        thumb = client.get(reverse("inspections:photo_thumbnail", args=[photo.pk]))
        assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
        assert AuditEvent.objects.count() == before
        full = client.get(reverse("inspections:photo_file", args=[photo.pk]))
        assert full.status_code == 200 and b"".join(full.streaming_content)[:3] == b"\xff\xd8\xff"
        assert "IMG_0001.jpg" in full["Content-Disposition"]
        assert AuditEvent.objects.count() == before + 1

    @pytest.mark.parametrize(
        ("who", "expected"),
        [("anonymous", 302), ("namnhun_staff", 404), ("eakpam_staff", 404), ("admin", 200)],
    )
    def test_photo_only_for_those_who_see_the_inspection(
        self, personas, client_for, media, who, expected
    ):
        _inspection, _line, photo = self._line(personas, media)
        client = client_for(personas.all_users()[who])
        for name in ("inspections:photo_file", "inspections:photo_thumbnail"):
            assert client.get(reverse(name, args=[photo.pk])).status_code == expected

    @pytest.mark.parametrize("n", [0, 1, 4])
    def test_inspection_page_queries_do_not_grow_with_photos(
        self, personas, client_for, media, django_assert_num_queries, n
    ):
        inspection = make_inspection(personas)
        finding = services.finding_add(
            inspection=inspection, kind=FindingKind.LIMITATION, text="Camera hỏng"
        )
        for line in inspection.checklist.all() if n else ():
            services.photos_add(
                inspection=inspection,
                checklist_result=line,
                files=[_upload(_jpeg_with_gps(40, 30)) for _ in range(n)],
            )
        if n:
            services.photos_add(
                inspection=inspection,
                finding=finding,
                files=[_upload(_jpeg_with_gps(40, 30)) for _ in range(n)],
            )
        client = client_for(personas.inspector)
        client.get(inspection.get_absolute_url())  # warm the session
        # The same with none: the photos of all lines and of all findings are one query each.
        with django_assert_num_queries(19):
            html = client.get(inspection.get_absolute_url()).content.decode()
        assert html.count('class="photo-thumb') == 3 * n
