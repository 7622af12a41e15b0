"""The fixed CSS and JavaScript of `--format html` (html.py), kept apart so the reporter reads
as structure. Both are constants: no data ever goes into them, so the page's only script and
style are these, and the Content-Security-Policy allows nothing else to load.

The script only shows and hides what the page already holds. It reads the filter state from
the URL fragment (`#sev=error,warning&code=retracted&q=lancet`) and writes it back there, so
a filtered view can be linked to, and it needs no network: no fetch, no module, no eval.
"""

from __future__ import annotations

CSS = """
:root{--ok:#1a7f37;--info:#0969da;--warning:#9a6700;--error:#cf222e;--unverified:#6e7781;
--uncited:#8250df;--line:#d0d7de;--soft:#f6f8fa;--ink:#1f2328}
*{box-sizing:border-box}
body{margin:0 auto;max-width:78rem;padding:1rem 1.5rem 3rem;color:var(--ink);
font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",sans-serif}
h1{font-size:1.6rem;margin:.2rem 0 .6rem}h2{font-size:1.25rem;margin:2rem 0 .6rem;
border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin:0 0 .4rem}
table{border-collapse:collapse;width:100%;margin:.4rem 0}
th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
.gate{border-left:.4rem solid;padding:.5rem .8rem;background:var(--soft);font-weight:600}
.gate.pass{border-color:var(--ok)}.gate.fail{border-color:var(--error)}
.gate.incomplete{border-color:var(--warning)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.6rem 0}
dl.facts dt{font-weight:600}dl.facts dd{margin:0}
.badge{display:inline-block;padding:0 .45rem;border-radius:1rem;color:#fff;font-size:.85em;
font-weight:600;white-space:nowrap}
.ok,.supported,.clean{background:var(--ok)}.info{background:var(--info)}
.warning,.weakened{background:var(--warning)}.error,.unsupported{background:var(--error)}
.unverified{background:var(--unverified)}.uncited{background:var(--uncited)}
.none{background:var(--unverified)}
svg.bar{width:100%;height:1.6rem;display:block;border:1px solid var(--line)}
svg.bar rect.ok,svg.bar rect.supported{fill:var(--ok)}svg.bar rect.info{fill:var(--info)}
svg.bar rect.warning,svg.bar rect.weakened{fill:var(--warning)}
svg.bar rect.error,svg.bar rect.unsupported{fill:var(--error)}
svg.bar rect.unverified{fill:var(--unverified)}svg.bar rect.uncited{fill:var(--uncited)}
ul.legend{list-style:none;padding:0;margin:.3rem 0 1rem;display:flex;flex-wrap:wrap;gap:.3rem}
.matrix{overflow-x:auto}.matrix table{width:auto}
.matrix td,.matrix th{padding:.1rem .3rem;text-align:center;min-width:1.6rem}
.matrix thead th{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500}
.matrix td.cite{color:#fff;font-weight:700}
.matrix td.ok{background:var(--ok)}.matrix td.info{background:var(--info)}
.matrix td.warning{background:var(--warning)}.matrix td.error{background:var(--error)}
.matrix td.unverified{background:var(--unverified)}.matrix td.empty{background:#fff}
.matrix td.weak{opacity:.4}
form#filters{display:none;position:sticky;top:0;z-index:1;background:#fff;padding:.5rem 0;
border-bottom:1px solid var(--line);gap:.4rem 1rem;flex-wrap:wrap;align-items:center}
.js form#filters{display:flex}
fieldset{border:0;margin:0;padding:0;display:flex;gap:.6rem;align-items:center}
legend{float:left;font-weight:600;margin-right:.4rem}
input[type=search]{min-width:16rem;padding:.2rem .4rem}
output{color:#57606a;font-size:.9em}
article.item{border:1px solid var(--line);border-radius:.4rem;padding:.7rem .9rem;
margin:.7rem 0}
.text{white-space:pre-line;margin:.3rem 0}.translation{color:#57606a;margin:.3rem 0}
.muted{color:#57606a}.code{font-family:ui-monospace,monospace;font-size:.9em}
ul.findings{padding-left:1.2rem;margin:.4rem 0}
[hidden]{display:none!important}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
@media print{form#filters{display:none!important}}
"""

