"""AUTH_APPS and AUTH_APP_HOSTS are checked at startup."""

import pytest
from auth_service.config import Settings
from pydantic import ValidationError


@pytest.mark.parametrize(
    ("apps", "hosts", "message"),
    [
        (["tasks", "tasks"], {}, "AUTH_APPS lists an app twice"),
        (["tasks"], {"errands.localtest.me": "errands"}, "names apps not in AUTH_APPS: errands"),
        (["tasks", "errands"], {"Errands.localtest.me:80": "errands"}, "should match pattern"),
    ],
)
def test_a_bad_apps_setting_refuses_to_start(
    apps: list[str], hosts: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Settings(environment="development", apps=apps, app_hosts=hosts)


def test_hosts_of_served_apps_are_accepted() -> None:
    settings = Settings(
        environment="development",
        apps=["tasks", "errands"],
        app_hosts={"errands.localtest.me": "errands"},
    )
    assert settings.app_hosts == {"errands.localtest.me": "errands"}
