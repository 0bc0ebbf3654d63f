"""A post's comments as the thread readers saw on the original blog.  Pure, and linear in the
number of comments, whatever the shape of the thread.

Which comment a reply answers is decided here, once per build, from the reference its feed gave
(`Comment.parent_guid`), looked up in this order among the post's comments:

1. a comment whose id is the reference (WordPress's `thr:in-reply-to ref`, tag URIs, Blogger's
   ids);
2. a comment whose id or link is the same URL by `urls.thread_key` (`href`, or an "In reply to"
   paragraph's link: `…/post/#comment-12`, `…/post/comment-page-2/#comment-12`, `?p=5#comment-12`);
3. a comment whose id or link carries the same fragment (`#comment-12`), where only one does and
   the reference is to this post's page or its comments' pages: a post's comments are one page,
   so the anchor names the comment whatever form the URL before it takes (WordPress ids in `?p=`
   form, links in permalink form);
4. the one comment whose id or link carries the same comment number or id by `urls.comment_key`,
   where the reference is not a URL or one to this post's pages by `urls.comment_page`: engines
   and plugins name a parent in another shape than its own id (`comment-12`, `12`, `#c12` or
   `…/post/?replytocom=12#respond` for the comment `…/?p=5#comment-12`; `…/post/#comment-12`
   for the comment `12`; a bare uuid for `urn:uuid:…`).  A number two comments hold names neither.

A reference that names no stored comment (the post itself, or a parent not stored yet) leaves the
reply on top; when its parent arrives, the next build nests it.  Cycles (hostile or broken feeds)
are cut at their oldest comment.  Replies deeper than `MAX_DEPTH` hang under their ancestor at
that depth, in the thread's order (`thread_order`), so neither the page nor Jinja's and json's
recursion have to follow a runaway thread.

A reply's own "In reply to …" paragraph (replies.py) is dropped where the reply sits under
that parent, and otherwise pointed at the parent on this page.  It names the parent as the site
names commenters (its link text is the parent's name as written by the blog), and is dropped
where the site shows no names or where it names a comment taken down (hidden, or erased with
its commenter: `gone`), whether or not the reply is nested.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from ..editors.privacy import shown_name
from ..models import StoredComment, StoredPost
from ..replies import is_reply_sentence, relinked, reply_marker, without_marker, without_naming
from ..site import Naming
from ..urls import comment_key, comment_page, fragment, thread_key

# Levels as WordPress counts them (the top level is the first): it allows 10; six still fit a
# phone's width.
MAX_DEPTH = 6
_AMBIGUOUS = ""  # a fragment or number two comments share names neither

# Whether an "In reply to" paragraph names a comment taken down: (its link, the name it reads,
# both unescaped) -> bool.
Gone = Callable[[str, str], bool]


def nothing_gone(reference: str, name: str) -> bool:
    return False


class Lookup:
    """Which of a post's comments a parent reference names (rules 1 to 4 above).

    `pages` are the post's own addresses (its link and guid): a fragment or a comment number
    alone names a comment only in a reference to this post's page or its comments' pages, since
    engines that number comments per post (`#c2`) have a `#c2` on every post."""

    def __init__(self, comments: Sequence[StoredComment], pages: Sequence[str] = ()):
        self.by_guid: dict[str, str] = {}
        self.by_key: dict[str, str] = {}
        self.by_fragment: dict[str, str] = {}
        self._by_number: dict[str, str] | None = None  # made when rule 4 is first asked
        self._comments = comments
        self.pages = {comment_page(page) for page in pages if page}
        for comment in comments:
            self.by_guid.setdefault(comment.guid, comment.id)
            for name in (comment.guid, comment.url):
                if not name:
                    continue
                self.by_key.setdefault(thread_key(name), comment.id)
                self.pages.add(comment_page(name))
                _index_uniquely(self.by_fragment, fragment(name), comment.id)

    @property
    def by_number(self) -> dict[str, str]:
        """Rule 4's index; most threads never need it (their references are ids), so it is made
        only for one that does."""
        if self._by_number is None:
            self._by_number = {}
            for comment in self._comments:
                for name in (comment.guid, comment.url):
                    _index_uniquely(self._by_number, comment_key(name), comment.id)
        return self._by_number

    def __call__(self, reference: str | None) -> str | None:
        if not reference:
            return None
        found = self.by_guid.get(reference) or self.by_key.get(thread_key(reference))
        if found:
            return found
        is_url = "://" in reference
        if is_url and comment_page(reference) not in self.pages:
            return None
        anchor = fragment(reference)
        found = self.by_fragment.get(anchor) if anchor and is_url else None
        number = None if found else comment_key(reference)
        return found or (self.by_number.get(number) if number else None) or None


def _index_uniquely(index: dict[str, str], key: str | None, comment: str) -> None:
    """`index[key]` is the comment, or `_AMBIGUOUS` where two comments have the key."""
    if key:
        index[key] = comment if index.get(key, comment) == comment else _AMBIGUOUS


def parents(comments: Sequence[StoredComment], lookup: Lookup) -> dict[str, str | None]:
    """Each comment's parent comment id (None: on top), cycles cut at their oldest comment."""
    parent: dict[str, str | None] = {}
    for comment in comments:
        found = lookup(comment.parent_ref)
        parent[comment.id] = found if found != comment.id else None
    _cut_cycles(parent)
    return parent


