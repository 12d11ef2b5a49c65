/*
 * The site's search worker. Material's search dialog starts it and talks to it as to its own
 * worker (messages SETUP 0, READY 1, QUERY 2, RESULT 3); instead of indexing every page in the
 * browser it loads the lunr index the generator built (generator/search/) and answers with the
 * same query plan as `python -m generator search`. The MkDocs hook serves it after lunr.js from the
 * npm registry, in one file.
 *
 * Material's page hands it only settings (search/search_index.json); the worker loads the search
 * file they name itself, so the page neither parses the index nor copies it into the worker: over
 * http it fetches search/lunr_index.json; from file://, where this "worker" is an iframe on the
 * page's thread (the offline plugin's iframe-worker shim) and fetches are refused, it runs the
 * script search/lunr_index.js, which hands the same JSON as a string to JSON.parse.
 */
"use strict"

var FORMAT = 2
var SCRIPT_VARIABLE = "__lunr_index"  // generator/search/searchfile.py SCRIPT_VARIABLE
var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3

// generator/search/text.py SPACES: what Python or JavaScript calls a space, line or paragraph separator.
var SPACES = "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
// generator/search/text.py DASHES: they split words as spaces do.
var DASHES = "\\-\\u2010-\\u2015\\u2212\\u2e3a\\u2e3b\\ufe58\\ufe63\\uff0d"
var SEPARATOR = new RegExp("[" + SPACES + DASHES + "]+")
var TRIM = /^[^\p{L}\p{N}\p{M}_]+|[^\p{L}\p{N}\p{M}_]+$/gu
var COMBINING = /[\u0300-\u036f]+/g
var NON_ASCII = /[^\x00-\x7f]/
var BRITISH = /isation(s?)$/
var FACET = new RegExp('(^|[' + SPACES + '])(topic|year|org|organisation):(?:"([^"]*)"|([^' + SPACES + ']*))', "gi")

var engine = null

/* generator/search/text.py `fold`: compatibility forms as plain letters, lower case, no accents, final sigma as σ, no ^. */
function fold(text) {
  if (NON_ASCII.test(text)) {
    text = text.normalize("NFKC").toLowerCase()
    text = text.normalize("NFD").replace(COMBINING, "").normalize("NFC").replace(/\u03c2/g, "\u03c3")
  } else {
    text = text.toLowerCase()
  }
  return text.replace(/\^/g, "")
}

/* Words as generator/search/text.py `words` makes them. */
function words(text) {
  var out = []
  var pieces = fold(text).split(SEPARATOR)
  for (var i = 0; i < pieces.length; i++) {
    var word = pieces[i].replace(TRIM, "").replace(BRITISH, "ization$1")
    if (word)
      out.push(word)
  }
  return out
}

function isStopWord(word) {
  return lunr.stopWordFilter(new lunr.Token(word, {})) === undefined
}

var stems = new Map()
function stem(word) {
  var s = stems.get(word)
  if (s === undefined) {
    s = lunr.stemmer(new lunr.Token(word, {})).toString()
    stems.set(word, s)
  }
  return s
}

function facetValue(value) {
  return value.toLowerCase().replace(/[^0-9a-z]+/g, "-").replace(/^-+|-+$/g, "")
}

/* generator/search/query.py `parse`: at most settings.words_max words, each cut to settings.word_length_max. */
function parse(query, settings) {
  var filters = []
  var rest = query.replace(FACET, function (_, lead, name, quoted, bare) {
    var value = facetValue(quoted !== undefined ? quoted : bare)
    name = name.toLowerCase()
    if (value)
      filters.push([name === "organisation" ? "org" : name, value])
    return " "
  })
  var limit = settings.word_length_max
  return {
    words: words(rest).slice(0, settings.words_max).map(function (w) { return cut(w, limit) }),
    filters: filters
  }
}

/* generator/search/query.py `_cut`: a word cut to `limit` UTF-16 code units, never inside a character. */
function cut(word, limit) {
  if (word.length <= limit)
    return word
  var end = limit
  var last = word.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff)  // the first half of a character past U+FFFF
    end--
  return word.slice(0, end)
}

