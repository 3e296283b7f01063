"""Create the schedules that start the pipeline job of pipeline.py, as SageMaker's did.

    python schedule.py [--check]

Each schedule runs build_pipeline() with the inputs its trigger set in AWS. The
workspace is found as submit.py finds it. --check builds the schedules offline and
exits. Written by sm2aml 0.1.0.
"""

import sys

from azure.ai.ml.entities import CronTrigger, JobSchedule, RecurrenceTrigger
from pipeline import build_pipeline
from submit import workspace_client

# Disabled in AWS: created, then disabled (a schedule file cannot say so).
DISABLED = ["nightly_refresh_catch_up"]


def schedules() -> list[JobSchedule]:
    """The schedules, built offline."""
    return [
        JobSchedule(
            name="nightly_refresh_weekdays",
            display_name="NightlyRefreshWeekdays",
            description="Converted from the EventBridge schedule NightlyRefreshWeekdays: cron(30 2 ? * MON-FRI *)",
            trigger=CronTrigger(
                expression="30 2 * * 1-5",
                start_time="2025-01-06T00:00:00",
                time_zone="UTC",
            ),
            create_job=build_pipeline(),
        ),
        JobSchedule(
            name="nightly_refresh_catch_up",
            display_name="NightlyRefreshCatchUp",
            description="Converted from the EventBridge schedule NightlyRefreshCatchUp: rate(6 hours)",
            trigger=RecurrenceTrigger(frequency="hour", interval=6, time_zone="UTC"),
            create_job=build_pipeline(),
        ),
        JobSchedule(
            name="nightly_refresh_month_end",
            display_name="NightlyRefreshMonthEnd",
            description="Converted from the EventBridge schedule NightlyRefreshMonthEnd: cron(0 23 L * ? 2025-2026)",
            trigger=CronTrigger(
                expression="0 23 28 * *",
                start_time="2025-01-01T00:00:00",
                end_time="2026-12-31T23:59:59",
                time_zone="UTC",
            ),
            create_job=build_pipeline(),
        ),
    ]


def main(arguments: list[str]) -> int:
    built = schedules()
    if "--check" in arguments:
        print(f"{len(built)} schedules build")
        return 0
    client = workspace_client()
    for schedule in built:
        created = client.schedules.begin_create_or_update(schedule).result()
        print(f"created schedule {created.name}")
        if created.name in DISABLED:
            client.schedules.begin_disable(created.name).result()
            print(f"disabled schedule {created.name}, as it was in AWS")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
