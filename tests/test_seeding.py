"""The test data is seeded: a run prints its seed, can be repeated with it, and a
test's data depends only on the seed and the test (not on order or workers)."""

from types import SimpleNamespace

from django.http import HttpResponse

from tests import seeding
from tests.cooperatie.factories import CorporatieFactory, LidFactory
from tests.helpers import page_text


def _generated() -> list[tuple[str, str, str, str]]:
    return [
        (lid.naam, lid.adres, lid.email, CorporatieFactory.build().naam)
        for lid in LidFactory.build_batch(5)
    ]


def test_data_is_a_function_of_the_seed_alone():
    # Whatever ran before (other tests, earlier sequences) does not matter.
    seeding.reseed(11)
    first = _generated()
    _generated()  # advances Faker and the sequences
    seeding.reseed(11)
    assert _generated() == first
    seeding.reseed(12)
    assert _generated() != first


def test_each_test_gets_its_own_seed_from_the_run_seed_and_its_node_id(
    request, data_seed
):
    nodeid = request.node.nodeid
    run = seeding.run_seed(request.config)
    assert data_seed == seeding.seed_for_test(run, nodeid)
    assert seeding.seed_for_test(run, nodeid) == seeding.seed_for_test(run, nodeid)
    assert seeding.seed_for_test(run, nodeid) != seeding.seed_for_test(run, "x")
    assert seeding.seed_for_test(run, nodeid) != seeding.seed_for_test(run + 1, nodeid)


def _config(option=None):
    return SimpleNamespace(getoption=lambda name, default=None: option)


def test_the_header_prints_the_seed_which_the_env_or_the_option_sets(monkeypatch):
    monkeypatch.delenv(seeding.ENV_VAR, raising=False)
    assert str(seeding.DEFAULT_SEED) in seeding.pytest_report_header(_config())
    monkeypatch.setenv(seeding.ENV_VAR, "4242")
    assert seeding.run_seed(_config()) == 4242
    assert "TEST_SEED=4242" in seeding.pytest_report_header(_config())
    # The command-line option wins over the environment.
    assert seeding.run_seed(_config(option=7)) == 7


def test_page_text_finds_a_name_the_template_escaped():
    naam = "Kai van 't Erve"
    response = HttpResponse("<td>Kai van &#x27;t Erve</td>")
    assert naam not in response.content.decode()  # the trap
    assert naam in page_text(response)
