"""What a change to a comment tells readers: the cached thread's keys, and an event on the article's live topic.

Every change of a comment's status or text goes through `comment_changed(comment)`, called in the transaction
that saved it, by the readers' views and by the moderators' alike.
"""


def comment_changed(comment):
    raise NotImplementedError  # filled in by the comments' reader side
