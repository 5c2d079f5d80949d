"""Talks to the billing API (tests replace CLIENT with a mock server)."""

CLIENT = None
TIMEOUT = 10


def fetch():
    return CLIENT.get("/invoices")


def run():
    return fetch()


def ping():
    CLIENT.ping(timeout=TIMEOUT)
