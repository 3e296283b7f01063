"""Conversion options (command-line flags today; the mapping file adds to them)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sm2aml.mapping import Mapping

if TYPE_CHECKING:
    from sm2aml.load.cloudwatch import Watch


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    compute: str = "serverless"  # "serverless", or "clusters" to emit compute/*.yml and use them
    storage_account: str | None = None  # None: derived from the pipeline name
    prefix: str = ""  # prepended to component and environment names
    control_flow: str = "gates"  # "gates" (guarded branch nodes) or "if_else" (Azure ML if_else nodes)
    register_components: bool = False  # named component versions (azureml:<name>:<version>), not anonymous ones
    mapping: Mapping = field(default_factory=Mapping)  # sm2aml.toml: names and overrides fixed by the user
    alarms: tuple[Watch, ...] = ()  # CloudWatch alarms and dashboards given with --alarms

    def account_for(self, pipeline_name: str) -> str:
        if self.storage_account:
            return self.storage_account
        stem = re.sub(r"[^a-z0-9]", "", pipeline_name.lower())[:22]
        return f"st{stem or 'migrated'}"
