import threading

import pytest

from labourwatch.services.files import QUEUED, in_background


def test_a_background_writer_gets_every_item_in_order_in_its_own_thread():
    got, threads = [], set()

    def write(item):
        got.append(item)
        threads.add(threading.current_thread().name)

    with in_background(write) as sink:
        for i in range(1000):
            sink(i)
    assert got == list(range(1000))
    assert threads == {"labourwatch-writer"}


def test_a_failed_write_is_raised_in_the_caller_and_stops_the_writing():
    written = []

    def write(item):
        if item == 3:
            raise OSError("disk full")
        written.append(item)

    with pytest.raises(OSError, match="disk full"), in_background(write) as sink:
        for i in range(QUEUED * 100):  # more than the queue holds: the caller must not wait forever
            sink(i)
    assert written == [0, 1, 2]


def test_an_error_in_the_caller_ends_the_writer_too():
    release = threading.Event()

    def write(item):
        release.wait(5)

    with pytest.raises(ValueError, match="bad data"), in_background(write) as sink:
        for i in range(QUEUED + 1):
            sink(i)
        release.set()
        raise ValueError("bad data")
    assert not [t for t in threading.enumerate() if t.name == "labourwatch-writer"]
