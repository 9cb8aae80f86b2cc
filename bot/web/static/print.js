// The printable question list's own Print button (bot/web/printable.py). The page's CSP allows only this
// file as script: no inline code. Without script the button stays hidden and the browser's Print still works.
(function () {
  "use strict";
  var button = document.getElementById("print-button");
  if (!button || typeof window.print !== "function") return;
  button.addEventListener("click", function () {
    window.print();
  });
  button.hidden = false;
})();
