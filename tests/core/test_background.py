"""The worker's first step: once in each process, whichever request comes first."""

import os

from council_app.core.background import Worker


def test_a_worker_runs_its_first_step_once_in_each_process(app):
    calls: list[int] = []
    worker = Worker(app, "first-step", lambda job: None, first=lambda: calls.append(os.getpid()))
    worker.start()
    worker.start()
    assert calls == [os.getpid()]

    # A forked server worker inherits the app, not its having started: it runs the step too.
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child's result comes back through the pipe)
        worker.start()
        worker.start()
        os.write(write, b",".join(str(pid).encode() for pid in calls))
        os._exit(0)
    os.close(write)
    _, status = os.waitpid(child, 0)
    seen = os.read(read, 100).decode().split(",")
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert seen == [str(os.getpid()), str(child)]
