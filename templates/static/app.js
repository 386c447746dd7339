// Filters, search and sorting for the claims table. The page works without this file.
(function () {
  var form = document.getElementById("filters");
  var table = document.getElementById("claims");
  if (!form || !table) return;
  form.hidden = false;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var search = document.getElementById("q");
  var selects = ["subject", "quantity", "verdict", "claimant", "year"].map(function (k) {
    return [k, document.getElementById("f-" + k)];
  });
  var shown = document.getElementById("shown");
  var params = new URLSearchParams(location.search);
  if (params.get("q")) search.value = params.get("q");

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
      selects.forEach(function (pair) {
        if (pair[1].value && row.dataset[pair[0]] !== pair[1].value) ok = false;
      });
      row.hidden = !ok;
      if (ok) count++;
    });
    shown.textContent = count + " of " + rows.length + " claims";
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    th.setAttribute("aria-sort", "none");
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.setAttribute("aria-sort", "none"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var numeric = th.dataset.sort === "num";
      rows.sort(function (a, b) {
        var x = a.cells[i], y = b.cells[i];
        var p = numeric ? parseFloat(x.dataset.value || "0") : x.textContent.trim().toLowerCase();
        var q = numeric ? parseFloat(y.dataset.value || "0") : y.textContent.trim().toLowerCase();
        return (p < q ? -1 : p > q ? 1 : 0) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });
  apply();
})();
