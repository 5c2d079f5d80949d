import collections, collections.abc
from collections import OrderedDict, namedtuple
from collections.abc import Sequence as Seq
from collections.abc import Mapping

Point = namedtuple("Point", "x y")


def normalise(value):
    if isinstance(value, collections.abc.Mapping):
        return OrderedDict(sorted(value.items()))
    if isinstance(value, (Seq, collections.abc.Set)):
        return list(value)
    return collections.Counter([value])


def is_mapping(value: "collections.abc.MutableMapping") -> bool:
    return isinstance(value, Mapping)
