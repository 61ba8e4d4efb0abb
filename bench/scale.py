"""National-scale builds side by side: today's code (a git ref, default main) and this checkout, in one run.

    python -m bench.scale --sizes 1000000            # each build in a fresh process; prints JSON lines
    python -m bench.scale --sizes 20000000 --only ours --scratch /tmp/big
    python -m bench.scale --plain DATA_DIR --cap-gb 8   # one plain-approach rerun, address space capped

Each line: which code, respondents, wall and CPU seconds (user + system), peak resident memory (MB) and the
load average (1 min) before and after, since the machine is shared. The builds go to a scratch folder that
is deleted after each.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.trees import for_tree

ROOT = Path(__file__).resolve().parent.parent
BUILD = ("import json, resource, sys, time\n"
         "from analysis.commands.cli import main\n"
         "t = time.perf_counter(); rc = main(sys.argv[1:]); t = time.perf_counter() - t\n"
         "use = resource.getrusage(resource.RUSAGE_SELF)\n"
         "print(json.dumps({'rc': rc, 'seconds': t, 'cpu_seconds': use.ru_utime + use.ru_stime, "
         "'peak_mb': use.ru_maxrss / 1024}))\n")


def checkout(ref: str, into: Path) -> Path:
    """The files of `ref` (today's code) in a folder of their own."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def build(code: Path, respondents: int, scratch: Path, timeout: float) -> dict:
    """One build by the code in `code`, in a fresh process; its time, peak memory and the load around it."""
    target = Path(tempfile.mkdtemp(prefix="build-", dir=scratch))
    load_before = os.getloadavg()[0]
    try:
        out = subprocess.run([sys.executable, "-c", for_tree(BUILD, code), "build", "--demo",
                              "--respondents", str(respondents),
                              "--data-dir", str(target)], cwd=code, capture_output=True, text=True, timeout=timeout)
        if out.returncode:
            return {"failed": (out.stderr or out.stdout).strip().splitlines()[-1:], "load_before": load_before}
        result = json.loads(out.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return {"failed": f"not finished in {timeout:.0f} s", "load_before": load_before}
    finally:
        shutil.rmtree(target, ignore_errors=True)
    return {**result, "load_before": load_before, "load_after": os.getloadavg()[0]}


PLAIN = ("import json, resource, sys, time\n"
         "cap = int(float(sys.argv[2]) * 2**30)\n"
         "resource.setrlimit(resource.RLIMIT_AS, (cap, cap))\n"
         "from pathlib import Path\n"
         "from analysis.model.filters import Filters\n"
         "from bench import plain\n"
         "t = time.perf_counter()\n"
         "try:\n"
         "    plain.page_numbers('domains', Path(sys.argv[1]), Filters(org_type=('acute',)))\n"
         "    out = {'seconds': time.perf_counter() - t}\n"
         "except MemoryError as error:\n"
         "    out = {'failed': f'MemoryError after {time.perf_counter() - t:.0f} s: {error}'[:200]}\n"
         "except Exception as error:\n"
         "    out = {'failed': f'{type(error).__name__} after {time.perf_counter() - t:.0f} s: {error}'[:200]}\n"
         "out['peak_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
         "print(json.dumps(out))\n")


def plain_rerun(data_dir: Path, cap_gb: float, timeout: float) -> dict:
    """One rerun of the domains page the plain way (read the long tables, filter and group in pandas) in a fresh
    process whose address space is capped at `cap_gb` GB, so a shared machine is not pushed into swap."""
    load_before = os.getloadavg()[0]
    try:
        out = subprocess.run([sys.executable, "-c", PLAIN, str(data_dir), str(cap_gb)], cwd=ROOT,
                             capture_output=True, text=True, timeout=timeout)
        result = (json.loads(out.stdout.strip().splitlines()[-1]) if out.stdout.strip()
                  else {"failed": (out.stderr.strip().splitlines() or ["no output"])[-1][:200]})
    except subprocess.TimeoutExpired:
        result = {"failed": f"not finished in {timeout:.0f} s"}
    return {"code": "plain", "cap_gb": cap_gb, **result, "load_before": load_before, "load_after": os.getloadavg()[0]}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--baseline", default="main", help="git ref of today's code")
    parser.add_argument("--ours", help="git ref of our code (default: this checkout as it is; a ref keeps a long "
                                       "run to one commit while the checkout changes)")
    parser.add_argument("--only", choices=["ours", "today"], help="build with one of the two only")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--plain", type=Path, metavar="DATA_DIR",
                        help="instead: one plain-approach rerun on this data directory, memory capped")
    parser.add_argument("--cap-gb", type=float, default=8.0)
    args = parser.parse_args()
    if args.plain:
        print(json.dumps(plain_rerun(args.plain, args.cap_gb, args.timeout)))
        return
    args.scratch.mkdir(parents=True, exist_ok=True)
    with (tempfile.TemporaryDirectory(prefix="today-", dir=args.scratch) as old,
          tempfile.TemporaryDirectory(prefix="ours-", dir=args.scratch) as new):
        codes = {"today": checkout(args.baseline, Path(old)),
                 "ours": checkout(args.ours, Path(new)) if args.ours else ROOT}
        if args.only:
            codes = {args.only: codes[args.only]}
        for size in args.sizes:
            for repeat in range(args.repeats):
                for name, code in codes.items():  # interleaved, so both see the same load
                    row = {"code": name, "respondents": size, "repeat": repeat,
                           **build(code, size, args.scratch, args.timeout)}
                    print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
