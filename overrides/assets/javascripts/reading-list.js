/*
 * The reading list, with no account: it lives in this browser's localStorage only.
 * - A "Save to reading list" button (aria-pressed; "Saved" once saved) on a paper's page (in its
 *   metadata line) and beside each paper of the lists of papers (home, topic, organisation and
 *   timeline pages) saves the paper or takes it off the list.
 * - The Reading list page (generator/emit/templates/reading-list.md.j2: a container this script fills)
 *   shows the saved papers, most recently saved first, from the preview data (previews.js), with a
 *   button to remove each, and downloads them as BibTeX or CSV, built here from the reading list's
 *   shards (generator/emit/reading.py) and saved through a Blob link (hosted and from file:// alike).
 * - The home and topic pages mark with "New" the papers added since the reader's previous visit:
 *   reading/papers.js names every paper of the build (the CRC-32 of its slug, base 36). The browser
 *   keeps the names of the build it saw last and of the one before ("previous"). When a page view
 *   finds a different build, or comes more than VISIT_GAP after the last page view (a new visit),
 *   the build seen last becomes the previous one. A paper is new when the previous build lacks it;
 *   on a first visit there is no previous build, and nothing is marked.
 * Storage keys start with the site's hosted address (from the page's canonical link), so that two
 * sites on one origin (two offline sites: Chromium gives every file:// page one localStorage) keep
 * lists of their own. Text goes into the page with textContent only.
 */
