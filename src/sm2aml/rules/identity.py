"""IAM role ARNs → user-assigned managed identities with Azure RBAC role assignments."""

from __future__ import annotations

from sm2aml import aml
from sm2aml.data import table
from sm2aml.rules.context import Context


def identity(ctx: Context, role_arn: object, where: str) -> str | None:
    """The managed identity standing for an execution role; None when the role is not a literal ARN."""
    if not isinstance(role_arn, str) or ":role/" not in role_arn:
        return None
    name = ctx.options.mapping.roles.get(role_arn) or "id-" + aml.snake(role_arn.rsplit("/", 1)[-1]).replace("_", "-")
    if name not in ctx.identities:
        roles = table("iam")["roles"]
        ctx.identities[name] = aml.Identity(
            name=name,
            description=f"Stands for the SageMaker execution role {role_arn}",
            roles=tuple(
                aml.RoleAssignment(role=r, role_id=roles[r], scope=_scope(r)) for r in table("iam")["execution_role"]
            ),
        )
        ctx.diags.add("SM2AML302", f"IAM role {role_arn} becomes user-assigned managed identity {name!r}", where=where)
    return name


def role_of(ident: aml.Identity) -> str:
    """The role ARN an identity made by identity() stands for."""
    return ident.description.rsplit(" ", 1)[-1]


def _scope(role: str) -> str:
    if role.startswith("Storage"):
        return "storage"
    if role == "AcrPull":
        return "registry"
    return "workspace"