/* generator/search/query.py `_fuzzy_distance` */
function distanceFor(word, settings, known) {
  if (isStopWord(word) || word.length < settings.fuzzy_from || word.length > settings.fuzzy_length_max ||
      known(stem(word)))
    return 0
  return word.length >= settings.fuzzy_two_from ? 2 : 1
}

/* generator/search/query.py `count_starting`: how many of `terms` start with `prefix`, counted up to limit + 1. */
function countStarting(terms, prefix, limit) {
  var count = 0
  for (var i = 0; i < terms.length && count <= limit; i++)
    if (terms[i].lastIndexOf(prefix, 0) === 0)
      count++
  return count
}

/* generator/search/query.py `plan`, with its bounds on the work of a query; `starting(prefix, limit)`
   counts the index terms starting with a prefix (countStarting). */
function plan(queryWords, known, settings, starting) {
  var clauses = []
  var budget = settings.prefix_terms_max, fuzzyLeft = settings.fuzzy_words_max
  queryWords.forEach(function (word) {
    var stemmed = stem(word)
    clauses.push({ term: stemmed, boost: settings.exact, word: word })
    if (!isStopWord(word) && word.length >= settings.prefix_from) {
      var reached = starting ? starting(word, budget) : 0
      if (reached <= budget) {
        budget -= reached
        clauses.push({ term: word, boost: settings.prefix, wildcard: true, word: word })
      }
    }
    var distance = fuzzyLeft ? distanceFor(word, settings, known) : 0
    if (distance) {
      fuzzyLeft--
      clauses.push({ term: stemmed, boost: settings.fuzzy, edit: distance, word: word })
    }
  })
  return clauses
}

/* generator/search/query.py `edit_distance` */
function editDistance(a, b, limit) {
  if (Math.abs(a.length - b.length) > limit)
    return limit + 1
  var before = [], previous = []
  for (var j = 0; j <= b.length; j++)
    before.push(j)
  for (var i = 1; i <= a.length; i++) {
    var row = [i]
    for (j = 1; j <= b.length; j++) {
      var cost = a[i - 1] === b[j - 1] ? 0 : 1
      row[j] = Math.min(before[j] + 1, row[j - 1] + 1, before[j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j], previous[j - 2] + 1)
    }
    previous = before
    before = row
  }
  return before[b.length]
}

/* generator/search/query.py `matched_words`: a word matched when a term answers one of its clauses. */
function matchedWords(queryWords, keys, clauses) {
  var out = Object.create(null)  // query words are keys: "constructor" must not find Object's
  queryWords.forEach(function (word) {
    if (isStopWord(word))
      return
    var own = clauses.filter(function (c) { return c.word === word })
    out[word] = out[word] || own.some(function (c) {
      return keys.some(function (k) { return answers(c, k) })
    })
  })
  return out
}

/* generator/search/query.py `_answers`: whether an index term is one a clause reaches. */
function answers(clause, key) {
  if (clause.wildcard)
    return key.lastIndexOf(clause.term, 0) === 0
  if (clause.edit)
    return editDistance(key, clause.term, clause.edit) <= clause.edit
  return key === clause.term
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
}

/* A function marking the query's words in a result's HTML text (outside tags and entities). */
function highlighter(queryWords) {
  var parts = queryWords
    .filter(function (w) { return !isStopWord(w) })
    .map(function (w) { return escapeRegExp(w.length > 3 ? stem(w) : w) })
  if (!parts.length)
    return function (html) { return html }
  var pattern = new RegExp("(^|[^\\w&])(" + parts.join("|") + ")(\\w*)", "gi")
  return function (html) {
    return html.split(/(<[^>]*>|&#?\w+;)/).map(function (piece) {
      if (piece.charAt(0) === "<" || piece.charAt(0) === "&")
        return piece
      return piece.replace(pattern, "$1<mark>$2$3</mark>")
    }).join("")
  }
}

/* The worker's script address, read while it runs (an iframe's currentScript is gone later). */
var scriptUrl = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : null

/* The search file named by the settings, by what it is: the offline site's script (search/lunr_index.js)
   is run, from file:// in the shim's iframe and over http (an offline copy put on a server) in a
   real worker; the hosted site's JSON is fetched. */
