"use strict";
// report.html: draws the map from the page's own data, filters by code, lists every quote of a
// code on demand. It requests nothing: everything it shows is in the page.
(() => {
  const data = JSON.parse(document.getElementById("data").textContent);
  const svg = document.getElementById("map");
  const tip = document.getElementById("tip");
  const SVG = "http://www.w3.org/2000/svg";
  const [W, H, M] = [1000, 640, 16];
  const colourOf = (code) => (code && data.codes[code] ? data.codes[code].colour : "#aaa");
  const labelOf = (code) => (data.codes[code] ? data.codes[code].label : "");
  const cite = (u) => `— ${u[1]}, ${u[2]}${u[3] ? ", " + u[3] : ""}`;

  document.querySelectorAll("[data-code] .swatch").forEach((s) => {
    s.style.background = colourOf(s.closest("[data-code]").dataset.code);
  });

  if (svg) drawMap();

  function drawMap() {
    const dots = document.createDocumentFragment();
    data.units.forEach((u, i) => {
      const dot = document.createElementNS(SVG, "circle");
      dot.setAttribute("cx", (M + u[6] * (W - 2 * M)).toFixed(1));
      dot.setAttribute("cy", (M + (1 - u[7]) * (H - 2 * M)).toFixed(1));
      dot.setAttribute("r", u[5] ? "5" : "3.5");
      dot.setAttribute("fill", colourOf(u[5]));
      dot.dataset.i = String(i);
      dot.dataset.code = u[5];
      if (!u[5]) dot.classList.add("unassigned");
      dots.appendChild(dot);
    });
    svg.appendChild(dots);

    svg.addEventListener("mousemove", (event) => {
      const dot = event.target.closest("circle");
      if (!dot) { tip.hidden = true; return; }
      const u = data.units[Number(dot.dataset.i)];
      const code = u[5] ? `${u[5]} · ${labelOf(u[5])}\n` : "unassigned\n";
      tip.textContent = `${code}${u[4].length > 300 ? u[4].slice(0, 300) + " …" : u[4]}\n${cite(u)}`;
      tip.dir = "auto";
      tip.style.left = `${Math.min(event.clientX + 12, window.innerWidth - 360)}px`;
      tip.style.top = `${event.clientY + 12}px`;
      tip.hidden = false;
    });
    svg.addEventListener("mouseleave", () => { tip.hidden = true; });
    svg.addEventListener("click", (event) => {
      const dot = event.target.closest("circle");
      if (dot && dot.dataset.code) show(dot.dataset.code);
    });
  }

  function show(code) {
    const other = (el) => Boolean(code) && el.dataset.code !== code;
    document.querySelectorAll("article.code, #matrix tbody tr, #stability-table tbody tr").forEach((el) => { el.hidden = other(el); });
    document.querySelectorAll("section.theme").forEach((t) => {
      t.hidden = Boolean(code) && ![...t.querySelectorAll("article.code")].some((a) => !a.hidden);
    });
    document.querySelectorAll("#map circle").forEach((dot) => dot.classList.toggle("faded", other(dot)));
    document.querySelectorAll("#sidebar [data-code]").forEach((b) => b.classList.toggle("selected", b.dataset.code === code));
    document.getElementById("filter").textContent = code ? `showing ${code} · ${labelOf(code)}` : "";
  }
  document.querySelectorAll("#sidebar [data-code]").forEach((b) => b.addEventListener("click", () => show(b.dataset.code)));
  document.getElementById("show-all").addEventListener("click", () => show(""));

  document.querySelectorAll("details.all").forEach((details) => details.addEventListener("toggle", () => {
    const box = details.querySelector("div");
    if (!details.open || box.childElementCount) return;
    const code = details.closest("article").dataset.code;
    data.units.filter((u) => u[5] === code).forEach((u) => {
      const quote = document.createElement("blockquote");
      quote.dir = "auto";
      quote.textContent = u[4];
      const who = document.createElement("p");
      who.className = "cite";
      who.textContent = cite(u);
      box.append(quote, who);
    });
  }));
})();
