// Opening a lesson starts its reading clock and is where the course resumes: a write, so the page is
// served without one and this script posts the opening as the page loads. The form's button stays for
// a phone whose script did not run or whose post failed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-open-lesson]");
  if (!form || !window.fetch || !window.FormData) return;
  form.hidden = true;
  fetch(form.action, {method: "POST", body: new FormData(form), headers: {"Accept": "application/json"}, credentials: "same-origin"})
    .then(function (response) { if (!response.ok) form.hidden = false; })
    .catch(function () { form.hidden = false; });
})();