function loadData(settings) {
  var url = new URL("../../" + settings.data, scriptUrl || self.location.href).href
  var script = /\.js(\?|$)/.test(settings.data)
  if (typeof document === "undefined" && !script)
    return fetch(url).then(function (response) {
      if (!response.ok)
        throw new Error(url + ": " + response.status)
      return response.json()
    })
  if (typeof document === "undefined")
    return Promise.resolve().then(function () {
      importScripts(url)
      return takeScriptData()
    })
  return new Promise(function (resolve, reject) {
    var element = document.createElement("script")
    element.src = url
    element.onload = function () { resolve(takeScriptData()) }
    element.onerror = function () { reject(new Error(url + " could not be loaded")) }
    document.body.appendChild(element)
  })
}

/* The data the offline site's script set, taken out of the global scope. */
function takeScriptData() {
  var data = self[SCRIPT_VARIABLE]
  self[SCRIPT_VARIABLE] = undefined
  return data
}

/* lunr's index from the search file's compact one: what lunr.Index.load makes of the index
   generator/search/searchfile.py `expand_index` gives back, with less work before the first answer:
   - the postings (which documents hold a term in a field) are the field vectors read the other
     way: sorted into one array per field, and a term's made into lunr's object only when a query
     reaches the term;
   - a field vector becomes lunr's object when a query needs it (lunr looks one up only for the
     fields of the documents a term was found in);
   - the token set that expands a query's terms is a trie, not lunr's minimised one: it holds the
     same words with the same edges in the same order, so it expands a term to the same words in
     the same order, and takes a fifth of the time to build. */
function loadIndex(compact) {
  var fields = compact.fields, terms = compact.terms, numbers = compact.term_index
  var place = new Int32Array(numbers.length)  // a term's number in the vectors -> its place in `terms`
  numbers.forEach(function (number, i) { place[number] = i })
  var postings = fields.map(function (name) {
    var vectors = compact.vectors[name]
    var starts = new Int32Array(terms.length + 1)
    vectors.forEach(function (elements) {
      for (var i = 0; i < elements.length; i += 2)
        starts[place[elements[i]] + 1]++
    })
    for (var t = 0; t < terms.length; t++)
      starts[t + 1] += starts[t]
    var next = starts.slice(0, terms.length), refs = new Int32Array(starts[terms.length])
    vectors.forEach(function (elements, ref) {  // documents in ascending order, as lunr's builder adds them
      for (var i = 0; i < elements.length; i += 2)
        refs[next[place[elements[i]]]++] = ref
    })
    return { starts: starts, refs: refs }
  })
  var none = {}  // every posting's metadata (lunr copies it, never changes it)
  function Posting(at) {
    this._index = numbers[at]
    this.at = at
  }
  fields.forEach(function (name, f) {
    Object.defineProperty(Posting.prototype, name, {
      get: function () {
        var found = {}, of = postings[f]
        for (var i = of.starts[this.at]; i < of.starts[this.at + 1]; i++)
          found[of.refs[i]] = none
        Object.defineProperty(this, name, { value: found })
        return found
      }
    })
  })
  var invertedIndex = Object.create(null)
  var root = new lunr.TokenSet
  terms.forEach(function (term, at) {
    invertedIndex[term] = new Posting(at)
    var node = root
    for (var i = 0; i < term.length; i++) {
      var next = node.edges[term[i]]
      if (next === undefined)
        next = node.edges[term[i]] = new lunr.TokenSet
      node = next
    }
    node.final = true
  })
  var made = Object.create(null)
  var fieldVectors = new Proxy(made, {
    get: function (_, key) {  // key: lunr's field reference, "title/12"
      var vector = made[key]
      if (vector === undefined && typeof key === "string") {
        var slash = key.indexOf("/"), of = compact.vectors[key.slice(0, slash)]
        var elements = of && of[+key.slice(slash + 1)]
        if (elements)
          vector = made[key] = new lunr.Vector(elements)
      }
      return vector
    }
  })
  return new lunr.Index({
    invertedIndex: invertedIndex,
    fieldVectors: fieldVectors,
    tokenSet: root,
    fields: fields,
    pipeline: lunr.Pipeline.load(compact.pipeline)
  })
}

