"""The deadline cron job with a clock the test controls: a reminder before the month after the vote
is up, an overdue flag the day after, each raised and sent once whatever the retries (both backends)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from minsheng.accounts.models import Membership
from minsheng.db.session import Database
from minsheng.implementation import jobs as implementation_jobs
from minsheng.implementation.jobs import schedule_deadline_checks
from minsheng.jobs.models import Job, JobStatus
from minsheng.jobs.outbox import pending_job_ids
from minsheng.jobs.periodic import EmbeddedTimer
from minsheng.jobs.runner import RetryPolicy, run_job
from minsheng.notifications import services as notification_service
from minsheng.notifications.models import Notification, NotificationDelivery
from minsheng.notifications.testing import capture_channel
from minsheng.tenancy.context import TenantRef, tenant_scope
from minsheng.testing import Api

NO_WAIT = RetryPolicy(max_attempts=3, first_delay=timedelta(0))


def on(day: date) -> datetime:
    """Noon in China on ``day``: the clock the cron's tick is given."""
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)


async def holders(database: Database, tenant_id: uuid.UUID, role: str) -> list[str]:
    """The user ids (as text) holding ``role`` in a tenant."""
    async with database.session() as session:
        rows = (await session.execute(select(Membership).where(Membership.tenant_id == tenant_id))).scalars()
        return [str(m.user_id) for m in rows if role in m.roles]


@pytest.fixture
async def quiet(api: Api) -> Database:
    """The app's database, with its own job runners stopped: the test runs every job itself."""
    await api.services.dispatcher.stop()
    return api.services.database


async def run_pending(database: Database) -> list[Any]:
    """Run every due job until none is left (deliveries written by the checks included)."""
    outcomes = []
    for _round in range(10):
        async with database.session() as session:
            due = await pending_job_ids(session)
        if not due:
            break
        for job_id in due:
            outcomes.append(await run_job(database, job_id, retry=NO_WAIT))
    return outcomes


async def tick(database: Database, day: date) -> list[uuid.UUID]:
    """The cron's tick at noon on ``day`` (the clock), then every job it caused."""
    ids = await schedule_deadline_checks(database, on(day))
    await run_pending(database)
    return ids


async def alerts(api: Api, town: Any, stage: str = "") -> list[dict[str, Any]]:
    query = f"?stage={stage}" if stage else ""
    response = await api.client.get(f"{town.base}/deadline-alerts{query}", headers=await town.headers("presidium"))
    return list(response.json()["items"])


async def test_an_unfiled_work_plan_is_flagged_overdue_the_day_after_its_month(
    api: Api, town: Any, quiet: Database
) -> None:
    """Reminder before, nothing new on the due day itself (exactly one month), overdue after."""
    (project,) = await town.choose(["学校改造"])  # voted 10 January 2026: due 10 February
    with capture_channel("capture", accepts="user") as sent:
        await tick(quiet, date(2026, 2, 2))
        assert await alerts(api, town) == [] and sent == []

        assert await tick(quiet, date(2026, 2, 3))  # seven days before: remind the government
        (reminder,) = await alerts(api, town)
        assert (reminder["subject"], reminder["stage"], reminder["due"]) == ("work_plan", "reminder", "2026-02-10")
        assert len(sent) == 1
        assert "2026-02-10" in sent[0].subject

        assert await tick(quiet, date(2026, 2, 3)) == []  # the same day again: no second check
        await tick(quiet, date(2026, 2, 10))  # exactly one month after the vote: still on time
        assert [a["stage"] for a in await alerts(api, town)] == ["reminder"]
        assert len(sent) == 1

        await tick(quiet, date(2026, 2, 11))  # the day after: overdue, to the presidium and the county
        (overdue,) = await alerts(api, town, "overdue")
        assert overdue["project_id"] == str(project)
        assert len(sent) == 2
        await tick(quiet, date(2026, 2, 12))
        assert len(sent) == 2  # flagged once, not every day

    with tenant_scope(TenantRef(town.tenant_id, town.slug)):
        async with quiet.session() as session:
            notes = {n.kind: n for n in (await session.execute(select(Notification))).scalars()}
    officer = await holders(quiet, town.tenant_id, "government")
    assert [r["value"] for r in notes["work_plan_reminder"].recipients] == officer
    told = {r["value"] for r in notes["work_plan_overdue"].recipients}
    presidium = await holders(quiet, town.tenant_id, "presidium")
    county = await holders(quiet, town.county_id, "presidium")
    assert set(presidium) | set(county) <= told
    assert not set(officer) & told
    listed = await api.client.get(f"{town.base}/notifications", headers=await town.headers("presidium"))
    assert sorted(n["kind"] for n in listed.json()["items"]) == ["work_plan_overdue", "work_plan_reminder"]
    assert all(n["status"] == "sent" for n in listed.json()["items"])
    denied = await api.client.get(f"{town.base}/notifications", headers=await town.headers("officer"))
    assert denied.status_code == 403

    # The presidium's overview page shows the flag.
    await api.add_member(town.slug, f"chair-{town.slug}", ["presidium"])
    browser = api.browser()
    await api.page_login(browser, f"chair-{town.slug}")
    page = await browser.get(f"/t/{town.slug}/implementation")
    assert 'id="overdue"' in page.text and "学校改造" in page.text
    await browser.aclose()


