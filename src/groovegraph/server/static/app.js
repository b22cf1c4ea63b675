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
      fig.hidden = kind !== "key" && !loop;
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
      const hits = (await response.json()).hits || [];
      if (seq !== librarySeq) return;
      rows = hits;
      renderTable();
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
      btn.addEventListener("click", () => {
        const loop = hit.kind !== "one_shot" && hit.tempo_bpm;
        play($("#player"), "/v1/samples/" + encodeURIComponent(hit.sample_id) + "/audio" + (loop ? "?click=true" : ""), "click");
        api("/v1/samples/" + encodeURIComponent(hit.sample_id)).then((r) => r.json()).then((s) => { current = s; showSample(s, displayName(hit)); }).catch((e) => showError(e.message));
      });
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
  }

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
      const parts = ["verdict: " + plan.verdict + " (" + fmt(plan.score, 2) + ")",
        "B stretched ×" + fmt(plan.stretch_rate, 3) + " (" + plan.tempo_relation + ")"];
      if (plan.semitones) parts.push("B shifted " + (plan.semitones > 0 ? "+" : "") + plan.semitones + " semitones");
      if (plan.key_relation) parts.push("keys: " + plan.key_relation.replace("_", " "));
      $("#mix-plan").textContent = parts.join(" · ");
    } catch (e) { $("#mix-plan").textContent = ""; }
  });

  loadLibrary();
})();
