"""The translation report's dialogue rows at the phone volume the editor listens at.

The dialogue figures (media/intelligibility.py) depend on the phone volume. When the editor moves
the phone volume, or a take comes on screen whose stored figures are for another volume, the take
on screen is analysed again in the background at the volume now set (jobs/analysis_job.py, the
analysis every take gets, with its volume_db), once the volume has settled; the stored report then
says which volume its figures are for, and the panel shows it. The figures in the meantime stay,
with the volume they are for and the one they are being judged at. Takes analysed from now on
(ui/controllers/analysis.py) are judged at that volume too. One run at a time: a volume moved
while one runs is judged when it is done.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from soundon.core.take import Take
from soundon.jobs.analysis_job import AnalysisJob
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.ui.controllers.analysis import AnalysisRunner
from soundon.ui.models.listening_state import ListeningState
from soundon.ui.views.translation_panel import TranslationPanel

SETTLE_MS = 400     # a slider drag moves the volume many times a second: judge where it stops


def judge_at(job: BackgroundJob, take_id: int, volume_db: float) -> str:
    """The take analysed again with its dialogue judged at volume_db (stored in the job's library).
    Returns why it could not be ("" when it was)."""
    analysis = AnalysisJob(job.library, [take_id], background=True, workers=1, volume_db=volume_db)
    job.on_cancel(analysis.cancel)
    return analysis.run().failed.get(take_id, "")


class DialogueVolume(QObject):
    def __init__(self, state: ListeningState, panel: TranslationPanel, runner: AnalysisRunner, window):
        super().__init__(window)
        self.window = window
        self.state, self.panel, self.runner = state, panel, runner
        self._take: Take | None = None
        self._job: BackgroundJob | None = None
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._judge)
        runner.volume_db = state.volume_db
        state.changed.connect(self._listening_changed)

    def show_take(self, take: Take | None) -> None:
        """The take on screen, or the same take with what the library now holds of it."""
        self._take = take
        self._settle.start()

    def _listening_changed(self) -> None:
        if self.state.volume_db != self.runner.volume_db:
            self.runner.volume_db = self.state.volume_db
            self._settle.start()

    def _due(self, take: Take | None) -> bool:
        """The take's stored dialogue figures are for another volume than the one set (a take not
        analysed yet, or due again, is analysed at that volume by the runner)."""
        return (take is not None and take.has_audio and take.analysis_current
                and take.intelligibility is not None
                and (take.intelligibility_volume_db or 0.0) != self.state.volume_db)

    def _judge(self) -> None:
        take = self._take
        if self._job is not None and self._job.is_running():
            return          # looked at again when it is done
        if not self._due(take):
            self.panel.set_dialogue_judged_at(None)
            return
        volume = self.state.volume_db
        self.panel.set_dialogue_judged_at(volume)
        job = BackgroundJob(lambda job: judge_at(job, take.id, volume), what="dialogue at the phone volume",
                            library=self.runner.library, share_changes_with=self.runner.bridge)
        job.finished.connect(self._judged)
        job.failed.connect(self._judged)
        self._job = job
        job.start()

    def _judged(self, problem: str) -> None:
        self._job = None
        if problem:
            self.panel.set_dialogue_judged_at(None)
            self.window.statusBar().showMessage(
                f"The dialogue could not be judged at the phone volume: {problem}", 8000)
            return
        self._settle.start()    # the volume may have moved on meanwhile
