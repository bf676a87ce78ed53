"""Where the reference material shared beside the project lives (../shared/reference/: the W3C feed validator,
IPTC's ninjs schemas and test suite), which tests read in place and never copy.

Beside this checkout; for a clone made elsewhere (CI's clean clone in a temporary folder), beside the repository
it was cloned from; or where MANCHETTE_REFERENCE_DIR says. The first that exists; else the first place, so that
a test naming what is missing names where it looked.
"""

import os
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _origin():
    """The local repository this checkout was cloned from, if any."""
    try:
        url = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    path = Path(url.removeprefix("file://")) if url and "://" not in url.removeprefix("file://") else None
    return path if path is not None and path.is_dir() else None


@cache
def reference_dir():
    candidates = [Path(os.environ["MANCHETTE_REFERENCE_DIR"])] if os.environ.get("MANCHETTE_REFERENCE_DIR") else []
    candidates.append(ROOT.parent / "shared" / "reference")
    origin = _origin()
    if origin is not None:
        candidates.append(origin.resolve().parent / "shared" / "reference")
    return next((path for path in candidates if path.is_dir()), candidates[0])
