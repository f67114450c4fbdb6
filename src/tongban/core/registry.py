"""A tiny plugin registry for adapters to the outside world (SMS, identity checks, registries)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str) -> None:
        self.what = what
        self._plugins: dict[str, type[T]] = {}

    def register(self, name: str) -> Callable[[type[T]], type[T]]:
        def decorator(cls: type[T]) -> type[T]:
            self._plugins[name] = cls
            return cls

        return decorator

    def get(self, name: str) -> T:
        try:
            return self._plugins[name]()
        except KeyError:
            known = ", ".join(sorted(self._plugins)) or "none"
            raise LookupError(f"no {self.what} plugin named {name!r} (known: {known})") from None

    def names(self) -> list[str]:
        return sorted(self._plugins)
