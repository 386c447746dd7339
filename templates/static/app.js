// Filters, search and sorting over every claim. The page works without this file: it then shows
// its own page of claims, with links to the next. With it, the whole list is read once from a
// compact data file (claims-index.js: a script, so it loads from file:// too) and only the first
// rows of the result are drawn, so each keystroke, filter or sort costs milliseconds even at
// 100,000 claims.
(function () {
  var form = document.getElementById("filters");
  var table = document.getElementById("claims");
  if (!form || !table) return;
  var STEP = 100;
  var root = table.dataset.root;
  var body = table.tBodies[0];
  var more = document.getElementById("more");
  var shown = document.getElementById("shown");
  var search = document.getElementById("q");
  var names = ["subject", "quantity", "verdict", "claimant", "year"];
  var selects = {};
  names.forEach(function (k) { selects[k] = document.getElementById("f-" + k); });
  var columns = ["subject", "quantity", "size", "claimant", "day", "rank", "factor"];
  var data, text, day, rank, count, orders = {}, sort = null, limit = STEP;

  var script = document.createElement("script");
  script.src = table.dataset.source;
  script.onload = function () { start(window.costcheckClaims); };  // if it fails, the static page stays
  document.body.appendChild(script);

  function start(d) {
    data = d;
    count = d.slug.length;
    text = new Array(count);
    day = new Float64Array(count);
    rank = new Float64Array(count);
    for (var i = 0; i < count; i++) {
      var v = d.verdicts[d.verdict[i]];
      text[i] = [d.subjects[d.subject[i]][0], d.quantities[d.quantity[i]], d.value[i],
                 d.claimants[d.claimant[i]], d.date[i], v.name].join(" ").toLowerCase();
      day[i] = parseInt((d.date[i] || "0").replace(/-/g, ""), 10) || 0;
      rank[i] = v.sort;
    }
    var pages = document.getElementById("pages");
    if (pages) pages.hidden = true;
    var params = new URLSearchParams(location.search);
    if (params.get("q")) search.value = params.get("q");
    form.hidden = false;
    enableSorting();
    draw();
    sortWhileIdle(columns.slice());
  }

  function sortWhileIdle(todo) {  // each column's order, one per idle moment, so a first click does not wait for it
    if (!todo.length) return;
    var later = window.requestIdleCallback || function (run) { return setTimeout(run, 50); };
    later(function () { order(todo.shift()); sortWhileIdle(todo); });
  }

  function key(column) {
    return column === "day" ? day : column === "rank" ? rank : data[column];
  }

  function order(column) {  // every row, sorted by a column once and then kept
    if (!orders[column]) {
      var k = key(column), o = new Uint32Array(count);
      for (var i = 0; i < count; i++) o[i] = i;
      orders[column] = o.sort(function (a, b) { return k[a] - k[b] || a - b; });
    }
    return orders[column];
  }

  function matcher() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var want = {};
    names.forEach(function (k) { if (selects[k].value) want[k] = selects[k].value; });
    return function (i) {
      if (want.subject && data.subjects[data.subject[i]][0] !== want.subject) return false;
      if (want.quantity && data.quantities[data.quantity[i]] !== want.quantity) return false;
      if (want.verdict && data.verdicts[data.verdict[i]].key !== want.verdict) return false;
      if (want.claimant && data.claimants[data.claimant[i]] !== want.claimant) return false;
      if (want.year && data.date[i].slice(0, 4) !== want.year) return false;
      for (var w = 0; w < words.length; w++) if (text[i].indexOf(words[w]) === -1) return false;
      return true;
    };
  }

  function draw() {
    var ok = matcher(), rows = [], total = 0;
    var o = sort ? order(sort.column) : null;
    for (var j = 0; j < count; j++) {
      var i = o ? o[sort.ascending ? j : count - 1 - j] : j;
      if (!ok(i)) continue;
      if (total < limit) rows.push(i);
      total++;
    }
    var fragment = document.createDocumentFragment();
    rows.forEach(function (i) { fragment.appendChild(row(i)); });
    body.replaceChildren(fragment);
    shown.textContent = total + " of " + count + " claims" + (total > rows.length ? ", first " + rows.length + " shown" : "");
    more.hidden = total <= rows.length;
  }

  function cell(tr, content, href) {
    var td = tr.insertCell();
    if (href) {
      var a = document.createElement("a");
      a.href = root + href;
      a.textContent = content;
      td.appendChild(a);
    } else {
      td.textContent = content;
    }
    return td;
  }

  function row(i) {
    var d = data, tr = document.createElement("tr"), subject = d.subjects[d.subject[i]], v = d.verdicts[d.verdict[i]];
    cell(tr, subject[0], subject[1]);
    cell(tr, d.quantities[d.quantity[i]]);
    cell(tr, d.value[i], "claims/" + d.slug[i] + ".html");
    cell(tr, d.claimants[d.claimant[i]]);
    cell(tr, d.date[i]);
    var badge = document.createElement("span"), icon = document.createElement("span");
    badge.className = "badge v-" + v.key;
    badge.title = v.meaning;
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = v.icon;
    badge.append(icon, " " + v.name);
    tr.insertCell().appendChild(badge);
    cell(tr, d.factor_text[i]);
    return tr;
  }

  function enableSorting() {
    var headers = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(headers, function (th, n) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(headers, function (c) { c.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        sort = { column: columns[n], ascending: ascending };
        limit = STEP;
        draw();
      });
    });
  }

  form.addEventListener("input", function () { limit = STEP; draw(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  more.addEventListener("click", function () { limit += STEP; draw(); });
})();
