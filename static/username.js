// The sign-up form's username hint: a moment after typing stops, asks whether the name is
// still free. Progressive only: without it the form works the same, and the server checks
// the name again when the form is sent. Text goes in with textContent, never as HTML.
(function () {
  "use strict";
  var input = document.getElementById("username");
  var hint = document.getElementById("username-hint");
  if (!input || !hint || !window.fetch) {
    return;
  }
  var url = input.getAttribute("data-check");
  var rule = hint.textContent;
  var timer = null;
  var latest = 0;

  function check() {
    var name = input.value.trim();
    var asked = ++latest;
    if (name === "") {
      hint.textContent = rule;
      return;
    }
    fetch(url + "?username=" + encodeURIComponent(name), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (reply) {
        return reply.json().then(function (body) {
          return { status: reply.status, body: body };
        });
      })
      .then(function (answer) {
        if (asked !== latest) {
          return; // a later keystroke asked again
        }
        if (answer.status === 200) {
          hint.textContent = answer.body.available
            ? "\u201c" + name + "\u201d is available."
            : "\u201c" + name + "\u201d is taken or reserved.";
        } else if (answer.status === 400) {
          hint.textContent = "Not a valid username. " + rule;
        } else {
          hint.textContent = rule; // rate limited or unavailable: the rule is still true
        }
      })
      .catch(function () {
        if (asked === latest) {
          hint.textContent = rule;
        }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
})();
