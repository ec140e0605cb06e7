"""gradio_client bound to the endpoint under test (see tests/conftest.py)."""
import pytest


@pytest.fixture(scope="session")
def client(endpoint):
    from gradio_client import Client
    return Client(endpoint, verbose=False)