/* The result documents (generator/search/searchfile.py `documents`), built when a result shows them. */
function Documents(data, suffix) {
  var topics = data.facets.topic, orgs = data.facets.org
  this.columns = data.docs
  this.count = data.docs.location.length
  this.suffix = suffix
  this.sets = data.topic_sets.map(function (set) {
    return {
      tags: set[0].map(function (n) { return escapeHtml(topics[n][1]) }),
      topic: set[1].map(function (n) { return topics[n][0] })
    }
  })
  this.orgs = orgs.map(function (v) { return v[0] })
}

/* What `topic:`, `year:` and `org:` compare: a document's values of a facet. */
Documents.prototype.values = function (ref, name) {
  var c = this.columns
  if (name === "topic")
    return c.topics[ref] >= 0 ? this.sets[c.topics[ref]].topic : []
  if (name === "year")
    return c.date[ref] ? [c.date[ref].slice(0, 4)] : []
  if (name === "org")
    return c.org[ref] >= 0 ? [this.orgs[c.org[ref]]] : []
  return []
}

Documents.prototype.get = function (ref) {
  var c = this.columns, text = c.text[ref]
  var doc = { location: c.location[ref] + this.suffix, title: c.title[ref], text: text ? "<p>" + text + "</p>" : "" }
  if (c.topics[ref] >= 0) {  // a paper: its date above its abstract
    doc.tags = this.sets[c.topics[ref]].tags
    doc.text = "<p>" + dateHtml(c.date[ref]) + (text || "") + "</p>"
  }
  return doc
}

var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

/* A paper's date in a result as its pages write it ("Oct 31, 2022", generator/emit/render.py), or
   "undated"; from the search file's `YYYY-MM-DD`. */
function dateHtml(date) {
  var label = date ? MONTHS[+date.slice(5, 7) - 1] + " " + +date.slice(8, 10) + ", " + date.slice(0, 4) : ""
  var shown = date ? '<time datetime="' + date + '">' + label + "</time>" : "undated"
  return '<span class="search-result__date">' + shown + "</span>"
}

/* The search data as the site serves it: the settings Material hands over (`config.papers`: the
   file's address and the ending of page addresses) and the search file itself (query settings,
   facets, documents and index), which `python -m generator search` reads too. */
function Engine(settings, data) {
  if (!data || data.format !== FORMAT)
    throw new Error("search file of format " + (data && data.format) + "; this site's worker reads format " + FORMAT)
  this.settings = data.query
  this.terms = data.index.terms
  this.facets = data.facets
  this.docs = new Documents(data, settings.suffix || "/")
  this.index = loadIndex(data.index)
}

/* The facet values a query's value stands for: the one with that slug, else those starting with it. */
Engine.prototype.resolve = function (name, value) {
  var known = (this.facets[name] || []).map(function (v) { return [String(v[0]), facetValue(String(v[1]))] })
  var exact = known.filter(function (k) { return k[0] === value || k[1] === value })
  var found = exact.length ? exact : known.filter(function (k) { return k[0].indexOf(value) === 0 || k[1].indexOf(value) === 0 })
  return found.map(function (k) { return k[0] })
}

Engine.prototype.passes = function (ref, filters) {
  var docs = this.docs
  return filters.every(function (filter) {
    return docs.values(ref, filter[0]).some(function (v) { return filter[1].indexOf(v) >= 0 })
  })
}

