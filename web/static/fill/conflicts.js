/* A colleague saved the same answer in the meantime: both values side by side, labelled; the user
 * chooses (neither is preselected), and both stay in the history. */
import { container } from "./values.js";

/* ``choose(c, which)`` stores the choice ("mine" or "theirs"). */
export function showConflict(c, msg, choose) {
  var el = container(c.q);
  if (!el) { return; }
  var old = el.querySelector(".conflict-panel");
  if (old) { old.remove(); }
  var panel = document.createElement("div");
  panel.className = "conflict-panel";
  panel.setAttribute("role", "alert");
  var title = document.createElement("p");
  title.className = "conflict-title";
  title.textContent = msg.conflictTitle;
  panel.appendChild(title);
  var grid = document.createElement("div");
  grid.className = "side-by-side";
  [[msg.yours, c.mine_text, "mine"], [msg.theirs.replace("{name}", c.by || "?"), c.theirs_text, "theirs"]].forEach(function (part) {
    var box = document.createElement("div");
    box.className = "choice-box";
    var strong = document.createElement("strong");
    strong.className = "choice-label";
    strong.textContent = part[0];
    var value = document.createElement("div");
    value.className = "value";
    value.setAttribute("dir", "auto");
    value.textContent = part[1] || msg.empty;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary";  // neither choice is the default
    button.textContent = part[2] === "mine" ? msg.keepMine : msg.keepTheirs;
    button.setAttribute("data-keep", part[2]);
    button.addEventListener("click", function () { choose(c, part[2]); panel.remove(); });
    var colon = document.createElement("span");
    colon.className = "visually-hidden";
    colon.textContent = ": ";
    box.appendChild(strong); box.appendChild(colon); box.appendChild(value); box.appendChild(button);
    grid.appendChild(box);
  });
  panel.appendChild(grid);
  el.insertBefore(panel, el.firstChild);
}
