"""Server-rendered pages of the payment emulators (checkout, Quickpay), in the web chat's look.

Every value that reaches the markup goes through ``html.escape``: a payment's description is the shop's text.
"""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse


def esc(value: object) -> str:
    return escape(str(value), quote=True)


def page(title: str, body: str, *, status_code: int = 200, brand: str = "Sandbox") -> HTMLResponse:
    """A whole page around ``body`` (already escaped markup)."""
    html = f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{esc(title)} · {esc(brand)}</title>
  <link rel="stylesheet" href="/static/checkout.css">
</head>
<body>
  <main class="sheet" aria-labelledby="sheet-title">
    <p class="brand">{esc(brand)} <span class="badge">sandbox</span></p>
    {body}
  </main>
</body>
</html>
"""
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def problem(title: str, detail: str, *, status_code: int, brand: str = "Sandbox") -> HTMLResponse:
    body = f'<h1 id="sheet-title">{esc(title)}</h1><p class="detail" role="alert">{esc(detail)}</p>'
    return page(title, body, status_code=status_code, brand=brand)
