"""The verdict on a free-threaded test run (scripts/freethreaded-test.sh, cibuildwheel's *t-* wheels).

Reads pytest's JUnit XML: every failure and error must be a missing peer that
PyPI has no free-threaded (cp313t/cp314t) wheel of (opencv-python-headless,
simplejpeg, imagecodecs); anything else, or a pytest exit status other than 0
or 1 (an interrupted or unusable run), fails.

Usage: python scripts/freethreaded_verdict.py JUNIT_XML PYTEST_STATUS
"""

from __future__ import annotations

import collections
import re
import sys
import xml.etree.ElementTree as ET

PEERS = "cv2|simplejpeg|imagecodecs"
MISSING_PEER = re.compile(rf"No module named '({PEERS})'")
# mypy --strict (tests/api/test_typing.py) on code that imports cv2: a missing
# peer only when each of its errors is that import.
MYPY_ERROR = re.compile(r"^.*?\.py:\d+: error: (.*)$", re.MULTILINE)
MYPY_MISSING = re.compile(rf'Cannot find implementation or library stub for module named "({PEERS})"')


def missing_peer(text: str) -> str | None:
    """The peer whose absence alone explains this failure, or None."""
    found = MISSING_PEER.search(text)
    if found:
        return found.group(1)
    errors = MYPY_ERROR.findall(text)
    imports = [MYPY_MISSING.match(error) for error in errors]
    if errors and all(imports):
        return next(match.group(1) for match in imports if match)
    return None


def main(junit_xml: str, status: int) -> int:
    peers: collections.Counter[str] = collections.Counter()
    other: list[str] = []
    passed = 0
    for case in ET.parse(junit_xml).getroot().iter("testcase"):
        problems = case.findall("failure") + case.findall("error")
        if not problems and not case.findall("skipped"):
            passed += 1
        for node in problems:
            text = (node.get("message") or "") + (node.text or "")
            peer = missing_peer(text)
            if peer:
                peers[peer] += 1
            else:
                other.append(f"{case.get('classname')}::{case.get('name')}: {(node.get('message') or '')[:200]}")
    missing = ", ".join(f"{name} {count}" for name, count in sorted(peers.items())) or "none"
    print(f"== free-threaded verdict: {passed} passed; failed only for want of a peer with no free-threaded wheel: {missing}")
    for line in other:
        print("== free-threaded verdict: FAILED for another reason:", line)
    if other or status not in (0, 1) or passed == 0:
        return 1
    print("== free-threaded verdict: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
