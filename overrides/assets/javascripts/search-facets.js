/*
 * The search dialog's additions to Material's:
 * - facet menus: topic, year and organisation. Choosing one writes a `topic:`, `year:` or `org:`
 *   term into the query (the search worker narrows the results by it, as `python -m generator
 *   search` does); typing such a term by hand selects it in the menu. The values come from
 *   search/facets.js, which the build writes next to the search index;
 * - results beyond the first ones when Pagefind answers (collections past 1,500 papers): the worker
 *   sends every result, for the count, but those past the first as placeholders; as Material shows
 *   them (it adds results as the list is scrolled), this asks the worker for them and fills them in.
 */
(function () {
  "use strict"

  var site = window.__site  // site.js
  if (!site)
    return
  var FACETS = [
    { name: "topic", label: "Topic", all: "All topics" },
    { name: "year", label: "Year", all: "All years" },
    { name: "org", label: "Organisation", all: "All organisations" }
  ]
  // generator/search/text.py SPACES: where a word ends, as the search reads a query.
  var SPACES = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
  var TERM = new RegExp('(^|[' + SPACES + '])(topic|year|org|organisation):(?:"[^"]*"|[^' + SPACES + ']*)', "gi")

  function loadFacets(done) {
    if (window.__facets)
      return done(window.__facets)
    site.loadScript(site.root + "search/facets.js", function () { done(window.__facets) })
  }

  /* The query without its `name:` terms, then `name:value` appended when a value is given. */
  function withTerm(query, name, value) {
    var rest = query.replace(TERM, function (term, lead, found) {
      var same = found.toLowerCase() === name || (name === "org" && found.toLowerCase() === "organisation")
      return same ? lead : term
    }).replace(/\s+/g, " ").trim()
    return value ? (rest ? rest + " " : "") + name + ":" + value : rest
  }

  /* A value as the search reads it: in the form of a slug ("Mixture of experts" -> mixture-of-experts). */
  function slug(value) {
    return value.toLowerCase().replace(/[^0-9a-z]+/g, "-").replace(/^-+|-+$/g, "")
  }

  /* Select in each menu the value the query names (by slug or name), if the menu has exactly one. */
  function sync(input, menus) {
    menus.forEach(function (menu) {
      var value = null
      input.value.replace(TERM, function (term, lead, found) {
        var name = found.toLowerCase() === "organisation" ? "org" : found.toLowerCase()
        if (name === menu.name)
          value = slug(term.slice(lead.length + found.length + 1).replace(/"/g, ""))
        return term
      })
      var options = Array.prototype.slice.call(menu.select.options, 1)
      var label = function (o) { return slug(o.text.replace(/ \(\d+\)$/, "")) }
      var exact = options.filter(function (o) { return o.value === value || label(o) === value })
      var start = options.filter(function (o) { return value && (o.value.indexOf(value) === 0 || label(o).indexOf(value) === 0) })
      var chosen = exact.length === 1 ? exact[0] : start.length === 1 ? start[0] : null
      menu.select.value = chosen ? chosen.value : ""
    })
  }

  function mount() {
    var input = document.querySelector(".md-search__input")
    var result = document.querySelector(".md-search-result")
    if (!input || !result || document.querySelector(".search-facets"))
      return
    var bar = document.createElement("div")
    bar.className = "search-facets"
    bar.setAttribute("role", "group")
    bar.setAttribute("aria-label", "Narrow the results")
    result.parentNode.insertBefore(bar, result)

    loadFacets(function (facets) {
      if (!facets)
        return
      var menus = []
      FACETS.forEach(function (facet) {
        var values = facets[facet.name] || []
        if (!values.length)
          return
        var select = document.createElement("select")
        select.className = "search-facets__menu"
        select.name = facet.name
        select.setAttribute("aria-label", facet.label)
        select.appendChild(new Option(facet.all, ""))
        values.forEach(function (v) {
          select.appendChild(new Option(v[1] + " (" + v[2] + ")", String(v[0])))
        })
        select.addEventListener("change", function () {
          input.value = withTerm(input.value, facet.name, select.value)
          // Material's search listens for keyup on its input.
          input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true }))
        })
        bar.appendChild(select)
        menus.push({ name: facet.name, select: select })
      })
      input.addEventListener("keyup", function () { sync(input, menus) })
      sync(input, menus)
      // Material's search dialog takes every key: Tab closes it, arrows move between results, any
      // other key returns to the box. Tab from the box goes to the menus instead, and keys in a
      // menu stay with it (Escape still closes the dialog).
      input.addEventListener("keydown", function (ev) {
        if (ev.key === "Tab" && !ev.shiftKey && menus.length) {
          ev.preventDefault()
          ev.stopPropagation()
          menus[0].select.focus()
        }
      })
      bar.addEventListener("keydown", function (ev) {
        if (ev.key !== "Escape")
          ev.stopPropagation()
      })
    })
  }

  /* Pagefind's results past the first: ask the worker (generator/search/worker.js, PagefindEngine)
     for those shown and the next AHEAD, and render each as Material renders a result. */
  var AHEAD = 12

  function config() {
    var element = document.getElementById("__config")
    return element ? JSON.parse(element.textContent) : { base: ".", features: [] }
  }

  function fill(li, item) {
    var settings = config()
    var url = new URL(item.location, new URL(settings.base, location.href))
    if ((settings.features || []).indexOf("search.highlight") >= 0)
      url.searchParams.set("h", Object.keys(item.terms).filter(function (t) { return item.terms[t] }).join(" "))
    var icons = settings.tags  // as Material marks tags: the tags plugin's icons, if any
    var tags = (item.tags || []).map(function (tag) {
      var type = icons ? (tag in icons ? "md-tag-icon md-tag--" + icons[tag] : "md-tag-icon") : ""
      return '<span class="md-tag ' + type + '">' + tag + "</span>"
    }).join("")
    // title, text and tags are HTML the worker made: escaped page text, Pagefind's marks.
    li.innerHTML = '<a class="md-search-result__link" tabindex="-1"><article class="md-search-result__article ' +
      'md-typeset" data-md-score="' + item.score.toFixed(2) + '"><div class="md-search-result__icon md-icon">' +
      "</div><h1>" + item.title + "</h1>" + item.text + (tags ? '<nav class="md-tags">' + tags + "</nav>" : "") +
      "</article></a>"
    li.firstChild.href = url.href
    li.setAttribute("data-result-filled", "")
  }

  function mountPagefindResults() {
    var list = document.querySelector(".md-search-result__list")
    if (!list || !window.component$ || typeof BroadcastChannel === "undefined" || list.__pagefind)
      return
    list.__pagefind = true
    var state = null, channel = null

    function show() {
      if (!state)
        return
      var wanted = []
      var until = Math.min(list.children.length + AHEAD, state.count)
      for (var rank = state.complete; rank < until; rank++) {
        var li = list.children[rank]
        if (state.items[rank] && li && !li.hasAttribute("data-result-filled"))
          fill(li, state.items[rank])
        if (!state.items[rank] && !state.asked[rank]) {
          state.asked[rank] = true
          wanted.push(rank)
        }
      }
      if (wanted.length)
        channel.postMessage({ type: "load", query: state.query, ranks: wanted })
    }

    window.component$.subscribe(function (component) {
      if (!component.items)  // the query, not the results
        return
      var info = component.pagefind
      state = null
      if (!info || !info.channel || info.complete >= component.items.length)
        return
      if (!channel || channel.name !== info.channel) {
        if (channel)
          channel.close()
        channel = new BroadcastChannel(info.channel)
        channel.onmessage = function (event) {
          var answer = event.data || {}
          if (answer.type !== "loaded" || !state || answer.query !== state.query)
            return
          answer.items.forEach(function (entry) { state.items[entry[0]] = entry[1] })
          show()
        }
      }
      state = { query: info.query, count: component.items.length, complete: info.complete, items: {}, asked: {} }
    })
    // Material renders the results into the list, then more as it is scrolled.
    new MutationObserver(show).observe(list, { childList: true })
  }

  /* The count line above the results: Material writes it from the number of results, topic and
     organisation pages included; the worker's answer says how many are papers (`papers`), and
     this writes that number in Material's words for it ("26 matching papers", mkdocs.yml's
     translations). A worker that could not load the search index answers `unavailable`: the line
     says so, rather than "No matching papers". */
  var UNAVAILABLE = "Search is unavailable: the search index could not be loaded. Rebuild the site."

  function countLine(papers) {
    var config = document.getElementById("__config")
    var words = (config ? JSON.parse(config.textContent).translations : null) || {}
    if (papers === 0)
      return words["search.result.none"] || "No matching papers"
    if (papers === 1)
      return words["search.result.one"] || "1 matching paper"
    return (words["search.result.other"] || "# matching papers").replace("#", String(papers))
  }

  function mountCountLine() {
    var meta = document.querySelector(".md-search-result__meta")
    if (!meta || !window.component$ || meta.__counted)
      return
    meta.__counted = true
    var line = null, empty = true
    function say() {
      if (line !== null && meta.textContent !== line)
        meta.textContent = line
    }
    window.component$.subscribe(function (component) {
      if (typeof component.value === "string") {
        // An emptied box: Material's "Type to start searching" stays, whatever the worker answers.
        empty = !component.value.trim()
        if (empty)
          line = null
      } else if (component.items && !empty) {
        line = component.unavailable ? UNAVAILABLE : typeof component.papers === "number" ? countLine(component.papers) : null
        say()
      }
    })
    new MutationObserver(say).observe(meta, { childList: true, characterData: true, subtree: true })
  }

  function start() {
    mount()
    mountPagefindResults()
    mountCountLine()
  }

  window.__site.onEveryPage(start)
})()