async def test_a_plan_filed_on_time_is_never_flagged_and_late_reports_are(api: Api, town: Any, quiet: Database) -> None:
    (project,) = await town.choose(["学校改造"])
    assert (await town.file_plan(project)).status_code == 201
    await tick(quiet, date(2026, 2, 11))
    assert await alerts(api, town) == []
    await tick(quiet, date(2026, 4, 11))  # the first quarter's report was due on 10 April
    (late,) = await alerts(api, town, "overdue")
    assert (late["subject"], late["period"]) == ("quarterly_report", "2026Q1")
    assert (await town.report(project, year=2026, quarter=2)).status_code == 201
    await tick(quiet, date(2026, 7, 11))
    assert [a["period"] for a in await alerts(api, town, "overdue")] == ["2026Q1"]


async def test_the_reminder_is_sent_once_not_once_per_job_retry(
    api: Api, town: Any, quiet: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check job fails after raising its alert and is retried; arq delivers it twice;
    the channel fails once: the reminder is still raised once and sent once per channel."""
    await town.choose(["学校改造"])
    real = implementation_jobs.check_deadlines
    attempts: list[int] = []

    async def fails_first(session: Any, tenant: Any, now: Any, *, hooks: Any) -> Any:
        raised = await real(session, tenant, now, hooks=hooks)
        attempts.append(len(raised))
        if len(attempts) == 1:
            raise ConnectionError("the database went away after the alert was written")
        return raised

    monkeypatch.setattr(implementation_jobs, "check_deadlines", fails_first)
    monkeypatch.setattr(notification_service, "FIRST_RETRY", timedelta(0))
    with capture_channel("capture", accepts="user") as sent:
        sent.fail_next = 1
        scheduled = await schedule_deadline_checks(quiet, on(date(2026, 2, 3)))
        async with quiet.session() as session:
            (job_id,) = [
                j.id
                for j in (await session.execute(select(Job).where(Job.id.in_(scheduled)))).scalars()
                if j.tenant_id == town.tenant_id
            ]
        first = await run_job(quiet, job_id, retry=NO_WAIT)
        assert (first.status, first.ran) == (JobStatus.PENDING, True)
        second = await run_job(quiet, job_id, retry=NO_WAIT)
        assert second.status == JobStatus.DONE
        assert attempts == [1, 1]  # the retry raised it again: the first attempt's alert was rolled back
        repeated = await run_job(quiet, job_id, retry=NO_WAIT)  # arq delivers the job a second time
        assert repeated.ran is False
        await run_pending(quiet)  # delivery fails on the capture channel once, then succeeds
        assert len(sent) == 1
        await tick(quiet, date(2026, 2, 4))  # the next day's check raises nothing new
        assert len(sent) == 1

    assert len(await alerts(api, town)) == 1
    with tenant_scope(TenantRef(town.tenant_id, town.slug)):
        async with quiet.session() as session:
            deliveries = {d.channel: d for d in (await session.execute(select(NotificationDelivery))).scalars()}
            jobs = (await session.execute(select(Job).where(Job.name == "notifications.deliver"))).scalars().all()
    assert (deliveries["capture"].status, deliveries["capture"].attempts) == ("sent", 2)
    assert (deliveries["log"].status, deliveries["log"].attempts) == ("sent", 1)  # never sent again
    assert len(jobs) == 2  # the delivery and its follow-up for the failed channel


async def test_the_embedded_timer_runs_the_cron_work(api: Api, town: Any, quiet: Database) -> None:
    await town.choose(["学校改造"])
    handed: list[uuid.UUID] = []

    async def notify(ids: Any) -> None:
        handed.extend(ids)

    timer = EmbeddedTimer(quiet, notify)
    assert await timer.run_once(on(date(2026, 2, 11))) >= 1
    assert handed
    await run_pending(quiet)
    assert [a["stage"] for a in await alerts(api, town)] == ["overdue"]
