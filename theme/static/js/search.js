// The search page: asks the site's Pagefind index (pagefind/, built with the site) in the
// reader's browser, with no server, and lists the results as the post lists do.  Every word it
// shows comes from the page's data- attributes, translated with the theme.  Results update as
// one types; the address keeps the query (?q=), so a search can be shared or reloaded, and the
// header's search field on every other page sends its query here.  The first PAGE results are
// listed, and a button lists PAGE more at a time.

const PAGE = 20;

const form = document.querySelector(".search-page-form");
if (form) start(form);

async function start(form) {
  const field = form.querySelector("input[type=search]");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const more = document.getElementById("search-more");
  const words = form.dataset;
  // Listening starts at once: what a reader types while the index loads is searched when it is there.
  const ready = load(words.bundle, words.site);

  let latest = 0;
  let listed = null; // the results of the query listed: { results, shown, query }
  async function run(query) {
    const mine = ++latest;
    listed = null;
    more.hidden = true;
    query = query.trim();
    const address = new URL(location.href);
    if (query) address.searchParams.set("q", query);
    else address.searchParams.delete("q");
    history.replaceState(null, "", address);
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    status.textContent = words.searching;
    const pagefind = await ready;
    if (pagefind === null) {
      status.textContent = words.unavailable;
      return;
    }
    const search = await pagefind.debouncedSearch(query, {}, 200);
    if (search === null || mine !== latest) return; // a newer query took over
    const shown = await Promise.all(search.results.slice(0, PAGE).map((result) => result.data()));
    if (mine !== latest) return;
    list.replaceChildren(...shown.map(item));
    listed = { results: search.results, shown: shown.length, query };
    status.textContent = summary(words, search.results.length, shown.length, query);
    more.hidden = search.results.length <= shown.length;
  }

  // The next results, below those listed; the keyboard's focus goes to the first of them.
  more.addEventListener("click", async () => {
    const now = listed;
    if (now === null) return;
    const next = await Promise.all(now.results.slice(now.shown, now.shown + PAGE).map((result) => result.data()));
    if (now !== listed) return; // a new query took over meanwhile
    const entries = next.map(item);
    list.append(...entries);
    now.shown += next.length;
    status.textContent = summary(words, now.results.length, now.shown, now.query);
    more.hidden = now.results.length <= now.shown;
    entries[0]?.querySelector("a")?.focus();
  });

  field.addEventListener("input", () => run(field.value));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(field.value);
  });
  const asked = new URLSearchParams(location.search).get("q");
  if (asked) field.value = asked;
  if (field.value) run(field.value);
}

// The status line from the page's words ("{count} results for “{query}”."), its numbers written
// as the page's language writes them ("12.345 Treffer", as the theme's own counts are).
export function summary(words, count, shown, query, lang = document.documentElement.lang) {
  const text = count === 0 ? words.none : count === 1 ? words.one : count > shown ? words.more : words.many;
  const number = (value) => value.toLocaleString(lang || undefined);
  // By split and join: a replacement string would read "$&" in the query, and one placeholder's
  // value could hold the next one ("{count}").
  const values = new Map([["{query}", query], ["{count}", number(count)], ["{shown}", number(shown)]]);
  return text.split(/(\{(?:query|count|shown)\})/).map((part) => values.get(part) ?? part).join("");
}

// Pagefind's search library, from the index built with the site; null where it cannot load.
// The index is in bundles (pagefind/bundles.json lists them): the first one's library searches
// them all, the others merged into it.
async function load(bundle, site) {
  try {
    const folder = new URL(bundle, document.baseURI);
    const response = await fetch(new URL("bundles.json", folder));
    if (!response.ok) return null;
    const [first, ...others] = (await response.json()).bundles.map((name) => new URL(name, folder));
    const pagefind = await import(new URL("pagefind.js", first));
    // Result addresses under the site's own path, wherever the site is served.
    const baseUrl = new URL(site, document.baseURI).pathname;
    await pagefind.options({ baseUrl });
    await Promise.all(others.map((other) => pagefind.mergeIndex(other.pathname, { baseUrl })));
    return pagefind;
  } catch (error) {
    return null;
  }
}

// One result: title, blog and date (from the page's data-pagefind-meta), the excerpt around
// the words found, marked with the post's language.
function item(result) {
  const entry = element("li");
  const article = entry.appendChild(element("article", "post-summary"));
  const heading = article.appendChild(element("h2", "post-title"));
  const link = heading.appendChild(element("a"));
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  const facts = [result.meta.blog, result.meta.date].filter(Boolean);
  if (facts.length) {
    const byline = article.appendChild(element("p", "byline"));
    for (const fact of facts) byline.appendChild(element("span")).textContent = fact;
  }
  const excerpt = article.appendChild(element("p", "excerpt"));
  excerpt.append(...marked(result.excerpt));
  // A post in another language than the page's is read out in its own, as in the post lists,
  // and one written from right to left (Arabic, Hebrew) is shown so: as its page says (its
  // excerpt may begin with its writer's name in the site's language), else as its text does.
  const language = result.meta.language;
  if (language && language !== document.documentElement.lang) {
    heading.lang = excerpt.lang = language;
    heading.dir = excerpt.dir = result.meta.direction === "rtl" ? "rtl" : "auto";
  }
  return entry;
}

// Pagefind's excerpt is text with <mark> around the words found: keep exactly that, as text
// and <mark> elements, whatever else the string holds (it is parsed inert, never run).
function marked(excerpt) {
  const inert = document.createElement("template");
  inert.innerHTML = excerpt;
  return [...inert.content.childNodes].map((node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = element("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}

function element(name, className) {
  const made = document.createElement(name);
  if (className) made.className = className;
  return made;
}
