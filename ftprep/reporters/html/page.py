"""The HTML document around the sections: one file, its style inline, no script, no fetch.

A Content-Security-Policy that allows nothing but the inline style makes the promise checkable:
a browser refuses any script or remote resource that a future change might slip in.
"""

from __future__ import annotations

from html import escape

from ftprep import __version__

CSP = "default-src 'none'; style-src 'unsafe-inline'"

STYLE = """
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--bar:#0969da;
--error:#d1242f;--warning:#bf8700;--info:#0969da;--good:#1a7f37}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;
--panel:#151b23;--line:#3d444d;--bar:#4493f8;--error:#f85149;--warning:#d29922;--info:#4493f8;
--good:#3fb950}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);
background:var(--bg)}
header,main,footer{max-width:980px;margin:0 auto;padding:0 20px}
header{padding-top:20px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;padding-bottom:4px;
border-bottom:1px solid var(--line)}h3{font-size:15px;margin:16px 0 4px}h4{margin:12px 0 4px}
.sub,.note,figcaption,footer{color:var(--muted)}
nav a{margin-right:12px;color:var(--bar);text-decoration:none}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:var(--panel);
padding:1px 4px;border-radius:4px}
.verdict{font-weight:600;padding:8px 12px;border-radius:6px;background:var(--panel)}
.verdict.bad{border-left:4px solid var(--error)}.verdict.good{border-left:4px solid var(--good)}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px}
.card-label,.card-note{font-size:12px;color:var(--muted)}.card-value{font-size:22px;
font-weight:600}
figure{margin:8px 0 16px}
svg.chart{width:100%;height:auto;display:block}
svg .bar{fill:var(--bar)}svg .over,svg .bar-error{fill:var(--error)}
svg .bar-warning{fill:var(--warning)}svg .bar-info{fill:var(--info)}
svg text{fill:var(--fg);font-size:12px}svg .tick,svg .value{fill:var(--muted);font-size:11px}
svg .grid{stroke:var(--line);stroke-width:1}svg .axis{stroke:var(--muted)}
svg .limit{stroke:var(--error);stroke-width:2;stroke-dasharray:6 4}
svg .limit-label{fill:var(--error);font-weight:600}
svg rect:hover{opacity:.75}
.legend .key{display:inline-block;width:10px;height:10px;margin:0 4px 0 10px}
.key.bar-error{background:var(--error)}.key.bar-warning{background:var(--warning)}
.key.bar-info{background:var(--info)}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}th{background:var(--panel)}.num{text-align:right;
font-variant-numeric:tabular-nums}
.pairs td:first-child{white-space:nowrap;color:var(--muted);width:1%}
.problems td:nth-child(-n+3){white-space:nowrap}
details summary{cursor:pointer;color:var(--muted);margin:6px 0}
footer{margin-top:32px;padding-bottom:24px;font-size:12px}
@media print{nav{display:none}details>*{display:block}}
"""


def document(title: str, subtitle: str, sections: list[tuple[str, str, str]]) -> str:
    """The page: (anchor, menu label, html) per section, in order; empty sections are left
    out of both the page and the menu."""
    shown = [(anchor, label, body) for anchor, label, body in sections if body]
    menu = "".join(f'<a href="#{anchor}">{escape(label)}</a>'
                   for anchor, label, _body in shown if label)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f'<meta name="generator" content="ftprep {escape(__version__)}">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f'<header><h1>{escape(title)}</h1><div class="sub">{escape(subtitle)}</div>'
        f"<nav>{menu}</nav></header>\n<main>"
        + "\n".join(body for _anchor, _label, body in shown)
        + f"</main>\n<footer>Made by ftprep {escape(__version__)}. Every number here is also in "
        "<code>ftprep lint --format json</code>.</footer></body></html>\n"
    )
