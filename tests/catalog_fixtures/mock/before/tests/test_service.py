import mock
from mock import MagicMock, patch, sentinel
from mock import mock as inner_mock

import service


@mock.patch("service.fetch")
def test_run_returns_what_fetch_returns(fetch):
    fetch.return_value = sentinel.value
    assert service.run() is sentinel.value


def test_ping_uses_the_timeout():
    client = MagicMock()
    with patch.object(service, "CLIENT", client), patch("service.TIMEOUT", 1):
        service.ping()
    client.ping.assert_called_once_with(timeout=1)
    assert isinstance(client, inner_mock.NonCallableMock)
