/* The release page's policy list: the search box keeps the rows that contain every word typed (any column,
   case-insensitive); a column header sorts by that column (again: the other way), empty cells last.
   Inline and self-contained: the page loads nothing (warehouse/release/page.py puts its hash in the CSP). */
(function () {
  "use strict";
  var table = document.getElementById("policy-table");
  var search = document.getElementById("policy-search");
  var count = document.getElementById("policy-count");
  if (!table || !search) {
    return;
  }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var keep = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !keep;
      shown += keep ? 1 : 0;
    });
    count.textContent = shown + " of " + rows.length + " policies shown";
  }

  function key(row, column) {
    var cell = row.cells[column];
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim() : value;
  }

  function sortBy(column) {
    var th = headers[column];
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var order = rows.map(function (row, i) { return [key(row, column), i, row]; });
    order.sort(function (a, b) {
      if (a[0] === "" || b[0] === "") {
        return a[0] === b[0] ? a[1] - b[1] : (a[0] === "" ? 1 : -1);
      }
      var c = a[0].localeCompare(b[0]);
      return c === 0 ? a[1] - b[1] : (ascending ? c : -c);
    });
    rows = order.map(function (item) { return item[2]; });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  headers.forEach(function (th, column) {
    var button = th.querySelector("button");
    if (button) {
      button.addEventListener("click", function () { sortBy(column); });
    }
  });
  search.addEventListener("input", filter);
  search.disabled = false;
  filter();
}());
