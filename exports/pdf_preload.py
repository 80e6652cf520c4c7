"""Imported once by the rendering workers' fork server, so that each worker starts with WeasyPrint
(about a second to import) and its fonts already loaded."""

from __future__ import annotations

import weasyprint  # noqa: F401
import weasyprint.text.fonts  # noqa: F401
