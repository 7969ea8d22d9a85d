"""Policy: the rules a repository is judged by, and the known risks it has accepted."""

from prodready.policy.load import POLICY_FILE, find_policy, load_policy, parse_policy
from prodready.policy.model import Component, Policy, Thresholds, Waiver

__all__ = [
    "POLICY_FILE",
    "Component",
    "Policy",
    "Thresholds",
    "Waiver",
    "find_policy",
    "load_policy",
    "parse_policy",
]
