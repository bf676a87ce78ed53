"""Whether a process of this machine still runs: for the files and rows a process leaves behind it (the
metrics' files, a newsletter worker's claims). Outside the apps: those two do not stand on each other
(tests/test_dependencies.py)."""

import os


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's: it runs
        return True
    return True
