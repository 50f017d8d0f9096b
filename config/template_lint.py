"""Refuses a `{#` comment left open at the end of its line.

Django's `{# #}` comment is single-line only: one that runs over lines is not a comment at all,
and the page prints it to every visitor. Longer notes go in `{% comment %}…{% endcomment %}`.

    python -m config.template_lint templates
"""

import sys
from pathlib import Path

OPEN, CLOSE = "{#", "#}"


def open_comments(text):
    """Line numbers (from 1) of each `{#` without its `#}` later on the same line."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        start = line.find(OPEN)
        while start != -1:
            end = line.find(CLOSE, start + len(OPEN))
            if end == -1:
                found.append(number)
                break
            start = line.find(OPEN, end + len(CLOSE))
    return found


def problems(root):
    """One message per open comment in the templates under `root`, naming file and line."""
    for path in sorted(Path(root).rglob("*")):
        if path.suffix in (".html", ".txt", ".xml") and path.is_file():
            for number in open_comments(path.read_text(encoding="utf-8")):
                yield (
                    f"{path}:{number}: '{{#' without '#}}' on the same line: Django prints it "
                    "to the page; use {% comment %}…{% endcomment %}"
                )


def main(roots):
    messages = [message for root in roots for message in problems(root)]
    for message in messages:
        print(message, file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["templates"]))
