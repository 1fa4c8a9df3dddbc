"""Object keys stay under their tenant; file names are safe to store and to download."""

from __future__ import annotations

import pytest

from minsheng.storage import InvalidKey, content_disposition, safe_filename, tenant_key, tenant_prefix


def test_a_tenant_key_puts_each_part_in_one_segment() -> None:
    assert tenant_key(7, "uploads", "a1", "报告.pdf") == "t/7/uploads/a1/报告.pdf"
    assert tenant_key("hz-xihu", "../../etc/passwd") == "t/hz-xihu/etc_passwd"


@pytest.mark.parametrize("tenant_id", ["", "a/b", "../1", "t 1", "县/乡"])
def test_a_tenant_id_that_would_need_cleaning_is_refused(tenant_id: str) -> None:
    # Cleaning could give two tenants one prefix.
    with pytest.raises(InvalidKey):
        tenant_prefix(tenant_id)


def test_a_key_part_with_nothing_usable_is_refused() -> None:
    with pytest.raises(InvalidKey):
        tenant_key(1, "..")
    with pytest.raises(InvalidKey):
        tenant_key(1)


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("2024年民生实事项目.pdf", "2024年民生实事项目.pdf"),
        ("C:\\材料\\报告.PDF", "报告.pdf"),
        ("/etc/passwd", "passwd"),
        ("../../证明.docx", "证明.docx"),
        ("《关于征集项目的通知》 (定稿).docx", "关于征集项目的通知_定稿.docx"),
        ("..hidden", "hidden"),
        ("-rf.txt", "rf.txt"),
        ("in\x00voice\r\n.pdf", "invoice.pdf"),
        ("photo\u202egnp.exe", "photognp.exe"),
        ("", "file"),
        ("....", "file"),
        ("《》.pdf", "file.pdf"),
        ("方案v1.2", "方案v1.2"),
    ],
)
def test_safe_filename(name: str, safe: str) -> None:
    assert safe_filename(name) == safe


def test_a_long_chinese_name_is_cut_to_the_byte_limit_keeping_its_extension() -> None:
    name = safe_filename("关于" * 200 + ".xlsx", max_bytes=100)
    assert name.endswith(".xlsx")
    assert len(name.encode()) <= 100
    assert name.startswith("关于关于")


def test_content_disposition_carries_the_chinese_name_encoded_and_an_ascii_fallback() -> None:
    value = content_disposition("票决结果.xlsx")
    assert value == ("attachment; filename=\"_.xlsx\"; filename*=UTF-8''%E7%A5%A8%E5%86%B3%E7%BB%93%E6%9E%9C.xlsx")
    assert content_disposition('a"b\r\nc.pdf', inline=True).startswith('inline; filename="a_bc.pdf"')
