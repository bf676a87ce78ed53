"""Server-Sent Events as the hub writes them: frames encoded once and shared by every stream, and the
buffer of one open connection.

A frame names its topic as the event type, so a page following several topics on one stream tells them
apart: `event: filinfo`, `data: {"action": "upsert", "data": {…}}`. Its id is the log's (log.py).
"""

import asyncio

RETRY_MILLISECONDS = 2000
HEARTBEAT = b": \n\n"
RETRY = b"retry: %d\n\n" % RETRY_MILLISECONDS
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-store"),
    (b"x-accel-buffering", b"no"),
    (b"x-content-type-options", b"nosniff"),
]


def frame(event_id, topic, action, data):
    """DATA is the event's JSON text, already encoded (it holds no line break)."""
    return b'id: %d\nevent: %s\ndata: {"action":"%s","data":%s}\n\n' % (
        event_id, topic.encode(), action.encode(), data.encode(),
    )


def reset(topic):
    """The reader missed more of TOPIC than the server keeps: the page reads that part again."""
    return b'event: %s\ndata: {"action":"reset"}\n\n' % topic.encode()


def chunks(frames, size):
    """FRAMES joined into pieces of about SIZE bytes."""
    piece, length = [], 0
    for part in frames:
        piece.append(part)
        length += len(part)
        if length >= size:
            yield b"".join(piece)
            piece, length = [], 0
    if piece:
        yield b"".join(piece)


async def plain(send, status, message, headers=()):
    body = message.encode()
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"%d" % len(body)), *headers],
    })
    await send({"type": "http.response.body", "body": body})


class Stream:
    """One open connection's pending bytes, and the topics it follows."""

    __slots__ = ("chunks", "client", "closed", "cut", "gone", "ready", "sending", "size", "task", "topics")

    def __init__(self, client, task, topics):
        self.chunks = []
        self.size = 0
        self.ready = asyncio.Event()
        self.closed = False
        self.gone = False
        self.client = client
        self.task = task  # the task serving the connection
        self.sending = False  # that task waits for the server to take bytes (the socket may be full)
        self.cut = False
        self.topics = topics

    def push(self, data, limit):
        if self.closed:
            return
        # Bytes wait here only while the server cannot take them; one batch always fits, so that a burst
        # larger than the limit does not cut readers who keep up.
        if self.size and self.size + len(data) > limit:
            # A reader this far behind reconnects with its last id and replays from memory instead.
            self.close()
            return
        self.chunks.append(data)
        self.size += len(data)
        self.ready.set()

    def take(self):
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        self.ready.clear()
        return data

    def end(self):
        """The stream ends once the bytes being sent are taken: the reader gets a complete answer."""
        self.closed = True
        self.ready.set()

    def close(self):
        """The stream ends now, even if its reader does not read any more."""
        self.end()
        if self.sending and not self.cut:
            # The server only takes more once the reader reads: a stalled reader would keep the connection
            # (and its socket buffers) forever. Giving up the send ends the response, so the connection closes.
            self.cut = True
            self.task.cancel()


async def wait_for_disconnect(receive, stream):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            stream.gone = True
            stream.close()
            return
