// groovegraph's page: analyse a file, browse the library, hear mixes. Plain JS, no build.
"use strict";
(function () {
  const KEY = "groovegraph.apiKey";
  const $ = (sel) => document.querySelector(sel);
  const keyField = $("#api-key");
  const errorBox = $("#error");
  let rows = [];
  let sort = { field: null, dir: 1 };
  const objectUrls = new Map();

  try { keyField.value = localStorage.getItem(KEY) || ""; } catch (e) { /* storage off */ }
  keyField.addEventListener("change", () => {
    const v = keyField.value.trim();
    try { v ? localStorage.setItem(KEY, v) : localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
    showError("");
    loadLibrary();
    resetChat();
  });

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
  }

  function headers(extra) {
    const h = new Headers(extra || {});
    const k = keyField.value.trim();
    if (k) h.set("X-API-Key", k);
    return h;
  }

  // Every call: the API's error message in words, or a plain one for network trouble.
  async function api(path, options) {
    options = options || {};
    let response;
    try {
      response = await fetch(path, Object.assign({}, options, { headers: headers(options.headers) }));
    } catch (err) {
      throw new Error("The server cannot be reached (" + err.message + ").");
    }
    if (!response.ok) {
      let message = "HTTP " + response.status + " " + response.statusText;
      try {
        const body = await response.json();
        if (body && body.error && body.error.message) message = body.error.message;
      } catch (e) { /* not JSON */ }
      if (response.status === 401) message += " — enter your API key at the top.";
      if (response.status === 429) message += " — wait a moment and try again.";
      const err = new Error(message);
      err.status = response.status;
      throw err;
    }
    return response;
  }

  function blobUrl(slot, blob) {
    if (objectUrls.has(slot)) URL.revokeObjectURL(objectUrls.get(slot));
    const url = URL.createObjectURL(blob);
    objectUrls.set(slot, url);
    return url;
  }

  function fmt(value, digits, unit) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "number") return value.toFixed(digits) + (unit || "");
    return String(value);
  }

  function displayName(hit) {
    const src = hit.tags && hit.tags.source;
    if (src && src.indexOf("upload:") === 0) return src.slice(7);
    return (hit.path || hit.filename || hit.sample_id || "").split("/").pop();
  }

  // ------------------------------------------------------------------ analyse a file
  const drop = $("#drop");
  const fileInput = $("#file");
  ["dragenter", "dragover"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => drop.addEventListener(t, (e) => { e.preventDefault(); drop.classList.remove("over"); }));
  drop.addEventListener("drop", (e) => { if (e.dataTransfer.files.length) upload(e.dataTransfer.files[0]); });
  fileInput.addEventListener("change", () => { if (fileInput.files.length) upload(fileInput.files[0]); });

  let current = null;

  async function upload(file) {
    showError("");
    $("#status").textContent = "Uploading and analysing " + file.name + "…";
    const form = new FormData();
    form.append("file", file, file.name);
    try {
      const response = await api("/v1/samples", { method: "POST", body: form });
      const sample = await response.json();
      current = sample;
      $("#status").textContent = "";
      showSample(sample, file.name);
      loadLibrary();
    } catch (err) {
      $("#status").textContent = "";
      showError(file.name + ": " + err.message);
    }
  }

  function showSample(sample, name) {
    const a = sample.analysis || {};
    $("#result").hidden = false;
    $("#result-name").textContent = name || sample.filename || sample.id;
    const numbers = [
      ["kind", a.kind === "one_shot" ? "one-shot" : a.kind],
      ["instrument", a.instrument],
      ["tempo", fmt(a.tempo_bpm, 1, " BPM")],
      ["tempo confidence", fmt(a.tempo_confidence, 2)],
      ["meter", a.meter ? a.meter + "/4" : "—"],
      ["beats", a.beats_s ? String(a.beats_s.length) : "—"],
      ["swing", a.swing_percent == null ? "—" : fmt(a.swing_percent, 1, "%") + " (" + (a.swing_subdivision || 8) + "ths)"],
      ["backbeat", fmt(a.backbeat_lag_ms, 1, " ms")],
      ["timing spread", fmt(a.timing_deviation_ms, 1, " ms")],
      ["key", a.key || "none (drums only)"],
      ["Camelot", a.camelot],
      ["key confidence", a.key ? fmt(a.key_confidence, 2) : "—"],
      ["runner-up", a.key_runner_up],
      ["root note", a.root_note],
      ["duration", fmt(a.duration_s, 2, " s")],
      ["level", fmt(a.rms_db, 1, " dBFS")],
    ];
    const dl = $("#numbers");
    dl.replaceChildren();
    for (const [k, v] of numbers) {
      if (v === null || v === undefined) continue;
      const div = document.createElement("div");
      const dt = document.createElement("dt"); dt.textContent = k;
      const dd = document.createElement("dd"); dd.textContent = v;
      div.append(dt, dd); dl.append(div);
    }
    $("#player").removeAttribute("src");
    $("#play-click").disabled = !(a.beats_s && a.beats_s.length);
    loadPlots(sample.id, a);
  }

  async function loadPlots(id, a) {
    const loop = !!(a.beats_s && a.beats_s.length);
    const base = "/v1/samples/" + encodeURIComponent(id) + "/plot";
    const gridBox = $("#plot-grid .svg");
    gridBox.replaceChildren();
    const jobs = [
      api(base + "?kind=grid&format=svg").then((r) => r.text()).then((svg) => {
        // Our own server's matplotlib SVG: inlined so it scales and its beats are addressable.
        const doc = new DOMParser().parseFromString(svg, "image/svg+xml");
        gridBox.replaceChildren(document.importNode(doc.documentElement, true));
      }),
    ];
    for (const kind of ["pocket", "swing", "key"]) {
      const fig = $("#plot-" + kind);
      const img = fig.querySelector("img");
      img.removeAttribute("src");
      // a loop without drum hits has no pocket (its backbeat lag and timing spread are null)
      const noPocket = kind === "pocket" && a.backbeat_lag_ms == null && a.timing_deviation_ms == null;
      fig.hidden = (kind !== "key" && !loop) || noPocket;
      if (fig.hidden) continue;
      jobs.push(api(base + "?kind=" + kind + "&format=svg").then((r) => r.blob()).then((b) => { img.src = blobUrl("plot-" + kind, b); }));
    }
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r) => r.status === "rejected");
    if (failed) showError("Plot: " + failed.reason.message);
  }

  $("#play-click").addEventListener("click", async () => {
    if (!current) return;
    await play($("#player"), "/v1/samples/" + encodeURIComponent(current.id) + "/audio?click=true", "click");
  });

  async function play(player, path, slot, options) {
    showError("");
    try {
      const response = await api(path, options);
      player.src = blobUrl(slot, await response.blob());
      await player.play().catch(() => { /* autoplay refused: the controls are there */ });
      return response;
    } catch (err) {
      showError(err.message);
      return null;
    }
  }

  // ------------------------------------------------------------------------ library
  $("#filters").addEventListener("submit", (e) => { e.preventDefault(); loadLibrary(); });

  // Only the latest library request may draw the table: an earlier, slower answer (the
  // refresh after an upload, say) must not overwrite the one for the filters now shown.
  let librarySeq = 0;

  async function loadLibrary() {
    const seq = ++librarySeq;
    const params = new URLSearchParams();
    for (const [k, v] of new FormData($("#filters"))) if (String(v).trim()) params.set(k, String(v).trim());
    try {
      const response = await api("/v1/samples?" + params.toString());
      const body = await response.json();
      const hits = body.hits || [];
      if (seq !== librarySeq) return;
      rows = hits;
      renderTable();
      // Right after a first start the demo library is still being indexed: say so, and
      // list again in a few seconds until it is whole.
      const note = $("#library-note");
      note.textContent = body.note ? body.note[0].toUpperCase() + body.note.slice(1) + "." : "";
      note.hidden = !body.note;
      if (body.note) setTimeout(() => { if (seq === librarySeq) loadLibrary(); }, 3000);
    } catch (err) {
      if (seq !== librarySeq) return;
      rows = [];
      renderTable();
      showError("Library: " + err.message);
    }
  }

  function cell(text, cls) {
    const td = document.createElement("td");
    td.textContent = text;
    if (cls) td.className = cls;
    return td;
  }

  function value(hit, field) {
    if (field === "name") return displayName(hit).toLowerCase();
    if (field === "genre" || field === "era") return (hit.tags && hit.tags[field]) || "";
    const v = hit[field];
    return v === null || v === undefined ? "" : v;
  }

  function renderTable() {
    let list = rows.slice();
    if (sort.field) {
      list.sort((x, y) => {
        const a = value(x, sort.field), b = value(y, sort.field);
        if (a === b) return 0;
        if (a === "") return 1;
        if (b === "") return -1;
        return (a < b ? -1 : 1) * sort.dir;
      });
    }
    const body = $("#samples tbody");
    body.replaceChildren();
    for (const hit of list) {
      const tr = document.createElement("tr");
      tr.dataset.id = hit.sample_id;
      const tick = document.createElement("td");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.className = "pick";
      box.value = hit.sample_id;
      box.setAttribute("aria-label", "pick " + displayName(hit) + " for a mix");
      box.addEventListener("change", updateMix);
      tick.append(box);
      const playTd = document.createElement("td");
      const btn = document.createElement("button");
      btn.type = "button";
      btn.textContent = "▶";
      btn.title = "play with click";
      btn.addEventListener("click", () => playHit(hit));
      playTd.append(btn);
      tr.append(
        tick,
        cell(displayName(hit)),
        cell(fmt(hit.tempo_bpm, 1), "num"),
        cell(hit.key || (hit.root_note ? "root " + hit.root_note : "—")),
        cell(hit.camelot || "—"),
        cell(fmt(hit.swing_percent, 1, "%"), "num"),
        cell(hit.kind === "one_shot" ? "one-shot" : (hit.kind || "—")),
        cell(hit.instrument || "—"),
        cell((hit.tags && hit.tags.genre) || "—"),
        cell((hit.tags && hit.tags.era) || "—"),
        playTd,
      );
      body.append(tr);
    }
    $("#count").textContent = list.length + (list.length === 1 ? " sample" : " samples");
    updateMix();
    renderMap();
  }

  // A library sample: heard (with the click on its beats when it is a loop) and shown above.
  // Shown first, then played: showing a sample clears the player, so a sample whose
  // numbers arrived after its audio (a busy server) was shown with no sound at all.
  function playHit(hit) {
    const loop = hit.kind !== "one_shot" && hit.tempo_bpm;
    api("/v1/samples/" + encodeURIComponent(hit.sample_id))
      .then((r) => r.json())
      .then((s) => { current = s; showSample(s, displayName(hit)); })
      .catch((e) => showError(e.message))
      .finally(() => play($("#player"), "/v1/samples/" + encodeURIComponent(hit.sample_id) + "/audio" + (loop ? "?click=true" : ""), "click"));
  }

  // ------------------------------------------------------------------------ the map
  const SVG_NS = "http://www.w3.org/2000/svg";

  // Camelot number → hue around the wheel (neighbours that mix get neighbouring
  // colours); minor (A) darker than major (B); no key (drums) grey.
  function keyColour(code) {
    const m = /^(\d{1,2})([AB])$/.exec(code || "");
    if (!m) return "#9aa3af";
    return "hsl(" + ((Number(m[1]) - 1) * 30) + ", 70%, " + (m[2] === "A" ? "40%" : "62%") + ")";
  }

  function svgEl(name, attrs, text) {
    const el = document.createElementNS(SVG_NS, name);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function span(values, minWidth, step) {
    let lo = Math.min(...values), hi = Math.max(...values);
    if (hi - lo < minWidth) { const mid = (lo + hi) / 2; lo = mid - minWidth / 2; hi = mid + minWidth / 2; }
    return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
  }

  function renderMap() {
    const svg = $("#map-svg");
    svg.replaceChildren();
    const points = rows.filter((h) => typeof h.tempo_bpm === "number" && typeof h.swing_percent === "number");
    const off = rows.length - points.length;
    $("#map-note").textContent = (points.length ? "" : "No loops to place. ") +
      (off ? off + (off === 1 ? " sample has" : " samples have") + " no tempo or swing (one-shots) and is not on the map." : "");
    const legend = $("#map-legend");
    legend.replaceChildren();
    if (!points.length) return;
    // Drawn at the size it is shown, so text and points keep their size on a phone.
    const W = Math.max(300, Math.round(svg.getBoundingClientRect().width || 640));
    const H = Math.round(Math.max(220, Math.min(360, W * 0.55)));
    const L = 44, R = 12, T = 10, B = 40;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    const [x0, x1] = span(points.map((h) => h.tempo_bpm), 20, 5);
    const [y0, y1] = span(points.map((h) => h.swing_percent).concat([50]), 10, 2);
    const X = (v) => L + (v - x0) / (x1 - x0) * (W - L - R);
    const Y = (v) => H - B - (v - y0) / (y1 - y0) * (H - T - B);
    const xStep = [5, 10, 20, 50].find((st) => (x1 - x0) / st <= W / 80) || 50;  // a tick per ≥ 80 px
    for (let v = x0; v <= x1 + 1e-9; v += xStep) {
      svg.append(svgEl("line", { class: "grid", x1: X(v), x2: X(v), y1: T, y2: H - B }));
      svg.append(svgEl("text", { x: X(v), y: H - B + 16, "text-anchor": "middle" }, String(v)));
    }
    const yStep = (y1 - y0) > 16 ? 4 : 2;
    for (let v = y0; v <= y1 + 1e-9; v += yStep) {
      svg.append(svgEl("line", { class: "grid", x1: L, x2: W - R, y1: Y(v), y2: Y(v) }));
      svg.append(svgEl("text", { x: L - 6, y: Y(v) + 4, "text-anchor": "end" }, String(v)));
    }
    svg.append(svgEl("line", { class: "axis", x1: L, x2: W - R, y1: H - B, y2: H - B }));
    svg.append(svgEl("line", { class: "axis", x1: L, x2: L, y1: T, y2: H - B }));
    svg.append(svgEl("text", { x: (L + W - R) / 2, y: H - 6, "text-anchor": "middle" }, "tempo (BPM)"));
    svg.append(svgEl("text", { x: 14, y: (T + H - B) / 2, "text-anchor": "middle", transform: "rotate(-90 14 " + (T + H - B) / 2 + ")" }, "swing (%)"));
    for (const hit of points) {
      const dot = svgEl("circle", {
        class: "pt", r: 7, cx: X(hit.tempo_bpm).toFixed(1), cy: Y(hit.swing_percent).toFixed(1),
        fill: keyColour(hit.camelot), "data-id": hit.sample_id, tabindex: 0, role: "button",
      });
      dot.append(svgEl("title", {}, displayName(hit) + " · " + fmt(hit.tempo_bpm, 1, " BPM") + " · swing " +
        fmt(hit.swing_percent, 1, "%") + " · " + (hit.key ? hit.key + " (" + hit.camelot + ")" : "no key")));
      const go = () => {
        svg.querySelectorAll(".pt.playing").forEach((p) => p.classList.remove("playing"));
        dot.classList.add("playing");
        playHit(hit);
      };
      dot.addEventListener("click", go);
      dot.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
      svg.append(dot);
    }
    const keys = new Map();
    for (const hit of points) keys.set(hit.camelot || "", hit.key ? hit.key + " (" + hit.camelot + ")" : "no key");
    for (const [code, name] of [...keys].sort((a, b) => parseInt(a[0] || "99", 10) - parseInt(b[0] || "99", 10) || a[0].localeCompare(b[0]))) {
      const item = document.createElement("li");
      const dot = document.createElement("span");
      dot.className = "swatch";
      dot.style.background = keyColour(code);
      item.append(dot, document.createTextNode(name));
      legend.append(item);
    }
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(renderMap, 150); });

  document.querySelectorAll("th[data-sort]").forEach((th) => {
    th.addEventListener("click", () => {
      const field = th.dataset.sort;
      sort = { field, dir: sort.field === field ? -sort.dir : 1 };
      document.querySelectorAll("th[data-sort]").forEach((o) => o.classList.remove("asc", "desc"));
      th.classList.add(sort.dir > 0 ? "asc" : "desc");
      renderTable();
    });
  });

  // ---------------------------------------------------------------------------- mix
  function picked() {
    return Array.from(document.querySelectorAll("input.pick:checked")).map((b) => b.value);
  }
  function updateMix() {
    $("#mix-button").disabled = picked().length !== 2;
  }
  $("#mix-button").addEventListener("click", async () => {
    const [a, b] = picked();
    $("#mix-plan").textContent = "Rendering…";
    const response = await play($("#mix-player"), "/v1/mix-preview", "mix", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ a, b, seconds: 20 }),
    });
    if (!response) { $("#mix-plan").textContent = ""; return; }
    try {
      const plan = JSON.parse(response.headers.get("X-Mix-Plan") || "{}");
      const after = plan.after || {};
      const rel = (r) => r.replace("_", " ");
      const parts = ["verdict as it is: " + plan.verdict + " (" + fmt(plan.score, 2) + ")" +
        (plan.key_relation ? ", keys " + rel(plan.key_relation) : ""),
        "B stretched ×" + fmt(plan.stretch_rate, 3) + " (" + plan.tempo_relation + ")"];
      if (plan.semitones) parts.push("B shifted " + (plan.semitones > 0 ? "+" : "") + plan.semitones + " semitones");
      if (after.verdict) parts.push("verdict after: " + after.verdict + " (" + fmt(after.score, 2) + ")" +
        (after.key_relation ? ", keys " + rel(after.key_relation) : ""));
      $("#mix-plan").textContent = parts.join(" · ");
    } catch (e) { $("#mix-plan").textContent = ""; }
  });

  // --------------------------------------------------------------------------- chat
  const THREAD = "groovegraph.threadId";
  const chatLog = $("#chat-log");
  let threadId = null;
  let running = false;
  let waiting = false;  // the thread is paused on a question: the next message answers it
  try { threadId = localStorage.getItem(THREAD); } catch (e) { /* storage off */ }

  function setThread(id) {
    threadId = id;
    try { id ? localStorage.setItem(THREAD, id) : localStorage.removeItem(THREAD); } catch (e) { /* ignore */ }
    document.querySelectorAll("#threads button").forEach((b) => b.setAttribute("aria-current", String(b.dataset.id === id)));
  }

  function textOf(content) {
    if (typeof content === "string") return content;
    if (Array.isArray(content)) return content.map((c) => (typeof c === "string" ? c : c.text || "")).join("");
    return "";
  }

  function bubble(cls, text, who) {
    const li = document.createElement("li");
    li.className = cls;
    if (who) {
      const tag = document.createElement("span");
      tag.className = "who";
      tag.textContent = who;
      li.append(tag);
    }
    const body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    li.append(body);
    chatLog.append(li);
    chatLog.scrollTop = chatLog.scrollHeight;
    return li;
  }

  // The plots an answer shows, fetched with the key (an <img src> could not send it).
  function showPlots(li, plots) {
    if (!plots || !plots.length) return;
    const box = document.createElement("div");
    box.className = "chat-plots";
    for (const plot of plots) {
      const fig = document.createElement("figure");
      fig.dataset.url = plot.url;
      fig.dataset.kind = plot.kind;
      const img = document.createElement("img");
      img.alt = plot.kind + " plot of " + plot.label;
      const cap = document.createElement("figcaption");
      cap.textContent = plot.kind + " · " + plot.label;
      fig.append(img, cap);
      box.append(fig);
      api(plot.url).then((r) => r.blob()).then((b) => { img.src = blobUrl("chat " + plot.url, b); })
        .catch((err) => { cap.textContent = plot.kind + " · " + plot.label + " — " + err.message; });
    }
    li.append(box);
  }

  function resetChat() {
    chatLog.replaceChildren();
    setThread(null);
    loadThreads();
  }

  async function loadThreads() {
    try {
      const list = (await (await api("/v1/threads?limit=50")).json()).threads || [];
      const ul = $("#threads");
      ul.replaceChildren();
      for (const t of list) {
        const li = document.createElement("li");
        const b = document.createElement("button");
        b.type = "button";
        b.dataset.id = t.thread_id;
        b.textContent = t.title || "thread " + t.thread_id.slice(0, 8);
        b.title = (t.title || t.thread_id) + " · " + new Date(t.updated_at * 1000).toLocaleString();
        b.setAttribute("aria-current", String(t.thread_id === threadId));
        b.addEventListener("click", () => openThread(t.thread_id));
        li.append(b);
        ul.append(li);
      }
    } catch (err) {
      showError("Threads: " + err.message);
    }
  }

  async function openThread(id) {
    if (running) return;
    chatLog.replaceChildren();
    waiting = false;
    setThread(id);
    let state;
    try {
      state = await (await api("/v1/threads/" + encodeURIComponent(id))).json();
    } catch (err) {
      if (err.status === 404) { setThread(null); return; }  // gone, or another key's
      bubble("error", "Could not open the thread: " + err.message);
      return;
    }
    waiting = (state.interrupts || []).length > 0;
    const shown = (state.messages || []).filter((m) => m.type === "human" ||
      (m.type === "ai" && !(m.tool_calls && m.tool_calls.length) && textOf(m.content).trim()));
    shown.forEach((m, i) => {
      if (m.type === "human") { bubble("human", textOf(m.content)); return; }
      // A turn's answer is its last AI message; the others are its specialists' notes.
      const last = i === shown.length - 1 || shown[i + 1].type === "human";
      const li = bubble(last ? "ai" : "ai step", textOf(m.content), m.name || "agent");
      if (last) showPlots(li, m.plots);
    });
  }

  // text/event-stream from a POST (EventSource only does GET): events split on blank lines.
  async function readEvents(response, onEvent) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = (buffer + decoder.decode(value, { stream: true })).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let event = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) event = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length) onEvent(event, JSON.parse(data.join("\n")));
      }
    }
  }

  $("#new-thread").addEventListener("click", () => { if (!running) { chatLog.replaceChildren(); setThread(null); waiting = false; } });

  $("#chat-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $("#chat-input");
    const text = input.value.trim();
    if (!text || running) return;
    running = true;
    $("#chat-send").disabled = true;
    showError("");
    const turn = [];
    const live = {};
    try {
      if (!threadId) setThread((await (await api("/v1/threads", { method: "POST" })).json()).thread_id);
      bubble("human", text);
      input.value = "";
      const body = waiting ? { resume: text } : { message: text };
      if (!waiting && $("#chat-attach").checked && current) body.samples = [current.id];
      waiting = false;
      const response = await api("/v1/threads/" + encodeURIComponent(threadId) + "/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(body),
      });
      await readEvents(response, (event, data) => {
        if (event === "route" && data.specialists && data.specialists.length) {
          bubble("route", "→ " + data.specialists.join(", "));
        } else if (event === "token") {
          const node = data.node || "agent";
          if (!live[node]) live[node] = bubble("ai", "", node);
          live[node].querySelector(".text").textContent += data.text;
        } else if (event === "step") {
          // a specialist's findings in a turn answered from several: shown as a step
          const node = data.node || data.name;
          const li = live[node] || bubble("ai", "", data.name || "agent");
          delete live[node];
          li.querySelector(".text").textContent = textOf(data.content);
          li.classList.add("step");
        } else if (event === "message") {
          // the turn's one answer
          const node = data.node || data.name;
          const li = live[node] || bubble("ai", "", data.name || "agent");
          delete live[node];
          li.querySelector(".text").textContent = textOf(data.content);
          turn.push([li, data]);
        } else if (event === "interrupt") {
          const v = data.value || {};
          bubble("ai", v.question || JSON.stringify(v), "question");
          waiting = true;
        } else if (event === "error") {
          bubble("error", "Error: " + data.message);
        } else if (event === "end") {
          // The turn's answer (its one message) shows the plots.
          if (turn.length) showPlots(turn[turn.length - 1][0], turn[turn.length - 1][1].plots);
        }
      });
    } catch (err) {
      bubble("error", "Error: " + err.message);
    } finally {
      running = false;
      $("#chat-send").disabled = false;
      loadThreads();
    }
  });

  loadLibrary();
  loadThreads();
  if (threadId) openThread(threadId);
})();