/* generator/search/query.py `SearchIndex.search`, answered in the shape Material's dialog renders. */
Engine.prototype.search = function (query) {
  var self = this
  var parsed = parse(query, this.settings)
  var filters = parsed.filters.map(function (f) { return [f[0], self.resolve(f[0], f[1])] })
  var found = []
  var matched = Object.create(null)
  if (parsed.words.length) {
    var inverted = this.index.invertedIndex
    var known = function (term) { return Object.prototype.hasOwnProperty.call(inverted, term) }
    var terms = this.terms
    var clauses = plan(parsed.words, known, this.settings, function (prefix, limit) {
      return countStarting(terms, prefix, limit)
    })
    var results = this.index.query(function (q) {
      clauses.forEach(function (c) {
        var options = {
          usePipeline: false,
          boost: c.boost,
          wildcard: c.wildcard ? lunr.Query.wildcard.TRAILING : lunr.Query.wildcard.NONE
        }
        // lunr.js reads any editDistance, even 0, as a fuzzy term, and a fuzzy term has no wildcard.
        if (c.edit)
          options.editDistance = c.edit
        q.term(c.term, options)
      })
    })
    results.forEach(function (result) {
      var ref = parseInt(result.ref, 10)
      var reached = matchedWords(parsed.words, Object.keys(result.matchData.metadata), clauses)
      var names = Object.keys(reached)
      var coverage = names.filter(function (w) { return reached[w] }).length / Math.max(names.length, 1)
      matched[ref] = reached
      found.push({ score: result.score * (1 + Math.pow(coverage, 2)), ref: ref })
    })
  } else if (filters.length) {
    for (var ref = 0; ref < this.docs.count; ref++)
      found.push({ score: 0, ref: ref })
  }
  if (filters.length)
    found = found.filter(function (f) { return self.passes(f.ref, filters) })
  found.sort(function (a, b) { return b.score - a.score || a.ref - b.ref })
  var mark = highlighter(parsed.words)
  var columns = this.docs.columns
  return {
    // The count line above the results counts papers, not topic and organisation pages
    // (assets/javascripts/search-facets.js writes it; generator/search.py `papers_found`).
    papers: found.filter(function (f) { return columns.topics[f.ref] >= 0 }).length,
    items: found.map(function (f) {
      var doc = self.docs.get(f.ref)
      var item = {
        location: doc.location,
        title: mark(doc.title),
        text: mark(doc.text),
        score: f.score,
        terms: matched[f.ref] || {}
      }
      if (doc.tags)
        item.tags = doc.tags
      return [item]
    })
  }
}

/*
 * Past the size one lunr index serves well, the hosted site is indexed by Pagefind (PyPI `pagefind`,
 * run by the build into pagefind/), which fetches the pieces of its index a query needs. The same
 * query words and facet terms are asked of it, and it answers with every page that matches; a
 * page's text for the result list (its fragment) is one more fetch. So the dialog gets every result,
 * for its count, but only the first PAGEFIND_FIRST complete: the others are placeholders, which
 * the page's script (assets/javascripts/search-facets.js) asks for, over the BroadcastChannel the
 * answer names, as Material shows them (it adds results as the list is scrolled), and fills in.
 */
var PAGEFIND_FIRST = 10  // what Material shows at once
var PLACEHOLDER = "…"  // the title of a result whose page is on its way

function PagefindEngine(settings) {
  var names = this.topicNames = {}
  this.settings = settings.query
  this.facets = settings.facets
  settings.facets.topic.forEach(function (v) { names[v[0]] = v[1] })
  this.pagefind = null
  this.current = null  // the latest query's results: { query, results, terms }
  this.channel = null
  if (typeof BroadcastChannel !== "undefined") {
    // A name of its own: another tab's worker must not answer this page.
    this.channel = new BroadcastChannel("papers-search-" + Math.random().toString(36).slice(2))
    this.channel.onmessage = this.request.bind(this)
  }
}

PagefindEngine.prototype.resolve = Engine.prototype.resolve

PagefindEngine.prototype.load = function () {
  if (!this.pagefind) {
    var url = new URL("../../pagefind/pagefind.js", self.location.href).href
    this.pagefind = import(url).then(function (pagefind) {
      return pagefind.options({ excerptLength: 40 }).then(function () {
        return pagefind.init()
      }).then(function () { return pagefind })
    })
  }
  return this.pagefind
}

/* A result as Material's dialog renders it: from its page's fragment, or a placeholder. */
PagefindEngine.prototype.item = function (page, rank, current) {
  var self = this
  var item = { location: "", title: PLACEHOLDER, text: "", score: current.results.length - rank, terms: current.terms }
  if (page) {
    item.location = page.url  // from the site's root: "/papers/x/", or "/prefix/papers/x/" below a prefix
    item.title = escapeHtml(page.meta.title || page.url)
    var topics = (page.filters || {}).topic || []  // only papers have topics
    item.text = "<p>" + (topics.length ? dateHtml(page.meta.date) : "") + page.excerpt + "</p>"
    item.tags = topics.map(function (t) { return escapeHtml(self.topicNames[t] || t) })
  }
  return item
}

