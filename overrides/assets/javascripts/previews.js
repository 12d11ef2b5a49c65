/*
 * Previews of papers: a link to a paper page in a page's content (related papers, "Mentioned by",
 * names in an abstract, lists of papers) shows the paper's title, date (or "undated"), topics and
 * the first sentence of its abstract
 * - when the mouse rests on it (the preview stays while the mouse is over the link or the preview);
 * - when it gets focus from the keyboard (Tab); it hides when focus leaves;
 * - on a touch screen, where nothing hovers: a small "i" button after each such link shows and hides
 *   it (the link itself still opens the paper at the first tap).
 * Escape hides it. The preview is a role="tooltip" element that the link (or the button) names with
 * aria-describedby while it shows, so a screen reader reads it after the link's name.
 *
 * The data are scripts the generator writes (generator/emit/previews.py): previews/index.js says how many
 * shards there are, previews/<n>.js holds the papers whose slug hashes to n. They are added as
 * <script> elements (fetch() is refused from file://) when a first preview is asked for, never
 * before. Text goes into the page with textContent only.
 */
(function () {
  "use strict"

  var site = window.__site  // site.js
  if (!site)
    return
  var ID = "paper-preview"
  var SHOW_DELAY = 250  // ms the mouse rests on a link before its preview shows
  var HIDE_DELAY = 300  // ms to move the mouse from the link onto its preview

  /* --- data ------------------------------------------------------------------------------------- */

  var shardCount = null
  var shards = {}     // shard number -> {slug: [title, date, topics, sentence]}
  var requested = {}  // file name -> true while loading, "failed" when it could not be loaded
  var waiting = []    // [slug, callback] asked for before their shard arrived

  window.__previewShards = function (count) {
    shardCount = count
    resume()
  }
  window.__previewShard = function (number, data) {
    shards[number] = data
    resume()
  }

  function resume() {
    var asked = waiting
    waiting = []
    asked.forEach(function (entry) { lookup(entry[0], entry[1]) })
  }

  function load(name) {
    if (requested[name])
      return
    requested[name] = true
    site.loadScript(site.root + "previews/" + name, null, function () {
      requested[name] = "failed"
      resume()
    })
  }

  /* generator/emit/previews.py shard_of: the CRC-32 (zlib's) of the (ASCII) slug, modulo the shard count. */
  var crcTable = null

  function crc32(slug) {
    if (!crcTable) {
      crcTable = []
      for (var n = 0; n < 256; n++) {
        var c = n
        for (var k = 0; k < 8; k++)
          c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
        crcTable[n] = c >>> 0
      }
    }
    var crc = 0xffffffff
    for (var i = 0; i < slug.length; i++)
      crc = crcTable[(crc ^ slug.charCodeAt(i)) & 0xff] ^ (crc >>> 8)
    return (crc ^ 0xffffffff) >>> 0
  }

  function shardOf(slug) {
    return crc32(slug) % shardCount
  }

  /* Call done(entry) with the paper's data, or done(null) when there is none. */
  function lookup(slug, done) {
    if (shardCount === null) {
      if (requested["index.js"] === "failed")
        return done(null)
      waiting.push([slug, done])
      return load("index.js")
    }
    var number = shardOf(slug)
    if (shards[number])
      return done(Object.prototype.hasOwnProperty.call(shards[number], slug) ? shards[number][slug] : null)
    if (requested[number + ".js"] === "failed")
      return done(null)
    waiting.push([slug, done])
    load(number + ".js")
  }

  /* For the reading list (reading-list.js, loaded after this script): a paper's preview data
     (done(entry) or done(null)), the CRC-32 of a slug, and the shard of a slug once a lookup has
     answered (null before). */
  window.__paperData = {
    lookup: lookup,
    crc32: crc32,
    shardOf: function (slug) { return shardCount === null ? null : shardOf(slug) }
  }

  /* The slug of the paper a link in the page's content leads to, or null. */
  function slugOf(link) {
    if (!link || !link.href || !link.closest(".md-content") || link.closest("#" + ID))
      return null
    return site.slugOf(link.href)
  }

  /* --- the preview ------------------------------------------------------------------------------ */

  var tip = null
  var current = null  // {link, anchor, slug, how: "hover" | "focus" | "tap"}
  var pending = null  // timer of a preview about to show or hide
  var pendingFor = null  // the link whose preview is about to show
  var dismissed = null  // the link whose preview Escape hid: not shown again until left

  function element() {
    if (tip && document.body.contains(tip))
      return tip
    tip = document.createElement("div")
    tip.id = ID
    tip.className = "paper-preview"
    tip.setAttribute("role", "tooltip")
    tip.hidden = true
    tip.addEventListener("pointerenter", function () { if (current && current.how === "hover") clearTimeout(pending) })
    tip.addEventListener("pointerleave", function (ev) { if (ev.pointerType !== "touch") hideSoon() })
    document.body.appendChild(tip)
    return tip
  }

  function line(className, text) {
    var span = document.createElement("span")
    span.className = className
    span.textContent = text
    return span
  }

  function fill(entry) {
    var box = element()
    box.textContent = ""
    var facts = [entry[1] || "undated"]
    if (entry[2] && entry[2].length)
      facts.push(entry[2].join(", "))
    box.appendChild(line("paper-preview__title", entry[0]))
    box.appendChild(line("paper-preview__meta", facts.join(" · ")))
    if (entry[3])
      box.appendChild(line("paper-preview__text", entry[3]))
  }

  /* Below the anchor, or above it when there is no room below; inside the viewport's width. */
  function place(anchor) {
    var box = element()
    box.style.left = "0px"
    box.style.top = "0px"
    var rects = anchor.getClientRects()
    var rect = rects.length ? rects[rects.length - 1] : anchor.getBoundingClientRect()
    var width = document.documentElement.clientWidth
    var gap = 6
    var left = Math.max(gap, Math.min(rect.left, width - box.offsetWidth - gap))
    var top = rect.bottom + gap
    if (top + box.offsetHeight > window.innerHeight && rect.top - box.offsetHeight - gap > 0)
      top = (rects.length ? rects[0] : rect).top - box.offsetHeight - gap
    box.style.left = left + window.scrollX + "px"
    box.style.top = top + window.scrollY + "px"
  }

  function describe(node, on) {
    var ids = (node.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (id) {
      return id && id !== ID
    })
    if (on)
      ids.push(ID)
    if (ids.length)
      node.setAttribute("aria-describedby", ids.join(" "))
    else
      node.removeAttribute("aria-describedby")
  }

  function show(link, how, anchor) {
    var slug = slugOf(link)
    if (!slug)
      return
    clearTimeout(pending)
    pendingFor = null
    if (current && current.link === link && current.how === how)
      return
    hide()
    var wanted = { link: link, anchor: anchor || link, slug: slug, how: how }
    current = wanted
    lookup(slug, function (entry) {
      if (current !== wanted || !entry || !document.body.contains(link))
        return
      var box = element()
      fill(entry)
      box.hidden = false
      place(wanted.anchor)
      describe(wanted.anchor, true)
      if (wanted.anchor !== link)
        wanted.anchor.setAttribute("aria-expanded", "true")
    })
  }

  function hide() {
    clearTimeout(pending)
    pendingFor = null
    if (!current)
      return
    describe(current.anchor, false)
    if (current.anchor !== current.link)
      current.anchor.setAttribute("aria-expanded", "false")
    current = null
    if (tip)
      tip.hidden = true
  }

  function hideSoon() {
    clearTimeout(pending)
    if (current && current.how === "hover")
      pending = setTimeout(hide, HIDE_DELAY)
  }

  function linkIn(target) {
    return target && target.closest ? target.closest("a[href]") : null
  }

  function focusVisible(link) {
    try {
      return link.matches(":focus-visible")
    } catch (error) {
      return true  // a browser without :focus-visible: any focus shows the preview
    }
  }

  /* --- mouse and keyboard ----------------------------------------------------------------------- */

  document.addEventListener("pointerover", function (ev) {
    if (ev.pointerType === "touch")
      return
    var link = linkIn(ev.target)
    if (!link || link === dismissed || !slugOf(link)) {
      if (link !== dismissed)
        dismissed = null
      return
    }
    if (current && current.link === link) {
      clearTimeout(pending)
      return
    }
    lookup(slugOf(link), function () {})  // load the data while the mouse rests
    clearTimeout(pending)
    pendingFor = link
    pending = setTimeout(function () { show(link, "hover") }, SHOW_DELAY)
  })

  document.addEventListener("pointerout", function (ev) {
    if (ev.pointerType === "touch")
      return
    var link = linkIn(ev.target)
    if (!link || (ev.relatedTarget && link.contains(ev.relatedTarget)))
      return
    if (link === dismissed)
      dismissed = null
    if (current && current.link === link)
      hideSoon()
    else if (pendingFor === link) {
      clearTimeout(pending)  // also the hiding of another link's preview, if one shows: hide it
      pendingFor = null
      hideSoon()
    }
  })

  document.addEventListener("focusin", function (ev) {
    var link = linkIn(ev.target)
    if (link && link === ev.target && slugOf(link) && focusVisible(link))
      show(link, "focus")
  })

  document.addEventListener("focusout", function (ev) {
    if (current && current.how === "focus" && ev.target === current.link)
      hide()
  })

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && current) {
      dismissed = current.link
      hide()
    }
  })

  /* --- touch: a preview button after each link to a paper --------------------------------------- */

  var touch = window.matchMedia ? window.matchMedia("(hover: none)") : { matches: false }

  function addButtons() {
    if (!touch.matches)
      return
    var links = document.querySelectorAll(".md-content a[href]")
    for (var i = 0; i < links.length; i++) {
      var link = links[i]
      var next = link.nextElementSibling
      if (!slugOf(link) || (next && next.classList.contains("paper-preview-button")))
        continue
      var button = document.createElement("button")
      button.type = "button"
      button.className = "paper-preview-button"
      button.setAttribute("aria-label", "Preview: " + link.textContent.replace(/\s+/g, " ").trim())
      button.setAttribute("aria-expanded", "false")
      button.setAttribute("aria-controls", ID)
      link.insertAdjacentElement("afterend", button)
    }
    if (links.length)
      element()  // the element aria-controls names
  }

  document.addEventListener("click", function (ev) {
    var button = ev.target.closest ? ev.target.closest(".paper-preview-button") : null
    if (button) {
      var link = button.previousElementSibling
      if (current && current.anchor === button)
        hide()
      else if (link)
        show(link, "tap", button)
      return
    }
    if (current && !(tip && tip.contains(ev.target)))
      hide()  // a tap elsewhere, or a click that follows a link
  })

  window.addEventListener("resize", function () {
    if (current && current.how !== "tap")
      hide()
  })

  function start() {
    hide()
    dismissed = null
    addButtons()
  }

  window.__site.onEveryPage(start)
})()
