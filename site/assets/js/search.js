// The search box of every page: finds countries, datasets, audit reports,
// the UN instruments and sources in the static index that publish writes
// under search/ (internal/site/search.go), as the reader types. The index
// is split by the first two letters of each word, so a query loads the
// table of contents and one small file per word. Without JavaScript the
// box is a form that leads to the A–Z list of countries. Every word shown
// comes from the page's markup (site/i18n), never from this file.
(function () {
  "use strict";
  var form = document.getElementById("search");
  if (!form || !window.fetch || !window.URL) return;
  var input = document.getElementById("search-q");
  var box = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-list");
  var title = document.querySelector("a.site-title");
  var root = new URL(".", title ? title.href : location.href);
  var index = new URL("search/", root);
  var words = form.dataset;
  var meta = null;
  var chunks = {};
  var seq = 0;
  var MAX = 12;

  function load(name) {
    if (!chunks[name]) {
      chunks[name] = fetch(new URL(name + ".json", index)).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    }
    return chunks[name];
  }

  // Words as the index writes them: lower case, no accents, letters and
  // digits.
  function split(text) {
    return text.normalize("NFD").replace(/\p{Mn}/gu, "").toLowerCase()
      .split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 0; });
  }

  function chunkOf(w) {
    var out = "";
    var cs = Array.from(w).slice(0, 2);
    cs.forEach(function (c) {
      var n = c.codePointAt(0);
      out += n < 128 ? c : "_" + n.toString(16);
    });
    return out;
  }

  function fill(template, n) {
    return template.replace("{n}", String(n));
  }

  function show(results, total) {
    list.textContent = "";
    results.forEach(function (d) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = new URL(d[2], root).href;
      a.textContent = d[1];
      var kind = document.createElement("span");
      kind.className = "kind-label";
      kind.textContent = words["kind" + d[0].charAt(0).toUpperCase() + d[0].slice(1)] || d[0];
      li.appendChild(kind);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      if (d[3]) {
        var sub = document.createElement("span");
        sub.className = "sub";
        sub.textContent = d[3];
        li.appendChild(document.createTextNode(" "));
        li.appendChild(sub);
      }
      list.appendChild(li);
    });
    if (total === 0) {
      status.textContent = words.none;
    } else {
      var s = fill(total === 1 ? words.one : words.other, total);
      if (total > results.length) s += " " + fill(words.shown, results.length);
      status.textContent = s;
    }
    box.hidden = false;
  }

  function search(q) {
    var mine = ++seq;
    var terms = split(q).filter(function (w) { return Array.from(w).length >= 2; });
    if (terms.length === 0) {
      list.textContent = "";
      status.textContent = q.trim() ? words.more : "";
      box.hidden = !q.trim();
      return;
    }
    var metaP = meta ? Promise.resolve(meta) : load("meta").then(function (m) { meta = m; return m; });
    metaP.then(function (m) {
      var names = terms.map(chunkOf);
      return Promise.all(names.map(function (n) {
        return m.chunks.indexOf(n) < 0 ? null : load(n);
      }));
    }).then(function (cs) {
      if (mine !== seq) return;
      var hits = null;
      var docs = {};
      var score = {};
      terms.forEach(function (t, i) {
        var c = cs[i];
        var found = {};
        if (c) {
          Object.keys(c.w).forEach(function (w) {
            if (w.lastIndexOf(t, 0) !== 0) return;
            c.w[w].forEach(function (id) {
              // An exact word scores better than a word it begins.
              var s = w === t ? 0 : 1;
              found[id] = Math.min(found[id] === undefined ? 2 : found[id], s);
              docs[id] = c.d[id];
            });
          });
        }
        var next = {};
        Object.keys(found).forEach(function (id) {
          if (hits === null || id in hits) {
            next[id] = true;
            score[id] = (score[id] || 0) + found[id];
          }
        });
        hits = next;
      });
      var qn = split(q).join(" ");
      var ids = Object.keys(hits || {});
      ids.sort(function (a, b) {
        var ta = split(docs[a][1]).join(" "), tb = split(docs[b][1]).join(" ");
        var ea = ta === qn || docs[a][3].toLowerCase() === qn ? 0 : ta.lastIndexOf(qn, 0) === 0 ? 1 : 2;
        var eb = tb === qn || docs[b][3].toLowerCase() === qn ? 0 : tb.lastIndexOf(qn, 0) === 0 ? 1 : 2;
        return (ea - eb) || (score[a] - score[b]) || (Number(a) - Number(b));
      });
      show(ids.slice(0, MAX).map(function (id) { return docs[id]; }), ids.length);
    }).catch(function () {
      if (mine !== seq) return;
      list.textContent = "";
      status.textContent = words.failed;
      box.hidden = false;
    });
  }

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value;
    timer = setTimeout(function () { search(q); }, 60);
  });
  // Enter follows the first result; without one, the form leads to the
  // A–Z list as it does without JavaScript.
  form.addEventListener("submit", function (e) {
    var first = list.querySelector("a");
    if (first) {
      e.preventDefault();
      location.href = first.href;
    }
  });
  // Arrow keys move between the box and the results; Escape closes them.
  form.addEventListener("keydown", function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll("a"));
    var at = links.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === "ArrowUp" && at >= 0) {
      e.preventDefault();
      (at === 0 ? input : links[at - 1]).focus();
    } else if (e.key === "Escape") {
      box.hidden = true;
      input.focus();
    }
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) box.hidden = true;
  });
  input.addEventListener("focus", function () {
    if (list.firstChild) box.hidden = false;
  });
  form.classList.add("js");
})();
