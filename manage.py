#!/usr/bin/env python
"""Django's command-line utility for the CCHC portal."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc_portal.settings")
    # On a developer's machine (no SECRET_KEY and no DEBUG in the environment) commands run in
    # development mode; a deployment always sets SECRET_KEY, and the WSGI entry point never
    # falls back like this, so a server without a secret still refuses to start.
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        os.environ["DEBUG"] = "1"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
