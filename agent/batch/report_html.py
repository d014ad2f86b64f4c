"""``report.html``: one self-contained file a compliance officer can file, e-mail or archive.

Everything is inside the file: inline CSS, the step screenshots as ``data:`` URIs, no script, no link
to anything outside, so it opens offline and survives being moved away from the evidence folders. The
text is Chinese with the portal's own terms (English beside them where it helps a reader of the logs).

Screenshots are embedded once each, as the lossless PNG the run took: a thumbnail that opens to full
size when clicked (a hidden checkbox and CSS, no script), so the picture in the report is the evidence
itself and not a re-encoded copy.

Every value from a bundle or the portal is escaped; the document given is already redacted (secrets
masked, ID numbers, mobiles and e-mail addresses masked), and field values are masked again here so a
value that reached the document some other way is not shown in clear.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from agent.batch.export import CHECKPOINT_ZH, to_cst
from agent.redact import redact_text
from agent.status import BATCH_OK, batch_outcome_zh, ledger_label_zh

__all__ = ["render_html"]

_DASH = "—"

_CSS = """
*{box-sizing:border-box}
body{font:14px/1.5 "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;margin:0;
padding:24px 32px;color:#1f2329;background:#f5f6f8}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0}h3{font-size:15px;margin:18px 0 6px}
.en{color:#8a8f99;font-weight:normal;font-size:.85em;margin-left:.35em}
.meta{color:#4e5563;margin:0 0 16px}.meta span{margin-right:1.2em;white-space:nowrap}
.counts span{display:inline-block;background:#fff;border:1px solid #dfe2e8;border-radius:4px;
padding:2px 10px;margin:0 6px 6px 0}
section.filing{background:#fff;border:1px solid #dfe2e8;border-radius:6px;padding:16px 20px;margin:16px 0}
.head{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
.badge{border-radius:4px;padding:2px 10px;font-weight:600;font-size:13px}
.badge.good{background:#e8f5e9;color:#1b6e20}.badge.bad{background:#fdecea;color:#b00020}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{border:1px solid #e3e6eb;padding:5px 8px;text-align:left;vertical-align:top;word-break:break-all}
th{background:#f3f5f8;font-weight:600;white-space:nowrap}
table.facts th{width:9em}
td.ok{color:#1b6e20;font-weight:700;text-align:center}td.bad{color:#b00020;font-weight:700;text-align:center}
td.na{color:#8a8f99;text-align:center}tr.wrong td{background:#fff4f4}
code{font-family:ui-monospace,"Cascadia Mono",monospace;font-size:.9em}
ul.problems{margin:4px 0;padding-left:1.2em}ul.problems li.error{color:#b00020}
ul.problems li.warning{color:#8a5a00}
.shots{display:flex;flex-wrap:wrap;gap:10px}
.shot{display:flex;flex-direction:column;align-items:flex-start;cursor:zoom-in;font-size:12px;color:#4e5563}
.shot input{display:none}
.shot img{width:200px;height:150px;object-fit:cover;object-position:top;border:1px solid #cfd3da;
border-radius:3px;background:#fff}
.shot input:checked~img{width:auto;height:auto;max-width:100%;cursor:zoom-out}
.shot:has(input:checked){flex-basis:100%}
details{margin-top:16px;background:#fff;border:1px solid #dfe2e8;border-radius:6px;padding:8px 16px}
summary{cursor:pointer;font-weight:600}
pre{background:#f7f8fa;padding:10px;overflow:auto;font-size:12px}
.muted{color:#8a8f99}
"""


def _e(value: object) -> str:
    return html.escape(_DASH if value is None or value == "" else str(value), quote=True)


def _masked(value: object) -> str:
    return _e(redact_text(str(value)) if value is not None else None)


def _when(value: str | None) -> str:
    shown = to_cst(value)
    return _e(f"{shown:%Y-%m-%d %H:%M:%S}" if shown else None)


def _size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.2f} MB"


def _facts(entry: dict[str, Any]) -> str:
    outcome = entry["outcome"]
    portal_status = entry.get("portal_status") or ""
    rows = [
        ("主体名称", "entity", _e(entry.get("entity"))),
        ("算法名称", "algorithm", _e(entry.get("algorithm"))),
        ("角色", "role", _e(entry.get("role"))),
        ("账号", "account", _e(entry.get("account"))),
        ("应用产品", "products", _e(entry.get("products"))),
        ("运行结果", "outcome", f"{_e(batch_outcome_zh(outcome))} <code>{_e(outcome)}</code>"),
        ("门户状态", "portal status", _e(ledger_label_zh(portal_status))),
        ("备案编号", "filing number", _e(entry.get("filing_number"))),
        ("提交时间", "submitted (UTC+8)", _when(entry.get("submitted_at"))),
        ("到达步骤", "step reached", _e(CHECKPOINT_ZH.get(entry.get("step_reached") or "", None))),
        ("用时", "duration", _e(f"{entry.get('duration_s', 0):.1f} 秒")),
        ("材料目录", "bundle", f"<code>{_e(entry.get('bundle'))}</code>"),
        ("证据目录", "evidence", f"<code>{_e(entry.get('evidence_dir'))}</code>"),
        ("证据文件", "evidence files", _evidence_files(entry)),
    ]
    body = "".join(f'<tr><th>{k}<span class="en">{en}</span></th><td>{v}</td></tr>' for k, en, v in rows)
    return f'<table class="facts">{body}</table>'


def _evidence_files(entry: dict[str, Any]) -> str:
    # Named, not linked: links break once the report is moved or e-mailed; the folder above holds them.
    links = entry.get("evidence") or {}
    names = [Path(str(links[key])).name for key in ("trace", "result", "log") if links.get(key)]
    return " · ".join(f"<code>{_e(name)}</code>" for name in names) or "—"


def _fields(entry: dict[str, Any]) -> str:
    fields = entry.get("fields") or []
    if not fields:
        return '<p class="muted">本次运行未读取门户上的字段（未到确认提交页）。</p>'
    rows = []
    for number, f in enumerate(fields, start=1):
        ok = f.get("ok")
        mark, cls = ("✓", "ok") if ok is True else ("✗", "bad") if ok is False else ("未显示", "na")
        page = CHECKPOINT_ZH.get(f.get("page") or "", f.get("page"))
        rows.append(
            f'<tr class="{"wrong" if ok is False else ""}"><td>{number}</td><td>{_e(f.get("label"))}'
            f'<br><code class="muted">{_e(f.get("path"))}</code></td>'
            f"<td>{_masked(f.get('bundle_value'))}</td><td>{_masked(f.get('portal_value'))}</td>"
            f'<td class="{cls}">{mark}</td><td>{_e(page)}</td></tr>'
        )
    checked = sum(1 for f in fields if f.get("ok") is True)
    wrong = sum(1 for f in fields if f.get("ok") is False)
    return (
        f"<p>{checked} 项一致，{wrong} 项不一致（共 {len(fields)} 项）"
        '<span class="en">fields read back from the portal</span></p>'
        '<table><thead><tr><th>#</th><th>字段<span class="en">label</span></th>'
        '<th>材料中的值<span class="en">bundle</span></th><th>门户显示的值<span class="en">portal</span></th>'
        '<th>核对</th><th>页面<span class="en">page</span></th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _attachments(entry: dict[str, Any]) -> str:
    files = entry.get("attachments") or []
    if not files:
        return '<p class="muted">—</p>'
    rows = "".join(
        f'<tr><td>{_e(a["name"])}<br><code class="muted">{_e(a["path"])}</code></td>'
        f"<td>{_e(_size(int(a['size'])))}</td><td><code>{_e(a['sha256'])}</code></td></tr>"
        for a in files
    )
    return (
        '<table><thead><tr><th>文件名<span class="en">name</span></th>'
        '<th>大小<span class="en">size</span></th><th>SHA-256</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )


def _where(problem: dict[str, Any], entry: dict[str, Any]) -> str:
    parts = []
    step = entry.get("step_reached")
    if problem.get("kind") != "invalid" and step:
        parts.append(f"页面：{CHECKPOINT_ZH.get(step, step)}")
    if problem.get("label"):
        parts.append(f"字段：{problem['label']}")
    if problem.get("path"):
        parts.append(f"材料路径：{problem['path']}")
    return f' <span class="muted">（{_e("；".join(parts))}）</span>' if parts else ""


def _problems(entry: dict[str, Any]) -> str:
    items = []
    if entry.get("note"):
        items.append(f'<li class="warning">{_masked(entry["note"])}</li>')
    for kind, cls, title in (("errors", "error", "错误"), ("warnings", "warning", "提示")):
        for problem in entry.get(kind) or []:
            items.append(
                f'<li class="{cls}"><strong>{title}</strong>：{_masked(problem.get("message"))}'
                f"{_where(problem, entry)}</li>"
            )
    if not items:
        return '<p class="muted">无错误或警告。<span class="en">no errors or warnings</span></p>'
    return f'<ul class="problems">{"".join(items)}</ul>'


def _shots(shots: Sequence[tuple[str, bytes]]) -> str:
    if not shots:
        return '<p class="muted">本次运行没有截图。</p>'
    cells = []
    for name, data in shots:
        uri = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        cells.append(
            f'<label class="shot" title="点击查看原图 / click for full size"><input type="checkbox">'
            f'<img src="{uri}" alt="{_e(name)}"><span>{_e(name)}</span></label>'
        )
    return (
        '<p class="muted">点击缩略图查看原图，再次点击收起。<span class="en">click a thumbnail for full size'
        f'</span></p><div class="shots">{"".join(cells)}</div>'
    )


def _filing(entry: dict[str, Any], shots: Sequence[tuple[str, bytes]]) -> str:
    outcome = entry["outcome"]
    good = "good" if outcome in BATCH_OK else "bad"
    return (
        f'<section class="filing"><div class="head"><h2>{_e(entry.get("algorithm"))}</h2>'
        f'<span class="badge {good}">{_e(batch_outcome_zh(outcome))}</span></div>'
        f"{_facts(entry)}"
        f'<h3>字段核对<span class="en">field check, in the order of 确认提交</span></h3>{_fields(entry)}'
        f'<h3>附件<span class="en">attachments</span></h3>{_attachments(entry)}'
        f'<h3>错误与警告<span class="en">errors and warnings</span></h3>{_problems(entry)}'
        f'<h3>截图<span class="en">screenshots</span></h3>{_shots(shots)}</section>'
    )


def render_html(document: dict[str, Any], screenshots: Sequence[Sequence[tuple[str, bytes]]] = ()) -> str:
    """The HTML report of a (redacted) report document; ``screenshots[i]`` go with ``bundles[i]``."""
    bundles = document["bundles"]
    shots = list(screenshots) + [[]] * (len(bundles) - len(screenshots))
    filings = "\n".join(_filing(entry, shots[i]) for i, entry in enumerate(bundles))
    summary = document["summary"]
    counts = "".join(
        f"<span>{_e(batch_outcome_zh(k))} {_e(v)}</span>"
        for k, v in summary.items()
        if v and k not in ("total", "ok")
    )
    browsers = ", ".join(document["browser_versions"]) or "未启动"
    config = json.dumps(document["config"], ensure_ascii=False, indent=2)
    options = json.dumps(document["options"], ensure_ascii=False)
    interrupted = "（运行被中断）" if document["interrupted"] else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>算法备案运行报告 {_e(document["run_id"])}</title><style>{_CSS}</style></head>
<body>
<h1>算法备案运行报告<span class="en">filing run report</span></h1>
<p class="meta"><span>运行编号 <code>{_e(document["run_id"])}</code></span>
<span>开始 {_when(document["started"])}</span><span>结束 {_when(document["finished"])}</span>
<span>（北京时间 UTC+8）</span><span>用时 {_e(document["duration_s"])} 秒</span>
<span>退出码 <strong>{_e(document["exit_code"])}</strong>{interrupted}</span></p>
<p class="counts"><span>共 {_e(summary["total"])} 项备案，成功 {_e(summary["ok"])}</span>{counts}</p>
{filings}
<details><summary>配置摘要（密钥已隐去）<span class="en">configuration, secrets masked</span></summary>
<p>beian-agent {_e(document["tool_version"])} · 浏览器 {_e(browsers)} · 选项 <code>{_e(options)}</code></p>
<pre>{_e(config)}</pre></details>
</body></html>
"""
