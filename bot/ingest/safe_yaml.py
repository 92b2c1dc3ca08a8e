"""YAML from files an admin or an upload supplies: no aliases (a few hundred bytes of anchors
can expand to gigabytes, the "billion laughs"), a size cap, plain data types only."""

from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_BYTES = 64 * 1024  # front matter and catalogue entries are a few hundred bytes


class _NoAliasLoader(yaml.SafeLoader):
    """SafeLoader that refuses `*alias` references instead of expanding them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not accepted", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str, *, limit: int = MAX_YAML_BYTES) -> Any:
    """Parse `text`; raises yaml.YAMLError for aliases, oversized input or invalid YAML."""
    if len(text.encode("utf-8")) > limit:
        raise yaml.YAMLError(f"it is over {limit // 1024} KB, more than metadata needs")
    return yaml.load(text, Loader=_NoAliasLoader)
