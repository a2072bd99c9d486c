/* The phone layout's two behaviours; every page works without them.
 *
 * 1. The menu button folds the main navigation into one row on a narrow screen. Without
 *    script the button stays hidden and the navigation stays open.
 * 2. Disclosures marked data-phone-closed (search filters, a minutes' table of contents)
 *    start open, so they are open without script and on a wide screen; on a narrow screen
 *    they close, so the results and the minutes' text come first.
 */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 47.99rem)");

  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-button");
  var nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (nav) {
    var setOpen = function (open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      header.classList.toggle("menu-open", open);
    };
    header.classList.add("has-menu-button");
    button.hidden = false;
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    // Escape closes an open menu from anywhere in it and gives the focus back to the button.
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true" && narrow.matches) {
        setOpen(false);
        button.focus();
      }
    });
  }

  if (narrow.matches) {
    var folded = document.querySelectorAll("details[data-phone-closed]");
    for (var i = 0; i < folded.length; i++) {
      folded[i].open = false;
    }
  }
})();
