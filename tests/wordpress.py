"""Feeds in the shapes WordPress 6.x writes them, for tests of comment threads.

A `Blog` holds posts and their comments as WordPress stores them (comment_content with blank lines
between paragraphs, comment_parent, comment_type); its methods render what WordPress's templates
print for them, whitespace included (PHP swallows the newline after a closing `?>`):

    wp-includes/feed-rss2.php            Blog.posts_rss()             <home>/feed/
    wp-includes/feed-atom.php            Blog.posts_atom()            <home>/feed/atom/
    wp-includes/feed-rss2-comments.php   Blog.post_comments_rss(p)    <permalink>feed/
                                         Blog.comments_rss()          <home>/comments/feed/
    wp-includes/feed-atom-comments.php   Blog.post_comments_atom(p)   <permalink>feed/atom/
                                         Blog.comments_atom()         <home>/comments/feed/atom/

and a post's own page with its comment list (`Blog.post_page`), as a classic theme prints it
(Walker_Comment's html5_comment and ping, the_comments_navigation) or a block theme (the
comment template, comments-pagination blocks), paged as "Break comments into pages" does.

What the tests rely on, as WordPress does it:

- A post's guid is `<home>/?p=<ID>` (written once, at publication); a blog moved from another
  system keeps its old guids, often the permalinks (`guid="permalink"` here).  RSS always writes
  `<guid isPermaLink="false">`.
- A comment's guid is its post's guid + `#comment-<ID>` (get_comment_guid), its link the
  permalink + `#comment-<ID>`, or with paginated comments `<permalink>comment-page-<N>/#comment-<ID>`
  (get_comment_link).
- `<slash:comments>` / `<thr:total>` is get_comments_number(): every approved comment, pingbacks
  and trackbacks included.
- Atom comment feeds say what a comment answers (RFC 4685): a top-level comment
  `<thr:in-reply-to ref="<post guid>" href="<permalink>"/>`, a reply `ref="<parent's guid>"
  href="<parent's link>"`.  RSS comment feeds have no threading element.
- Since WordPress 5.4 every comment feed (RSS and Atom alike: get_comment_text() checks
  is_comment_feed()) starts a reply's text with the localised "In reply to %s." whose %s is
  `<a href="<parent's link>"><parent's author></a>`, then a blank line, then the reply; wpautop
  makes that `<p>In reply to <a href="…">Name</a>.</p>\n<p>reply…</p>\n`.  RSS's
  `<description>` is the same text through esc_html (tags escaped, not removed).
- Comment feeds list the newest `posts_per_rss` (10) comments first.
- A pingback is a comment of type "pingback" whose author is the linking post's title, whose URL
  is the linking post and whose text is "[&#8230;] excerpt [&#8230;]" (wp_xmlrpc_server).

Only what these tests need is modelled: pretty permalinks (/%year%/%monthnum%/%postname%/) or
plain ones (`?p=ID`), open comments, no password-protected posts.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

WORDPRESS_VERSION = "6.6.2"
RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml; charset=UTF-8"
POSTS_PER_RSS = 10  # WordPress's default for posts_per_rss, which comment feeds use too


@dataclass(frozen=True)
class Locale:
    """The strings of WordPress's feed templates in one language (its .po translations)."""

    code: str  # get_bloginfo('language'): <language>, xml:lang
    by: str  # 'By: %s' (a comment's title in a post's comment feed)
    comments_on: str  # 'Comments on: %s' (RSS channel title of a post's comment feed)
    comments_on_atom: str  # 'Comments on %s' (Atom title of a post's comment feed)
    comments_for: str  # 'Comments for %s' (title of the site-wide comment feed)
    comment_on_by: str  # 'Comment on %1$s by %2$s' (a comment's title in the site-wide feed)
    in_reply_to: str  # 'In reply to %s.' (the first paragraph of a reply in comment feeds)

    def reply_phrase(self) -> str:
        """The words of "In reply to %s." around the link, e.g. "Als Antwort auf" or "への返信"."""
        return max((part.strip(" .") for part in self.in_reply_to.split("%s")), key=len)


LOCALES: dict[str, Locale] = {
    "en": Locale("en-US", "By: %s", "Comments on: %s", "Comments on %s", "Comments for %s",
                 "Comment on %1$s by %2$s", "In reply to %s."),
    "de": Locale("de-DE", "Von: %s", "Kommentare zu: %s", "Kommentare zu %s", "Kommentare für %s",
                 "Kommentar zu %1$s von %2$s", "Als Antwort auf %s."),
    "fr": Locale("fr-FR", "Par : %s", "Commentaires sur : %s", "Commentaires sur %s",
                 "Commentaires pour %s", "Commentaire sur %1$s par %2$s", "En réponse à %s."),
    "pl": Locale("pl-PL", "Przez: %s", "Komentarze do: %s", "Komentarze do %s", "Komentarze do %s",
                 "Komentarz do %1$s autorstwa %2$s", "W odpowiedzi do %s."),
    # The link first and no full stop: a phrase whose link is not at its end.
    "ja": Locale("ja", "投稿者: %s", "%s へのコメント", "%s へのコメント", "%s のコメント",
                 "%2$s より %1$s へのコメント", "%s への返信"),
}  # fmt: skip


