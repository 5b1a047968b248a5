"""Configuration files (specs, rules, curation, snapshot metadata): one error type that names the file, the entry
and the cause, with the line YAML gives, and one YAML reader that keeps those lines.

A message reads ``curation/overrides.yaml line 42 (entry 7, same_as 'ABC'): unknown key 'tabel'``: the path is
relative to the project when the file is in it (else as given), ``line`` and the entry are left out when unknown.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def shown_path(path: Path | str) -> str:
    """``path`` relative to the project when it is inside it (``curation/overrides.yaml``), else as given."""
    p = Path(path)
    if not p.is_absolute():
        return p.as_posix()
    try:
        return p.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(p)


def location(path: Path | str, entry: str | None = None, line: int | None = None) -> str:
    """``<path> line <line> (<entry>)``, leaving out what is None (see :func:`shown_path`)."""
    return shown_path(path) + (f" line {line}" if line else "") + (f" ({entry})" if entry else "")


class ConfigError(ValueError):
    """A configuration file that cannot be used. ``path``: the file (shown relative to the project), ``entry``:
    which entry (``entry 7, same_as 'ABC'``, ``table '4'``) or None, ``cause``: what is wrong, ``line``: 1-based
    line of the entry or None."""

    def __init__(self, path: Path | str, entry: str | None, cause: str, line: int | None = None):
        self.path, self.entry, self.cause, self.line = shown_path(path), entry, cause, line
        super().__init__(f"{location(path, entry, line)}: {cause}")

    def __reduce__(self):
        """Pickle with the four fields (worker processes send errors back)."""
        return type(self), (self.path, self.entry, self.cause, self.line)


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file: ``data`` as ``yaml.safe_load`` gives it, the node tree for line numbers, and the
    ConfigError class its errors are raised as."""

    path: Path
    data: object
    node: yaml.Node | None
    error_type: type[ConfigError] = ConfigError

    def line(self, *keys: object) -> int | None:
        """1-based line of the value at ``keys`` (mapping keys and list indexes, outermost first); the line of
        the deepest node found when a key is absent, None for an empty file."""
        node = self.node
        for key in keys:
            child = _child(node, key)
            if child is None:
                break
            node = child
        return node.start_mark.line + 1 if node is not None else None

    def key_line(self, keys: tuple, key: object) -> int | None:
        """1-based line where ``key`` of the mapping at ``keys`` is written (its value may start below it)."""
        parent = self.node
        for k in keys:
            parent = _child(parent, k)
        if isinstance(parent, yaml.MappingNode):
            for k, _ in parent.value:
                if k.value == str(key):
                    return k.start_mark.line + 1
        return self.line(*keys, key)

    def error(self, keys: tuple, entry: str | None, cause: str) -> ConfigError:
        """An ``error_type`` about the value at ``keys`` (see :meth:`line`); no line for the whole file (no keys)."""
        return self.error_type(self.path, entry, cause, self.line(*keys) if keys else None)


def _child(node: yaml.Node | None, key: object) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == str(key)), None)
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
        return node.value[key]
    return None


def read_yaml(path: Path, error: type[ConfigError] = ConfigError) -> YamlDoc:
    """Parse ``path`` (UTF-8 YAML, safe loader). Raises ``error`` (a ConfigError class) naming the file and the
    line of a syntax error, or when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(path, None, f"cannot be read ({exc})") from exc
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark, started = exc.problem_mark or exc.context_mark, exc.context_mark
        context = exc.context
        if context and started and mark and started.line != mark.line:
            context += f" (from line {started.line + 1})"
        cause = " ".join(p for p in (context, exc.problem) if p)
        raise error(path, None, f"not valid YAML: {cause}", mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise error(path, None, f"not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    return YamlDoc(path=path, data=data, node=node, error_type=error)


def check_keys(doc: YamlDoc, keys: tuple, entry: str | None, allowed: set[str] | frozenset[str],
               error: type[ConfigError] = ConfigError) -> None:
    """Raise ``error`` at the first key of the mapping at ``keys`` that is not in ``allowed``."""
    value = doc.data
    for k in keys:
        value = value[k]
    for k in value:
        if k not in allowed:
            raise error(doc.path, entry, f"unknown key {k!r}", doc.key_line(keys, k))


def require_keys(doc: YamlDoc, keys: tuple, entry: str | None, required: tuple[str, ...],
                 error: type[ConfigError] = ConfigError) -> None:
    """Raise ``error`` when the value at ``keys`` is not a mapping or lacks one of ``required``."""
    value = doc.data
    for k in keys:
        value = value[k] if isinstance(value, dict | list) else None
    if not isinstance(value, dict):
        raise error(doc.path, entry, "expected a mapping" + (f" with {', '.join(required)}" if required else ""),
                    doc.line(*keys) if keys else None)
    for k in required:
        if k not in value:
            raise error(doc.path, entry, f"missing key {k!r}", doc.line(*keys) if keys else None)
