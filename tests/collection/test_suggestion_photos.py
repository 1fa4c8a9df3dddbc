"""A public suggestion may carry up to three photos, checked by the upload rules (type read from
the content, size) before anything is stored; staff see them beside the suggestion."""

from __future__ import annotations

import re
import struct
import zlib
from typing import Any

from collection.conftest import citizen
from collection.pages import staff_browser

from minsheng.testing import Api


def png(width: int = 1, height: int = 1) -> bytes:
    """A real (tiny, grey) PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def test_photos_come_with_a_suggestion_and_staff_see_them(api: Api, town: Any) -> None:
    url = f"{town.base}/suggestions/with-photos"
    fields = {"content": "村口的桥面开裂了，见照片", "place": "东村", "category": "roads_transport"}
    photos = [("photos", ("桥1.png", png(), "image/png")), ("photos", ("桥2.png", png(2, 2), "image/png"))]
    async with citizen(api) as client:
        sent = await client.post(url, data=fields, files=photos)
    assert sent.status_code == 201, sent.text
    code = sent.json()["code"]
    (item,) = (await api.client.get(f"{town.base}/suggestions", headers=town.staff)).json()["items"]
    assert item["code"] == code and len(item["attachments"]) == 2
    download = await api.client.get(f"{town.base}/files/{item['attachments'][0]}", headers=town.staff)
    assert download.status_code == 200 and download.content == png()

    browser = await staff_browser(api, town.slug, f"{town.slug}-staff")
    page = await browser.get(f"{browser.staff}/suggestions/{item['id']}")
    assert page.text.count(f'<img src="/t/{town.slug}/files/') == 2
    inbox = await browser.get(f"{browser.staff}/suggestions")
    assert "附件：2" in inbox.text or "Attachments: 2" in inbox.text


async def test_a_photo_that_is_not_an_image_or_too_many_photos_store_nothing(api: Api, town: Any) -> None:
    url = f"{town.base}/suggestions/with-photos"
    fields = {"content": "村口的桥面开裂了，见照片"}
    async with citizen(api) as client:
        fake = await client.post(
            url, data=fields, files=[("photos", ("桥.jpg", b"#!/bin/sh\necho not a photo\n", "image/jpeg"))]
        )
        assert fake.status_code == 422, fake.text
        assert fake.json()["errors"][0]["key"] == "photos"
        many = await client.post(
            url, data=fields, files=[("photos", (f"{n}.png", png(), "image/png")) for n in range(4)]
        )
        assert many.status_code == 422
        assert "3" in many.json()["detail"]
    inbox = (await api.client.get(f"{town.base}/suggestions", headers=town.staff)).json()
    assert inbox["total"] == 0


async def test_the_public_form_takes_photos(api: Api, town: Any) -> None:
    async with citizen(api) as browser:
        form = await browser.get(f"/t/{town.slug}/suggest")
        assert 'enctype="multipart/form-data"' in form.text and 'name="photos"' in form.text
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token
        fields = {"content": "希望在村委会门口装一个路灯", "place": "西村", "_csrf_token": token.group(1)}
        refused = await browser.post(
            f"/t/{town.slug}/suggest", data=fields, files=[("photos", ("a.png", b"GIF89a not really", "image/png"))]
        )
        assert refused.status_code == 422 and 'id="photos-error"' in refused.text
        assert "希望在村委会门口装一个路灯" in refused.text
        done = await browser.post(
            f"/t/{town.slug}/suggest", data=fields, files=[("photos", ("a.png", png(), "image/png"))]
        )
        assert done.status_code == 201, done.text
        code = re.search(r'id="tracking-code">([^<]+)<', done.text)
        assert code
    (item,) = (await api.client.get(f"{town.base}/suggestions", headers=town.staff)).json()["items"]
    assert item["code"] == code.group(1) and len(item["attachments"]) == 1
