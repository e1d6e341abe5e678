"""The parser's output is what it was: every report of the seeds, the test data and the shared corpora
parses to the model whose fingerprint tests/golden/model_fingerprints.json holds.

The golden file was made by the code before parse_report was split into phases. When the parser is
meant to read something differently, make it again (`python -m tests.model_fingerprint
tests/golden/model_fingerprints.json`) and say in the commit which reports changed and why. A report
added since (a new fixture) is not held to anything until the file is made again; one it knows that
has gone is a failure.
"""

import json

from tests.model_fingerprint import all_fingerprints
from tests.testpaths import REPO

GOLDEN = REPO / "tests" / "golden" / "model_fingerprints.json"


def test_every_report_parses_to_the_model_it_did():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = all_fingerprints()
    for root, prints in now.items():
        gone = sorted(set(golden[root]) - set(prints))
        assert not gone, f"{len(gone)} reports of {root} are no longer read: {gone[:10]}"
        changed = sorted(k for k, v in prints.items() if k in golden[root] and golden[root][k] != v)
        assert not changed, f"{len(changed)} reports of {root} parse differently: {changed[:10]}"
    assert "seeds" in now and "data" in now
