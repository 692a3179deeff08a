// mazmun review page: no framework, no external assets. Every action is POSTed to the local
// server, which appends it to RUN/decisions.jsonl before answering with the coder's new state.
"use strict";

const $ = (sel) => document.querySelector(sel);
let state = null;          // the server's view for this coder
let selected = parseHash();  // {kind: "code" | "theme" | "unassigned" | "diff", id}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "on") Object.entries(value).forEach(([ev, fn]) => node.addEventListener(ev, fn));
    else if (key === "text") node.textContent = value;
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function parseHash() {
  const [kind, id] = decodeURIComponent(location.hash.slice(1)).split("=");
  return kind ? {kind, id: id || ""} : {kind: "", id: ""};
}

function select(kind, id = "") {
  selected = {kind, id};
  history.replaceState(null, "", `#${kind}=${encodeURIComponent(id)}`);
  render();
}

function say(text, error = false) {
  const box = $("#message");
  box.textContent = text;
  box.className = "show" + (error ? " error" : "");
  clearTimeout(say.timer);
  say.timer = setTimeout(() => { box.className = ""; }, error ? 8000 : 2500);
}

function coder() { return $("#coder").value.trim(); }

async function call(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({coder: coder(), ...body})};
  const response = await fetch(path, options);
  const data = await response.json();
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
}

async function load() {
  try {
    state = await call(`/api/state?coder=${encodeURIComponent(coder())}`);
    render();
  } catch (err) { say(err.message, true); }
}

async function act(action, fields, done = "Saved") {
  try {
    state = await call("/api/decision", {action, ...fields});
    say(done);
    render();
  } catch (err) { say(err.message, true); }
}

const codeById = (id) => state.codes.find((c) => c.id === id);
const themeById = (id) => state.themes.find((t) => t.id === id);

function render() {
  if (!state) return;
  $("#run").textContent = state.run;
  const accepted = state.codes.filter((c) => c.status === "accepted").length;
  $("#summary").textContent = `${state.codes.length} codes, ${accepted} accepted, ` +
    `${state.unassigned.length} unassigned units`;
  $("#show-diff").disabled = state.coders.filter((c) => c !== state.coder).length === 0;
  $("#unassigned-count").textContent = `(${state.unassigned.length})`;
  $("#show-unassigned").classList.toggle("selected", selected.kind === "unassigned");
  const coded = state.suggestions.length > 0 || state.codes.some((c) => c.origin === "the coders' coding");
  $("#show-suggestions").hidden = !coded;
  $("#suggestion-count").textContent = `(${state.suggestions.length})`;
  $("#show-suggestions").classList.toggle("selected", selected.kind === "suggestions");
  renderSidebar();
  const views = {code: renderCode, theme: renderTheme, unassigned: renderUnassigned, diff: renderDiff,
                 suggestions: renderSuggestions};
  const view = views[selected.kind];
  const detail = $("#detail");
  detail.replaceChildren(...(view ? view(selected.id) : [el("p", {class: "muted",
    text: "Choose a code on the left. Accept it, rename it, define it, merge, split or move it; " +
          "move its quotes. Every action is saved at once."})]));
  if (state.problems.length) {
    detail.append(el("details", {}, el("summary", {text: `${state.problems.length} decisions no longer apply`}),
      el("ul", {}, state.problems.map((p) => el("li", {text: p})))));
  }
}

function renderSidebar() {
  const themes = state.themes.map((t) => el("div", {class: "theme", "data-theme": t.id},
    el("button", {class: "item" + (selected.kind === "theme" && selected.id === t.id ? " selected" : ""),
                  type: "button", dir: "auto", on: {click: () => select("theme", t.id)}},
       `${t.id} ${t.label}`),
    el("div", {class: "codes"}, t.codes.map((id) => codeItem(codeById(id))))));
  $("#themes").replaceChildren(...themes);
}

function codeItem(c) {
  const chosen = selected.kind === "code" && selected.id === c.id;
  return el("button", {class: "item" + (chosen ? " selected" : ""), type: "button", "data-code": c.id,
                       on: {click: () => select("code", c.id)}},
    el("span", {dir: "auto", text: `${c.id} ${c.label}`}),
    el("span", {class: "badge", text: String(c.size)}),
    c.status === "accepted" ? el("span", {class: "badge accepted", text: "accepted"}) : null);
}

function field(id, label, value, button, onSave, multiline = false) {
  const input = multiline ? el("textarea", {id, dir: "auto"}) : el("input", {id, dir: "auto", size: 40});
  input.value = value;
  return el("div", {class: "row"}, el("label", {for: id, text: label}), input,
    el("button", {id: button, type: "button", on: {click: () => onSave(input.value)}}, "Save"));
}

