"""Base64 throughput: frame64 against the standard library, pybase64 and a memcpy.

Run for figures (see benchmarks/base64_table.py for the ratio tables):
    python -m pytest benchmarks/bench_base64.py --benchmark-only \
        --benchmark-group-by=group --benchmark-columns=median,iqr,ops
As a correctness pass: python -m pytest benchmarks/bench_base64.py --benchmark-disable
"""

from __future__ import annotations

from typing import Any, Dict

import pytest
from base64_contenders import OPERATIONS, SIZES, expected_output, make_inputs


@pytest.fixture(scope="module", params=list(SIZES), ids=list(SIZES))
def inputs(request: pytest.FixtureRequest) -> Dict[str, Any]:
    return {"size": request.param, **make_inputs(SIZES[request.param])}


CASES = [(operation, contender) for operation, contenders in OPERATIONS.items() for contender in contenders]


# Rounds of at least 100 us: at 64 B a round of one call would mostly time
# the timer, and the calibration could give the contenders different
# iteration counts.
@pytest.mark.benchmark(min_time=0.0001, warmup=True)
@pytest.mark.parametrize(("operation", "contender"), CASES, ids=[f"{o}-{c}" for o, c in CASES])
def test_base64(benchmark: Any, inputs: Dict[str, Any], operation: str, contender: str) -> None:
    benchmark.group = f"base64 {operation} {inputs['size']}"
    key, function = OPERATIONS[operation][contender]
    result = benchmark(function, inputs[key])
    assert result == expected_output(operation, contender, inputs)
