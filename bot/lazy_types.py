"""Import aiogram with its Bot API models built on first use instead of all at import.

aiogram 3.31 declares every Telegram type with pydantic's `defer_build=True`, then undoes it at
the end of `aiogram/types/__init__.py` by calling `model_rebuild(_types_namespace=...)` on all
~440 of them, because their forward references only resolve in that namespace. Building them all
costs about 110 MB of RSS and 2 s at import, though a bot touches a few dozen. While aiogram is
imported here, that call records the namespace as the model's `__pydantic_parent_namespace__`
(pydantic's own place for it) and leaves the model deferred; pydantic then builds it the first
time it is used, resolving the same names. Every model still builds: a test builds all of them.

Nothing happens at import. `import_aiogram()` is called by whatever starts a process, before
anything imports aiogram: `bot/__main__.py`, and the `tests` and `bench` packages.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from pydantic import BaseModel

# Whether this process imported aiogram through `import_aiogram`.
_lean = False


class AiogramImportedEagerly(RuntimeError):
    """aiogram was imported before `import_aiogram()`: its models are all built already."""


def import_aiogram() -> None:
    """Import aiogram, deferring its models' builds; again, a no-op. Raises
    `AiogramImportedEagerly` if aiogram was imported some other way first."""
    global _lean
    if _lean:
        return
    if "aiogram" in sys.modules:
        raise AiogramImportedEagerly(
            "aiogram was imported before bot.lazy_types.import_aiogram(), so all its Bot API "
            "models are built (about 110 MB); call import_aiogram() before importing aiogram "
            "or any module that imports it"
        )
    namespace: dict[str, Any] = {}
    with _deferred_rebuilds(namespace):
        import aiogram  # noqa: F401
    # Models that use the types (the API methods, `Response[...]`, built per method on first
    # call) resolve the types' forward references from their own parent namespace, too.
    for model in _subclasses(BaseModel):
        if model.__module__.startswith("aiogram.") and model.__pydantic_parent_namespace__ is None:
            model.__pydantic_parent_namespace__ = namespace
    _pin_responses()
    _lean = True


def build_now(*models: type[BaseModel]) -> None:
    """Build these models (types, or API methods with their answers' `Response[T]`) now, at
    start-up, not at their first use under load: 50-200 ms of CPU each."""
    from aiogram.methods.base import Response

    responses: Any = Response
    for model in models:
        model.model_rebuild()
        returning = model.__dict__.get("__returning__")
        if returning is not None:
            # Subscribing builds the answer's model, and `_pin_responses` keeps it.
            responses[returning]


def _pin_responses() -> None:
    """Keep every `Response[T]` aiogram makes for as long as the process lives.

    aiogram validates each answer with `Response[method.__returning__]`, and pydantic keeps a
    parametrized generic only in a weak cache: once the collector runs, the class is gone and
    the next call builds its schema again, 50-200 ms of event loop at a time, several times a
    second under load. A bot calls a few dozen methods: a few dozen classes kept.
    """
    from aiogram.methods.base import Response

    make = BaseModel.__dict__["__class_getitem__"].__func__
    kept: dict[Any, type[BaseModel]] = {}

    def pinned(cls: type[BaseModel], params: Any) -> Any:
        if cls is not Response:
            return make(cls, params)
        model = kept.get(params)
        if model is None:
            model = kept[params] = make(cls, params)
        return model

    Response.__class_getitem__ = classmethod(pinned)  # type: ignore[method-assign,assignment]


@contextmanager
def _deferred_rebuilds(namespace: dict[str, Any]) -> Iterator[None]:
    """While active, aiogram's rebuild-everything call only fills `namespace`."""
    original = BaseModel.__dict__["model_rebuild"]
    rebuild = original.__func__

    def defer(cls: type[BaseModel], /, **options: Any) -> bool | None:
        types_namespace = options.get("_types_namespace")
        if (
            types_namespace is not None
            and cls.__module__.startswith("aiogram.")
            and cls.model_config.get("defer_build")
            and not cls.__pydantic_complete__
        ):
            namespace.update(types_namespace)
            cls.__pydantic_parent_namespace__ = namespace
            return None
        result: bool | None = rebuild(cls, **options)
        return result

    BaseModel.model_rebuild = classmethod(defer)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        BaseModel.model_rebuild = original  # type: ignore[method-assign]


def _subclasses(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    for subclass in model.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)