function options(select, items, chosen) {
  for (const [value, text] of items) select.append(el("option", {value, selected: value === chosen ? "" : null, text}));
  return select;
}

function renderCode(id) {
  const c = codeById(id);
  if (!c) return [el("p", {class: "muted", text: `Code ${id} is gone (merged, split or rejected).`})];
  const theme = themeById(c.theme);
  const others = state.codes.filter((o) => o.id !== c.id);
  const mergeWith = options(el("select", {id: "merge-with", multiple: "", size: Math.min(6, others.length)}),
    others.map((o) => [o.id, `${o.id} ${o.label} (${o.size})`]));
  const moveTheme = options(el("select", {id: "move-theme"}),
    state.themes.map((t) => [t.id, `${t.id} ${t.label}`]), c.theme);
  const splitK = el("input", {id: "split-k", type: "number", min: 2, max: Math.max(2, Math.min(8, c.size)), value: 2});
  return [
    el("h2", {dir: "auto", "data-code-title": c.id}, `${c.id} ${c.label}`,
       el("span", {class: "badge" + (c.status === "accepted" ? " accepted" : ""), id: "status", text: c.status})),
    el("p", {class: "muted"}, "Theme ", el("bdi", {text: `${c.theme} ${theme ? theme.label : ""}`}),
       ` · ${c.size} units · ${c.participants} participants · from ${c.origin || "a coder"}`),
    c.keywords.length ? el("p", {dir: "auto"}, el("strong", {text: "Keywords: "}), c.keywords.join(", ")) : null,
    el("div", {class: "actions"},
      el("div", {class: "row"},
        el("button", {id: "accept", type: "button", disabled: c.status === "accepted" ? "" : null,
                      on: {click: () => act("accept", {code: c.id}, `${c.id} accepted`)}}, "Accept"),
        el("button", {id: "reject", type: "button", on: {click: () => {
          if (confirm(`Reject ${c.id}? Its ${c.size} units become unassigned.`)) act("reject", {code: c.id}, `${c.id} rejected`);
        }}}, "Reject")),
      field("rename-label", "Name", c.label, "rename", (v) => act("rename", {target: c.id, label: v}, "Renamed")),
      field("definition", "Definition (include / exclude)", c.definition, "define",
            (v) => act("define", {target: c.id, definition: v}, "Definition saved"), true),
      el("div", {class: "row"}, el("label", {for: "move-theme", text: "Theme"}), moveTheme,
        el("button", {id: "move-code", type: "button",
                      on: {click: () => act("move_code", {code: c.id, theme: moveTheme.value}, "Moved")}}, "Move")),
      el("div", {class: "row"}, el("label", {for: "merge-with", text: "Merge into this code"}), mergeWith,
        el("button", {id: "merge", type: "button", on: {click: () => {
          const chosen = [...mergeWith.selectedOptions].map((o) => o.value);
          if (!chosen.length) return say("Choose the codes to merge into this one", true);
          act("merge", {codes: [c.id, ...chosen], into: c.id}, `Merged ${chosen.join(", ")} into ${c.id}`);
        }}}, "Merge")),
      el("div", {class: "row"}, el("label", {for: "split-k", text: "Split into"}), splitK, "parts",
        el("button", {id: "split", type: "button", disabled: c.size < 2 ? "" : null, on: {click: () => split(c, splitK.value)}},
           "Split (re-cluster)"))),
    el("h3", {text: `Quotes (${c.size})`}),
    unitList(c.units, c.id)];
}

async function split(code, k) {
  try {
    say(`Splitting ${code.id} into ${k}…`);
    state = await call("/api/split", {code: code.id, k: Number(k)});
    say(`${code.id} split into ${k} codes`);
    select("code", `${code.id}.1`);
  } catch (err) { say(err.message, true); }
}

// A unit's file, speaker and place; the speaker isolated, so a Farsi name keeps the numbers in order.
const where = (u) => el("div", {class: "muted"}, `${u.file} · `, el("bdi", {text: u.speaker}), ` · ${u.start}–${u.end}`);

