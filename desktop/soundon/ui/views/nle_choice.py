"""The export dialog's choice of NLE files: one box per format, all four ticked by default (the
same choice as `soundon export --nle`)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from soundon.core.handoff.formats import NLE_FORMATS

LABELS = {"fcpxml": "FCPXML (Final Cut Pro, Resolve)", "xmeml": "FCP7 XML (Premiere, Resolve)",
          "edl": "EDL", "otio": "OTIO"}


class NleChoice(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.boxes = {}
        for name in NLE_FORMATS:
            box = QCheckBox(LABELS[name], self)
            box.setChecked(True)
            box.setToolTip(f"Write the picks as {LABELS[name]} beside the exported files")
            row.addWidget(box)
            self.boxes[name] = box

    def formats(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.isChecked())
