// groovegraph: loaded before LangServe's chat playground bundle.
// - one thread per page load (config.configurable.thread_id on every call),
// - the API key kept in this browser (localStorage "groovegraph.apiKey", shared with the
//   page at /) sent as X-API-Key,
// - the API's errors shown in words (the bundle only says "check your backend logs").
(function () {
  "use strict";
  var KEY = "groovegraph.apiKey";

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var threadId = uuid4();
  window.groovegraphThreadId = threadId;

  function storedKey() {
    try { return localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }

  var bar = null, note = null, field = null;
  function ensureBar() {
    if (bar) return;
    bar = document.createElement("div");
    bar.id = "gg-bar";
    bar.setAttribute("style",
      "position:fixed;left:8px;bottom:8px;z-index:9999;font:13px system-ui,sans-serif;" +
      "background:#fff;border:1px solid #ccc;border-radius:8px;padding:6px 8px;max-width:calc(100vw - 32px);" +
      "display:flex;gap:6px;align-items:center;flex-wrap:wrap;box-shadow:0 1px 4px rgba(0,0,0,.1)");
    var label = document.createElement("span");
    label.textContent = "thread " + threadId.slice(0, 8) + " · API key";
    field = document.createElement("input");
    field.type = "password";
    field.id = "gg-api-key";
    field.placeholder = "none (local mode)";
    field.value = storedKey();
    field.setAttribute("style", "width:11em;border:1px solid #999;border-radius:4px;padding:2px 4px");
    field.addEventListener("change", function () {
      try {
        if (field.value.trim()) localStorage.setItem(KEY, field.value.trim());
        else localStorage.removeItem(KEY);
      } catch (e) { /* storage off: the key lives for this page only */ }
      showError("");
    });
    note = document.createElement("span");
    note.id = "gg-error";
    note.setAttribute("role", "alert");
    note.setAttribute("style", "color:#b00020");
    bar.appendChild(label);
    bar.appendChild(field);
    bar.appendChild(note);
    document.body.appendChild(bar);
  }
  function showError(text) {
    ensureBar();
    note.textContent = text;
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ensureBar);
  else ensureBar();

  var realFetch = window.fetch.bind(window);
  window.fetch = function (input, init) {
    var url;
    // The bundle passes strings and URL objects; a Request carries its own.
    try { url = new URL(input instanceof Request ? input.url : String(input), location.href); }
    catch (e) { return realFetch(input, init); }
    if (url.origin !== location.origin || url.pathname.indexOf("/agent/") !== 0) {
      return realFetch(input, init);
    }
    // The schemas are in the page already (LangServe writes them into it); answering
    // from there means the page draws before a key is typed, and with the right one.
    var schema = /\/(input|output|config)_schema$/.exec(url.pathname);
    if (schema) {
      var embedded = window[schema[1].toUpperCase() + "_SCHEMA"];
      if (embedded) {
        return Promise.resolve(new Response(JSON.stringify(embedded), {
          status: 200, headers: { "Content-Type": "application/json" }
        }));
      }
    }
    init = Object.assign({}, init || {});
    var headers = new Headers(init.headers || {});
    var key = (field && field.value.trim()) || storedKey();
    if (key && !headers.has("X-API-Key") && !headers.has("Authorization")) headers.set("X-API-Key", key);
    init.headers = headers;
    if (typeof init.body === "string" && /\/(stream_log|stream|invoke)$/.test(url.pathname)) {
      try {
        var body = JSON.parse(init.body);
        body.config = body.config || {};
        body.config.configurable = Object.assign({}, body.config.configurable || {}, { thread_id: threadId });
        init.body = JSON.stringify(body);
      } catch (e) { /* not JSON: sent as it is */ }
    }
    var streaming = /\/stream_log$/.test(url.pathname);
    return realFetch(input, init).then(function (response) {
      if (response.ok) {
        if (streaming) showError("");
        return response;
      }
      return response.clone().json().then(function (data) {
        var err = data && data.error;
        return err && err.message ? err.message : ("HTTP " + response.status);
      }, function () {
        return "HTTP " + response.status + " " + response.statusText;
      }).then(function (text) {
        if (response.status === 401) text += " — enter your API key below";
        showError(text);
        if (!streaming) return response;
        // The bundle throws on anything but an event stream (a page error, and a toast
        // saying "check your backend logs"): answer its stream with the error in words.
        var state = { id: "error", name: "error", type: "chain", streamed_output: [],
                      final_output: "⚠ " + text, logs: {} };
        var body = "event: data\ndata: " + JSON.stringify({ ops: [{ op: "replace", path: "", value: state }] }) +
                   "\n\nevent: end\ndata: \n\n";
        return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
      });
    });
  };
})();
