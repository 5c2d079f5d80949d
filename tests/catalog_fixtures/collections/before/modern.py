from collections.abc import Mapping


def keys(value: Mapping) -> list:
    return list(value)
