// The console's one script (no inline script: the CSP is default-src 'self'). Asks for a
// confirmation before an action form is sent; the server checks everything again.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });
});
