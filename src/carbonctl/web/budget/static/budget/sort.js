// Sortable tables (table.sortable): clicking a header sorts the rows by that column, numbers by
// the cell's data-value (tCO2 or a fraction, so the order is exact), text by its words; clicking
// again reverses. A script file, not onclick="", which the Content-Security-Policy refuses.
(function () {
  "use strict";
  document.querySelectorAll("table.sortable").forEach((table) => {
    const headers = table.querySelectorAll("thead th");
    headers.forEach((th, column) => {
      th.tabIndex = 0;
      const sort = () => {
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach((h) => h.removeAttribute("aria-sort"));
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const numeric = th.dataset.type === "number";
        const key = (row) => {
          const cell = row.cells[column];
          const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent;
          if (!numeric) return raw.trim();
          const value = parseFloat(raw);
          return Number.isNaN(value) ? null : value;
        };
        const body = table.tBodies[0];
        const rows = Array.from(body.rows);
        rows.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          if (x === null && y === null) return 0;
          if (x === null) return 1; // missing values last, either way
          if (y === null) return -1;
          const order = numeric ? x - y : x.localeCompare(y, "zh");
          return ascending ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => { if (e.key === "Enter") sort(); });
    });
  });
})();
