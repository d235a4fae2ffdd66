// Small improvements to doorstep's forms; every form works without this script.
// - The error summary takes focus when a refused form comes back (autofocus does this in
//   browsers that honour it on any element; this covers the others).
// - Each password field gets a button that shows or hides what was typed.
// - "Show a new picture" swaps only the picture, so nothing typed is lost, the password
//   included (without the script, the button sends the form back with everything else).
(function () {
  "use strict";

  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }

  document.querySelectorAll("[data-password]").forEach(function (field) {
    var input = field.querySelector("input");
    if (!input) {
      return;
    }
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "toggle";
    toggle.setAttribute("aria-controls", input.id);
    var status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    function show(visible) {
      input.type = visible ? "text" : "password";
      toggle.textContent = visible ? field.dataset.hide : field.dataset.show;
      toggle.setAttribute("aria-pressed", visible ? "true" : "false");
    }
    toggle.addEventListener("click", function () {
      var visible = input.type === "password";
      show(visible);
      status.textContent = visible ? field.dataset.shown : field.dataset.hidden;
    });
    // Never leave a password readable in the page the browser keeps for "back".
    if (input.form) {
      input.form.addEventListener("submit", function () {
        show(false);
      });
    }
    show(false);
    field.appendChild(toggle);
    field.appendChild(status);
  });

  document.querySelectorAll("[data-new-picture]").forEach(function (button) {
    var box = button.closest(".captcha");
    var image = box && box.querySelector("img.captcha");
    var id = button.form && button.form.querySelector("input[name=captcha_id]");
    var answer = box && box.querySelector("#captcha_answer");
    if (!image || !id || !answer || !window.fetch) {
      return;
    }
    button.addEventListener("click", function (event) {
      event.preventDefault();
      fetch(button.dataset.newPicture, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (reply) {
          if (!reply.ok) {
            throw new Error(reply.status);
          }
          return reply.json();
        })
        .then(function (challenge) {
          var url = new URL(challenge.image, window.location.href);
          image.src = url.pathname + url.search;
          id.value = challenge.id;
          answer.value = "";
          answer.focus();
        })
        .catch(function () {
          // The picture could not be fetched: send the form the way it works without script.
          button.form.requestSubmit(button);
        });
    });
  });
})();
