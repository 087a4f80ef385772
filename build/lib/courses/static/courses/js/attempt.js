// A quiz attempt: each question is saved as soon as it is answered, so a dropped connection loses
// nothing; the clock counts down to the deadline and submits the attempt when it is reached.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var state = document.querySelector("[data-save-state]");
  var answeredCount = document.querySelector("[data-answered]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var queue = [];          // questions to save, one request at a time, so a later answer never lands first
  var failed = new Set();  // questions whose save failed, sent again every 10 seconds and when back online
  var busy = false;
  var timers = new WeakMap();
  var submitting = false;

  function show(text) { if (state) state.textContent = text; }

  function isAnswered(fieldset) {
    return Array.prototype.some.call(fieldset.querySelectorAll("input, select, textarea"), function (field) {
      if (field.type === "hidden") return false;
      if (field.type === "radio" || field.type === "checkbox") return field.checked;
      return field.value.trim() !== "";
    });
  }

  function countAnswered() {
    if (!answeredCount) return;
    answeredCount.textContent = Array.prototype.filter.call(form.querySelectorAll("fieldset.question"), isAnswered).length;
  }

  function formData(fieldset) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    fieldset.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || field.disabled) return;
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
      data.append(field.name, field.value);
    });
    return data;
  }

  function save(fieldset) {
    if (queue.indexOf(fieldset) < 0) queue.push(fieldset);
    sendNext();
  }

  function saveFailed(fieldset) {
    busy = false;
    failed.add(fieldset);
    show(form.dataset.offline);
    sendNext();
  }

  function sendNext() {
    if (busy || !queue.length) return;
    var fieldset = queue.shift();
    busy = true;
    failed.delete(fieldset);
    show(form.dataset.saving);
    fetch(form.action, {method: "POST", body: formData(fieldset), headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        if (response.status >= 500) { saveFailed(fieldset); return; }
        return response.json().then(function (body) {
          busy = false;
          if (response.status === 409 && body.result) { window.location.href = body.result; return; }
          if (!response.ok) show(body.error || "");
          else if (!queue.length && !failed.size) show(form.dataset.saved + " " + body.at);
          sendNext();
        });
      })
      .catch(function () { saveFailed(fieldset); });
  }

  function later(fieldset, delay) {
    clearTimeout(timers.get(fieldset));
    timers.set(fieldset, setTimeout(function () { save(fieldset); }, delay));
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset) { countAnswered(); later(fieldset, 0); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset && event.target.matches("input[type=text], textarea")) later(fieldset, 1500);
  });
  function retry() { failed.forEach(save); }
  setInterval(retry, 10000);
  window.addEventListener("online", retry);

  var submitButton = form.querySelector("[data-submit]");
  submitButton.addEventListener("click", function (event) {
    if (!submitting && !window.confirm(submitButton.dataset.confirm)) event.preventDefault();
    else submitting = true;
  });

  var timer = document.querySelector("[data-seconds-left]");
  if (timer) {
    var ends = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var minutes = Math.floor(left / 60), seconds = left % 60;
      timer.textContent = timer.dataset.label + " " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
      if (left === 0 && !submitting) {
        submitting = true;
        form.action = submitButton.getAttribute("formaction");
        form.submit();
      }
    };
    tick();
    setInterval(tick, 1000);
  }
})();
