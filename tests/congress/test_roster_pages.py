"""The roster's pages: the import's report of wrong rows at once, then its job's page with the progress
and what it did; only whoever keeps the roster sees the import form."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from congress.test_congress_pages import XSS, clerk_browser, form_token, signed_in
from openpyxl import Workbook

from minsheng.testing import Api

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster_sheet(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "用户名", "初始密码", "在任"])
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_the_roster_page_reports_each_wrong_row_and_imports_nothing(api: Api, hall) -> None:
    clerk = await clerk_browser(hall)
    url = f"/t/{hall.slug}/congress/roster"
    token = await form_token(clerk, url)
    bad = roster_sheet(["王伟", None, None, "是"], [XSS, None, None, "不知道"])
    report = await clerk.post(
        f"{url}/import", files={"file": ("名单.xlsx", bad, XLSX_TYPE)}, data={"_csrf_token": token}
    )
    assert report.status_code == 422
    assert "<td>3</td><td>在任</td>" in report.text and XSS not in report.text
    assert "王伟" not in report.text.split("</table>")[-1], "nothing was imported"
    good = roster_sheet(["王伟", f"w-{hall.slug}", None, "是"], [XSS, None, None, "否"])
    started = await clerk.post(
        f"{url}/import", files={"file": ("名单.xlsx", good, XLSX_TYPE)}, data={"_csrf_token": token}
    )
    assert started.status_code == 303, "the request returns at once, on to the import's page"
    job_page = started.headers["location"]
    assert re.fullmatch(rf"/t/{hall.slug}/congress/roster/imports/[0-9a-f-]{{36}}", job_page)
    await api.services.dispatcher.drain()
    done = await clerk.get(job_page)
    assert done.status_code == 200 and 'data-status="done"' in done.text
    assert 'id="import-summary"' in done.text and "hx-trigger" not in done.text, "a finished import stops polling"
    sheet = await clerk.get(f"{job_page}/links.xlsx")
    assert sheet.status_code == 200 and sheet.content[:2] == b"PK", "王伟's new account has a one-time link"
    roster = await clerk.get(url)
    assert "&lt;script&gt;" in roster.text and XSS not in roster.text
    exported = await clerk.get(f"{url}/export.xlsx")
    assert exported.status_code == 200 and exported.content[:2] == b"PK"


async def test_the_presidium_keeps_the_roster_and_a_teller_cannot_open_it(api: Api, hall) -> None:
    await hall.add_member(f"zxt-{hall.slug}", ["presidium"])
    presidium = await signed_in(hall, f"zxt-{hall.slug}")
    url = f"/t/{hall.slug}/congress/roster"
    page = await presidium.get(url)
    assert page.status_code == 200
    assert f'action="{url}/import"' in page.text and f'href="{url}/export.xlsx"' in page.text
    teller = await signed_in(hall, f"teller-{hall.slug}")
    assert (await teller.get(url)).status_code == 403
