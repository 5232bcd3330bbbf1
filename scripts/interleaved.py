#!/usr/bin/env python3
"""Times commands in turn, round after round, and prints each one's minimum, first quartile and
median wall time. On a shared machine whose speed drifts from minute to minute, commands timed
in turn see the same drift; timed one after another (as hyperfine does), they do not.

    python3 scripts/interleaved.py ROUNDS "CMD ..." "CMD ..." ...
    python3 scripts/interleaved.py 30 "target/release/passgraph audit s1k.json" \\
        "target/release/passgraph audit t1k"

Output goes to /dev/null; exit codes are ignored (passgraph exits 1 when it finds something).
"""

import shlex
import statistics
import subprocess
import sys
import time


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = int(sys.argv[1])
    commands = [shlex.split(c) for c in sys.argv[2:]]
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(rounds):
        for i, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            times[i].append(time.perf_counter() - start)
    for text, t in zip(sys.argv[2:], times):
        t.sort()
        print(
            f"{text:50s} min {t[0] * 1e3:7.1f}  p25 {t[len(t) // 4] * 1e3:7.1f}  "
            f"median {statistics.median(t) * 1e3:7.1f} ms"
        )


if __name__ == "__main__":
    main()
