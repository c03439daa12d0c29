"""``python -m electsim``: the ``electsim`` command (see :mod:`electsim.cli`)."""

import sys

from electsim.cli import main

if __name__ == "__main__":
    sys.exit(main())
