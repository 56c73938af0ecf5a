// Wide tables marked `table-stack` become one card per row on a phone: each cell is labelled
// with its column's heading (shown by portal.css), so nothing has to scroll sideways.
(function () {
  function labelCells(root) {
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var headings = Array.from(table.querySelectorAll("thead th"), function (heading) {
        return heading.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        var column = 0;
        Array.from(row.cells).forEach(function (cell) {
          if (headings[column] && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[column]);
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }
  labelCells(document);
  document.addEventListener("htmx:afterSettle", function (event) {
    labelCells(event.target);
  });
})();
