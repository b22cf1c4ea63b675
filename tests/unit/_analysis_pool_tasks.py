"""Worker tasks for the process-pool tests of ``test_analysis_pipeline``.

They stand in for a decoder that hangs or crashes on one file (no real file makes
libsndfile hang on demand). Spawned workers import this module to unpickle them, so it
stays tiny: it must not import the test module (which pulls in langgraph via state).
"""

from __future__ import annotations

import os
import signal
import time
from typing import Any

from groovegraph.tools import analysis


def hang_or_crash(path: str) -> Any:
    """Sleep for two minutes on paths containing "hang", die by SIGKILL on "crash",
    otherwise run the real worker task."""
    if "hang" in path:
        time.sleep(120)
    if "crash" in path:
        os.kill(os.getpid(), signal.SIGKILL)
    return analysis._worker_analyze(path)
