"""Launcher of the sandbox judge: `judge.py serve [--preload mods]` (the fork server, see
codeconv_judge/server.py) or `judge.py once WFD NONCE WORKDIR` (one judgment in a fresh interpreter).

The judge runs with -P (no script directory on sys.path), so this file puts its own directory on
sys.path just long enough to import the package; judged code sees the same sys.path as before.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == "__main__":
    sys.path.insert(0, _HERE)
    try:
        from codeconv_judge.server import main
    finally:
        sys.path.remove(_HERE)
    main(sys.argv[1:], os.path.abspath(__file__))
