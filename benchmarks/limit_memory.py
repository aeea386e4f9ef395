"""Peak memory and time of derivations at the size limit, per family of shapes.

    python benchmarks/limit_memory.py                 # at the default --max-terms
    python benchmarks/limit_memory.py 2000000         # at another limit
    python benchmarks/limit_memory.py --spec "conv2d --input 128 --kernel 3"

For each family (dense 2-D, many channels, 1-D, 3-D, transposed, huge stride or
dilation, batch), the largest layer whose predicted work fits under the limit is
found from the prediction alone, then derived by the real command line in a fresh
process (``--format tex,md,json`` into a temporary folder); its peak resident
memory (``ru_maxrss`` from ``wait4``) and wall time are printed with the bytes per
unit of predicted work.  The worst family at the default limit is what the README
states; lower the default if it does not stay below 1 GB.

Measured at the default limit of 3,000,000 (two shared cores, load about 2):

    family                     layer                                   predicted      s  MiB
    dense 2-D, k3              conv2d_69x69_k3x3                       2,987,740    159  279
    dense 2-D, k5              conv2d_47x47_k5x5                       2,967,944    168  271
    16 maps in, 16 out         conv2d_6x6_k3x3_c16_m16                 2,370,376    124  243
    long kernel, 1-D           conv1d_468_k117                         2,993,220    141  258
    3-D                        conv3d_18x18x18_k2x2x2                  2,623,846    140  273
    transposed, stride 2       conv_transpose2d_54x54_k3x3_s2x2        2,896,383    107  244
    batch of 8                 conv2d_25x25_k3x3_n8                    2,851,130    154  259
    1-D, stride = input        conv1d_40536_k1_s40536                  2,999,927     15  154
    2-D, dilation = input - 1  conv2d_176x176_k2x2_d175x175            2,998,994      6  137
    padding 4k, 1-D            conv1d_1_k563_p562                      2,994,673     56  134

and ``--spec "conv2d --input 128 --kernel 3"``: 10,524,282 predicted, 956 s (load about 4),
peak 735 MiB (issue 7 measured 8.2 GB before the JSON stopped printing long sums in
SymPy's ordered mode).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

from symderiv.core.layer import DEFAULT_MAX_TERMS
from symderiv.layers import from_options

Family = tuple[str, str, Callable[[int], dict[str, str]]]

FAMILIES: list[Family] = [
    ("dense 2-D, k3", "conv2d", lambda n: {"--input": f"{n}x{n}", "--kernel": "3"}),
    ("dense 2-D, k5", "conv2d", lambda n: {"--input": f"{n}x{n}", "--kernel": "5"}),
    (
        "16 maps in, 16 out",
        "conv2d",
        lambda n: {
            "--input": f"{n}x{n}",
            "--kernel": "3",
            "--in-channels": "16",
            "--out-channels": "16",
        },
    ),
    ("long kernel, 1-D", "conv1d", lambda n: {"--input": str(4 * n), "--kernel": str(n)}),
    ("3-D", "conv3d", lambda n: {"--input": f"{n}x{n}x{n}", "--kernel": "2"}),
    (
        "transposed, stride 2",
        "conv_transpose2d",
        lambda n: {"--input": f"{n}x{n}", "--kernel": "3", "--stride": "2"},
    ),
    ("batch of 8", "conv2d", lambda n: {"--input": f"{n}x{n}", "--kernel": "3", "--batch": "8"}),
    (
        "1-D, stride = input",
        "conv1d",
        lambda n: {"--input": str(n), "--kernel": "1", "--stride": str(n)},
    ),
    (
        "2-D, dilation = input - 1",
        "conv2d",
        lambda n: {"--input": f"{n}x{n}", "--kernel": "2", "--dilation": str(n - 1)},
    ),
    (
        "padding 4k, 1-D",
        "conv1d",
        lambda n: {"--input": "1", "--kernel": str(n), "--padding": str(n - 1)},
    ),
]


def predicted(kind: str, typed: dict[str, str]) -> int:
    return from_options(kind, typed).predicted_terms()


def largest(kind: str, options: Callable[[int], dict[str, str]], limit: int) -> int | None:
    """The largest n whose layer is predicted under ``limit`` (doubling, then bisecting)."""

    def fits(n: int) -> bool | None:  # None: the family has no layer of that n
        try:
            return predicted(kind, options(n)) <= limit
        except Exception:
            return None

    lo = next((n for n in range(1, 64) if fits(n) is not None), None)
    if lo is None or not fits(lo):
        return None
    hi = 2 * lo
    while fits(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


def measure(args: list[str]) -> tuple[int, float, int]:
    """(exit status, seconds, peak resident bytes) of one ``symderiv derive`` run."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "symderiv", "derive", *args, "-o", out]
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1) and proc.stderr is not None:
            sys.stderr.write(proc.stderr.read().decode())
        return proc.returncode, elapsed, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("limit", nargs="?", type=int, default=DEFAULT_MAX_TERMS)
    parser.add_argument("--spec", help='one layer, e.g. "conv2d --input 128 --kernel 3"')
    args = parser.parse_args()
    formats = ["--format", "tex,md,json", "--max-terms", str(10**15)]
    if args.spec:
        words = shlex.split(args.spec)
        typed = dict(zip(words[1::2], words[2::2], strict=True))
        work = predicted(words[0], typed)
        status, seconds, peak = measure([*words, *formats])
        print(
            f"{args.spec}: predicted {work:,}, exit {status}, {seconds:.1f} s, "
            f"peak {peak / 2**20:,.0f} MiB ({peak / work:,.0f} bytes per unit)"
        )
        return
    print(f"limit {args.limit:,}")
    print(f"{'family':28} {'layer':44} {'predicted':>11} {'s':>7} {'peak MiB':>9} {'B/unit':>7}")
    worst = 0
    for name, kind, options in FAMILIES:
        n = largest(kind, options, args.limit)
        if n is None:
            print(f"{name:28} (no layer of this family fits)")
            continue
        typed = options(n)
        work = predicted(kind, typed)
        words = [kind, *(w for pair in typed.items() for w in pair)]
        status, seconds, peak = measure([*words, *formats])
        worst = max(worst, peak)
        label = from_options(kind, typed).label()
        print(
            f"{name:28} {label[:44]:44} {work:>11,} {seconds:>7.1f} {peak / 2**20:>9,.0f} "
            f"{peak / work:>7,.0f}" + ("" if status in (0, 1) else f"  exit {status}")
        )
    print(f"worst peak at the limit: {worst / 2**20:,.0f} MiB")


if __name__ == "__main__":
    main()
