"""The inspector's translation report: will this take's audio survive a phone in a noisy place,
and does it meet the batch's delivery target?

Everything shown comes from the take row (the library stores the report with the take); the panel
computes nothing but words. It says what was measured: the native audio, or, for a replace take
with a post track, the post mix as the export writes it (jobs/analysis_job.py). The batch's
delivery target can be changed here: the takes of that batch are then analysed again in the
background against the new target.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from soundon.core.listening import NOISES, volume_text
from soundon.core.take import NATIVE_SOURCE, Take
from soundon.core.targets import DEFAULT_TARGET, TARGETS, target_named
from soundon.core.translation import DEFAULT_ENVIRONMENT, FLAG_TEXT, VERDICT_TEXT, summary, verdict

VERDICT_STYLE = {
    "ok": "background:#1f4d2b; color:#7ee2a0;",
    "level": "background:#4d3b12; color:#f2cc60;",
    "problem": "background:#5a1d1d; color:#ffb4ab;",
    "silent": "background:#3a3e45; color:#e6e9ed;",
    "no_audio": "background:#3a3e45; color:#e6e9ed;",
    "pending": "background:#2b2f36; color:#aab1bb;",
}

# (take column, label, unit, format, why it matters) — the report's figures in the editor's words.
ROWS = (
    ("integrated_lufs", "Loudness", "LUFS", "{:.1f}", "integrated loudness (EBU R128)"),
    ("true_peak_dbtp", "True peak", "dBTP", "{:.1f}", "highest peak between samples"),
    ("lra", "Loudness range", "LU", "{:.1f}", "how much the level moves (EBU Tech 3342)"),
    ("short_term_max_lufs", "Loudest 3 s", "LUFS", "{:.1f}", "short-term maximum"),
    ("mono_loss_lu", "Mono fold-down", "LU", "{:+.1f}", "loudness lost when L and R are summed (a phone)"),
    ("correlation_p5", "L/R correlation", "", "{:+.2f}", "5th percentile over 400 ms blocks; below 0 cancels"),
    ("low_freq_share", "Below 250 Hz", "", "{:.0%}", "share of the energy a phone speaker can't play"),
    ("phone_loss_lu", "On a phone", "LU", "{:+.1f}", "loudness through the phone profile minus flat"),
)


def verdict_of(take: Take) -> str:
    flags = take.analysis_flags
    return "pending" if flags is None else verdict(flags)


def measured_on_text(take: Take) -> str:
    delivered = "the post mix" if take.delivery_source() != NATIVE_SOURCE else "the native audio"
    if take.analysis_measured_on is None:
        return f"Will be measured on {delivered}."
    if take.analysis_measured_on == "post mix":
        text = "Measured on the post mix, as the export writes it (level and bed applied)."
    elif take.sound_measured_only:
        text = "Measured on the native audio as it was imported."
        if take.delivery_source() == NATIVE_SOURCE:
            return text + " The dialogue and the sync are still to be measured."
    else:
        text = "Measured on the native audio."
    if not take.analysis_current and take.analysis_target == take.batch_target:
        text += f" Being measured again on {delivered}."
    return text


class TranslationPanel(QWidget):
    target_chosen = Signal(str, str)   # batch name, target name

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("translationPanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        title = QLabel("Translation", self)
        title.setObjectName("sectionTitle")
        layout.addWidget(title)
        self.badge = QLabel(self)
        self.badge.setObjectName("verdictBadge")
        self.badge.setWordWrap(True)
        self.badge.setMargin(4)
        layout.addWidget(self.badge)
        self.measured_on = QLabel(self)
        self.measured_on.setObjectName("measuredOn")
        self.measured_on.setWordWrap(True)
        layout.addWidget(self.measured_on)
        row = QHBoxLayout()
        row.addWidget(QLabel("Delivery target", self))
        self.target = QComboBox(self)
        self.target.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for name, target in TARGETS.items():
            self.target.addItem(target.label, name)
        self.target.setToolTip("The batch's delivery target: its takes are judged against it.\n"
                               "Social is practice (platforms publish no figure); EBU R128 and ATSC A/85 "
                               "are official.")
        self.target.activated.connect(self._target_activated)
        row.addWidget(self.target, 1)
        layout.addLayout(row)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for key, label, _unit, _fmt, why in ROWS:
            name = QLabel(label, self)
            name.setObjectName("fieldName")
            name.setToolTip(why)
            value = QLabel("—", self)
            value.setToolTip(why)
            form.addRow(name, value)
            self.values[key] = value
        layout.addLayout(form)
        # Dialogue on a phone: a row per noise environment (STOI of the phone + noise render
        # against the clean native audio, over the speech parts).
        dialogue = QLabel("Dialogue on a phone", self)
        dialogue.setObjectName("sectionTitle")
        layout.addWidget(dialogue)
        self.speech = QLabel("—", self)
        self.speech.setToolTip("Share of the take's length that is speech (WebRTC voice-activity detector)")
        self._judging: float | None = None      # the volume the dialogue is being judged again at
        self._shown: Take | None = None
        layout.addWidget(self.speech)
        places = QFormLayout()
        places.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.dialogue: dict[str, QLabel] = {}
        for noise in NOISES:
            name = QLabel(f"{noise.label} {noise.level_dba:g} dBA", self)
            name.setObjectName("fieldName")
            value = QLabel("—", self)
            value.setToolTip("STOI: clear from 0.75, marginal from 0.60, lost below")
            places.addRow(name, value)
            self.dialogue[noise.name] = value
        layout.addLayout(places)
        self._batch: str | None = None
        self.show_take(None)

    def show_take(self, take: Take | None) -> None:
        self._batch = take.batch if take else None
        self.target.setEnabled(take is not None)
        target_name = take.batch_target if take else DEFAULT_TARGET
        self.target.blockSignals(True)
        self.target.setCurrentIndex(max(0, self.target.findData(target_name)))
        self.target.blockSignals(False)
        state = verdict_of(take) if take else "pending"
        if take is None:
            text = ""
        elif state == "pending":
            text = "Not analysed yet (it runs in the background)."
        else:
            flags = take.analysis_flags
            analysed_for = take.analysis_target or target_name
            text = summary(flags, target_named(analysed_for))
            if analysed_for != target_name:
                text += f" Being analysed again for {target_named(target_name).label}."
        self.badge.setText(text)
        self.measured_on.setText(measured_on_text(take) if take else "")
        self.measured_on.setVisible(take is not None)
        self.badge.setStyleSheet(VERDICT_STYLE[state] + " border-radius: 3px;")
        self.badge.setVisible(take is not None)
        for key, _label, unit, fmt, _why in ROWS:
            value = getattr(take, key) if take else None
            self.values[key].setText("—" if value is None else f"{fmt.format(value)} {unit}".strip())
        self._show_dialogue(take)
        if take and take.analysis_flags:
            self.badge.setToolTip("\n".join(f"{f}: {FLAG_TEXT[f]}" for f in take.analysis_flags))
        else:
            self.badge.setToolTip(VERDICT_TEXT.get(state, ""))

    def set_dialogue_judged_at(self, volume_db: float | None) -> None:
        """The dialogue is being judged again at this phone volume (None: it is not)."""
        self._judging = volume_db
        self._show_dialogue(self._shown)

    def _show_dialogue(self, take: Take | None) -> None:
        self._shown = take
        share = take.speech_share if take else None
        places = dict((name, (figure, rating)) for name, figure, rating in (take.intelligibility or ())) if take else {}
        if take is None or take.analysis_flags is None:
            self.speech.setText("—")
        elif share is None:
            self.speech.setText("no audio" if not take.has_audio else
                                "not measured yet" if take.sound_measured_only else "—")
        elif not places:
            self.speech.setText(f"Speech {share:.0%}: too little to judge" if share else "No speech found")
        else:
            volume = take.intelligibility_volume_db
            text = f"Speech {share:.0%} of the take; on a phone at {volume_text(volume or 0.0)} volume, STOI:"
            if self._judging is not None and self._judging != (volume or 0.0):
                text += f" (being judged again at {volume_text(self._judging)})"
            self.speech.setText(text)
        for name, label in self.dialogue.items():
            figure, rating = places.get(name, (None, None))
            text = "—" if figure is None else f"{rating} ({figure:.2f})"
            if name == DEFAULT_ENVIRONMENT and rating == "lost":
                text += " — dialogue lost"
            label.setText(text)

    def _target_activated(self, index: int) -> None:
        if self._batch is not None:
            self.target_chosen.emit(self._batch, self.target.itemData(index))