JS = r"""
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var form = doc.getElementById("filters");
  var search = doc.getElementById("q");
  var code = doc.getElementById("code");
  var shown = doc.getElementById("shown");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=sev]"));
  var all = boxes.map(function (b) { return b.value; });

  function wanted() {
    var sev = {};
    boxes.forEach(function (b) { if (b.checked) { sev[b.value] = true; } });
    return {sev: sev, code: code.value, q: search.value.trim().toLowerCase()};
  }
  function pairMatches(pair, w) {
    var cut = pair.indexOf(":");
    return w.sev[pair.slice(0, cut)] === true && (!w.code || pair.slice(cut + 1) === w.code);
  }
  // Each item's text, lower-cased once: a keystroke then costs no DOM walk.
  var lowered = new WeakMap();
  function text(el) {
    if (!lowered.has(el)) { lowered.set(el, el.textContent.toLowerCase()); }
    return lowered.get(el);
  }
  function matches(el, w) {
    var pairs = (el.getAttribute("data-f") || "").split(" ").filter(Boolean);
    var ok = pairs.length
      ? pairs.some(function (p) { return pairMatches(p, w); })
      : w.sev.none === true && !w.code;
    if (ok && w.q && el.classList.contains("searchable")) {
      ok = text(el).indexOf(w.q) >= 0;
    }
    return ok;
  }
  function apply() {
    var w = wanted();
    var counts = {};
    doc.querySelectorAll("[data-f]").forEach(function (el) {
      var ok = matches(el, w);
      el.hidden = !ok;
      var kind = el.getAttribute("data-kind");
      if (kind) {
        counts[kind] = counts[kind] || [0, 0];
        counts[kind][1] += 1;
        if (ok) { counts[kind][0] += 1; }
      }
    });
    shown.value = ["finding", "claim", "reference"].map(function (k) {
      var c = counts[k] || [0, 0];
      return c[0] + " of " + c[1] + " " + k + "s";
    }).join(" \u00b7 ") + " shown";
  }
  function toHash() {
    var w = wanted();
    var parts = [];
    var sev = all.filter(function (s) { return w.sev[s]; });
    if (sev.length !== all.length) { parts.push("sev=" + sev.join(",")); }
    if (w.code) { parts.push("code=" + encodeURIComponent(w.code)); }
    if (search.value) { parts.push("q=" + encodeURIComponent(search.value)); }
    try {
      history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname);
    } catch (e) { /* a page opened where history is locked keeps its URL */ }
  }
  function fromHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var sev = params.has("sev") ? params.get("sev").split(",") : all;
    boxes.forEach(function (b) { b.checked = sev.indexOf(b.value) >= 0; });
    var wantCode = params.get("code") || "";
    code.value = Array.prototype.some.call(code.options, function (o) {
      return o.value === wantCode;
    }) ? wantCode : "";
    search.value = params.get("q") || "";
    apply();
  }
  form.addEventListener("input", function () { apply(); toHash(); });
  form.addEventListener("change", function () { apply(); toHash(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { apply(); toHash(); }, 0);
  });
  window.addEventListener("hashchange", fromHash);
  fromHash();
})();
"""

# The policy forbids every load: a mistake that references anything outside the page fails
# closed in the browser instead of leaking that the report was opened.
CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"

HEAD = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
    '<meta name="referrer" content="no-referrer">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
)

# The filter form around its finding-code options. Hidden until the script runs (CSS `.js`),
# so a reader without scripts (an e-mail client) sees no controls that do nothing.
FILTERS_START = (
    '<form id="filters" role="search" aria-label="Filter findings, claims and references">'
    "<fieldset><legend>Severity</legend>"
    + "".join(
        f'<label><input type="checkbox" name="sev" value="{value}" checked> {label}</label>'
        for value, label in (
            ("error", "error"),
            ("warning", "warning"),
            ("info", "info"),
            ("none", "no findings"),
        )
    )
    + '</fieldset><label>Finding code <select id="code"><option value="">all codes</option>'
)
FILTERS_END = (
    '</select></label><label>Search <input type="search" id="q" '
    'placeholder="text, id, DOI, author"></label><button type="reset">Reset</button>'
    '<output id="shown" aria-live="polite"></output></form>\n'
)

MATRIX_LEGEND = (
    '<p class="muted">A cell is a citation, marked with the cited reference\'s status: '
    "✓ ok, i info, ! warning, ✕ error, ? unverified. Pale cells cite as background or "
    "contrasts, which is not evidence.</p>\n"
)
