// Opening a lesson starts its reading clock and is where the course resumes: a write, so the page is
// served without one and this script posts the opening as the page loads. The form's button stays for
// a phone whose script did not run or whose post failed; "Mark as done" is shown once the opening lands,
// so that a tap on it before the script ran is never refused as a lesson not opened.
(function () {
  "use strict";
  var form = document.querySelector("form[data-open-lesson]");
  if (!form || !window.fetch || !window.FormData) return;
  var done = document.querySelector("form[data-lesson-done]");
  form.hidden = true;
  function failed() { form.hidden = false; }
  fetch(form.action, {method: "POST", body: new FormData(form), headers: {"Accept": "application/json"}, credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) return failed();
      if (done) done.hidden = false;
    }, failed);
})();
