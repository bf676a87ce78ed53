"""Makes every page cached by the edge stale, in every server process, on this machine and others.

Call `bump()` once a change that readers can see has committed (readers.py does, for what apps declare).
"""

from .bus import CHANNEL, Signal

GENERATION_FILE = "edge-generation"

signal = Signal(GENERATION_FILE, CHANNEL)


def generation():
    return signal.counter


def bus():
    return signal.bus()


def bump():
    return signal.send()
