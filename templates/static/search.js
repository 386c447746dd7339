// The search page: Pagefind's own interface over the index built into the site by kb build.
// A query in the address (search.html?q=GPT-4) is searched at once.
(function () {
  var box = document.getElementById("search");
  if (location.protocol === "file:" || typeof PagefindUI === "undefined") {
    document.getElementById("search-offline").hidden = false;
    return;
  }
  // Absolute addresses: a relative bundle path would read as a module name, and results are
  // addressed from the site's root, which may be a sub-folder of the server's.
  var root = new URL(box.dataset.root, location.href);
  // The index comes in shards (pagefind/0/, pagefind/1/, …), each a Pagefind bundle: one is
  // searched and the others merged into it.
  var others = [];
  for (var shard = 1; shard < Number(box.dataset.shards); shard++) {
    others.push({bundlePath: root.href + "pagefind/" + shard + "/", baseUrl: root.pathname});
  }
  var ui = new PagefindUI({
    element: box, bundlePath: root.href + "pagefind/0/", mergeIndex: others, baseUrl: root.pathname,
    showSubResults: false, showImages: false
  });
  var input = box.querySelector("input");  // Pagefind names its box by a title only: give it a label
  if (input) input.setAttribute("aria-label", "Search claims, models, accelerators and sources");
  var query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
