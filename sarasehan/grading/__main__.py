"""``python -m sarasehan.grading ASSIGNMENT --out DIR ...``: the same as ``sarasehan grade``."""

from __future__ import annotations

import argparse
import sys

from ..errors import SarasehanError
from . import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="sarasehan")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(["grade", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except SarasehanError as err:
        print(f"sarasehan: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