@dataclass
class Comment:
    """One comment as WordPress stores it (wp_comments)."""

    id: int  # comment_ID: one sequence for the whole blog
    author: str  # comment_author; a pingback's is the linking post's title
    text: str  # comment_content: paragraphs separated by blank lines, simple HTML allowed
    published: datetime  # comment_date_gmt
    parent: int = 0  # comment_parent: 0 for a top-level comment
    type: str = "comment"  # comment_type: "comment", "pingback" or "trackback"
    author_url: str = ""  # comment_author_url; a pingback's is the linking post
    page: int = 0  # the comment page its link names (comment-page-N/); 0: none
    approved: bool = True  # only approved comments are counted and listed in feeds

    @property
    def paragraphs(self) -> list[str]:
        """The comment's own paragraphs as plain text (what a reader must find on the page)."""
        return [_plain(part) for part in re.split(r"\n\s*\n", self.text.strip()) if part.strip()]


@dataclass
class Post:
    id: int  # the post ID of ?p=ID
    slug: str  # post_name
    title: str
    published: datetime
    content: str = "<p>Ein Beitrag.</p>"  # post_content after the_content filters
    author: str = "Jörg Beispiel"
    categories: tuple[str, ...] = ("Allgemein",)
    comments: list[Comment] = field(default_factory=list)  # any order, held ones included
    # The guid it brought from another blog (the WordPress importer keeps a post's guid, and
    # FeedWordPress writes the original's): "" for one written here.
    imported_guid: str = ""
    password: str = ""  # post_password: its text and its comments only behind the password form

    @property
    def approved(self) -> list[Comment]:
        return [c for c in self.comments if c.approved]

    @property
    def comment_count(self) -> int:
        """get_comments_number(): approved comments, pingbacks and trackbacks included."""
        return len(self.approved)

    @property
    def pings(self) -> list[Comment]:
        return [c for c in self.approved if c.type in ("pingback", "trackback")]


