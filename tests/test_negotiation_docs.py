"""Every matrix in docs/negotiation.md is what its command prints today.

On failure, regenerate the doc with `python tests/negotiation_docs.py` and review the diff.
"""

from __future__ import annotations

import pytest
from negotiation_docs import DOC, MATRICES, documented_block, replace_block

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    "matrix",
    [pytest.param(matrix, marks=pytest.mark.requires_revision(matrix.revision)) for matrix in MATRICES],
    ids=[matrix.name for matrix in MATRICES],
)
def test_documented_matrix_is_what_the_command_prints(matrix, tmp_path):
    server = matrix.start(tmp_path)
    try:
        fresh = matrix.block(server.url)
    finally:
        server.kill()
    assert documented_block(DOC.read_text(encoding="utf-8"), matrix.name) == fresh, (
        "docs/negotiation.md is out of date; run `python tests/negotiation_docs.py`"
    )


def test_replace_block_swaps_only_the_named_block():
    text = "a\n<!-- negotiate:x -->old<!-- /negotiate:x -->\n<!-- negotiate:y -->keep<!-- /negotiate:y -->\n"
    replaced = replace_block(text, "x", "<!-- negotiate:x -->new<!-- /negotiate:x -->")
    assert (
        replaced == "a\n<!-- negotiate:x -->new<!-- /negotiate:x -->\n<!-- negotiate:y -->keep<!-- /negotiate:y -->\n"
    )
    with pytest.raises(LookupError, match="no <!-- negotiate:z --> block"):
        replace_block(text, "z", "")