def _cut_cycles(parent: dict[str, str | None]) -> None:
    """Linear: each comment is walked over once; a walk stops at a comment already settled."""
    order = {comment: index for index, comment in enumerate(parent)}  # oldest first
    settled: set[str] = set()
    for start in parent:
        path: list[str] = []
        on_path: set[str] = set()
        current: str | None = start
        while current is not None and current not in settled and current not in on_path:
            path.append(current)
            on_path.add(current)
            current = parent[current]
        if current is not None and current in on_path:  # back to the walk itself: a cycle
            cycle = path[path.index(current):]
            parent[min(cycle, key=order.__getitem__)] = None
        settled.update(path)


def depths(parent: dict[str, str | None]) -> dict[str, int]:
    """Each comment's depth (0 on top), each comment's chain walked once."""
    depth: dict[str, int] = {}
    for start in parent:
        path: list[str] = []
        current: str | None = start
        while current is not None and current not in depth:
            path.append(current)
            current = parent[current]
        known = -1 if current is None else depth[current]
        for comment in reversed(path):
            known += 1
            depth[comment] = known
    return depth


def thread_order(comments: Sequence[StoredComment], parent: dict[str, str | None]) -> list[StoredComment]:
    """The comments as a thread reads, depth first (each followed by its replies), siblings
    oldest first: the order the replies hung beside their parent at the depth cap are listed
    in, so that each conversation below it stays together, as WordPress lists them there (by
    date alone, a reply at depth 15 was followed by one to a comment at depth 8)."""
    children: dict[str | None, list[StoredComment]] = {}
    for comment in comments:  # oldest first
        children.setdefault(parent[comment.id], []).append(comment)
    ordered: list[StoredComment] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        comment = stack.pop()
        ordered.append(comment)
        stack.extend(reversed(children.get(comment.id, [])))
    return ordered


def comment_tree(
    comments: Sequence[StoredComment],
    node: Callable[[StoredComment], dict[str, Any]],
    post: StoredPost | None = None,
    *,
    naming: Naming = "full",
    gone: Gone = nothing_gone,
) -> list[dict[str, Any]]:
    """Nested replies of `post`, oldest first: each comment made by `node`, replies under
    "replies"; their "In reply to" paragraphs as the module says, names as `naming` says."""
    lookup = Lookup(comments, (post.url, post.guid) if post else ())
    parent = parents(comments, lookup)
    depth = depths(parent)
    nodes = {comment.id: node(comment) for comment in comments}
    shown_under: dict[str, str | None] = {}
    roots: list[dict[str, Any]] = []
    # Shallow first, so that a comment's place is known before its replies look for theirs.
    for comment in sorted(comments, key=lambda c: depth[c.id]):
        above = parent[comment.id]
        if above is not None and depth[above] >= MAX_DEPTH - 1:  # depth 0: a top-level comment
            above = shown_under[above]  # hang it beside its parent, at the deepest level shown
        shown_under[comment.id] = above
    for comment in thread_order(comments, parent):  # oldest first among siblings, in every list
        above = shown_under[comment.id]
        (roots if above is None else nodes[above]["replies"]).append(nodes[comment.id])
        body = nodes[comment.id]["body"]
        nodes[comment.id]["body"] = _reply_marker_resolved(body, lookup, parent[comment.id], above, naming, gone)
        answered = parent[comment.id]
        if answered is not None and answered != above:
            # Hung beside its parent (the depth cap): its heading names whom it answers, not the
            # comment it hangs under; and where its body does not say it (Atom engines write no
            # "In reply to" paragraph), the page says it.
            nodes[comment.id]["answering"] = nodes[answered]["author"]
            if reply_marker(body) is None:
                nodes[comment.id]["answers"] = {"id": answered, "author": nodes[answered]["author"]}
    return roots


def _reply_marker_resolved(body: str, lookup: Lookup, parent: str | None, shown_under: str | None,
                           naming: Naming, gone: Gone) -> str:  # fmt: skip
    """The "In reply to" paragraph gone where the nesting says it, where it would show a name the
    site does not show or names a comment taken down; else linking here where it can."""
    marker = reply_marker(body)
    if marker is None:
        return body
    reference, name = html.unescape(marker.href), html.unescape(marker.name)
    if gone(reference, name):
        return without_naming(body, marker)
    named = lookup(reference)
    if named is not None and named == parent == shown_under and is_reply_sentence(body, marker):
        return without_marker(body, marker)
    shown = shown_name(name, naming)
    if not shown:
        return without_naming(body, marker)
    # A comment we do not have (not stored, or too old to keep): the original's link is the only one.
    href = marker.href if named is None else f"#comment-{named}"
    written = marker.name if shown == name else html.escape(shown)
    if written.endswith(".") and body.startswith(".", marker.link_end):
        written = written[:-1]  # "In reply to C.." (initials, "Dieter K."): the sentence's stop ends it
    return relinked(body, marker, href, written)
