"""The blog roll: every participant as OPML, written with the articles (`BLOGPARADE_BLOGROLL`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ...editors.opml import export_opml
from ..export import write_if_changed
from .settings import setting


def write_blogroll(generator: Any, writer: Any = None) -> None:
    """The participants as OPML at BLOGPARADE_BLOGROLL (rewritten only when it changed)."""
    settings = generator.settings
    name = setting(settings, "BLOGPARADE_BLOGROLL")
    if not name:
        return
    participants = generator.context.get("blogparade_participants", [])
    text = export_opml(participants, title=settings.get("SITENAME") or "blogparade")
    path = Path(generator.output_path) / name
    write_if_changed(path, text.encode("utf-8"))
