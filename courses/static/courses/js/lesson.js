// Opening a lesson starts its reading clock and is where the course resumes: a write, so the page is
// served without one and this script posts the opening as the page loads. The form's button stays for
// a phone whose script did not run or whose post failed; "Mark as done" waits for the opening to land.
(function () {
  "use strict";
  var form = document.querySelector("form[data-open-lesson]");
  if (!form || !window.fetch || !window.FormData) return;
  form.hidden = true;
  function failed() { form.hidden = false; }
  var opening = fetch(form.action, {method: "POST", body: new FormData(form), headers: {"Accept": "application/json"}, credentials: "same-origin"})
    .then(function (response) { if (!response.ok) failed(); }, failed);
  var done = document.querySelector("form[data-lesson-done]");
  if (!done) return;
  done.addEventListener("submit", function (event) {
    event.preventDefault();
    opening.then(function () { done.submit(); });
  });
})();
