import pytest
import unittest.mock as m


@pytest.fixture
def clock():
    return m.Mock(return_value=0.0)  # the mock package, imported as m
