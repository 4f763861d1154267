"""The registry holds the detectors: recognizers and post-processors, unique by name.

The registry is explicit: :meth:`RecognizerRegistry.default` lists the built-ins
(:mod:`veil.pii.recognizers`), users :meth:`~RecognizerRegistry.add` theirs (or declare them
in configuration, see :class:`veil.pii.PiiConfig`); nothing registers itself on import.
Every entity the engine reports names a detector of its registry (``Entity.recognizer``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from veil.errors import ConfigError, NotFoundError
from veil.pii.config import PiiConfig
from veil.pii.recognizer import PostProcessor, Recognizer
from veil.pii.recognizers.builtin import COREFERENCE, builtin_post_processors, builtin_recognizers

__all__ = ["RecognizerRegistry"]


class RecognizerRegistry:
    """An ordered set of recognizers and one of post-processors; a name names one detector.

    Iterating, ``len`` and :meth:`names` cover the recognizers; :meth:`post_processors`
    lists the post-processors; ``name in registry``, :meth:`remove` and :meth:`remove_type`
    cover both.
    """

    def __init__(
        self, recognizers: Iterable[Recognizer] = (), post_processors: Iterable[PostProcessor] = ()
    ) -> None:
        self._by_name: dict[str, Recognizer] = {}
        self._post: dict[str, PostProcessor] = {}
        for recognizer in recognizers:
            self.add(recognizer)
        for post_processor in post_processors:
            self.add_post_processor(post_processor)

    @classmethod
    def default(cls, config: PiiConfig | None = None) -> RecognizerRegistry:
        """The built-in recognizers (tuned by ``config``: phone regions) and post-processors."""
        regions = config.phone_regions if config is not None else None
        return cls(builtin_recognizers(phone_regions=regions), builtin_post_processors())

    @classmethod
    def from_config(cls, config: PiiConfig) -> RecognizerRegistry:
        """Built-ins + ``config.recognizers``, less what ``config.disabled`` names (recognizer or
        post-processor names, or entity types) and, with ``coreference`` off, less
        ``person_coreference``."""
        registry = cls.default(config)
        for recognizer in config.recognizers:
            registry.add(recognizer)
        disabled = set(config.disabled)
        if not config.coreference:
            disabled.add(COREFERENCE)
        # Names and types are checked against the registry as it was: disabling a type and
        # one of its detectors by name ("PERSON", "spacy_person") is not an error.
        known = {*registry.names(), *(p.name for p in registry.post_processors())}
        types = registry.entity_types()
        for name in sorted(disabled):
            if name in registry:
                registry.remove(name)
            elif name in types:
                if any(d.entity_type == name for d in (*registry, *registry.post_processors())):
                    registry.remove_type(name)
            elif name not in known:
                registry.remove_type(name)  # raises NotFoundError naming what is known
        return registry

    def add(self, recognizer: Recognizer) -> None:
        self._check_free(recognizer.name)
        self._by_name[recognizer.name] = recognizer

    def add_post_processor(self, post_processor: PostProcessor) -> None:
        self._check_free(post_processor.name)
        self._post[post_processor.name] = post_processor

    def _check_free(self, name: str) -> None:
        if name in self:
            raise ConfigError(
                f"a recognizer or post-processor named {name!r} is already registered; "
                "choose another name or remove the existing one first"
            )

    def remove(self, name: str) -> Recognizer | PostProcessor:
        """Remove the recognizer or post-processor called ``name``."""
        if name in self._post:
            return self._post.pop(name)
        try:
            return self._by_name.pop(name)
        except KeyError:
            known = ", ".join([*self.names(), *self._post])
            raise NotFoundError(f"no recognizer or post-processor named {name!r}; known: {known}") from None

    def remove_type(self, entity_type: str) -> list[Recognizer | PostProcessor]:
        """Remove every recognizer and post-processor of ``entity_type``; unknown types raise
        NotFoundError."""
        names = [r.name for r in self if r.entity_type == entity_type]
        names += [p.name for p in self._post.values() if p.entity_type == entity_type]
        if not names:
            raise NotFoundError(
                f"{entity_type!r} is neither a recognizer name, a post-processor name "
                "nor an entity type of one; "
                f"known types: {', '.join(sorted(self.entity_types()))}"
            )
        return [self.remove(name) for name in names]

    def get(self, name: str) -> Recognizer:
        try:
            return self._by_name[name]
        except KeyError:
            raise NotFoundError(f"no recognizer named {name!r}") from None

    def get_post_processor(self, name: str) -> PostProcessor:
        try:
            return self._post[name]
        except KeyError:
            raise NotFoundError(f"no post-processor named {name!r}") from None

    def names(self) -> list[str]:
        """The recognizers' names, in order."""
        return list(self._by_name)

    def post_processors(self) -> list[PostProcessor]:
        """The post-processors, in the order they run (within their stage)."""
        return list(self._post.values())

    def entity_types(self) -> set[str]:
        return {r.entity_type for r in self} | {p.entity_type for p in self._post.values()}

    def __contains__(self, name: object) -> bool:
        """Whether ``name`` names a recognizer or a post-processor of this registry."""
        return name in self._by_name or name in self._post

    def __iter__(self) -> Iterator[Recognizer]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def __repr__(self) -> str:
        return f"RecognizerRegistry({len(self)} recognizers, {len(self._post)} post-processors)"
