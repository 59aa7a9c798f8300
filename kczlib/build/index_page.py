"""`index.html` of a run: every report with its parameters, status, run time, data version.

Plain HTML with inline CSS: it opens offline like the reports. Everything written
into it is escaped (parameters and error messages may contain anything).
"""

from __future__ import annotations

import json
from html import escape

STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.4em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}.ok{color:#1a7f37}.cached{color:#0969da}.failed{color:#cf222e;font-weight:bold}
pre{white-space:pre-wrap;margin:.3em 0 0;font-size:.85em;color:#cf222e}code{font-size:.9em}
"""
STATUS_TEXT = {"ok": "ok · 完成", "cached": "cached · 缓存", "failed": "FAILED · 失败"}


def render_index(manifest: dict) -> str:
    rows = "\n".join(_row(entry) for entry in manifest["reports"])
    counts = manifest["counts"]
    summary = ", ".join(f"{n} {status}" for status, n in counts.items() if n)
    commit = manifest.get("git_commit") or "unknown"
    return f"""<!DOCTYPE html>
<html lang="zh">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>科创中国 reports · {escape(manifest['run'])}</title><style>{STYLE}</style></head>
<body>
<h1>科创中国 · 报告 Reports</h1>
<p>Run <code>{escape(manifest['run'])}</code> · built {escape(manifest['started_at'])} UTC
 in {manifest['seconds']:.1f} s · {escape(summary)} · git <code>{escape(commit)}</code></p>
<table>
<thead><tr><th>Report 报告</th><th>Parameters 参数</th><th>Status 状态</th><th>Run time 用时</th><th>Data version 数据版本</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<p><a href="manifest.json">manifest.json</a></p>
</body>
</html>
"""


def _row(entry: dict) -> str:
    name = escape(entry["name"])
    links = (f'<a href="{name}.html">{name}</a><br><small>'
             f'<a href="{name}.analyst.html">analyst view (code)</a> · '
             f'<a href="{name}.ipynb">notebook</a></small>')
    params = "<br>".join(
        f"<code>{escape(k)}={escape(json.dumps(v, ensure_ascii=False))}</code>"
        for k, v in entry["parameters"].items())
    status = entry["status"]
    cell = f'<span class="{status}">{STATUS_TEXT[status]}</span>'
    if status == "failed":
        cell += f"<pre>{escape(entry['error']['head'])}</pre>"
    if status == "cached":
        cell += f"<br><small>from {escape(entry['cached_from'])}</small>"
    return (f"<tr><td>{links}</td><td>{params}</td><td>{cell}</td>"
            f"<td>{entry['seconds']:.1f} s</td><td><code>{escape(entry['data_version'])}</code></td></tr>")
