/*
 * What the site's other scripts share (mkdocs.yml loads this one first): where the site's root is,
 * which paper page an address leads to, adding a script to the page, and running on every page.
 * It works hosted and from file:// alike (scripts, not fetch(), which file:// refuses).
 */
(function () {
  "use strict"

  var script = document.currentScript
  if (!script || !script.src)
    return
  // The site's root, from this script's own address: right on both sites and on every page, also
  // after Material's instant navigation has changed the page.
  var root = script.src.replace(/assets\/javascripts\/site\.js(?:[?#].*)?$/, "")
  var papers = root + "papers/"
  var PAPER = /^([a-z0-9-]+)(?:\/|\/index\.html|\.html)$/

  window.__site = {
    root: root,
    papers: papers,

    /* The slug of the paper page an address leads to (papers/<slug>/ hosted, papers/<slug>.html
       offline), or null. */
    slugOf: function (address) {
      address = String(address).split("#")[0].split("?")[0]
      if (address.indexOf(papers) !== 0)
        return null
      var match = PAPER.exec(address.slice(papers.length))
      return match ? match[1] : null
    },

    /* Add a script at an address to the page; onload and onerror are optional. */
    loadScript: function (address, onload, onerror) {
      var element = document.createElement("script")
      element.src = address
      element.async = true
      if (onload)
        element.onload = onload
      if (onerror)
        element.onerror = onerror
      document.head.appendChild(element)
    },

    /* Run start once the page is there, and again on every page Material's instant navigation
       brings (hosted site). */
    onEveryPage: function (start) {
      if (window.document$)
        window.document$.subscribe(start)
      else if (document.readyState === "loading")
        document.addEventListener("DOMContentLoaded", start)
      else
        start()
    }
  }
})()