/* The page's script asks for results by rank: fetch their fragments, answer with the results. */
PagefindEngine.prototype.request = function (event) {
  var self = this, current = this.current, asked = event.data || {}
  if (asked.type !== "load" || !current || asked.query !== current.query)
    return
  var ranks = (asked.ranks || []).filter(function (rank) { return rank >= 0 && rank < current.results.length })
  Promise.all(ranks.map(function (rank) { return current.results[rank].data() })).then(function (pages) {
    self.channel.postMessage({
      type: "loaded",
      query: current.query,
      items: pages.map(function (page, i) { return [ranks[i], self.item(page, ranks[i], current)] })
    })
  }).catch(function (err) { console.warn("search: Pagefind could not load results", err) })
}

PagefindEngine.prototype.search = function (query, stale) {
  var self = this
  var parsed = parse(query, this.settings)
  var all = parsed.filters.map(function (f) {
    var filter = {}
    filter[f[0]] = { any: self.resolve(f[0], f[1]) }
    return filter
  })
  var unknown = all.some(function (filter) { return !filter[Object.keys(filter)[0]].any.length })
  if (unknown || (!parsed.words.length && !all.length))
    return Promise.resolve({ items: [] })
  return this.load().then(function (pagefind) {
    var options = all.length ? { filters: { all: all } } : {}
    if (!parsed.words.length)
      options.sort = { date: "desc" }  // facets alone: newest first, as the lunr path lists them
    var words = parsed.words.length ? parsed.words.join(" ") : null
    var searched = pagefind.search(words, options)
    // Facet terms match papers only; words match topic and organisation pages too, and the count
    // line counts papers: the same words among pages with a topic (only papers have one).
    var papers = all.length ? searched : pagefind.search(words, {
      filters: { topic: { any: self.facets.topic.map(function (v) { return v[0] }) } }
    })
    return Promise.all([searched, papers])
  }).then(function (both) {
    var search = both[0], papers = both[1].results.length
    // Typing on: a later query is on its way, so this one's pages are not fetched.
    if (stale())
      return { items: [] }
    var terms = {}
    parsed.words.forEach(function (w) { if (!isStopWord(w)) terms[w] = true })
    var current = self.current = { query: query, results: search.results, terms: terms }
    // Without a channel to fill placeholders in, the dialog gets the complete results only.
    var count = self.channel ? search.results.length : Math.min(search.results.length, PAGEFIND_FIRST)
    var first = search.results.slice(0, PAGEFIND_FIRST)
    return Promise.all(first.map(function (r) { return r.data() })).then(function (pages) {
      var items = []
      for (var rank = 0; rank < count; rank++)
        items.push([self.item(pages[rank], rank, current)])
      return {
        papers: papers,
        items: items,
        pagefind: { channel: self.channel ? self.channel.name : null, query: query, complete: pages.length }
      }
    })
  })
}

function escapeHtml(text) {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
}

var latest = 0

function handle(message) {
  switch (message.type) {
    case SETUP:
      var settings = (message.data.config || {}).papers || {}
      // Material sends queries once READY: until the file is loaded the box says "Initializing search".
      return Promise.resolve().then(function () {
        if (settings.format !== FORMAT)
          throw new Error("search settings of format " + settings.format + "; this worker reads format " + FORMAT)
        if (settings.engine !== "pagefind")
          return loadData(settings).then(function (data) { engine = new Engine(settings, data) })
        engine = new PagefindEngine(settings)
        engine.load().catch(function (err) { console.warn("search: Pagefind did not load", err) })
      }).catch(function (err) {
        // An index this worker cannot read (a site built by another version): answer, with nothing,
        // saying so (the page's script, search-facets.js, shows it instead of "No matching papers").
        console.warn("search: the search index could not be loaded; rebuild the site", err)
        engine = { search: function () { return { items: [], unavailable: true } } }
      }).then(function () { return { type: READY } })
    case QUERY:
      var mine = ++latest
      var stale = function () { return mine !== latest }
      return Promise.resolve().then(function () {
        return engine.search(message.data, stale)
      }).catch(function (err) {
        console.warn("search: could not answer " + JSON.stringify(message.data), err)
        return { items: [] }
      }).then(function (result) {
        // A slower answer to an earlier query (Pagefind fetches) must not replace a later one.
        return mine === latest ? { type: RESULT, data: result } : null
      })
    default:
      return Promise.reject(new TypeError("unknown search message type " + message.type))
  }
}

addEventListener("message", function (ev) {
  handle(ev.data).then(function (reply) {
    if (reply)
      postMessage(reply)
  })
})
