"""Uploads are checked on their content, not their name, and nothing is stored when one is refused."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from minsheng.storage import DEFAULT_ALLOWED_TYPES, ObjectStore, UploadRefused, check_upload, store_upload
from minsheng.storage.uploads import DOCX, XLSX

LIMIT = 64 * 1024


def png_bytes() -> bytes:
    """A valid 1×1 grey PNG, built chunk by chunk (Pillow is not a dependency)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1×1, 8-bit greyscale
    pixels = zlib.compress(b"\x00\x80")  # filter byte 0, one grey pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def jpeg_bytes() -> bytes:
    """A JPEG's frame: start of image, a JFIF header, end of image; enough for a content check."""
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", len(jfif) + 2) + jfif + b"\xff\xd9"


def pdf_bytes() -> bytes:
    """A valid one-page PDF, its cross-reference table pointing at the right offsets."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def office_bytes(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return office_bytes(
        {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": "<Relationships/>",
            "word/document.xml": "<w:document><w:body><w:p><w:r><w:t>民生实事</w:t></w:r></w:p></w:body></w:document>",
        }
    )


def xlsx_bytes() -> bytes:
    return office_bytes(
        {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "_rels/.rels": "<Relationships/>",
            "xl/workbook.xml": "<workbook/>",
            "xl/worksheets/sheet1.xml": "<worksheet/>",
        }
    )


def check(data: bytes, claimed: str | None, filename: str) -> object:
    return check_upload(data, claimed, filename, DEFAULT_ALLOWED_TYPES, LIMIT)


@pytest.mark.parametrize(
    ("build", "claimed", "filename", "content_type", "extension", "safe_name"),
    [
        (jpeg_bytes, "image/jpeg", "现场照片.JPG", "image/jpeg", "jpg", "现场照片.jpg"),
        (jpeg_bytes, "image/jpg", "photo.jpeg", "image/jpeg", "jpg", "photo.jpeg"),
        (png_bytes, "image/png", "C:\\Users\\代表\\截图.png", "image/png", "png", "截图.png"),
        (png_bytes, None, "截图", "image/png", "png", "截图.png"),
        (pdf_bytes, "application/pdf", "项目建议书.pdf", "application/pdf", "pdf", "项目建议书.pdf"),
        (pdf_bytes, "application/octet-stream", "方案v1.2", "application/pdf", "pdf", "方案v1.2.pdf"),
        (docx_bytes, DOCX, "工作方案.docx", DOCX, "docx", "工作方案.docx"),
        (xlsx_bytes, XLSX, "票决结果.xlsx", XLSX, "xlsx", "票决结果.xlsx"),
    ],
)
def test_valid_files_are_accepted_with_the_type_of_their_content(
    build, claimed: str | None, filename: str, content_type: str, extension: str, safe_name: str
) -> None:
    data = build()
    upload = check_upload(data, claimed, filename, DEFAULT_ALLOWED_TYPES, LIMIT)
    assert upload.content_type == content_type
    assert upload.size == len(data)
    assert upload.safe_name == safe_name
    assert upload.extension == extension


def test_a_file_over_the_limit_is_refused_with_its_size() -> None:
    data = png_bytes() + b"\x00" * LIMIT
    with pytest.raises(UploadRefused) as refusal:
        check(data, "image/png", "big.png")
    assert refusal.value.reason == "the file is {size} bytes, more than the limit of {limit} bytes"
    assert refusal.value.params == {"size": len(data), "limit": LIMIT}
    assert str(refusal.value) == f"the file is {len(data)} bytes, more than the limit of {LIMIT} bytes"


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        check(b"", "image/png", "empty.png")
    assert refusal.value.reason == "the file is empty"


def test_a_text_file_claimed_as_png_is_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        check("这不是图片\n".encode(), "image/png", "photo.png")
    assert refusal.value.reason.startswith("the type of the file cannot be recognised")


def test_a_png_renamed_pdf_is_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        check(png_bytes(), None, "项目建议书.pdf")
    assert refusal.value.reason == "the file's content is {detected}, which does not match its extension .{extension}"
    assert refusal.value.params == {"detected": "image/png", "extension": "pdf"}


def test_a_png_claimed_as_pdf_is_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        check(png_bytes(), "application/pdf", "项目建议书")
    assert refusal.value.params == {"detected": "image/png", "claimed": "application/pdf"}


def test_a_word_file_named_as_excel_is_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        check(docx_bytes(), None, "票决结果.xlsx")
    assert refusal.value.params == {"detected": DOCX, "extension": "xlsx"}


def test_a_plain_zip_is_not_taken_for_an_office_file() -> None:
    data = office_bytes({"word/document.xml": "<w:document/>"})  # no [Content_Types].xml
    with pytest.raises(UploadRefused) as refusal:
        check(data, DOCX, "工作方案.docx")
    assert refusal.value.params["type"] == "application/zip"


def test_a_type_outside_the_allowed_set_is_refused() -> None:
    with pytest.raises(UploadRefused) as refusal:
        check_upload(pdf_bytes(), None, "a.pdf", frozenset({"image/png"}), LIMIT)
    assert refusal.value.params == {"type": "application/pdf", "allowed": "png"}


async def test_an_accepted_upload_is_stored_under_its_tenant(store: ObjectStore) -> None:
    data = pdf_bytes()
    result = await store_upload(store, 42, data, claimed_type="application/pdf", filename="项目建议书.pdf")
    key = result.stored.key
    assert key.startswith("t/42/uploads/")
    assert key.endswith("/项目建议书.pdf")
    assert result.stored.content_type == "application/pdf"
    assert await store.get(key) == data
    assert await store.list("") == [key]


@pytest.mark.parametrize(
    ("data", "claimed", "filename"),
    [
        (b"\x89PNG" + b"\x00" * LIMIT, "image/png", "big.png"),
        ("这不是图片".encode(), "image/png", "photo.png"),
        (png_bytes(), None, "项目建议书.pdf"),
        (b"", None, "empty.pdf"),
    ],
    ids=["too-large", "text-as-png", "png-named-pdf", "empty"],
)
async def test_nothing_is_stored_when_an_upload_is_refused(
    store: ObjectStore, data: bytes, claimed: str | None, filename: str
) -> None:
    with pytest.raises(UploadRefused):
        await store_upload(store, 42, data, claimed_type=claimed, filename=filename, max_bytes=LIMIT)
    assert await store.list("") == []
