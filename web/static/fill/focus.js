/* The sticky save bar never covers the focused field (WCAG 2.4.11): CSS leaves room when the browser
 * scrolls a field into view (scroll-padding); a field already partly on screen is not scrolled by
 * the browser, so it is moved up here, just above the bar. */

export function keepFocusAboveBar(form, bar) {
  if (!bar) { return; }
  form.addEventListener("focusin", function (event) {
    var el = event.target;
    if (bar.contains(el) || !el.getBoundingClientRect) { return; }
    var field = el.getBoundingClientRect();
    var top = bar.getBoundingClientRect().top;
    if (field.bottom <= top) { return; }
    var room = top - 8;  // the visible height above the bar
    var by = field.height <= room ? field.bottom - top + 8 : field.top - 8;  // too tall: its top at the top
    if (by > 0) { window.scrollBy(0, by); }
  });
}
