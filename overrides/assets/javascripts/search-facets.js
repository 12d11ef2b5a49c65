/*
 * Facet menus in the search dialog: topic, year and organisation. Choosing one writes a
 * `topic:`, `year:` or `org:` term into the query (the search worker narrows the results by it, as
 * `python -m generator search` does); typing such a term by hand selects it in the menu. The values
 * come from search/facets.js, which the build writes next to the search index.
 */
(function () {
  "use strict"

  var FACETS = [
    { name: "topic", label: "Topic", all: "All topics" },
    { name: "year", label: "Year", all: "All years" },
    { name: "org", label: "Organisation", all: "All organisations" }
  ]
  var TERM = /(^|\s)(topic|year|org|organisation):(?:"[^"]*"|\S*)/gi

  function base() {
    var config = document.getElementById("__config")
    return config ? JSON.parse(config.textContent).base : "."
  }

  function loadFacets(done) {
    if (window.__facets)
      return done(window.__facets)
    var script = document.createElement("script")
    script.src = base() + "/search/facets.js"
    script.onload = function () { done(window.__facets) }
    document.head.appendChild(script)
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
          value = slug(term.trim().slice(found.length + 1).replace(/"/g, ""))
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

  if (window.document$)
    window.document$.subscribe(mount)
  else
    document.addEventListener("DOMContentLoaded", mount)
})()
