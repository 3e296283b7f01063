"""Create the schedules that start the pipeline job of pipeline.py, as SageMaker's did.

    python schedule.py [--check]

Each schedule runs build_pipeline() with the inputs its trigger set in AWS. The
workspace is found as submit.py finds it. --check builds the schedules offline and
exits. Written by sm2aml 0.1.0.
"""

import sys

from azure.ai.ml import Input
from azure.ai.ml.entities import CronTrigger, JobSchedule, RecurrenceTrigger
from pipeline import build_pipeline
from submit import workspace_client

# Disabled in AWS: created, then disabled (a schedule file cannot say so).
DISABLED = ["sales_quarter_close"]


def schedules() -> list[JobSchedule]:
    """The schedules, built offline."""
    return [
        JobSchedule(
            name="sales_cleanup_hourly",
            display_name="sales-cleanup-hourly",
            description="Clean the sales extract every 90 minutes",
            trigger=RecurrenceTrigger(frequency="minute", interval=90, time_zone="UTC"),
            create_job=build_pipeline(min_rows=250),
        ),
        JobSchedule(
            name="sales_quarter_close",
            display_name="sales-quarter-close",
            description="Second Monday of each quarter's first month, Berlin time",
            trigger=CronTrigger(
                expression="0 6 * 1,4,7,10 1",
                start_time="2025-01-01T01:00:00",
                end_time="2027-01-01T00:00:00",
                time_zone="W. Europe Standard Time",
            ),
            create_job=build_pipeline(
                raw_data=Input(
                    type="uri_folder",
                    path="azureml://datastores/acme_raw_data/paths/sales/quarter-close/",
                ),
            ),
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
