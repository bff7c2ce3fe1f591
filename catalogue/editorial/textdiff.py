"""Which words of a text changed: for the history's side-by-side view of a long field (catalogue/editorial/history.py)."""

import re
from difflib import SequenceMatcher


def _words(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def changed_words(old: str, new: str) -> tuple[list, list]:
    """Both texts cut into runs of unchanged and changed words."""
    a, b = _words(old), _words(new)
    old_parts, new_parts = [], []

    def add(parts, changed, text):
        if text and parts and parts[-1][0] == changed:
            parts[-1] = (changed, parts[-1][1] + text)
        elif text:
            parts.append((changed, text))

    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        # Spaces between two changed words count as changed: one marked run, not a run per word.
        changed = tag != "equal" or "".join(a[i1:i2]).isspace()
        add(old_parts, changed, "".join(a[i1:i2]))
        add(new_parts, changed, "".join(b[j1:j2]))
    return old_parts, new_parts
