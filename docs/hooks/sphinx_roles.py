"""A griffe extension: render Sphinx roles in docstrings as inline code.

A few docstrings write cross-references the Sphinx way (``:class:`Emulator```). The
Google-style parser used here would show the role literally, so this turns each one
into a plain code span (`` `Emulator` ``) before the docstring is rendered.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|data|attr|mod|exc|obj|const):`~?([^`]+)`")


class SphinxRoles(griffe.Extension):
    """Rewrite ``:role:`name``` as `` `name` `` in every docstring."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Rewrite the roles of one object's docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(r"`\1`", obj.docstring.value)
