"""Domain events: what happened to Shelf's data, for whoever keeps a copy of it.

The routes send a signal once the change is committed; a receiver (the cache, task 2) acts on
it without the routes knowing who listens. blinker's signals are in-process and synchronous:
`send` returns once every receiver ran, so a receiver that drops a cached book has dropped it
before the request answers.

    @signals.book_changed.connect
    def forget(book_id: int) -> None: ...

Mind blinker's default: receivers are held by weak reference. A module-level function lives as
long as its module; a lambda or a function defined inside another is collected, and silently
stops receiving.
"""

from __future__ import annotations

from blinker import Namespace

events = Namespace()

# Sent with the book's id (an int) as sender, after a PATCH or DELETE of the book committed.
book_changed = events.signal("book-changed")