function unitList(ids, current) {
  const targets = [["", "uncoded"], ...state.codes.map((c) => [c.id, `${c.id} ${c.label}`])];
  return el("ul", {class: "units"}, ids.map((id) => {
    const u = state.units[id];
    const move = options(el("select", {class: "move-target", "aria-label": "Move to code"}), targets, current);
    const context = el("div", {class: "context", hidden: ""});
    return el("li", {class: "unit", "data-unit": id},
      where(u),
      el("blockquote", {dir: "auto", lang: u.lang || null, text: u.text}),
      el("div", {class: "row"},
        el("button", {type: "button", class: "show-context", on: {click: () => showContext(id, context)}}, "Surrounding turns"),
        move,
        el("button", {type: "button", class: "move-unit", on: {click: () =>
          act("move_unit", {unit: id, code: move.value}, move.value ? `Moved to ${move.value}` : "Marked uncoded")}},
          current ? "Move" : "Assign")),
      context);
  }));
}

async function showContext(id, box) {
  if (!box.hidden) { box.hidden = true; return; }
  try {
    const turns = await call(`/api/context?unit=${encodeURIComponent(id)}`);
    box.replaceChildren(...turns.map((t) => {
      const p = el("p", {dir: "auto"}, el("strong", {text: `${t.speaker}: `}));
      if (t.mark) p.append(t.text.slice(0, t.mark[0]), el("mark", {text: t.text.slice(t.mark[0], t.mark[1])}),
                           t.text.slice(t.mark[1]));
      else p.append(t.text);
      return p;
    }));
    box.hidden = false;
  } catch (err) { say(err.message, true); }
}

function renderTheme(id) {
  const t = themeById(id);
  if (!t) return [el("p", {class: "muted", text: `Theme ${id} is gone.`})];
  return [el("h2", {dir: "auto"}, `${t.id} ${t.label}`),
    el("div", {class: "actions"},
      field("rename-label", "Name", t.label, "rename", (v) => act("rename", {target: t.id, label: v}, "Renamed")),
      field("definition", "Definition", t.definition, "define",
            (v) => act("define", {target: t.id, definition: v}, "Definition saved"), true),
      el("form", {class: "row", on: {submit: (ev) => { ev.preventDefault();
        act("create_code", {label: $("#new-code").value, theme: t.id}, "Code created"); }}},
        el("input", {id: "new-code", placeholder: "new (empty) code in this theme", dir: "auto"}),
        el("button", {id: "create-code", type: "submit"}, "Create code"))),
    el("ul", {}, t.codes.map((cid) => { const c = codeById(cid);
      return el("li", {dir: "auto"}, `${c.id} ${c.label} — ${c.size} units, ${c.status}`); }))];
}

function renderUnassigned() {
  return [el("h2", {text: `Unassigned units (${state.unassigned.length})`}),
    el("p", {class: "muted", text: "Units no code took, and units of rejected codes. Assign one to a code, or leave it uncoded."}),
    unitList(state.unassigned, "")];
}

const SHOWN = 50;  // suggestions drawn at once; the rest follow as these are decided

function renderSuggestions() {
  const waiting = state.suggestions;
  const floor = el("input", {id: "min-confidence", type: "number", min: 0, max: 1, step: 0.05, value: 0.8});
  const above = (v) => waiting.filter((s) => s.confidence >= Number(v)).length;
  const bulk = el("button", {id: "accept-above", type: "button", on: {click: async () => {
    const n = above(floor.value);
    if (!n) return say("No suggestion is that confident", true);
    if (!confirm(`Accept ${n} suggestions with confidence ≥ ${floor.value}?`)) return;
    try {
      state = await call("/api/accept_suggestions", {min_confidence: Number(floor.value)});
      say(`${n} suggestions accepted`);
      render();
    } catch (err) { say(err.message, true); }
  }}}, "Accept all at or above");
  return [el("h2", {text: `Review next: ${waiting.length} suggestions of your codes`}),
    el("p", {class: "muted", text: "mazmun suggests your own codes for the units you have not coded, marking the part " +
      "of the unit that is like the talk you coded. The least confident come first, and the closest to two codes: " +
      "your answer there teaches the next run most. Accept a suggestion, give the unit " +
      "another code, or reject it (the unit stays uncoded). Every answer is saved as a decision; analyze " +
      "again with CODING=<this run> to learn from them."}),
    el("div", {class: "row"}, el("label", {for: "min-confidence", text: "Confidence at least"}), floor, bulk),
    el("ul", {class: "units", id: "suggestions"}, waiting.slice(0, SHOWN).map(suggestionItem))];
}

