"""Find Kubernetes workloads in YAML manifests and say what each container lacks.

Plain manifests are parsed with PyYAML's safe loader (never constructing arbitrary
objects). Helm templates are not valid YAML until rendered, so they are judged by text:
a template either mentions probes and resources or it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from prodready.repo.files import RepoIndex, is_test_path

try:  # the C loader is several times faster on large manifest trees
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Job", "CronJob"}
_BATCH = {"Job", "CronJob"}
_KIND = re.compile(r"^kind:\s*(\w+)", re.MULTILINE)


@dataclass(frozen=True)
class WorkloadProblem:
    path: str
    line: int
    workload: str  # "Deployment/api"
    container: str
    missing: tuple[str, ...]  # "livenessProbe", "readinessProbe", "resources.requests", ...


@dataclass(frozen=True)
class ManifestScan:
    workloads: int
    problems: tuple[WorkloadProblem, ...]
    unreadable: tuple[tuple[str, str], ...]  # (path, reason)
    probe_paths: tuple[tuple[str, str], ...]  # (manifest path, httpGet path) of probes


def looks_like_manifest(text: str) -> bool:
    return "apiVersion:" in text and any(m in _WORKLOADS for m in _KIND.findall(text))


def find_manifests(repo: RepoIndex) -> dict[str, str]:
    """YAML files that declare workloads; CI workflow files are YAML too and are skipped."""
    texts: dict[str, str] = {}
    for rel in repo.files:
        if not rel.endswith((".yaml", ".yml")) or is_test_path(rel) or rel.startswith(".github/"):
            continue
        text = repo.read_text(rel, limit=1_000_000)
        if text is not None and looks_like_manifest(text):
            texts[rel] = text
    return texts


def scan_manifests(files: dict[str, str]) -> ManifestScan:
    workloads = 0
    problems: list[WorkloadProblem] = []
    unreadable: list[tuple[str, str]] = []
    probes: list[tuple[str, str]] = []
    for rel, text in sorted(files.items()):
        if "{{" in text:
            count, found = _scan_template(rel, text)
            workloads += count
            problems.extend(found)
            continue
        try:
            docs = list(yaml.load_all(text, Loader=_Loader))
        except yaml.YAMLError as exc:
            unreadable.append((rel, f"invalid YAML: {str(exc).splitlines()[0]}"))
            continue
        lines = text.splitlines()
        for doc in docs:
            if not isinstance(doc, dict) or doc.get("kind") not in _WORKLOADS:
                continue
            workloads += 1
            kind = str(doc["kind"])
            name = str(_get(doc, "metadata", "name") or "?")
            for container in _containers(doc):
                cname = str(container.get("name", "?"))
                missing = _missing(container, batch=kind in _BATCH)
                for probe in ("livenessProbe", "readinessProbe"):
                    path = _get(container, probe, "httpGet", "path")
                    if isinstance(path, str):
                        probes.append((rel, path))
                if missing:
                    problems.append(
                        WorkloadProblem(
                            rel, _line_of(lines, cname), f"{kind}/{name}", cname, missing
                        )
                    )
    return ManifestScan(workloads, tuple(problems), tuple(unreadable), tuple(probes))


def _get(node: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    kind = doc.get("kind")
    if kind == "Pod":
        spec = doc.get("spec")
    elif kind == "CronJob":
        spec = _get(doc, "spec", "jobTemplate", "spec", "template", "spec")
    else:
        spec = _get(doc, "spec", "template", "spec")
    containers = _get(spec, "containers") if isinstance(spec, dict) else None
    if not isinstance(containers, list):
        return []
    return [c for c in containers if isinstance(c, dict)]


def _missing(container: dict[str, Any], *, batch: bool) -> tuple[str, ...]:
    missing: list[str] = []
    if not batch:
        for probe in ("livenessProbe", "readinessProbe"):
            if not container.get(probe):
                missing.append(probe)
    resources = container.get("resources")
    for key in ("requests", "limits"):
        if not isinstance(resources, dict) or not resources.get(key):
            missing.append(f"resources.{key}")
    return tuple(missing)


def _line_of(lines: list[str], container: str) -> int:
    pattern = re.compile(r"^\s*-?\s*name:\s*['\"]?" + re.escape(container) + r"['\"]?\s*$")
    for i, line in enumerate(lines, start=1):
        if pattern.match(line):
            return i
    return 1


def _scan_template(rel: str, text: str) -> tuple[int, list[WorkloadProblem]]:
    kinds = [k for k in _KIND.findall(text) if k in _WORKLOADS]
    if not kinds:
        return 0, []
    batch = all(k in _BATCH for k in kinds)
    wanted = ["resources"] if batch else ["livenessProbe", "readinessProbe", "resources"]
    missing = tuple(w for w in wanted if w not in text)
    if not missing:
        return len(kinds), []
    line = next((i for i, ln in enumerate(text.splitlines(), 1) if "kind:" in ln), 1)
    return len(kinds), [WorkloadProblem(rel, line, f"{kinds[0]} (Helm template)", "*", missing)]
