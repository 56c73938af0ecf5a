// Wide tables marked `table-stack` become one card per row on a phone: each cell is labelled
// with its column's heading (shown by portal.css), so nothing has to scroll sideways. The
// table's roles are written out, since some browsers forget a table laid out as blocks.
(function () {
  function labelCells(root) {
    root.querySelectorAll("table.table-stack").forEach(function (table) {
      var headings = Array.from(table.querySelectorAll("thead th"), function (heading) {
        return heading.textContent.trim();
      });
      table.setAttribute("role", "table");
      table.querySelectorAll(":scope > thead, :scope > tbody").forEach(function (group) {
        group.setAttribute("role", "rowgroup");
      });
      table.querySelectorAll(":scope > thead > tr > th").forEach(function (heading) {
        heading.setAttribute("role", "columnheader");
      });
      table.querySelectorAll(":scope > * > tr").forEach(function (row) {
        row.setAttribute("role", "row");
      });
      table.querySelectorAll(":scope > tbody > tr").forEach(function (row) {
        var column = 0;
        Array.from(row.cells).forEach(function (cell) {
          cell.setAttribute("role", cell.tagName === "TH" ? "rowheader" : "cell");
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
