// The large screen reloads itself every few minutes (the page gives the seconds), so a wall
// display shows new warnings and estimates without anyone touching it.
(function () {
  "use strict";
  const seconds = Number(document.body.dataset.refreshSeconds) || 300;
  window.setTimeout(() => window.location.reload(), seconds * 1000);
})();
