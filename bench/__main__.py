"""python -m bench [--members N] [--backend sqlite|postgresql|both] [--only NAME ...]"""

from __future__ import annotations

import argparse
import importlib
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import OUT, Context

# Each module has ``run(context)``; later issues add theirs here.
BENCHMARKS = (
    "startup",
    "demo_generation",
    "members_list",
    "account_console",
    "changes",
    "appointments",
    "sepa",
    "billing",
    "excel",
    "accounting",
    "mail",
    "bank",
    "einvoicing",
    "reconcile",
)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "--members",
        type=int,
        default=5000,
        help="size of the generated database (50000 ≈ a million employees)",
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--only", nargs="*", choices=BENCHMARKS, default=list(BENCHMARKS))
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    context = Context(members=args.members, backends=backends)
    print(
        f"{'benchmark':<48} {'backend':<10} {'time':>13}  {'ratio':>6}  "
        f"{'baseline':<44} {'goal':<10} {'verdict':<7} notes"
    )
    for name in args.only:
        importlib.import_module(f"bench.bench_{name}").run(context)


if __name__ == "__main__":
    main()
