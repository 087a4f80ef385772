// The print button needs a script (the site's CSP allows no inline handlers); without one it stays hidden.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button || !window.print) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
