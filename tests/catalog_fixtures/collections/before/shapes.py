import collections
from collections import Mapping, OrderedDict, namedtuple
from collections import Sequence as Seq

Point = namedtuple("Point", "x y")


def normalise(value):
    if isinstance(value, collections.Mapping):
        return OrderedDict(sorted(value.items()))
    if isinstance(value, (Seq, collections.Set)):
        return list(value)
    return collections.Counter([value])


def is_mapping(value: "collections.MutableMapping") -> bool:
    return isinstance(value, Mapping)
