"""`sagemaker.image_uris.retrieve` without the SDK's code: its own image_uri_config data when the SDK is
installed (read as JSON, not imported), else a small table of the common frameworks' repositories
with a placeholder account (sm2aml's rules map images by repository and tag, never by account).
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path
from typing import Any

PLACEHOLDER_ACCOUNT = "000000000000"
# framework -> (repository per image scope, tag takes processor, tag takes py_version)
FALLBACK: dict[str, dict[str, str]] = {
    "sklearn": {"training": "sagemaker-scikit-learn", "inference": "sagemaker-scikit-learn"},
    "xgboost": {"training": "sagemaker-xgboost", "inference": "sagemaker-xgboost"},
    "pytorch": {"training": "pytorch-training", "inference": "pytorch-inference"},
    "tensorflow": {"training": "tensorflow-training", "inference": "tensorflow-inference"},
    "mxnet": {"training": "mxnet-training", "inference": "mxnet-inference"},
    "spark": {"processing": "sagemaker-spark-processing"},
    "huggingface": {"training": "huggingface-pytorch-training", "inference": "huggingface-pytorch-inference"},
}
NO_PROCESSOR_TAG = frozenset({"xgboost"})
NO_PY_TAG = frozenset({"xgboost"})


class ImageError(Exception):
    """The SDK would refuse these arguments (unknown version, region, Python version, ...)."""


@functools.cache
def _config_dir() -> Path | None:
    try:
        spec = importlib.util.find_spec("sagemaker")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "image_uri_config"
    return folder if folder.is_dir() else None


@functools.cache
def _config(framework: str) -> dict[str, Any] | None:
    folder = _config_dir()
    if folder is None or not (folder / f"{framework}.json").is_file():
        return None
    data: dict[str, Any] = json.loads((folder / f"{framework}.json").read_text(encoding="utf-8"))
    return data


def retrieve(
    framework: str,
    region: str,
    *,
    version: str | None = None,
    py_version: str | None = None,
    instance_type: str | None = None,
    image_scope: str | None = None,
    container_version: str | None = None,
    base_framework_version: str | None = None,
) -> tuple[str, bool]:
    """The image URI and whether its account is real (False: the placeholder account)."""
    if image_scope is None and framework in ("xgboost", "sklearn"):
        image_scope = "training"
    config = _config(framework)
    if config is None:
        fallback = _fallback(
            framework,
            region,
            version=version,
            py_version=py_version,
            instance_type=instance_type,
            image_scope=image_scope,
        )
        return fallback, False
    config = _scope(config, image_scope)
    versions = list(config["versions"])
    aliases = config.get("version_aliases", {})
    if len(versions) == 1 and version not in aliases:
        version = versions[0]
    if version is None or (not version and version not in versions):  # model-monitor has one unnamed version: ""
        raise ImageError(f"{framework}: a version is needed")
    if version not in versions and version not in aliases:
        raise ImageError(f"unsupported {framework} version {version}; supported: {', '.join(versions)}")
    version_config: dict[str, Any] = config["versions"][aliases.get(version, version)]
    original_version = version
    if framework == "huggingface":
        if not base_framework_version:
            raise ImageError("huggingface images need pytorch_version or tensorflow_version")
        base = version_config.get("version_aliases", {}).get(base_framework_version, base_framework_version)
        if base not in version_config:
            raise ImageError(f"unsupported base framework {base_framework_version}")
        version_config = version_config[base]
    py_version = _py_version(py_version, version_config, framework)
    version_config = version_config.get(py_version) or version_config if py_version else version_config
    registries = version_config["registries"]
    if region not in registries:
        raise ImageError(f"{framework} {version} has no image in region {region}")
    processor = _processor(instance_type, config.get("processors") or version_config.get("processors"))
    if version_config.get("container_version"):
        container_version = version_config["container_version"].get(processor or "")
    if framework == "huggingface":
        assert base_framework_version is not None
        tag_prefix = f"{base_framework_version.removeprefix('pytorch').removeprefix('tensorflow')}-transformers"
        tag_prefix += str(original_version)
    else:
        tag_prefix = version_config.get("tag_prefix", version)
    tag = "-".join(x for x in (tag_prefix, processor, py_version, container_version) if x)
    return _uri(registries[region], region, version_config["repository"], tag), True


def _scope(config: dict[str, Any], scope: str | None) -> dict[str, Any]:
    if "scope" in config:
        return config
    scopes = [k for k in config if k != "version_aliases"]
    if len(scopes) == 1:
        scope = scopes[0]
    if scope not in config:
        raise ImageError(f"image scope {scope!r} is not one of {', '.join(scopes)}")
    found: dict[str, Any] = config[scope]
    return found


def _py_version(py_version: str | None, version_config: dict[str, Any], framework: str) -> str | None:
    available = version_config.get("py_versions") if "repository" in version_config else list(version_config)
    if not available:
        return None
    if py_version is None and framework == "spark":
        return None
    if py_version is None and len(available) == 1:
        return str(available[0])
    if py_version not in available:
        raise ImageError(f"unsupported Python version {py_version}; supported: {', '.join(available)}")
    return py_version


def _processor(instance_type: str | None, available: list[str] | None) -> str | None:
    if not available:
        return None
    if len(available) == 1 and not instance_type:
        return available[0]
    if not instance_type:
        raise ImageError("an instance type is needed to choose the CPU or GPU image")
    if instance_type.startswith("local"):
        processor = "cpu" if instance_type == "local" else "gpu"
    else:
        parts = instance_type.split(".")
        family = parts[1] if len(parts) > 2 else ""
        if not family:
            raise ImageError(f"invalid instance type {instance_type}")
        if family in available:
            processor = family
        elif family.startswith("inf"):
            processor = "inf"
        elif family.startswith("trn"):
            processor = "trn"
        elif family[0] in ("g", "p"):
            processor = "gpu"
        else:
            processor = "cpu"
    if processor not in available:
        raise ImageError(f"no {processor} image; available: {', '.join(available)}")
    return processor


def _fallback(
    framework: str,
    region: str,
    *,
    version: str | None,
    py_version: str | None,
    instance_type: str | None,
    image_scope: str | None,
) -> str:
    repositories = FALLBACK.get(framework)
    if repositories is None or not version:
        raise ImageError(f"the image of {framework} is not known without the SageMaker SDK's image data")
    scope = image_scope if image_scope in repositories else next(iter(repositories))
    processor = None
    if framework not in NO_PROCESSOR_TAG:
        family = (instance_type or "").split(".")[1] if (instance_type or "").count(".") >= 2 else ""
        processor = "gpu" if family[:1] in ("g", "p") else "cpu"
    py = None if framework in NO_PY_TAG else (py_version or ("py3" if framework == "sklearn" else None))
    tag = "-".join(x for x in (version, processor, py) if x)
    return _uri(PLACEHOLDER_ACCOUNT, region, repositories[scope], tag)


def _uri(account: str, region: str, repository: str, tag: str) -> str:
    domain = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"{account}.dkr.ecr.{region}.{domain}/{repository}{':' + tag if tag else ''}"