// The unit, with the part suggested marked when it is not all of it (offsets count code points).
function suggestedPart(u, span) {
  const quote = el("blockquote", {dir: "auto", lang: u.lang || null});
  const chars = Array.from(u.text);
  const [a, b] = [span[0] - u.start, span[1] - u.start];
  if (a <= 0 && b >= chars.length) quote.append(u.text);
  else quote.append(chars.slice(0, a).join(""), el("mark", {class: "suggested-part", text: chars.slice(a, b).join("")}),
                    chars.slice(b).join(""));
  return quote;
}

function suggestionItem(s) {
  const u = state.units[s.unit];
  const code = codeById(s.code);
  const theme = themeById(code.theme);
  const targets = [["", "uncoded"], ...state.codes.map((c) => [c.id, `${c.id} ${c.label}`])];
  const alternative = s.alternative && codeById(s.alternative);  // the code next closest
  const other = options(el("select", {class: "move-target", "aria-label": "Another code"}), targets,
                        alternative ? alternative.id : s.code);
  const evidence = s.evidence.map((id) => el("blockquote", {class: "evidence", dir: "auto",
    lang: state.units[id].lang || null, text: state.units[id].text}));
  return el("li", {class: "unit suggestion", "data-unit": s.unit},
    where(u),
    suggestedPart(u, s.span),
    el("p", {}, "Suggested: ", el("bdi", {class: "suggested-code", text: `${code.id} ${code.label}`}),
       theme ? el("span", {class: "muted"}, " in ", el("bdi", {text: theme.label})) : null,
       el("span", {class: "badge", text: `confidence ${s.confidence.toFixed(2)}`})),
    alternative ? el("p", {class: "muted alternative"}, "Next closest: ",
                     el("bdi", {text: `${alternative.id} ${alternative.label}`})) : null,
    evidence.length ? el("details", {}, el("summary", {text: "Like your units"}), evidence) : null,
    el("div", {class: "row"},
      el("button", {type: "button", class: "accept-suggestion", on: {click: () =>
        act("move_unit", {unit: s.unit, code: s.code}, `Coded ${code.id}`)}}, "Accept"),
      other,
      el("button", {type: "button", class: "correct-suggestion", on: {click: () =>
        act("move_unit", {unit: s.unit, code: other.value}, other.value ? `Coded ${other.value}` : "Left uncoded")}},
        "Code as"),
      el("button", {type: "button", class: "reject-suggestion", on: {click: () =>
        act("move_unit", {unit: s.unit, code: ""}, "Rejected: left uncoded")}}, "Reject")));
}

function renderDiff(other) {
  const coders = state.coders.filter((c) => c !== state.coder);
  const pick = options(el("select", {id: "other-coder"}), coders.map((c) => [c, c]), other);
  pick.addEventListener("change", () => select("diff", pick.value));
  const out = [el("h2", {text: "Where two coders differ"}), el("div", {class: "row"},
    el("label", {for: "other-coder", text: `${state.coder} compared with`}), pick)];
  const box = el("div", {id: "diff"});
  out.push(box);
  if (!other && coders.length) { setTimeout(() => select("diff", coders[0])); return out; }
  call(`/api/diff?coder=${encodeURIComponent(coder())}&other=${encodeURIComponent(other)}`).then((d) => {
    box.replaceChildren(
      el("p", {id: "agreement"}, `Units coded alike: ${(100 * d.agreement).toFixed(1)}% · ` +
         `${d.units.length} units and ${d.codes.length} codes differ`),
      el("h3", {text: "Codes"}),
      table(["code", state.coder, other], d.codes.map((c) => [c.code, `${c.mine} ${c.mine_label}`, `${c.theirs} ${c.theirs_label}`])),
      el("h3", {text: "Units"}),
      table(["quote", state.coder, other], d.units.map((u) => [state.units[u.unit].text, u.mine || "uncoded", u.theirs || "uncoded"])));
  }).catch((err) => say(err.message, true));
  return out;
}

function table(head, rows) {
  return el("table", {}, el("tr", {}, head.map((h) => el("th", {text: h}))),
    rows.map((r) => el("tr", {}, r.map((cell) => el("td", {dir: "auto", text: cell})))));
}

$("#coder-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  if (!coder()) return;
  localStorage.setItem("mazmun-coder", coder());
  load();
});
$("#show-unassigned").addEventListener("click", () => select("unassigned"));
$("#show-suggestions").addEventListener("click", () => select("suggestions"));
$("#show-diff").addEventListener("click", () => select("diff"));
$("#theme-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  act("create_theme", {label: $("#new-theme").value}, "Theme created").then(() => { $("#new-theme").value = ""; });
});
$("#coder").value = localStorage.getItem("mazmun-coder") || "";
if (coder()) load();
