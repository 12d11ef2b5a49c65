/*
 * Lists of papers (generator/emit/lists.py):
 * - the menus of a topic's or an organisation's page (written hidden by the generator, shown here)
 *   order its list by relevance (a topic's order written), newest first or most upvoted, and narrow
 *   it to a (narrower) topic or a year, from the items' data-date, data-upvotes and data-topics.
 *   Without this script the list shows in the order written;
 * - on the timeline, an address naming a month (a bar of the chart, a link) opens that month.
 * Nothing is fetched: it works hosted and from file:// alike.
 */
(function () {
  "use strict"

  if (!window.__site)  // site.js
    return

  function upvotes(item) { return Number(item.getAttribute("data-upvotes") || 0) }
  function date(item) { return item.getAttribute("data-date") || "" }

  var ORDERS = {
    relevance: function (a, b) { return a.index - b.index },
    newest: function (a, b) {
      var x = date(a.item), y = date(b.item)
      if (x !== y) return !x ? 1 : !y ? -1 : x < y ? 1 : -1
      return a.index - b.index
    },
    upvotes: function (a, b) { return upvotes(b.item) - upvotes(a.item) || a.index - b.index }
  }

  function mountControls(form) {
    var list = document.getElementById(form.getAttribute("data-list"))
    if (!list || form.getAttribute("data-mounted"))
      return
    form.setAttribute("data-mounted", "")
    var entries = Array.prototype.map.call(list.children, function (item, index) {
      return { item: item, index: index }
    })
    var status = form.querySelector("output")
    function apply() {
      var order = form.elements.order ? form.elements.order.value : "relevance"
      var topic = form.elements.topic ? form.elements.topic.value : ""
      var year = form.elements.year ? form.elements.year.value : ""
      var shown = 0
      entries.slice().sort(ORDERS[order] || ORDERS.relevance).forEach(function (entry) {
        var item = entry.item
        var keep = (!topic || (" " + item.getAttribute("data-topics") + " ").indexOf(" " + topic + " ") >= 0) &&
          (!year || (year === "undated" ? !date(item) : date(item).slice(0, 4) === year))
        item.hidden = !keep
        shown += keep ? 1 : 0
        list.appendChild(item)
      })
      if (status)
        status.textContent = shown === entries.length ? entries.length + " papers" : shown + " of " + entries.length + " papers"
    }
    form.addEventListener("change", apply)
    form.addEventListener("submit", function (event) { event.preventDefault() })
    form.hidden = false
    apply()
  }

  /* Open the closed month (a <details>) that the address names, and bring it into view. */
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1))
    var target = id && document.getElementById(id)
    if (!target)
      return
    var opened = false
    for (var node = target; node; node = node.parentElement)
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true
        opened = true
      }
    if (opened)
      target.scrollIntoView()
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form.paper-list-controls"), mountControls)
    openTarget()
  }

  window.addEventListener("hashchange", openTarget)
  window.__site.onEveryPage(start)
})()
