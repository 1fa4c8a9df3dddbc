"""``uvicorn`` under cProfile timed by the process's CPU clock (``cpu_per_request.py --cprofile``).

``python -m cProfile`` times by the wall clock: on a machine where the server, PostgreSQL and the
client share two cores, a process descheduled while it sends a query charges the wait to that call.
The CPU clock charges only what the server itself spent. Usage: ``profiled_uvicorn.py OUT ARGS...``
(uvicorn's own arguments); the stats are written to ``OUT`` when uvicorn stops (SIGINT).
"""

from __future__ import annotations

import cProfile
import sys
import time


def main() -> None:
    out, sys.argv = sys.argv[1], ["uvicorn", *sys.argv[2:]]
    from uvicorn.main import main as uvicorn_main

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    try:
        uvicorn_main()
    except (SystemExit, KeyboardInterrupt):
        pass
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
