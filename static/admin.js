// Progressive enhancement for the admin editor: everything works without this file.
// It warns before leaving a form with unsaved changes.
(function () {
  "use strict";
  var form = document.querySelector("form.editor");
  if (!form) return;
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });
})();
