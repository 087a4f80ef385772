// A quiz attempt: every answer is kept on the phone (localStorage) until the server has it, so neither a dropped
// connection nor a reload loses one. Answers given close together go in one request; while the server or the
// network fails, the phone waits longer each time (with a random part, so that a hall of phones does not retry
// at the same moment). Each question says whether its answer is saved or waiting. The clock counts down to the
// deadline and submits the attempt when it is reached.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) return;
  var state = document.querySelector("[data-save-state]");
  var answeredCount = document.querySelector("[data-answered]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var storageKey = "quiz-answers:" + form.action;
  var GATHER_MS = 800;             // answers given within this are sent together
  var TYPING_MS = 1500;            // a typed answer is sent once the learner pauses
  var FIRST_RETRY_MS = 2000, LONGEST_RETRY_MS = 60000;
  var pending = readPending();     // question id -> the fields of its answer not yet saved, [[name, value], ...]
  var inFlight = false;
  var failures = 0;
  var sendTimer = null;
  var submitting = false;

  function readPending() {
    try { return JSON.parse(window.localStorage.getItem(storageKey)) || {}; } catch (error) { return {}; }
  }
  function keepPending() {
    try {
      if (Object.keys(pending).length) window.localStorage.setItem(storageKey, JSON.stringify(pending));
      else window.localStorage.removeItem(storageKey);
    } catch (error) { /* private mode or full: the answer still goes when the connection allows */ }
  }

  function show(text) { if (state) state.textContent = text; }

  function questionOf(id) { return form.querySelector('fieldset.question input[name=shown][value="' + id + '"]'); }

  function mark(fieldset, saved) {
    var label = fieldset.querySelector("[data-answer-state]");
    if (!label) {
      label = document.createElement("span");
      label.setAttribute("data-answer-state", "");
      fieldset.querySelector("legend").appendChild(label);
    }
    label.className = "answer-state " + (saved ? "is-saved" : "is-pending");
    label.textContent = saved ? form.dataset.answerSaved : form.dataset.answerPending;
  }

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

  function fieldsOf(fieldset) {
    var fields = [];
    fieldset.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (!field.name || field.disabled) return;
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
      fields.push([field.name, field.value]);
    });
    return fields;
  }

  // Put answers kept on the phone back on the page (after a reload) before sending them.
  function restore(id, fields) {
    var shown = questionOf(id);
    if (!shown) { delete pending[id]; return; }
    var fieldset = shown.closest("fieldset.question");
    fieldset.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.type === "hidden") return;
      var values = fields.filter(function (pair) { return pair[0] === field.name; }).map(function (pair) { return pair[1]; });
      if (field.type === "radio" || field.type === "checkbox") field.checked = values.indexOf(field.value) >= 0;
      else field.value = values.length ? values[0] : "";
    });
    mark(fieldset, false);
  }

  function remember(fieldset, delay) {
    var id = fieldset.querySelector("input[name=shown]").value;
    pending[id] = fieldsOf(fieldset);
    keepPending();
    mark(fieldset, false);
    if (!failures) sendLater(delay);
  }

  function sendLater(delay) {
    clearTimeout(sendTimer);
    sendTimer = setTimeout(send, delay);
  }

  function retryLater() {
    failures += 1;
    var longest = Math.min(LONGEST_RETRY_MS, FIRST_RETRY_MS * Math.pow(2, failures - 1));
    show(form.dataset.offline);
    sendLater(longest / 2 + Math.random() * longest / 2);
  }

  function send() {
    var ids = Object.keys(pending);
    if (inFlight || submitting || !ids.length) return;
    var sent = {};
    var data = new FormData();
    data.append("csrfmiddlewaretoken", csrf);
    ids.forEach(function (id) {
      sent[id] = JSON.stringify(pending[id]);
      pending[id].forEach(function (pair) { data.append(pair[0], pair[1]); });
    });
    inFlight = true;
    show(form.dataset.saving);
    fetch(form.action, {method: "POST", body: data, headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) {
        return response.json().then(function (body) { return {response: response, body: body}; });
      })
      .then(function (reply) {
        inFlight = false;
        if (reply.response.status === 409 && reply.body.result) {
          pending = {};
          keepPending();
          window.location.href = reply.body.result;
          return;
        }
        if (!reply.response.ok) { show(reply.body.error || ""); return; }
        failures = 0;
        ids.forEach(function (id) {
          if (JSON.stringify(pending[id]) === sent[id]) delete pending[id];  // not changed while on its way
          var shown = questionOf(id);
          if (shown && !pending[id]) mark(shown.closest("fieldset.question"), true);
        });
        keepPending();
        if (Object.keys(pending).length) sendLater(GATHER_MS);
        else show(form.dataset.saved + " " + reply.body.at);
      })
      .catch(function () {  // no connection, a server error page or a proxy's time-out
        inFlight = false;
        retryLater();
      });
  }

  Object.keys(pending).forEach(function (id) { restore(id, pending[id]); });
  keepPending();
  countAnswered();
  sendLater(0);

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset) { countAnswered(); remember(fieldset, GATHER_MS); }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset.question");
    if (fieldset && event.target.matches("input[type=text], textarea")) remember(fieldset, TYPING_MS);
  });
  window.addEventListener("online", function () { failures = 0; sendLater(Math.random() * FIRST_RETRY_MS); });

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
