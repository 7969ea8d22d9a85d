"""Word lists written as one string: `word_set("sh bash zsh")`.

The README rules name many commands, options and directories; a space-separated string
keeps each list readable on a line or two.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, as a set."""
    return frozenset(text.split())
