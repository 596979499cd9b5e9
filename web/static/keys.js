// Keyboard: "/" moves to the page's search box (as on many search sites). Typing "/"
// inside a text field still types it. Served from the app's own static files so the
// Content-Security-Policy (script-src 'self') needs no exception.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
    return;
  }
  var box = document.querySelector('input[type="search"][name="q"]');
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
