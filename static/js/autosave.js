/* Never lose typed work: a form with an autosave status line saves its draft through htmx
   as the person types, keeps the text in this browser until the server has it, and offers
   it back when the page is opened again. The form works as before without this file. */
(function () {
  "use strict";

  var status = document.getElementById("autosave-status");
  var form = status && status.closest("form");
  if (!form) {
    return;
  }
  var banner = document.getElementById("autosave-restore");
  var key = "autosave:" + window.location.pathname + ":" + status.dataset.autosaveKey;
  var autosaves = status.hasAttribute("data-hx-post");
  var pending = false; // a kept copy waits for "Restore" or "Discard"
  var submitting = false;
  var sent = null;

  function typedFields() {
    return Array.prototype.filter.call(form.elements, function (field) {
      return (
        field.name &&
        field.name !== "csrfmiddlewaretoken" &&
        ["hidden", "file", "submit", "button", "reset", "password"].indexOf(field.type) === -1
      );
    });
  }

  function entryName(field) {
    return field.type === "checkbox" || field.type === "radio"
      ? field.name + "=" + field.value
      : field.name;
  }

  function snapshot() {
    var values = {};
    typedFields().forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        values[entryName(field)] = field.checked;
      } else if (field.type === "select-multiple") {
        values[field.name] = Array.prototype.map.call(field.selectedOptions, function (o) {
          return o.value;
        });
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function apply(values) {
    var first = null;
    typedFields().forEach(function (field) {
      var name = entryName(field);
      if (!Object.prototype.hasOwnProperty.call(values, name)) {
        return;
      }
      var value = values[name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = value;
      } else if (field.type === "select-multiple") {
        Array.prototype.forEach.call(field.options, function (o) {
          o.selected = value.indexOf(o.value) !== -1;
        });
      } else if (field.value !== value) {
        field.value = value;
        first = first || field;
      }
    });
    return first;
  }

  function kept() {
    try {
      return JSON.parse(window.localStorage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  function keep() {
    try {
      window.localStorage.setItem(key, JSON.stringify({ values: snapshot(), at: Date.now() }));
    } catch (error) {
      // Storage full or switched off: the server copy is all there is.
    }
  }

  function forget() {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // Nothing kept, nothing to forget.
    }
  }

  function say(message) {
    status.textContent = message;
  }

  function saveNow() {
    if (autosaves && window.htmx) {
      window.htmx.trigger(status, "autosave-resume");
    }
  }

  function closeBanner(focusOn) {
    pending = false;
    banner.hidden = true;
    (focusOn || typedFields()[0] || form).focus();
  }

  // What the page was opened with; a kept copy that differs is offered back.
  var copy = kept();
  if (copy && copy.values && !same(copy.values, snapshot())) {
    pending = true;
    form.insertBefore(banner, form.firstChild);
    banner.hidden = false;
    banner.querySelector("[data-autosave-restore]").addEventListener("click", function () {
      var first = apply(copy.values);
      closeBanner(first);
      keep();
      say(status.dataset.restoredMessage);
      saveNow();
    });
    banner.querySelector("[data-autosave-discard]").addEventListener("click", function () {
      forget();
      closeBanner();
    });
  } else if (copy) {
    forget();
  }

  form.addEventListener("input", function () {
    if (!pending) {
      keep();
    }
  });

  // A Save waits for an autosave on its way, so it starts from the draft's newest mark.
  form.addEventListener("submit", function (event) {
    if (status.classList.contains("htmx-request")) {
      event.preventDefault();
      var submitter = event.submitter;
      status.addEventListener(
        "htmx:afterRequest",
        function () {
          form.requestSubmit(submitter);
        },
        { once: true }
      );
      return;
    }
    submitting = true;
  });

  status.addEventListener("htmx:beforeRequest", function (event) {
    if (submitting || pending) {
      event.preventDefault();
      return;
    }
    if (!navigator.onLine) {
      event.preventDefault();
      say(status.dataset.offlineMessage);
      return;
    }
    sent = snapshot();
  });

  // A refusal (409) or a field to correct (400) is said in the status line like a save.
  status.addEventListener("htmx:beforeSwap", function (event) {
    var code = event.detail.xhr.status;
    if (code === 400 || code === 409) {
      // Still an error, so what was typed stays kept in this browser.
      event.detail.shouldSwap = true;
    }
  });

  status.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful && sent && same(sent, snapshot())) {
      forget();
    }
    sent = null;
  });

  status.addEventListener("htmx:sendError", function () {
    say(status.dataset.offlineMessage);
  });

  status.addEventListener("htmx:responseError", function (event) {
    var code = event.detail.xhr.status;
    if (code !== 400 && code !== 409) {
      say(status.dataset.failedMessage);
    }
  });

  window.addEventListener("offline", function () {
    say(status.dataset.offlineMessage);
  });

  window.addEventListener("online", function () {
    if (kept() && !pending) {
      saveNow();
    } else {
      say("");
    }
  });
})();
