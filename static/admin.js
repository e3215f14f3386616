// Progressive enhancement for the admin: everything works without this file.
// On the media page, each image's address gets a Copy button (the field is read-only and
// selects itself on focus, so copying by hand works too).
// In the editor, it warns before leaving a form with unsaved changes, and gives each
// photo "move up" / "move down" buttons (easier by thumb than a number) that keep the
// position fields, which the form sends, in step with the order on screen.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("input.media-url"), function (input) {
    input.addEventListener("focus", function () { input.select(); });
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary copy";
    b.textContent = "Copy";
    function done(ok) {
      b.textContent = ok ? "Copied" : "Selected: copy it";
      setTimeout(function () { b.textContent = "Copy"; }, 2000);
    }
    // The old way, for plain-http sites where the Clipboard API is not offered.
    function fallback() {
      input.focus();
      input.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      done(ok);
    }
    b.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(function () { done(true); }, fallback);
      } else {
        fallback();
      }
    });
    input.parentNode.appendChild(b);
  });
})();

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

  var list = form.querySelector(".photo-list");
  if (!list || list.children.length < 2) return;
  function items() { return Array.prototype.slice.call(list.children); }
  function renumber() {
    var all = items();
    all.forEach(function (li, i) {
      var select = li.querySelector("select[name^='order_']");
      if (select) select.value = String(i + 1);
      li.querySelector("button.move-up").disabled = i === 0;
      li.querySelector("button.move-down").disabled = i === all.length - 1;
    });
  }
  function button(li, up) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "move " + (up ? "move-up" : "move-down");
    b.textContent = up ? "↑" : "↓";
    b.setAttribute("aria-label", up ? "Move up" : "Move down");
    b.addEventListener("click", function () {
      var other = up ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (up) list.insertBefore(li, other); else list.insertBefore(other, li);
      renumber();
      dirty = true;
      b.focus();
    });
    return b;
  }
  items().forEach(function (li) {
    var actions = li.querySelector(".photo-actions");
    var moves = document.createElement("span");
    moves.className = "moves";
    moves.appendChild(button(li, true));
    moves.appendChild(button(li, false));
    actions.insertBefore(moves, actions.firstChild);
  });
  // Picking a position from the list moves the photo there, as the buttons do.
  list.addEventListener("change", function (e) {
    var select = e.target;
    if (!select.name || select.name.indexOf("order_") !== 0) return;
    var li = select.closest("li");
    var to = Math.max(0, Math.min(items().length - 1, parseInt(select.value, 10) - 1));
    list.removeChild(li);
    list.insertBefore(li, items()[to] || null);
    renumber();
  });
  renumber();
})();
