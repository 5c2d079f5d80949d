from typing import Dict, TYPE_CHECKING

import typing_extensions as te, typing
from typing_extensions import Annotated, Literal, Protocol, Self, TypedDict, TypeIs, override

if TYPE_CHECKING:
    from decimal import Decimal

Mode = Literal["r", "w"]
Meters = Annotated[float, "m"]


class Shape(Protocol):
    def area(self) -> float: ...


class Options(TypedDict):
    mode: Mode


class Square:
    def scaled(self, factor: "Decimal") -> Self:
        return self

    @override
    def __repr__(self) -> str:
        return "Square()"


def is_square(value: object) -> TypeIs[Square]:
    return isinstance(value, Square)


def describe(limit: typing.Final[int], check: "te.TypeGuard[int]") -> Dict[str, te.Any]:
    return {"limit": limit, "check": check}
