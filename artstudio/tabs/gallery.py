"""Gallery tab and the history API: each visitor's results, kept per owner; reopening any ArtStudio PNG.

The owner is the signed-in user under --auth; otherwise the browser's key, a random value the page keeps
in a cookie (so a reload or an app restart finds the same gallery, and another browser sees its own);
an API client without that cookie owns what its session made.
"""
import re
import time
from pathlib import Path

import gradio as gr

from artstudio.gallery import Gallery
from artstudio.recipe import read_recipe
from artstudio.tabs.common import load_upload

OWNER_COOKIE = "artstudio_owner"
# Runs in the page on load: gives this browser a random key once, kept for ten years.
OWNER_COOKIE_JS = f"""() => {{
  if (!document.cookie.split('; ').some(c => c.startsWith('{OWNER_COOKIE}='))) {{
    const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
    document.cookie = '{OWNER_COOKIE}=' + key + '; max-age=315360000; path=/; SameSite=Lax';
  }}
  return [];
}}"""
REOPENS = {"generate": "Generate", "stylize": "Style transfer", "inpaint": "Inpaint", "restore": "Restore"}
_gallery = {"store": Gallery()}


def configure(max_mb: float) -> None:
    """The gallery's size cap (--max-gallery-mb)."""
    _gallery["store"] = Gallery(max_bytes=int(max_mb * 2**20))


def store() -> Gallery:
    return _gallery["store"]


def owner_of(request: gr.Request | None) -> str:
    if request is None:
        return "local"
    if request.username:
        return f"user:{request.username}"
    key = (request.cookies or {}).get(OWNER_COOKIE, "")
    if re.fullmatch(r"[0-9a-f]{32}", key):
        return f"browser:{key}"
    return f"session:{request.session_hash}"


def keep(path: str | Path, tab: str, request: gr.Request | None) -> None:
    """Put a result into its owner's gallery (called by every tab that makes one)."""
    _, evicted = store().add(owner_of(request), Path(path), tab)
    if evicted:
        gr.Info(f"The gallery reached its size cap ({store().max_bytes // 2**20} MB): "
                f"its {evicted} oldest picture(s) were removed.")


def show(request: gr.Request):
    """(thumbnails with captions, their ids) for the Gallery tab, newest first."""
    owner = owner_of(request)
    items = store().items(owner)
    return [(str(store().folder(owner) / i.file), i.summary()) for i in items], [i.id for i in items]


def select(ids: list[str] | None, evt: gr.SelectData, request: gr.Request):
    """A clicked thumbnail: (large view, its recipe, download, its id)."""
    if not ids or not 0 <= evt.index < len(ids):
        raise gr.Error("That picture is no longer in the gallery.")
    path = store().path(owner_of(request), ids[evt.index])
    if path is None:
        raise gr.Error("That picture is no longer in the gallery.")
    return str(path), read_recipe(path) or {}, str(path), ids[evt.index]


def delete_selected(item_id: str | None, request: gr.Request):
    if not item_id or not store().delete(owner_of(request), item_id):
        raise gr.Error("Select a picture in the gallery first.")
    return (*show(request), None, None, None, None)


def clear_all(confirmed: bool, request: gr.Request):
    """Empty the caller's gallery, once the page's confirm dialog said yes."""
    if confirmed is True:
        count = store().clear(owner_of(request))
        gr.Info(f"Removed {count} picture(s) from your gallery.")
    return (*show(request), None, None, None, None)


def history(request: gr.Request) -> list[dict]:
    """API: the caller's gallery, newest first: id, file (its path on the server, downloadable at
    /gradio_api/file=<file>), tab, created (ISO time), recipe."""
    owner = owner_of(request)
    return [{"id": i.id, "file": str(store().folder(owner) / i.file), "tab": i.tab,
             "created": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(i.created)), "recipe": i.recipe}
            for i in store().items(owner)]


def history_delete(item_id: str, request: gr.Request) -> list[dict]:
    """API: delete one of the caller's pictures by id; returns what is left."""
    if not isinstance(item_id, str) or not store().delete(owner_of(request), item_id):
        raise gr.Error(f"No picture with id {item_id!r} in your gallery.")
    return history(request)


def open_picture(path: str | None):
    """Any ArtStudio PNG: (the tab that made it, selected; the file for that tab's reopen step)."""
    load_upload(path, "an ArtStudio PNG")
    recipe = read_recipe(path)
    tab = recipe.get("tab") if recipe else None
    if tab not in REOPENS:
        raise gr.Error("This picture carries no ArtStudio recipe, so there is no tab to reopen it in. "
                       "Upload it into a tab directly instead.")
    gr.Info(f"Reopening in {REOPENS[tab]}.")
    return gr.Tabs(selected=tab), path
