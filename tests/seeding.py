"""The seed of the test data: fixed by default, printed in the run's header, and
settable to repeat a run (`TEST_SEED=7 make test`, or `pytest --seed 7`).

Every test is seeded on its own, from the run's seed and its node id, and the
factories' sequences start again at 0: a test's generated data (names, addresses,
numbers) depends only on the seed and the test, never on which tests ran before
it or on how pytest-xdist spread the tests over its workers. The hooks and the
fixture are imported into `tests/conftest.py`.
"""

from __future__ import annotations

import os
import random
import zlib

import factory
import factory.random
import pytest

DEFAULT_SEED = 20240601
ENV_VAR = "TEST_SEED"


def pytest_addoption(parser):
    parser.addoption(
        "--seed",
        type=int,
        default=None,
        help=f"seed of the test data (default: ${ENV_VAR}, else {DEFAULT_SEED})",
    )


def run_seed(config) -> int:
    """The run's seed: --seed, else $TEST_SEED, else the fixed default."""
    option = config.getoption("seed", default=None)
    if option is not None:
        return option
    value = os.environ.get(ENV_VAR, "").strip()
    return int(value) if value else DEFAULT_SEED


def seed_for_test(seed: int, nodeid: str) -> int:
    """One test's seed: the run's seed plus a stable hash of the test's node id
    (zlib's CRC-32, which unlike `hash()` is the same in every process)."""
    return (seed + zlib.crc32(nodeid.encode())) % 2**32


def pytest_report_header(config):
    seed = run_seed(config)
    return f"test data seed: {seed} (repeat with TEST_SEED={seed} or --seed {seed})"


def _factories():
    """Every factory class defined so far (the test modules are imported)."""
    pending, seen = [factory.base.BaseFactory], []
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                pending.append(sub)
    return [cls for cls in seen if not cls._meta.abstract]


def reseed(seed: int) -> None:
    """Seed every source of generated test data."""
    random.seed(seed)
    # factory-boy's fuzzy values and Faker's shared generator (factory.Faker).
    factory.random.reseed_random(seed)
    for cls in _factories():
        cls._meta.reset_sequence(0, force=True)


@pytest.fixture(autouse=True)
def data_seed(request):
    """Seed this test's data; a failing test reports its seed."""
    seed = seed_for_test(run_seed(request.config), request.node.nodeid)
    reseed(seed)
    request.node.add_report_section(
        "setup",
        "seed",
        f"run seed {run_seed(request.config)}, this test's seed {seed}",
    )
    return seed
