"""The arguments of the public functions, checked where they come in.

A wrong type is a ``TypeError`` whose message names the function, the argument and what it
takes (``fill_report(): 'xlsx' cần một đường dẫn (str hoặc pathlib.Path), không phải int``),
never an error raised deep inside by another library.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

__all__ = [
    "callback_argument",
    "flag_argument",
    "mapping_argument",
    "path_argument",
    "paths_argument",
]

_PATH = "một đường dẫn (str hoặc pathlib.Path)"


def _refuse(function: str, name: str, needed: str, value: object) -> TypeError:
    return TypeError(f"{function}(): '{name}' cần {needed}, không phải {type(value).__name__}")


def path_argument(value: object, function: str, name: str, needed: str = _PATH) -> Path:
    """``value`` as a :class:`~pathlib.Path`; a ``TypeError`` saying ``needed`` otherwise."""
    if isinstance(value, Path):  # as it is (a batch's thousand paths are not copied)
        return value
    if isinstance(value, (str, os.PathLike)):
        try:
            return Path(value)
        except TypeError:  # an os.PathLike that gives bytes
            pass
    raise _refuse(function, name, needed, value)


def paths_argument(value: object, function: str, name: str) -> list[Path]:
    """One path (a ``str`` is one path, not its characters) or an iterable of paths."""
    if isinstance(value, (str, os.PathLike)):
        return [path_argument(value, function, name)]
    if isinstance(value, Iterable) and not isinstance(value, (bytes, bytearray)):
        return [path_argument(item, function, f"{name}[{i}]") for i, item in enumerate(value)]
    raise _refuse(function, name, f"{_PATH} hoặc một danh sách đường dẫn", value)


def flag_argument(value: object, function: str, name: str) -> bool:
    """``True`` or ``False`` only: ``overwrite="no"`` must not overwrite."""
    if isinstance(value, bool):
        return value
    raise _refuse(function, name, "True hoặc False", value)


def mapping_argument(value: object, function: str, name: str) -> Mapping[str, object]:
    """A mapping of names to values (a ``dict``)."""
    if isinstance(value, Mapping):
        return value
    raise _refuse(function, name, "một dict (tên trường → giá trị)", value)


def callback_argument(value: object, function: str, name: str) -> Callable[..., object] | None:
    """A function to call back (``progress``), or ``None``."""
    if value is None or callable(value):
        return value
    raise _refuse(function, name, "một hàm (hoặc None)", value)