@dataclass
class Blog:
    home: str  # home_url() without the trailing slash, e.g. "http://127.0.0.1:8080/blog"
    name: str
    posts: list[Post]
    language: str = "de"  # a key of LOCALES
    guid: str = "p"  # "p": guids are <home>/?p=ID; "permalink": guids are the permalinks
    description: str = "Ein Blog über Gärten und Werkzeug"
    built: datetime | None = None  # the feeds' build date; default: the newest post or comment
    # "pretty" (/%year%/%monthnum%/%postname%/) or "plain" (Settings > Permalinks > Plain): every
    # address a query on the home, `?p=ID`, `?feed=rss2&p=ID` (get_post_comments_feed_link),
    # `?feed=comments-atom` (get_feed_link), a comment `?p=ID#comment-N`
    permalinks: str = "pretty"

    # -- addresses ------------------------------------------------------------------------------

    @property
    def locale(self) -> Locale:
        return LOCALES[self.language]

    @property
    def plain(self) -> bool:
        return self.permalinks == "plain"

    def permalink(self, post: Post) -> str:
        if self.plain:
            return f"{self.home}/?p={post.id}"
        return f"{self.home}/{post.published:%Y/%m}/{post.slug}/"

    def post_guid(self, post: Post) -> str:
        if post.imported_guid:
            return post.imported_guid
        return f"{self.home}/?p={post.id}" if self.guid == "p" else self.permalink(post)

    def comment_guid(self, comment: Comment) -> str:
        return f"{self.post_guid(self.post_of(comment))}#comment-{comment.id}"

    def comment_link(self, comment: Comment) -> str:
        if self.plain:
            page = f"&cpage={comment.page}" if comment.page else ""
            return f"{self.permalink(self.post_of(comment))}{page}#comment-{comment.id}"
        page = f"comment-page-{comment.page}/" if comment.page else ""
        return f"{self.permalink(self.post_of(comment))}{page}#comment-{comment.id}"

    def _feed(self, feed: str, post: Post | None = None, pretty: str = "") -> str:
        if self.plain:
            return f"{self.home}/?feed={feed}" + (f"&p={post.id}" if post else "")
        return (self.permalink(post) if post else f"{self.home}/") + pretty

    def posts_rss_url(self) -> str:
        return self._feed("rss2", pretty="feed/")

    def posts_atom_url(self) -> str:
        return self._feed("atom", pretty="feed/atom/")

    def comments_rss_url(self) -> str:
        return self._feed("comments-rss2", pretty="comments/feed/")

    def comments_atom_url(self) -> str:
        return self._feed("comments-atom", pretty="comments/feed/atom/")

    def post_comments_rss_url(self, post: Post) -> str:
        return self._feed("rss2", post, "feed/")

    def post_comments_atom_url(self, post: Post) -> str:
        return self._feed("atom", post, "feed/atom/")

    # -- the records ----------------------------------------------------------------------------

    def post_of(self, comment: Comment) -> Post:
        for post in self.posts:
            if any(c is comment for c in post.comments):
                return post
        raise KeyError(f"comment {comment.id} belongs to no post of {self.name}")

    def comment(self, comment_id: int) -> Comment:
        for post in self.posts:
            for comment in post.comments:
                if comment.id == comment_id:
                    return comment
        raise KeyError(f"{self.name} has no comment {comment_id}")

    def parent_of(self, comment: Comment) -> Comment | None:
        return self.comment(comment.parent) if comment.parent else None

    def _newest(self) -> datetime:
        dates = [p.published for p in self.posts] + [c.published for p in self.posts for c in p.approved]
        return self.built or max(dates, default=datetime(2026, 1, 1, tzinfo=UTC))

    # -- what comment_text() and comment_text_rss() print ----------------------------------------

    def comment_text(self, comment: Comment) -> str:
        """get_comment_text() with its "In reply to" prefix in comment feeds."""
        text = comment.text
        parent = self.parent_of(comment)
        if parent is not None:
            link = f'<a href="{_esc_url(self.comment_link(parent))}">{parent.author}</a>'
            text = self.locale.in_reply_to.replace("%s", link) + "\n\n" + text
        return text

    def comment_html(self, comment: Comment) -> str:
        """comment_text(): wptexturize, convert_chars, make_clickable, wpautop (priority 30)."""
        return _wpautop(_texturize(self.comment_text(comment)))

    def comment_text_rss(self, comment: Comment) -> str:
        """comment_text_rss(): ent2ncr, then esc_html (markup escaped, not stripped)."""
        return _esc_html(self.comment_text(comment))

    # -- posts feeds ----------------------------------------------------------------------------

    def posts_rss(self, posts: list[Post] | None = None) -> bytes:
        """<home>/feed/ (feed-rss2.php)."""
        items = "".join(self._post_item(post) for post in _newest_first(posts or self.posts))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
            '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n'
            "\t>\n\n<channel>\n"
            f"\t<title>{_title_rss(self.name)}</title>\n"
            f'\t<atom:link href="{self.posts_rss_url()}" rel="self" type="application/rss+xml" />\n'
            f"\t<link>{self.home}</link>\n"
            f"\t<description>{_esc_html(self.description)}</description>\n"
            f"\t<lastBuildDate>{_rfc822(self._newest())}</lastBuildDate>\n"
            f"\t<language>{self.locale.code}</language>\n"
            "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
            "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
            f"\t<generator>https://wordpress.org/?v={WORDPRESS_VERSION}</generator>\n"
            f"{items}\t</channel>\n</rss>\n"
        ).encode()

    def _post_item(self, post: Post) -> str:
        link = self.permalink(post)
        categories = "".join(f"\t\t\t\t<category><![CDATA[{c}]]></category>\n" for c in post.categories)
        return (
            "\t<item>\n"
            f"\t\t<title>{_title_rss(post.title)}</title>\n"
            f"\t\t<link>{link}</link>\n"
            f"\t\t\t\t\t<comments>{link}#comments</comments>\n"
            "\t\t\n"
            f"\t\t<dc:creator><![CDATA[{post.author}]]></dc:creator>\n"
            f"\t\t<pubDate>{_rfc822(post.published)}</pubDate>\n"
            f"{categories}"
            f'\t\t<guid isPermaLink="false">{_esc_url(self.post_guid(post))}</guid>\n\n'
            f"\t\t\t\t\t<description><![CDATA[{self.excerpt_rss(post)}]]></description>\n"
            f"\t\t\t\t\t\t\t\t\t\t<content:encoded><![CDATA[{self.content_feed(post)}]]></content:encoded>\n"
            "\t\t\t\t\t\n"
            f"\t\t\t\t\t<wfw:commentRss>{_esc_url(self.post_comments_rss_url(post))}</wfw:commentRss>\n"
            f"\t\t\t<slash:comments>{post.comment_count}</slash:comments>\n"
            "\t\t\n\t\t\n\t\t\t</item>\n"
        )

    def posts_atom(self, posts: list[Post] | None = None) -> bytes:
        """<home>/feed/atom/ (feed-atom.php)."""
        entries = "".join(self._post_entry(post) for post in _newest_first(posts or self.posts))
        return (
            '<?xml version="1.0" encoding="UTF-8"?><feed\n'
            '\txmlns="http://www.w3.org/2005/Atom"\n'
            '\txmlns:thr="http://purl.org/syndication/thread/1.0"\n'
            f'\txml:lang="{self.locale.code}"\n'
            f'\txml:base="{self.home}/wp-atom.php"\n'
            "\t>\n"
            f'\t<title type="text">{_title_rss(self.name)}</title>\n'
            f'\t<subtitle type="text">{_esc_html(self.description)}</subtitle>\n\n'
            f"\t<updated>{_atom_date(self._newest())}</updated>\n\n"
            f'\t<link rel="alternate" type="text/html" href="{self.home}" />\n'
            f"\t<id>{self.posts_atom_url()}</id>\n"
            f'\t<link rel="self" type="application/atom+xml" href="{self.posts_atom_url()}" />\n\n'
            f'\t<generator uri="https://wordpress.org/" version="{WORDPRESS_VERSION}">WordPress</generator>\n'
            f"{entries}</feed>\n"
        ).encode()

    def _post_entry(self, post: Post) -> str:
        link = self.permalink(post)
        count = post.comment_count
        categories = "".join(
            f'\t\t<category scheme="{self.home}" term="{_esc_html(c)}" />\n' for c in post.categories
        )
        return (
            "\t<entry>\n"
            f"\t\t<author>\n\t\t\t<name>{_esc_html(post.author)}</name>\n"
            f"\t\t\t\t\t\t\t<uri>{self.home}</uri>\n\t\t\t\t\t\t</author>\n\n"
            f'\t\t<title type="html"><![CDATA[{_title_rss(post.title)}]]></title>\n'
            f'\t\t<link rel="alternate" type="text/html" href="{link}" />\n\n'
            f"\t\t<id>{_esc_url(self.post_guid(post))}</id>\n"
            f"\t\t<updated>{_atom_date(post.published)}</updated>\n"
            f"\t\t<published>{_atom_date(post.published)}</published>\n"
            f"{categories}"
            f'\t\t<summary type="html"><![CDATA[{self.excerpt_rss(post)}]]></summary>\n\n'
            f'\t\t\t\t\t<content type="html" xml:base="{link}"><![CDATA[{self.content_feed(post)}]]></content>\n'
            "\t\t\n"
            f'\t\t<link rel="replies" type="text/html" href="{link}#comments" thr:count="{count}" />\n'
            f'\t\t<link rel="replies" type="application/atom+xml" href="{_esc_url(self.post_comments_atom_url(post))}"'
            f' thr:count="{count}" />\n'
            f"\t\t<thr:total>{count}</thr:total>\n"
            "\t\t\t</entry>\n"
        )

    # -- comment feeds --------------------------------------------------------------------------

    def post_comments_rss(self, post: Post, per_page: int = POSTS_PER_RSS) -> bytes:
        """<permalink>feed/: the post's newest comments (feed-rss2-comments.php, is_singular)."""
        return self._comments_rss(
            self.locale.comments_on.replace("%s", _title_rss(post.title)),
            self.post_comments_rss_url(post), self.permalink(post), post.approved, per_page,
            singular=True,
        )  # fmt: skip

    def comments_rss(self, per_page: int = POSTS_PER_RSS) -> bytes:
        """<home>/comments/feed/: the blog's newest comments (feed-rss2-comments.php)."""
        every = [c for post in self.posts for c in post.approved]
        return self._comments_rss(
            self.locale.comments_for.replace("%s", _title_rss(self.name)),
            self.comments_rss_url(), self.home, every, per_page, singular=False,
        )  # fmt: skip

    def _comments_rss(
        self, title: str, url: str, link: str, comments: list[Comment], per_page: int, *, singular: bool
    ) -> bytes:
        items = "".join(self._comment_item(c, singular) for c in _newest_first(comments)[:per_page])
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
            '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
            "\t\n\t>\n<channel>\n"
            f"\t<title>\n\t{title}\t</title>\n"
            f'\t<atom:link href="{_esc_url(url)}" rel="self" type="application/rss+xml" />\n'
            f"\t<link>{link}</link>\n"
            f"\t<description>{_esc_html(self.description)}</description>\n"
            f"\t<lastBuildDate>{_rfc822(self._newest())}</lastBuildDate>\n"
            "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
            "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
            f"\t<generator>https://wordpress.org/?v={WORDPRESS_VERSION}</generator>\n"
            f"{items}\t</channel>\n</rss>\n"
        ).encode()

    def _comment_title(self, comment: Comment, singular: bool) -> str:
        author = _author_rss(comment.author)
        if singular:
            return self.locale.by.replace("%s", author)
        post = _title_rss(self.post_of(comment).title)
        return self.locale.comment_on_by.replace("%1$s", post).replace("%2$s", author)

    def _comment_item(self, comment: Comment, singular: bool) -> str:
        return (
            "\t<item>\n"
            f"\t\t<title>\n\t\t{self._comment_title(comment, singular)}\t\t</title>\n"
            f"\t\t<link>{_esc_url(self.comment_link(comment))}</link>\n\n"
            f"\t\t<dc:creator><![CDATA[{_author_rss(comment.author)}]]></dc:creator>\n"
            f"\t\t<pubDate>{_rfc822(comment.published)}</pubDate>\n"
            f'\t\t<guid isPermaLink="false">{_esc_url(self.comment_guid(comment))}</guid>\n\n'
            + self._comment_text_rss(comment) +
            "\t\t\n\t\t\t</item>\n"
        )

    def _comment_text_rss(self, comment: Comment) -> str:
        """A comment's text in an RSS item, or for a protected post's comment WordPress's notice
        and the post's password form (feed-rss2-comments.php)."""
        description = (PROTECTED_COMMENTS if self.post_of(comment).password
                       else f"<![CDATA[{self.comment_text_rss(comment)}]]>")  # fmt: skip
        return (f"\t\t\t\t\t<description>{description}</description>\n"
                f"\t\t\t<content:encoded><![CDATA[{self.comment_feed_html(comment)}]]></content:encoded>\n")

    def comment_feed_html(self, comment: Comment) -> str:
        """A comment's HTML in its feeds, or for a protected post's comment the post's password
        form (feed-rss2-comments.php, feed-atom-comments.php)."""
        post = self.post_of(comment)
        return self.password_form(post) if post.password else self.comment_html(comment)

    def post_comments_atom(self, post: Post, per_page: int = POSTS_PER_RSS) -> bytes:
        """<permalink>feed/atom/ (feed-atom-comments.php, is_singular)."""
        link = self.permalink(post)
        head = (
            f'\t<link rel="alternate" type="text/html" href="{link}#comments" />\n'
            f'\t<link rel="self" type="application/atom+xml" href="{_esc_url(self.post_comments_atom_url(post))}" />\n'
            f"\t<id>{_esc_url(self.post_comments_atom_url(post))}</id>\n"
        )
        title = self.locale.comments_on_atom.replace("%s", _title_rss(post.title))
        return self._comments_atom(title, head, post.approved, per_page, singular=True)

    def comments_atom(self, per_page: int = POSTS_PER_RSS) -> bytes:
        """<home>/comments/feed/atom/ (feed-atom-comments.php)."""
        head = (
            f'\t<link rel="alternate" type="text/html" href="{self.home}" />\n'
            f'\t<link rel="self" type="application/atom+xml" href="{self.comments_atom_url()}" />\n'
            f"\t<id>{self.comments_atom_url()}</id>\n"
        )
        title = self.locale.comments_for.replace("%s", _title_rss(self.name))
        every = [c for post in self.posts for c in post.approved]
        return self._comments_atom(title, head, every, per_page, singular=False)

    def _comments_atom(
        self, title: str, head: str, comments: list[Comment], per_page: int, *, singular: bool
    ) -> bytes:
        entries = "".join(self._comment_entry(c, singular) for c in _newest_first(comments)[:per_page])
        return (
            '<?xml version="1.0" encoding="UTF-8" ?><feed\n'
            '\txmlns="http://www.w3.org/2005/Atom"\n'
            f'\txml:lang="{self.locale.code}"\n'
            '\txmlns:thr="http://purl.org/syndication/thread/1.0"\n'
            "\t>\n"
            f'\t<title type="text">\n\t{title}\t</title>\n'
            f'\t<subtitle type="text">{_esc_html(self.description)}</subtitle>\n\n'
            f"\t<updated>{_atom_date(self._newest())}</updated>\n\n"
            f"{head}"
            f'<generator uri="https://wordpress.org/" version="{WORDPRESS_VERSION}">WordPress</generator>\n'
            f"{entries}</feed>\n"
        ).encode()

    def _comment_entry(self, comment: Comment, singular: bool) -> str:
        link = self.comment_link(comment)
        uri = f"<uri>{_esc_url(comment.author_url)}</uri>" if comment.author_url else ""
        parent = self.parent_of(comment)
        if parent is None:  # top-level: the post's guid and permalink
            post = self.post_of(comment)
            ref, href = _esc_url(self.post_guid(post)), self.permalink(post)
        else:  # a reply: the parent's guid and link (the link as get_comment_link() gives it)
            ref, href = _esc_url(self.comment_guid(parent)), self.comment_link(parent)
        return (
            "\t<entry>\n"
            f"\t\t<title>\n\t\t{self._comment_title(comment, singular)}\t\t</title>\n"
            f'\t\t<link rel="alternate" href="{_esc_url(link)}" type="text/html" />\n\n'
            f"\t\t<author>\n\t\t\t<name>{_author_rss(comment.author)}</name>\n\t\t\t{uri}\n"
            "\t\t</author>\n\n"
            f"\t\t<id>{_esc_url(self.comment_guid(comment))}</id>\n"
            f"\t\t<updated>{_atom_date(comment.published)}</updated>\n"
            f"\t\t<published>{_atom_date(comment.published)}</published>\n\n"
            f'\t\t\t\t\t<content type="html" xml:base="{_esc_url(link)}"><![CDATA[{self.comment_feed_html(comment)}]]></content>\n'
            "\t\t\n"
            f'\t\t\t\t\t<thr:in-reply-to ref="{ref}" href="{href}" type="text/html" />\n'
            "\t\t\t\t\t</entry>\n"
        )

    def excerpt_rss(self, post: Post) -> str:
        """the_excerpt_rss(): the first words, or for a protected post WordPress's notice."""
        return PROTECTED_EXCERPT if post.password else f"{_excerpt(post.content)} [&#8230;]"

    def content_feed(self, post: Post) -> str:
        """get_the_content_feed(): the post's text, or for a protected post its password form."""
        return self.password_form(post) if post.password else post.content

    def password_form(self, post: Post) -> str:
        """get_the_password_form(), as WordPress 6 writes it."""
        return (
            f'<form action="{self.home}/wp-login.php?action=postpass" class="post-password-form" '
            'method="post"><p>This content is password protected. To view it please enter your '
            f'password below:</p><p><label for="pwbox-{post.id}">Password: <input name="post_password" '
            f'id="pwbox-{post.id}" type="password" spellcheck="false" size="20" /></label> <input '
            'type="submit" name="Submit" value="Enter" /></p></form>\n'
        )

    # -- the REST API ---------------------------------------------------------------------------

    def api_root(self) -> str:
        return f"{self.home}/wp-json/"

    def api_link(self) -> str:
        """The Link header WordPress sends with every feed and page it answers with a body
        (rest_output_link_header, on template_redirect)."""
        return f'<{self.api_root()}>; rel="https://api.w.org/"'

    def api_items(self) -> list[dict]:
        """Every comment the API lists without a login (WP_REST_Comments_Controller): approved,
        of type "comment" only, newest first, each with every field, whatever `_fields` asks."""
        listed = _newest_first([(c, post) for post in self.posts for c in post.approved if c.type == "comment"],
                               key=lambda pair: pair[0])  # fmt: skip
        return [
            {"id": c.id, "post": post.id, "parent": c.parent, "author": 0, "author_name": c.author,
             "author_url": c.author_url, "date": f"{c.published:%Y-%m-%dT%H:%M:%S}",
             "date_gmt": f"{c.published.astimezone(UTC):%Y-%m-%dT%H:%M:%S}",
             # comment_text's filters, without the feeds' "In reply to" paragraph
             "content": {"rendered": _wpautop(_texturize(c.text))}, "link": self.comment_link(c),
             "status": "approved", "type": "comment", "author_avatar_urls": {}, "meta": []}
            for c, post in listed
        ]  # fmt: skip

    def api_query(
        self, query: str, items: list[dict] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """The answer to GET <api root>wp/v2/comments?<query> (`post` as WordPress reads it: IDs
        separated by commas, or repeated as `post[]`; `per_page` at most 100; `page`): status,
        headers (X-WP-Total, X-WP-TotalPages), body.  A page past the last is refused, as
        WordPress 5 and later refuse it.  `items`: api_items() where the caller made them once."""
        asked = parse_qs(query)
        numbers = {int(n) for value in asked.get("post", []) + asked.get("post[]", [])
                   for n in value.split(",") if n.strip().isdecimal()}  # fmt: skip
        if any(post.password for post in self.posts if post.id in numbers):
            # WP_REST_Comments_Controller::get_items_permissions_check: a protected post among
            # those asked refuses the whole list to a reader without its password.
            refusal = {"code": "rest_cannot_read_post", "data": {"status": 401}, "message":
                       "Sorry, you are not allowed to read the post for this comment."}  # fmt: skip
            return 401, {"Content-Type": "application/json; charset=UTF-8"}, json.dumps(refusal).encode()
        every = self.api_items() if items is None else items
        listed = [item for item in every if item["post"] in numbers]
        per_page = min(int(asked.get("per_page", ["10"])[0]), 100)
        page = int(asked.get("page", ["1"])[0])
        pages = max(1, -(-len(listed) // per_page))
        headers = {"Content-Type": "application/json; charset=UTF-8", "X-WP-Total": str(len(listed)),
                   "X-WP-TotalPages": str(pages)}  # fmt: skip
        if page > pages and listed:
            refusal = {"code": "rest_comment_invalid_page_number", "data": {"status": 400},
                       "message": "The page number requested is larger than the number of pages "
                                  "available."}  # fmt: skip
            return 400, headers, json.dumps(refusal).encode()
        return 200, headers, json.dumps(listed[(page - 1) * per_page : page * per_page]).encode()

    def post_by_id(self, number: int) -> Post | None:
        return next((post for post in self.posts if post.id == number), None)

    # -- serving --------------------------------------------------------------------------------

    # -- a post's page and its comment list (wp_list_comments / the comment template block) -------

    def comment_pages(self, post: Post, per_page: int = 0) -> int:
        """How many comment pages the post has: top-level comments per page ("Break comments
        into pages"; 0: off, one page)."""
        top = [c for c in post.approved if not c.parent]
        return max(1, -(-len(top) // per_page)) if per_page else 1

    def post_page_url(self, post: Post, page: int = 0) -> str:
        """get_comments_pagenum_link(): the permalink shows the newest page ("default_comments_page"
        newest); page N is `<permalink>comment-page-N/`."""
        if page and self.plain:
            return f"{self.permalink(post)}&cpage={page}"
        return f"{self.permalink(post)}comment-page-{page}/" if page else self.permalink(post)

    def post_page(self, post: Post, *, theme: str = "classic", per_page: int = 0, page: int = 0) -> bytes:
        """The post's page with comment page `page` (0: the newest) of its thread: oldest first,
        replies nested under their parents (thread_comments), pingbacks among them."""
        pages = self.comment_pages(post, per_page)
        page = page or pages
        top = sorted((c for c in post.approved if not c.parent), key=lambda c: (c.published, c.id))
        shown = top[(page - 1) * per_page : page * per_page] if per_page else top
        render = self._block_comment if theme == "block" else self._classic_comment
        items = "".join(render(post, comment, 1) for comment in shown)
        # get_comments_pagenum_link(): the newest page is the permalink itself.
        link = lambda n: f"{self.post_page_url(post, 0 if n == pages else n)}#comments"  # noqa: E731
        previous, following = _PAGINATION[theme]
        older = previous.format(url=link(page - 1)) if page > 1 else ""
        newer = following.format(url=link(page + 1)) if page < pages else ""
        if theme == "block":
            numbers = "".join(f'<a class="page-numbers" href="{link(n)}">{n}</a>' if n != page else
                              f'<span aria-current="page" class="page-numbers current">{n}</span>'
                              for n in range(1, pages + 1))  # fmt: skip
            nav = (f'<div class="wp-block-comments-pagination is-layout-flex">{older}'
                   f'<div class="wp-block-comments-pagination-numbers">{numbers}</div>{newer}</div>') if pages > 1 else ""
            comments = (f'<div class="wp-block-comments"><h2 class="wp-block-comments-title">'
                        f'{len(post.approved)} Antworten zu „{post.title}“</h2>\n'
                        f'<ol class="wp-block-comment-template">{items}</ol>\n{nav}</div>')
        else:
            nav = (f'<nav class="navigation comment-navigation" aria-label="Kommentare"><h2 class="screen-reader-text">'
                   f'Kommentar-Navigation</h2><div class="nav-links">{older}{newer}</div></nav>') if pages > 1 else ""
            comments = (f'<div id="comments" class="comments-area default-max-width show-avatars">\n'
                        f'<h2 class="comments-title">{len(post.approved)} Kommentare</h2>\n'
                        f'<ol class="comment-list">\n{items}</ol><!-- .comment-list -->\n{nav}\n'
                        f'<div id="respond" class="comment-respond"><form action="{self.home}/wp-comments-post.php" '
                        f'method="post" id="commentform"><input name="url" id="url" type="url"></form></div></div>')
        return (f'<!doctype html>\n<html lang="de-DE"><head><meta charset="UTF-8">'
                f'<title>{post.title} &#8211; {self.name}</title>'
                f'<link rel="shortlink" href="{self.home}/?p={post.id}"></head>\n'
                f'<body class="post-template-default single single-post"><main id="main">'
                f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish">'
                f'<h1 class="entry-title">{post.title}</h1><div class="entry-content">{post.content}</div></article>\n'
                f'{comments}</main></body></html>').encode()

    def _replies(self, post: Post, comment: Comment) -> list[Comment]:
        return sorted((c for c in post.approved if c.parent == comment.id), key=lambda c: (c.published, c.id))

    def _children(self, post: Post, comment: Comment, depth: int, render) -> str:  # noqa: ANN001
        replies = self._replies(post, comment)
        inner = "".join(render(post, reply, depth + 1) for reply in replies)
        return f'<ol class="children">\n{inner}</ol><!-- .children -->\n' if replies else ""

    def _classes(self, comment: Comment, depth: int, post: Post) -> str:
        """get_comment_class(): the type first, then odd/even, thread and depth."""
        parent = " parent" if self._replies(post, comment) else ""
        return f"{comment.type} even thread-even depth-{depth}{parent}"

    def _classic_comment(self, post: Post, comment: Comment, depth: int) -> str:
        link = self.permalink(post) + f"#comment-{comment.id}"
        classes = self._classes(comment, depth, post)
        if comment.type in ("pingback", "trackback"):  # Walker_Comment::ping
            label = "Pingback" if comment.type == "pingback" else "Trackback"
            return (f'\t\t<li id="comment-{comment.id}" class="{classes}">\n\t\t\t<div class="comment-body">\n'
                    f'\t\t\t\t{label}: <a href="{_esc_url(comment.author_url)}" class="url" '
                    f'rel="ugc external nofollow">{comment.author}</a> \t\t\t</div>\n\t\t</li><!-- #comment-## -->\n')
        author = (f'<a href="{_esc_url(comment.author_url)}" class="url" rel="ugc external nofollow">{comment.author}</a>'
                  if comment.author_url else comment.author)
        return (f'\t\t<li id="comment-{comment.id}" class="{classes}">\n'
                f'\t\t\t<article id="div-comment-{comment.id}" class="comment-body">\n'
                f'\t\t\t\t<footer class="comment-meta"><div class="comment-author vcard">'
                f"<img alt='' src='https://secure.gravatar.com/avatar/0?s=60&#038;d=mm' class='avatar avatar-60 photo'>"
                f'<b class="fn">{author}</b> <span class="says">sagt:</span></div><!-- .comment-author -->\n'
                f'<div class="comment-metadata"><a href="{link}"><time datetime="{comment.published.isoformat()}">'
                f'{comment.published:%d.%m.%Y}</time></a></div></footer>\n'
                f'\t\t\t\t<div class="comment-content">\n{_wpautop(comment.text)}\t\t\t\t</div><!-- .comment-content -->\n'
                f'<div class="reply"><a rel="nofollow" class="comment-reply-link" href="{self.permalink(post)}'
                f'?replytocom={comment.id}#respond">Antworten</a></div></article><!-- .comment-body -->\n'
                f'{self._children(post, comment, depth, self._classic_comment)}\t\t</li><!-- #comment-## -->\n')

    def _block_comment(self, post: Post, comment: Comment, depth: int) -> str:
        link = self.permalink(post) + f"#comment-{comment.id}"
        author = (f'<a rel="external nofollow ugc" href="{_esc_url(comment.author_url)}" target="_self" >{comment.author}</a>'
                  if comment.author_url else comment.author)
        return (f'<li id="comment-{comment.id}" class="{self._classes(comment, depth, post)}">'
                f'<div class="wp-block-group is-layout-flow"><div class="wp-block-comment-author-name has-small-font-size">'
                f'{author}</div><div class="wp-block-comment-date has-small-font-size"><time '
                f'datetime="{comment.published.isoformat()}"><a href="{link}">{comment.published:%d.%m.%Y}</a></time></div>'
                f'<div class="wp-block-comment-content">{_wpautop(comment.text)}</div>'
                f'<div class="wp-block-comment-reply-link has-small-font-size"><a rel="nofollow" class="comment-reply-link" '
                f'href="{self.permalink(post)}?replytocom={comment.id}#respond">Antworten</a></div></div>'
                f'{self._children(post, comment, depth, self._block_comment)}</li>')

    def documents(self) -> dict[str, dict[str, tuple[bytes, str]]]:
        """Every feed of the blog by kind, each as {path: (body, content type)}:
        "posts.rss", "posts.atom", "comments.rss", "comments.atom" (site-wide),
        "post-comments.rss", "post-comments.atom" (one per post)."""

        def path(url: str) -> str:  # and the query, where it names the document
            parts = urlsplit(url)
            return f"{parts.path}?{parts.query}" if parts.query else parts.path

        return {
            "posts.rss": {path(self.posts_rss_url()): (self.posts_rss(), RSS_TYPE)},
            "posts.atom": {path(self.posts_atom_url()): (self.posts_atom(), ATOM_TYPE)},
            "comments.rss": {path(self.comments_rss_url()): (self.comments_rss(), RSS_TYPE)},
            "comments.atom": {path(self.comments_atom_url()): (self.comments_atom(), ATOM_TYPE)},
            "post-comments.rss": {
                path(self.post_comments_rss_url(p)): (self.post_comments_rss(p), RSS_TYPE)
                for p in self.posts
            },
            "post-comments.atom": {
                path(self.post_comments_atom_url(p)): (self.post_comments_atom(p), ATOM_TYPE)
                for p in self.posts
            },
        }


# The links to a thread's older and newer comment pages: the comments-pagination blocks, and a
# classic theme's the_comments_navigation().
_PAGINATION = {
    "block": ('<a href="{url}" class="wp-block-comments-pagination-previous">Ältere Kommentare</a>',
              '<a href="{url}" class="wp-block-comments-pagination-next">Neuere Kommentare</a>'),
    "classic": ('<div class="nav-previous"><a href="{url}">Ältere Kommentare</a></div>',
                '<div class="nav-next"><a href="{url}">Neuere Kommentare</a></div>'),
}


def pingback(comment_id: int, source_title: str, source_url: str, excerpt: str, published: datetime,
             page: int = 0) -> Comment:
    """A received pingback as wp_xmlrpc_server::pingback_ping stores it."""
    return Comment(comment_id, source_title, f"[&#8230;] {html.escape(excerpt, quote=False)} [&#8230;]",
                   published, type="pingback", author_url=source_url, page=page)  # fmt: skip


# -- WordPress's formatting functions, as far as the tests' texts need them --------------------------

_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_BARE_AMPERSAND = re.compile(r"&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def _esc_html(text: str) -> str:
    """esc_html(): special characters escaped, existing entities kept (no double encoding)."""
    text = _BARE_AMPERSAND.sub("&amp;", text)
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&#039;")


def _esc_url(url: str) -> str:
    """esc_url() for display: "&" as "&#038;"."""
    return _BARE_AMPERSAND.sub("&#038;", url)


def _texturize(text: str) -> str:
    """The part of wptexturize() the tests' texts meet: a bare "&" and "..." outside tags."""
    parts = re.split(r"(<[^>]*>)", text)
    for i in range(0, len(parts), 2):
        parts[i] = _BARE_AMPERSAND.sub("&#038;", parts[i]).replace("...", "&#8230;")
    return "".join(parts)


def _title_rss(text: str) -> str:
    """the_title_rss(): wptexturize, strip_tags, ent2ncr, esc_html."""
    return _esc_html(re.sub(r"<[^>]*>", "", _texturize(text)))


def _author_rss(name: str) -> str:
    """get_comment_author_rss(): ent2ncr, esc_html."""
    return _esc_html(name)


_BLOCK = re.compile(r"^<(?:p|div|blockquote|ul|ol|pre|h[1-6]|figure|table)\b", re.IGNORECASE)


def _wpautop(text: str) -> str:
    """wpautop(): paragraphs at blank lines, <br /> at single newlines, one "\\n" after each."""
    chunks = [c.strip() for c in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if c.strip()]
    out = []
    for chunk in chunks:
        if _BLOCK.match(chunk):
            out.append(chunk + "\n")
        else:
            out.append("<p>" + chunk.replace("\n", "<br />\n") + "</p>\n")
    return "".join(out)


PROTECTED_EXCERPT = "There is no excerpt because this is a protected post."
PROTECTED_COMMENTS = "Protected Comments: Please enter your password to view comments."


def _excerpt(content: str, words: int = 55) -> str:
    """the_excerpt_rss() of a post without a hand-written excerpt: its first words."""
    return " ".join(_plain(re.sub(r"</?(?:p|br|div|li|h[1-6])\b[^>]*>", " ", content)).split()[:words])


def _plain(fragment: str) -> str:
    """Text as a browser shows it: tags gone (inline ones: no space of their own), entities
    decoded, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", fragment)).split())


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _rfc822(moment: datetime) -> str:
    """mysql2date('D, d M Y H:i:s +0000', …) of a GMT time, in English whatever the locale."""
    moment = moment.astimezone(UTC)
    return (f"{_DAYS[moment.weekday()]}, {moment.day:02d} {_MONTHS[moment.month - 1]} {moment.year} "
            f"{moment:%H:%M:%S} +0000")  # fmt: skip


def _atom_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _newest_first(records: list, key=lambda record: record) -> list:
    return sorted(records, key=lambda r: (key(r).published, key(r).id), reverse=True)
