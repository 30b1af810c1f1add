"""The testkit gives each pytest-xdist worker a database of its own."""

from servicekit.testkit.plugin import worker_database_url

URL = "postgresql+asyncpg://postgres:secret@127.0.0.1:5462/notes_test"


def test_without_xdist_the_configured_database_is_used() -> None:
    assert worker_database_url(URL, None) == URL


def test_each_worker_gets_its_own_database_on_the_same_server() -> None:
    assert worker_database_url(URL, "gw0") == (
        "postgresql+asyncpg://postgres:secret@127.0.0.1:5462/notes_test_gw0"
    )
    assert worker_database_url(URL, "gw1").endswith("/notes_test_gw1")