(function () {
  "use strict"

  var site = window.__site  // site.js
  if (!site)
    return
  var ROOT = site.root
  var TOPIC = /^topics\/[a-z0-9-]+(?:\/|\/index\.html|\.html)$/
  var VISIT_GAP = 30 * 60 * 1000  // ms without a page view after which a page view starts a new visit
  var SAVE = "Save to reading list"
  var SAVED = "Saved"

  /* --- where we are ----------------------------------------------------------------------------- */

  /* This page's address relative to the site's root ("" for the hosted home page). */
  function here() {
    var address = location.href.split("#")[0].split("?")[0]
    return address.indexOf(ROOT) === 0 ? address.slice(ROOT.length) : null
  }

  /* The hosted site's address (site_url), from the canonical link, which is it plus this page's
     address; "" when the page has none. Read once, as the page loads: instant navigation (hosted
     site) changes the address before the head. */
  function siteUrl() {
    var link = document.querySelector('link[rel="canonical"]')
    var path = here()
    if (!link || path === null)
      return ""
    var canonical = link.href
    if (canonical.slice(canonical.length - path.length) !== path)
      return ""
    return canonical.slice(0, canonical.length - path.length)
  }

  /* Whether this build's pages have folder addresses (papers/x/, the hosted site) or .html files. */
  function folderUrls() {
    var path = here()
    return path === null || path === "" || /\/(?:index\.html)?$/.test(path)
  }

  function paperUrl(slug) {
    return site.papers + slug + (folderUrls() ? "/" : ".html")
  }

  var SITE = siteUrl()

  /* --- storage ---------------------------------------------------------------------------------- */

  var storage = null
  try {
    storage = window.localStorage
    storage.setItem("reading-list-check", "1")
    storage.removeItem("reading-list-check")
  } catch (error) {
    storage = null  // storage off (a browser setting): no buttons, and the page says why
  }

  function key(name) {
    return "literature-site " + (SITE || ROOT) + " " + name
  }

  function read(name, fallback) {
    try {
      var value = JSON.parse(storage.getItem(key(name)))
      return value === null ? fallback : value
    } catch (error) {
      return fallback
    }
  }

  function write(name, value) {
    try {
      storage.setItem(key(name), JSON.stringify(value))
      return true
    } catch (error) {
      return false  // full
    }
  }

  /* The saved papers, most recently saved first: [{slug, saved (ISO 8601)}]. */
  function saved() {
    var list = read("saved", [])
    return Array.isArray(list) ? list.filter(function (item) { return item && typeof item.slug === "string" }) : []
  }

  function isSaved(slug) {
    return saved().some(function (item) { return item.slug === slug })
  }

  function setSaved(slug, on) {
    var list = saved().filter(function (item) { return item.slug !== slug })
    if (on)
      list.unshift({ slug: slug, saved: new Date().toISOString() })
    write("saved", list)
    refresh()
  }

  /* --- the buttons ------------------------------------------------------------------------------ */

  function toggle(button, pressed) {
    button.setAttribute("aria-pressed", pressed ? "true" : "false")
    button.textContent = pressed ? SAVED : SAVE
  }

  function button(slug) {
    var element = document.createElement("button")
    element.type = "button"
    element.className = "reading-list-toggle"
    element.setAttribute("data-slug", slug)
    toggle(element, isSaved(slug))
    return element
  }

  function addButtons() {
    var meta = document.querySelector(".md-content p.paper-meta")
    var own = site.slugOf(location.href)
    if (own && meta && !meta.querySelector(".reading-list-toggle")) {
      meta.appendChild(document.createTextNode(" "))
      meta.appendChild(button(own))
    }
    var items = document.querySelectorAll(".md-content ul.paper-list:not(.reading-list__papers) > li")
    for (var i = 0; i < items.length; i++) {
      var title = items[i].querySelector("a.paper-list__title")
      var where = items[i].querySelector(".paper-list__meta")
      var slug = title && site.slugOf(title.href)
      if (slug && where && !items[i].querySelector(".reading-list-toggle"))
        where.insertAdjacentElement("afterend", button(slug))  // beside the date, which does not wrap
    }
  }

  function refresh() {
    var buttons = document.querySelectorAll(".reading-list-toggle")
    for (var i = 0; i < buttons.length; i++)
      toggle(buttons[i], isSaved(buttons[i].getAttribute("data-slug")))
    renderList()
  }

  document.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest(".reading-list-toggle, .reading-list-remove, [data-export]") : null
    if (!target || !storage)
      return
    if (target.classList.contains("reading-list-toggle"))
      setSaved(target.getAttribute("data-slug"), target.getAttribute("aria-pressed") !== "true")
    else if (target.classList.contains("reading-list-remove"))
      remove(target)
    else
      exportList(target.getAttribute("data-export"))
  })

  window.addEventListener("storage", function (ev) {  // another tab changed the list
    if (storage && ev.key === key("saved"))
      refresh()
  })

  /* --- data: the preview shards (previews.js) and the reading list's shards --------------------- */

  var data = window.__paperData
  var readingShards = {}   // shard number -> {slug: [bibtex head, bibtex tail, cells]}
  var columns = null       // the CSV's columns (generator/emit/reading.py CSV_COLUMNS)
  var waiting = {}         // shard number -> callbacks
  var failed = {}

  window.__readingShard = function (number, shard, names) {
    readingShards[number] = shard
    columns = names
    var callbacks = waiting[number] || []
    delete waiting[number]
    callbacks.forEach(function (done) { done() })
  }

  /* done({slug, preview, export}) for every slug, in order, once all are known (null when missing). */
  function papers(slugs, done) {
    var found = {}
    var left = slugs.length
    if (!data || !left)
      return done(slugs.map(function (slug) { return { slug: slug, preview: null, cite: null } }))
    function one() {
      if (--left === 0)
        done(slugs.map(function (slug) { return found[slug] }))
    }
    slugs.forEach(function (slug) {
      data.lookup(slug, function (preview) {
        var number = data.shardOf(slug)
        function finish() {
          var shard = readingShards[number]
          found[slug] = {
            slug: slug,
            preview: preview,
            cite: shard && Object.prototype.hasOwnProperty.call(shard, slug) ? shard[slug] : null
          }
          one()
        }
        if (number === null || readingShards[number] || failed[number])
          return finish()
        if (!waiting[number]) {
          waiting[number] = []
          site.loadScript(ROOT + "reading/" + number + ".js", null, function () {
            failed[number] = true
            var callbacks = waiting[number] || []
            delete waiting[number]
            callbacks.forEach(function (callback) { callback() })
          })
        }
        waiting[number].push(finish)
      })
    })
  }

  /* --- the Reading list page -------------------------------------------------------------------- */

  var rendering = 0

  function element(tag, className, text) {
    var node = document.createElement(tag)
    if (className)
      node.className = className
    if (text !== undefined)
      node.textContent = text
    return node
  }

  function renderList() {
    var box = document.getElementById("saved-papers")
    if (!box)
      return
    if (!storage) {
      box.textContent = ""
      box.appendChild(element("p", "reading-list__status", "This browser does not let pages keep data (its local storage is off), so the reading list cannot work here."))
      return
    }
    var list = saved()
    var turn = ++rendering
    papers(list.map(function (item) { return item.slug }), function (found) {
      if (turn !== rendering)
        return  // a newer rendering is on its way
      var focused = document.activeElement && box.contains(document.activeElement) ? document.activeElement : null
      var focusSlug = focused && focused.getAttribute("data-slug")
      box.textContent = ""
      var status = element("p", "reading-list__status")
      status.setAttribute("role", "status")
      status.textContent = list.length
        ? list.length + (list.length === 1 ? " paper" : " papers") + " saved in this browser."
        : "No paper saved yet: the “Save to reading list” button on a paper’s page or beside a paper in a list adds it here."
      box.appendChild(status)
      if (!list.length)
        return
      var actions = element("p", "reading-list__actions")
      var bib = element("button", "reading-list-export", "Download BibTeX")
      bib.type = "button"
      bib.setAttribute("data-export", "bibtex")
      var csv = element("button", "reading-list-export", "Download CSV")
      csv.type = "button"
      csv.setAttribute("data-export", "csv")
      actions.appendChild(bib)
      actions.appendChild(document.createTextNode(" "))
      actions.appendChild(csv)
      box.appendChild(actions)
      var ul = element("ul", "paper-list reading-list__papers")
      found.forEach(function (paper) {
        var li = element("li")
        li.setAttribute("data-slug", paper.slug)
        var entry = paper.preview
        var title = element("a", "paper-list__title", entry ? entry[0] : paper.slug)
        title.href = paperUrl(paper.slug)
        li.appendChild(title)
        li.appendChild(element("span", "paper-list__meta", entry ? entry[1] || "undated" : "not in this collection any more"))
        if (entry && entry[2] && entry[2].length)
          li.appendChild(element("span", "paper-list__topics", entry[2].join(", ")))
        var remove = element("button", "reading-list-remove", "Remove")
        remove.type = "button"
        remove.setAttribute("data-slug", paper.slug)
        remove.setAttribute("aria-label", "Remove from reading list: " + (entry ? entry[0] : paper.slug))
        li.appendChild(remove)
        if (entry && entry[3])
          li.appendChild(element("span", "paper-list__summary", entry[3]))
        ul.appendChild(li)
      })
      box.appendChild(ul)
      if (focusSlug) {
        var again = box.querySelector('.reading-list-remove[data-slug="' + focusSlug + '"]')
        if (again)
          again.focus()
      }
    })
  }

  /* Remove a paper; the focus moves to the next paper's Remove button (or the previous one's, or
     the status line), not to the page's top. */
  function remove(target) {
    var item = target.closest("li")
    var next = item && (item.nextElementSibling || item.previousElementSibling)
    var slug = target.getAttribute("data-slug")
    var box = document.getElementById("saved-papers")
    setSaved(slug, false)
    // renderList has run (or will, once data arrive): focus what takes the removed one's place.
    var nextSlug = next ? next.getAttribute("data-slug") : null
    var tries = 0
    ;(function place() {
      var found = nextSlug && box.querySelector('.reading-list-remove[data-slug="' + nextSlug + '"]')
      var status = box.querySelector(".reading-list__status")
      if (found)
        return found.focus()
      if (!nextSlug && status && !box.querySelector('[data-slug="' + slug + '"]')) {
        status.setAttribute("tabindex", "-1")
        return status.focus()
      }
      if (++tries < 50)
        setTimeout(place, 20)
    })()
  }

  /* --- exports ---------------------------------------------------------------------------------- */

  function csvCell(value) {
    value = value === null || value === undefined ? "" : String(value)
    return /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value
  }

  function exportList(kind) {
    var list = saved()
    papers(list.map(function (item) { return item.slug }), function (found) {
      var site = SITE
      var known = found.filter(function (paper) { return paper.cite })
      var when = {}
      list.forEach(function (item) { when[item.slug] = item.saved || "" })
      if (kind === "bibtex") {
        var text = known.map(function (paper) { return paper.cite[0] + site + paper.cite[1] }).join("\n\n")
        download("reading-list.bib", "application/x-bibtex", text ? text + "\n" : "")
      } else {
        var rows = [(columns || ["slug"]).map(csvCell).join(",")]
        known.forEach(function (paper) {
          var cells = paper.cite[2].concat([site + "papers/" + paper.slug + "/", when[paper.slug]])
          rows.push(cells.map(csvCell).join(","))
        })
        download("reading-list.csv", "text/csv", rows.join("\n") + "\n")
      }
    })
  }

  function download(name, type, text) {
    var url = URL.createObjectURL(new Blob([text], { type: type + ";charset=utf-8" }))
    var link = document.createElement("a")
    link.href = url
    link.download = name
    link.hidden = true
    document.body.appendChild(link)
    link.click()
    setTimeout(function () {
      URL.revokeObjectURL(url)
      link.remove()
    }, 1000)
  }

  /* --- "New" since the previous visit ------------------------------------------------------------ */

  var build = null          // reading/papers.js's text once loaded
  var buildWaiting = []

  window.__readingPapers = function (text) {
    build = text
    var callbacks = buildWaiting
    buildWaiting = []
    callbacks.forEach(function (done) { done() })
  }

  /* The previous visit's build: null on a first visit. Updates the stored state (see the top). */
  function previousBuild(now, lastView) {
    var state = read("visits", null)
    if (!state || typeof state.build !== "string")
      state = { build: build, previous: null }
    else if (state.build !== build || now - lastView > VISIT_GAP) {
      state.previous = state.build
      state.build = build
    }
    write("visits", state)
    return typeof state.previous === "string" ? state.previous : null
  }

  function markNew(lastView) {
    var path = here()
    var lists = document.querySelectorAll(".md-content ul.paper-list")
    if (!data || path === null || !lists.length || !(path === "" || path === "index.html" || TOPIC.test(path)))
      return
    var now = Date.now()
    function mark() {
      var previous = previousBuild(now, lastView)
      if (previous === null)
        return
      var before = {}
      previous.split(" ").forEach(function (name) { before[name] = true })
      var items = document.querySelectorAll(".md-content ul.paper-list > li")
      for (var i = 0; i < items.length; i++) {
        var title = items[i].querySelector("a.paper-list__title")
        var slug = title && site.slugOf(title.href)
        var meta = items[i].querySelector(".paper-list__meta")
        if (!slug || !meta || before[data.crc32(slug).toString(36)] || meta.querySelector(".paper-new"))
          continue
        meta.insertBefore(element("span", "paper-new", "New"), meta.firstChild)
      }
    }
    if (build !== null)
      return mark()
    buildWaiting.push(mark)
    if (buildWaiting.length === 1)
      site.loadScript(ROOT + "reading/papers.js", null, function () { buildWaiting = [] })
  }

  /* --- start ------------------------------------------------------------------------------------ */

  function start() {
    if (!storage)
      return renderList()
    var lastView = Number(read("last-view", 0)) || 0
    write("last-view", Date.now())
    addButtons()
    renderList()
    markNew(lastView)
  }

  window.__site.onEveryPage(start)
})()
