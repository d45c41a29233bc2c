"""``--format html -o report.html``: one self-contained page for a corpus owner.

No network fetch of any kind (no CDN script, font or image): the styles, the inline SVG charts and the
few lines of script that filter the findings table are all in the file, so it opens from a CI artifact
or an e-mail attachment. What it shows, top to bottom: totals; findings per check, per source (the
top folder under the run's root, or a JSONL file) and per folder as bar charts; the corpus checks'
tables (learned boilerplate lines, duplicate clusters, name variants, mistranslations); then every
finding in a table with a text filter and check/severity selectors, each row linking ``file:line``.

The findings table holds at most :data:`MAX_ROWS` rows (the counts and charts cover every finding);
a run with more says how many were left out and how to get them all (``--format json``).
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TextIO

from newslint.model import Finding, Severity
from newslint.report import ReportOptions, RunResult
from newslint.reporters import ordered, plural, problem_level, problem_where, severity_breakdown

MAX_ROWS = 20_000
TOP = 15  # bars per chart, rows per corpus table

_COLORS = {Severity.ERROR: "#c62828", Severity.WARNING: "#ef6c00", Severity.INFO: "#1565c0"}


def write(result: RunResult, options: ReportOptions, out: TextIO) -> None:
    out.write(render(result, options))


def render(result: RunResult, options: ReportOptions) -> str:
    by_code: Counter[str] = Counter()
    by_folder: Counter[str] = Counter()
    by_severity: Counter[Severity] = Counter()
    corpus: dict[str, list[Finding]] = defaultdict(list)
    rows: list[str] = []
    total = 0
    for finding in ordered(result.findings):
        total += 1
        by_code[finding.code] += 1
        by_severity[finding.severity] += 1
        by_folder[_folder(finding.path)] += 1
        if finding.code in _CORPUS_TABLES and len(corpus[finding.code]) < 2000:
            corpus[finding.code].append(finding)
        if len(rows) < MAX_ROWS:
            rows.append(_row(finding))
    names = {code: spec.name for code, spec in result.checks.items()}
    by_folder, by_source = _relative_to_common(by_folder)
    title = f"newslint report — {plural(total, 'finding')}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>newslint report</h1><p class=meta>newslint {_e(options.version)} · "
        f"{plural(result.files_checked, 'file')} checked · "
        f"{_e(severity_breakdown(result.findings) or 'no findings')}</p>",
        _totals(total, by_severity, result),
        '<section class=charts>',
        _chart("Findings per check", [(f"{c} {names.get(c, '')}", n) for c, n in by_code.most_common(TOP)],
               "chart-checks"),
        _chart("Findings per source", by_source.most_common(TOP), "chart-sources"),
        _chart("Findings per folder", by_folder.most_common(TOP), "chart-folders"),
        "</section>",
    ]
    for code, (heading, column) in _CORPUS_TABLES.items():
        if corpus.get(code):
            parts.append(_corpus_table(code, heading, column, corpus[code]))
    if result.problems:
        items = "".join(f"<li>{_e(problem_where(p))}: {problem_level(p)}: {_e(p.message)}</li>"
                        for p in result.problems)
        parts.append(f"<h2>Inputs not checked</h2><ul class=problems>{items}</ul>")
    options_html = "".join(f'<option value="{_e(c)}">{_e(c)} {_e(names.get(c, ""))} ({n})</option>'
                           for c, n in sorted(by_code.items()))
    cut = "" if total <= MAX_ROWS else (
        f"<p class=note>The table lists the first {MAX_ROWS:,} of {total:,} findings; "
        "<code>--format json</code> has them all.</p>")
    parts += [
        "<h2>Findings</h2>",
        '<div class=filters><input id=q type=search placeholder="Filter: path, message, code…" '
        'aria-label="Filter findings">',
        f'<select id=code aria-label="Check"><option value="">All checks</option>{options_html}</select>',
        '<select id=sev aria-label="Severity"><option value="">All severities</option>'
        '<option>error</option><option>warning</option><option>info</option></select>',
        '<span id=shown></span></div>',
        cut,
        '<table id=findings><thead><tr><th>Location</th><th>Check</th><th>Severity</th><th>Fix</th>'
        "<th>Message</th></tr></thead><tbody>",
        "".join(rows),
        "</tbody></table>",
        f"<script>{_JS}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


# Corpus checks with a table of their own: code → (heading, what the message's first part is)
_CORPUS_TABLES = {
    "NL403": ("Learned boilerplate lines (NL403)", "Line"),
    "NL501": ("Duplicates (NL501)", "Duplicate"),
    "NL502": ("Near-duplicates (NL502)", "Near-duplicate"),
    "NL602": ("Name variants (NL602)", "Variant"),
    "NL601": ("Name mistranslations (NL601)", "Mistranslation"),
}


def _corpus_table(code: str, heading: str, column: str, findings: list[Finding]) -> str:
    """One row per distinct message (a boilerplate line, a variant, a cluster), with its count and
    the documents it was found in."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[finding.message].append(finding)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))[:TOP]
    body = []
    for message, members in ranked:
        places = ", ".join(_e(_where(f)) for f in members[:8])
        more = f" (+{len(members) - 8} more)" if len(members) > 8 else ""
        body.append(f"<tr><td class=num>{len(members)}</td><td>{_e(message)}</td><td class=places>"
                    f"{places}{more}</td></tr>")
    return (f'<h2>{_e(heading)}</h2><table class=corpus data-code="{code}"><thead><tr><th>Count</th>'
            f"<th>{_e(column)}</th><th>Where</th></tr></thead><tbody>{''.join(body)}</tbody></table>")


