"""Nothing blocks the event loop: while a township uploads a roster declaring 6,000 rows of 16,384
columns and an office renders a 50-page PDF, ``/health`` on the same process answers within 100 ms
(p99 of 50 probes). A sheet past the caps (lines, columns, unpacked size) is refused with 422.

Each probe is due at a fixed time and timed from then, not from when the test got round to sending
it: a request arriving while the loop is held waits for the loop, and so must the probe's clock (a
probe sent only once the loop is free would time nothing but itself). What is taken off is the time
the operating system gave the CPUs to other processes (another test worker on a 2-core machine, the
PDF's own process): the loop's thread waiting for a CPU, and, while it slept, the process's other
threads waiting for one (a worker thread preempted while it holds the interpreter lock keeps the loop
waiting). Linux counts both per thread (``schedstat``); the test samples them at least every few
milliseconds while the loop is free. The loop's own work, other tasks' work on it, and waiting for
the interpreter lock held by a running thread count in full.
"""

from __future__ import annotations

import asyncio
import bisect
import gc
import math
import re
import threading
import zipfile
from io import BytesIO
from pathlib import Path

import httpx
from openpyxl import Workbook
from pypdf import PdfReader

from minsheng.congress.roster.excel import MAX_COLUMNS, MAX_LINES
from minsheng.testing import Api

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBES = 50
INTERVAL = 0.02  # between the probes' due times
SAMPLE_EVERY = 0.005  # the longest sleep between two samples of the scheduler's counts
TASKS = Path("/proc/self/task")


def _schedstat(task: Path) -> tuple[float, float]:
    """A thread's seconds on a CPU and seconds ready to run but waiting for one (Linux's schedstat);
    zeros where the kernel does not say, so nothing is taken off there."""
    try:
        on_cpu, waiting, _slices = (task / "schedstat").read_text().split()
        return int(on_cpu) / 1e9, int(waiting) / 1e9
    except (OSError, ValueError):
        return 0.0, 0.0


class Scheduler:
    """What the operating system did with the process's threads, sampled as the probes go: the loop
    thread's time on a CPU and waiting for one, and the other threads' time waiting for one (summed
    over the threads, each counted from its first sample, or from 0 for a thread started since)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.own = str(threading.get_native_id())
        self.seen: dict[str, float] = {}
        self.others = 0.0
        self.samples: list[tuple[float, float, float, float]] = []  # time, loop on CPU, loop waiting, others waiting
        self.sample()

    def sample(self) -> None:
        for task in TASKS.iterdir():
            if task.name != self.own:
                waiting = _schedstat(task)[1]
                self.others += max(0.0, waiting - self.seen.get(task.name, 0.0))
                self.seen[task.name] = waiting
        self.samples.append((self.loop.time(), *_schedstat(TASKS / self.own), self.others))

    def at(self, moment: float) -> tuple[float, float, float]:
        """The three counts at ``moment``, interpolated between the samples around it."""
        times = [sample[0] for sample in self.samples]
        after = min(bisect.bisect_left(times, moment), len(times) - 1)
        before = max(after - 1, 0)
        (t0, *c0), (t1, *c1) = self.samples[before], self.samples[after]
        share = 1.0 if t1 <= t0 else min(1.0, max(0.0, moment - t0) / (t1 - t0))
        return c0[0] + (c1[0] - c0[0]) * share, c0[1] + (c1[1] - c0[1]) * share, c0[2] + (c1[2] - c0[2]) * share

    def not_the_servers(self, due: float) -> float:
        """Of the time since ``due`` (up to the last sample), what the operating system took: the loop
        thread waiting for a CPU, and, while the loop thread slept (waiting for the interpreter lock),
        other threads waiting for one (one holding the lock keeps the loop waiting while it waits)."""
        now, on_cpu, waiting, others = self.samples[-1]
        cpu0, waiting0, others0 = self.at(due)
        waited = max(0.0, waiting - waiting0)
        slept = max(0.0, (now - due) - waited - max(0.0, on_cpu - cpu0))
        return waited + min(max(0.0, others - others0), slept)


def workbook(rows: int, *, dimension: str | None = None, columns: int = 2, last_row: int | None = None) -> bytes:
    """A roster workbook; ``dimension`` is written as its declared size, ``last_row`` adds an empty
    row numbered so (both cost nothing in the file and used to cost the parser everything)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["姓名", "用户名", *[f"备注{n}" for n in range(columns - 2)]])
    for n in range(rows):
        sheet.append([f"代表{n}", f"deputy-{n}", *["x"] * (columns - 2)])
    buffer = BytesIO()
    book.save(buffer)
    if dimension is None and last_row is None:
        return buffer.getvalue()
    source = zipfile.ZipFile(BytesIO(buffer.getvalue()))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                if dimension:
                    xml = re.sub(r'<dimension ref="[^"]+"/>', f'<dimension ref="{dimension}"/>', xml)
                if last_row:
                    xml = xml.replace(
                        "</sheetData>",
                        f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
                    )
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


async def _signed_in_admin(api: Api, slug: str) -> httpx.AsyncClient:
    await api.create_tenant(slug, "province")
    await api.add_member(slug, f"{slug}-admin", ["tenant_admin"])
    browser = api.browser()
    assert (await api.page_login(browser, f"{slug}-admin")).status_code in (302, 303)
    return browser


