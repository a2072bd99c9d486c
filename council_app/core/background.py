"""Work a process does outside its requests: one thread per kind of job, started on demand.

Applying index changes or laying out a PDF takes seconds, so no request waits for it: the
request hands the job to its process's worker and answers. The worker's thread does the
jobs one at a time while they keep coming, then ends, so an idle process holds no thread.
With ``poll`` it stays instead and asks ``look`` every ``poll`` seconds whether there is
work that came from elsewhere (another server's changes). A thread does not survive a
fork: a forked gunicorn worker starts its own on first use, and ``start`` (called on every
request) runs a process's ``first`` step on its first request.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Hashable
from datetime import datetime, timedelta

from flask import Flask

from .time import now

#: A job is anything hashable: the same job asked for twice is done once.
Job = Hashable
_NO_JOB = object()


class Worker:
    """A thread per process doing one kind of job, each in an app context of its own."""

    def __init__(
        self,
        app: Flask,
        name: str,
        do: Callable[[Job], object],
        *,
        max_pending: int = 100,
        poll: float = 0.0,
        look: Callable[[], Job | None] | None = None,
        retry_after: timedelta | None = None,
        first: Callable[[], object] | None = None,
    ):
        self.name = name
        self._app = app
        self._do = do
        #: Jobs waiting (bounded: more requests ask again later), in the order asked.
        self._pending: dict[Job, None] = {}
        self._max_pending = max_pending
        self._poll = poll if look is not None else 0.0
        self._look = look
        #: After a failed job, further requests are ignored this long, however often asked.
        self._retry_after = retry_after
        self._failed_at: datetime | None = None
        #: Run in the first request of each process (``start``), in its app context.
        self._first = first
        self._started_in: int | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        #: Set by ``submit``, so a polling thread need not wait out its interval.
        self._woken = threading.Event()
        self._idle = threading.Event()
        self._idle.set()

    def submit(self, job: Job) -> None:
        """Queue a job, starting the thread if it is not running in this process."""
        with self._lock:
            if self._failed_recently() or len(self._pending) >= self._max_pending:
                return
            self._pending[job] = None
            self._idle.clear()
            self._woken.set()
            self._start()

    def start(self) -> None:
        """On each request: run ``first`` if it is this process's first, then start the
        thread if this worker polls and it is not running in this process."""
        pid = os.getpid()
        if self._started_in != pid:
            with self._lock:
                first_request, self._started_in = self._started_in != pid, pid
            if first_request and self._first is not None:
                self._first()
        if self._poll:
            with self._lock:
                self._start()

    def wait(self, timeout: float) -> bool:
        """Wait until the thread has nothing left to do; False on timeout."""
        return self._idle.wait(timeout)

    def stop(self, timeout: float) -> bool:
        """Stop polling once the jobs in hand are done; False if the thread still runs."""
        with self._lock:
            self._poll = 0.0
            self._woken.set()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return thread is None or not thread.is_alive()

    def _failed_recently(self) -> bool:
        return (
            self._retry_after is not None
            and self._failed_at is not None
            and now() - self._failed_at < self._retry_after
        )

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                self._woken.clear()
                job = next(iter(self._pending), _NO_JOB)
                if job is _NO_JOB:
                    self._idle.set()
                    if not self._poll:
                        self._thread = None
                        return
                else:
                    del self._pending[job]
            if job is _NO_JOB:
                # Polling: a submitted job goes round to the top; after a while without
                # one, ask whether work came from elsewhere.
                if self._woken.wait(self._poll):
                    continue
                job = self._in_context("looking for work", self._look)
                if job is None:
                    continue
                with self._lock:
                    self._idle.clear()
            self._in_context(repr(job), self._do, job, record=True)

    def _in_context(self, what: str, call: Callable, *args, record: bool = False):
        with self._app.app_context():
            try:
                result = call(*args)
            except Exception:
                self._app.logger.exception("%s: %s failed", self.name, what)
                if record:
                    self._failed_at = now()
                return None
            if record:
                self._failed_at = None
            return result
