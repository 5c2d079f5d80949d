import pytest
import mock as m


@pytest.fixture
def clock():
    return m.Mock(return_value=0.0)  # the mock package, imported as m
