"""nbgrader add-ons used by ``nbgrader_config.py``.

``HideHiddenTestTracebacks`` runs in ``generate_feedback`` before
``ClearHiddenTests``. nbgrader removes hidden tests from the cell source
but leaves the traceback, whose context lines quote them. For every test
cell that contained hidden tests, this replaces each error output with one
line naming only the error type, so feedback never shows hidden tests.
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

BEGIN = "### BEGIN HIDDEN TESTS"
MESSAGE = ("Uji tersembunyi tidak lolos ({ename}). / A hidden test did not pass ({ename}). "
           "Periksa lagi jawaban Anda untuk soal ini. / Check your answer to this question again.")


class HideHiddenTestTracebacks(Preprocessor):
    enabled = Bool(True, help="nbconvert preprocessors are off unless enabled").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or BEGIN not in cell.source:
            return cell, resources
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                ename = str(out.get("ename", "Error"))
                out["evalue"] = ""
                out["traceback"] = [MESSAGE.format(ename=ename)]
            elif out.get("output_type") == "stream" and out.get("name") == "stderr":
                out["text"] = ""
        return cell, resources
