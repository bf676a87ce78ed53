"""(Being written.)"""


def check(submission, verdict):
    return None