def _totals(total: int, by_severity: Counter[Severity], result: RunResult) -> str:
    cards = [("Findings", total, "#333")] + [
        (s.value.capitalize(), by_severity.get(s, 0), _COLORS[s]) for s in (Severity.ERROR, Severity.WARNING,
                                                                           Severity.INFO)
    ] + [("Files checked", result.files_checked, "#333")]
    return "<section class=cards>" + "".join(
        f'<div class=card><div class=n style="color:{color}">{n:,}</div><div>{_e(label)}</div></div>'
        for label, n, color in cards) + "</section>"


def _chart(title: str, data: Iterable[tuple[str, int]], ident: str) -> str:
    """A horizontal bar chart as inline SVG (no script, no fonts to fetch)."""
    items = list(data)
    if not items:
        return f'<figure id={ident}><figcaption>{_e(title)}</figcaption><p class=note>nothing</p></figure>'
    bar_h, gap, label_w, width = 18, 6, 230, 560
    top = max(n for _, n in items)
    height = len(items) * (bar_h + gap)
    bars = []
    for i, (label, n) in enumerate(items):
        y = i * (bar_h + gap)
        w = max(2, round((width - label_w - 60) * n / top))
        shown = label if len(label) <= 32 else "…" + label[-31:]  # (a folder's end says most)
        bars.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{_e(shown)}<title>{_e(label)}</title></text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" rx="2"></rect>'
            f'<text x="{label_w + w + 4}" y="{y + 13}">{n:,}</text>')
    return (f'<figure id={ident}><figcaption>{_e(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(title)}">{"".join(bars)}</svg></figure>')


def _row(finding: Finding) -> str:
    where = _where(finding)
    fix = finding.fix.applicability.value if finding.fix is not None else ""
    return (f'<tr data-code="{finding.code}" data-sev="{finding.severity.value}">'
            f'<td><a href="{_e(_href(finding.path))}">{_e(where)}</a></td>'
            f"<td>{finding.code} <span class=name>{_e(finding.name)}</span></td>"
            f'<td class="sev {finding.severity.value}">{finding.severity.value}</td><td>{fix}</td>'
            f"<td>{_e(finding.message)}</td></tr>")


def _where(finding: Finding) -> str:
    loc = finding.location
    return f"{finding.display_path()}:{loc.line}:{loc.column}"


def _href(path: str) -> str:
    from urllib.parse import quote

    return quote(path.replace("\\", "/"), safe="/:._-~")


def _relative_to_common(by_folder: Counter[str]) -> tuple[Counter[str], Counter[str]]:
    """Folders shown below the folder all findings share, and per source: a source (a site, in a
    scraped corpus laid out one folder per site) is the first folder below that common one."""
    folders = [PurePosixPath(f) for f in by_folder if f != "."]
    common = _common(folders) if len(folders) == len(by_folder) and folders else PurePosixPath(".")
    shown: Counter[str] = Counter()
    sources: Counter[str] = Counter()
    for folder, n in by_folder.items():
        path = PurePosixPath(folder)
        rel = path.relative_to(common) if folders and common != PurePosixPath(".") else path
        parts = rel.parts
        shown[str(rel) if parts else f"{common.name or common} (top)"] += n
        sources[parts[0] if parts else f"{common.name or common} (top)"] += n
    return shown, sources


def _common(paths: list[PurePosixPath]) -> PurePosixPath:
    first = paths[0].parts
    length = len(first)
    for path in paths[1:]:
        parts = path.parts
        length = min(length, len(parts))
        for i in range(length):
            if parts[i] != first[i]:
                length = i
                break
    return PurePosixPath(*first[:length]) if length else PurePosixPath(".")


def _folder(path: str) -> str:
    return str(PurePosixPath(path.replace("\\", "/")).parent)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC","PingFang SC",sans-serif;
margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta,.note{color:#666}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:110px}
.card .n{font-size:26px;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin:8px 0}
svg text{font-size:12px;fill:#333}svg rect{fill:#5c7cfa}
table{border-collapse:collapse;width:100%;margin-top:8px}th,td{border-bottom:1px solid #eee;
padding:4px 8px;text-align:left;vertical-align:top}th{background:#fafafa;position:sticky;top:0}
td.num{text-align:right}td.places{font-size:12px;color:#555}.name{color:#777;font-size:12px}
.sev.error{color:#c62828}.sev.warning{color:#ef6c00}.sev.info{color:#1565c0}
.filters{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.filters input{flex:1;min-width:240px;padding:6px}#shown{color:#666}
"""

_JS = """
(function () {
  var q = document.getElementById('q'), code = document.getElementById('code');
  var sev = document.getElementById('sev'), shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  function apply() {
    var text = q.value.toLowerCase(), c = code.value, s = sev.value, n = 0;
    rows.forEach(function (row) {
      var ok = (!c || row.getAttribute('data-code') === c) && (!s || row.getAttribute('data-sev') === s) &&
        (!text || row.textContent.toLowerCase().indexOf(text) !== -1);
      row.style.display = ok ? '' : 'none';
      if (ok) { n += 1; }
    });
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  q.addEventListener('input', apply);
  code.addEventListener('change', apply);
  sev.addEventListener('change', apply);
  apply();
}());
"""
