"""CPU and memory of a process tree, read from /proc."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from benchmarks import procstat

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads Linux's /proc")


def test_cpu_and_memory_of_a_tree_include_its_children() -> None:
    busy = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass\ntime.sleep(30)"
    child = subprocess.Popen([sys.executable, "-c", busy])
    try:
        deadline = time.monotonic() + 10
        while procstat.cpu_seconds(child.pid) < 0.25:
            assert time.monotonic() < deadline, "the child did not burn its CPU"
            time.sleep(0.05)

        assert child.pid in procstat.tree(os.getpid())
        assert procstat.cpu_seconds(os.getpid()) >= procstat.cpu_seconds(child.pid)
        assert procstat.tree(child.pid) == [child.pid]
        assert (
            procstat.memory_kib(child.pid, "VmHWM") >= procstat.memory_kib(child.pid, "VmRSS") > 0
        )
    finally:
        child.kill()
        child.wait()