async def test_health_answers_within_100ms_during_a_huge_declared_import_and_a_long_pdf(api: Api) -> None:
    browser = await _signed_in_admin(api, "loop")
    headers = await api.headers("loop-admin")
    page = await browser.get("/t/loop/staff/document-templates/collection_report")
    assert page.status_code == 200, page.text
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    # About 50 pages of the official layout (22 lines of 28 characters a page).
    source = "{% for n in range(60) %}\n\n第{{ n }}段：" + "民生实事项目人大代表票决制" * 40 + "\n{% endfor %}"
    # What froze every tenant: a small file declaring 6,000 rows of 16,384 columns, with a line far
    # down (here at the cap, so it is imported): read as declared, every line in between is 16,384
    # empty cells (about 1.8 s of parsing for this file, on the loop before).
    sheet = workbook(200, dimension="A1:XFD6000", last_row=MAX_LINES)

    async def import_roster() -> httpx.Response:
        return await api.client.post(
            "/api/v1/t/loop/deputies/import", files={"file": ("代表名单.xlsx", sheet, XLSX)}, headers=headers
        )

    async def render_pdf() -> httpx.Response:
        form = {"source": source, "_csrf_token": token}
        return await browser.post("/t/loop/staff/document-templates/collection_report/preview.pdf", data=form)

    loop = asyncio.get_running_loop()
    # The test process holds far more than a server's (pytest, Hypothesis' cases, the apps other tests
    # built): a full garbage collection of it takes 200-470 ms here and would land in the window at
    # random. What exists before the work is frozen out of the collector meanwhile; what the import
    # and the render allocate is collected as usual.
    gc.collect()
    gc.freeze()
    try:
        started = loop.time()
        work = [asyncio.create_task(import_roster()), asyncio.create_task(render_pdf())]
        finished: list[float] = []
        for task in work:
            task.add_done_callback(lambda _task: finished.append(loop.time()))
        # Due on a schedule fixed before the work could run: work holding the loop from its first step
        # (a render on it) makes the first probes late, it cannot push the schedule past itself.
        first = started + 0.05
        scheduler = Scheduler(loop)
        dues, latencies, timings, starved = [], [], [], []
        for n in range(PROBES):
            due = first + n * INTERVAL
            while (left := due - loop.time()) > 0:
                await asyncio.sleep(min(left, SAMPLE_EVERY))
                scheduler.sample()
            response = await api.client.get("/health")
            scheduler.sample()
            assert response.status_code == 200
            latency = scheduler.samples[-1][0] - due
            not_ours = min(scheduler.not_the_servers(due), latency)
            dues.append(due)
            latencies.append(latency)
            timings.append(latency - not_ours)
            starved.append(not_ours)
        imported, rendered = await asyncio.gather(*work)
    finally:
        gc.unfreeze()
    total = loop.time() - started
    assert imported.status_code == 202, imported.text
    assert rendered.status_code in (200, 201) and rendered.content.startswith(b"%PDF"), rendered.text[:300]
    pages = len(PdfReader(BytesIO(rendered.content)).pages)
    during = sum(due < max(finished) for due in dues)
    p99 = sorted(timings)[math.ceil(0.99 * len(timings)) - 1]
    print(
        f"health p99 {p99 * 1000:.1f} ms, max {max(timings) * 1000:.1f} ms (as timed {max(latencies) * 1000:.1f}"
        f" ms; waiting for a CPU taken off a probe: at most {max(starved) * 1000:.1f} ms), "
        f"{during}/{PROBES} probes due during the work, {total:.1f} s, {pages} pages"
    )
    assert pages >= 50
    assert during >= PROBES // 2, "the probes must run while the import and the render do"
    assert p99 < 0.1, [round(t * 1000, 1) for t in timings]
    await browser.aclose()


async def test_a_sheet_past_the_caps_is_refused_with_422_whatever_it_declares(api: Api) -> None:
    await api.create_tenant("caps", "province")
    await api.add_member("caps", "caps-admin", ["tenant_admin"])
    headers = await api.headers("caps-admin")

    async def upload(content: bytes) -> httpx.Response:
        return await api.client.post(
            "/api/v1/t/caps/deputies/import", files={"file": ("代表名单.xlsx", content, XLSX)}, headers=headers
        )

    declared = await upload(workbook(3, dimension="A1:XFD1048576"))
    assert declared.status_code == 202, declared.text  # a declared size alone costs nothing
    too_far = await upload(workbook(3, last_row=MAX_LINES + 1))
    assert too_far.status_code == 422 and str(MAX_LINES) in too_far.json()["detail"], too_far.text
    at_the_cap = await upload(workbook(3, last_row=MAX_LINES))
    assert at_the_cap.status_code == 202, at_the_cap.text
    wide = await upload(workbook(3, columns=MAX_COLUMNS + 1))
    assert wide.status_code == 422 and str(MAX_COLUMNS) in wide.json()["detail"], wide.text
    assert (await upload(workbook(3, columns=MAX_COLUMNS))).status_code == 202


def _bomb() -> bytes:
    buffer = BytesIO(workbook(1))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * (41 * 1024 * 1024))
    return buffer.getvalue()


async def test_a_workbook_that_unpacks_past_the_cap_is_refused(api: Api) -> None:
    await api.create_tenant("bomb", "province")
    await api.add_member("bomb", "bomb-admin", ["tenant_admin"])
    content = _bomb()
    assert len(content) < 200 * 1024
    response = await api.client.post(
        "/api/v1/t/bomb/deputies/import",
        files={"file": ("代表名单.xlsx", content, XLSX)},
        headers=await api.headers("bomb-admin"),
    )
    assert response.status_code == 422, response.text
