/* Character counters under long texts: "1,200 of 20,000 characters". */

export function attachCounters(root, template) {
  root.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    var limit = parseInt(area.getAttribute("maxlength"), 10);
    if (!limit) { return; }
    var out = document.createElement("p");
    out.className = "hint char-count";
    out.id = area.id + "-count";
    var format = new Intl.NumberFormat(document.documentElement.lang);
    function update() {
      out.textContent = template.replace("{n}", format.format(area.value.length)).replace("{max}", format.format(limit));
      out.classList.toggle("char-count-near", area.value.length > limit * 0.9);
    }
    area.insertAdjacentElement("afterend", out);
    var described = area.getAttribute("aria-describedby");
    area.setAttribute("aria-describedby", (described ? described + " " : "") + out.id);
    area.addEventListener("input", update);
    area.addEventListener("counter", update);
    update();
  });
}
