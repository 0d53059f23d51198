"""The main window: batches on the left, the player over the take browser in the middle, the
inspector on the right, the import panel below; Compare replaces the middle while it is open.

The window only composes: it builds the parts, hands each controller the parts it works on, and
wires signals to slots. What the editor does lives on its owner:
- the current take and moving between takes: ui/controllers/take_cursor.py;
- the two views, single and Compare, with one face (a playback group, the take the review keys act
  on, ↑/↓): ui/controllers/single_view.py, ui/controllers/compare_mode.py;
- decisions, marks and notes: ui/controllers/review_session.py (through the undo history; the views
  follow the library's change signal, never refreshed by hand);
- what the browser shows and the title: ui/controllers/batch_scope.py; the layout between sessions:
  ui/controllers/window_layout.py; listening: ui/controllers/live_listening.py; the dialogue
  judged at the phone volume: ui/controllers/dialogue_volume.py;
- the post track: attaching it, ui/controllers/post_track.py; slipping, fitting, levelling and
  aligning it on the lane under the picture (or nudging a kept take's native audio with the same
  keys), ui/controllers/post_lane.py; the nudge: ui/controllers/nudge.py.
"""
from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QMainWindow, QMessageBox, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from soundon import APP_NAME
from soundon.jobs.qt_jobs import cancel_all as cancel_all_jobs
from soundon.store.library import Library, LibraryError
from soundon.ui.actions import build_actions
from soundon.ui.controllers.analysis import AnalysisRunner
from soundon.ui.views.compare_view import CompareView
from soundon.ui.controllers.batch_actions import BatchActions
from soundon.ui.controllers.batch_scope import BatchScope
from soundon.ui.controllers.dialogue_volume import DialogueVolume
from soundon.ui.controllers.compare_mode import CompareMode
from soundon.ui.controllers.review_session import ReviewSession
from soundon.ui.controllers.single_view import SingleView
from soundon.ui.controllers.take_cursor import TakeCursor
from soundon.ui.controllers.take_metadata import TakeMetadataActions
from soundon.ui.controllers.window_layout import restore_layout, save_layout
from soundon.ui.controllers.export import export_picks
from soundon.ui.controllers.export import show_progress_in as show_export_progress_in
from soundon.ui.controllers.export import summary as export_summary
from soundon.ui.controllers.importing import ImportController, ImportProgress
from soundon.ui.controllers.post_lane import PostLaneEditor
from soundon.ui.controllers.post_track import PostTrackActions
from soundon.ui.controllers.prompt_craft import PromptCraft
from soundon.ui.controllers.team_sync import TeamSync
from soundon.ui.keymap import COMPARE_DIGITS
from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.models.listening_state import ListeningState
from soundon.ui.menus import build_menus, build_toolbar
from soundon.ui.models.batch_tree import BatchTreeModel
from soundon.ui.models.peaks_cache import PeaksCache
from soundon.ui.models.take_model import TakeListModel
from soundon.ui.player import live_audio
from soundon.ui.player.transport import Transport
from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.vlc_player import PlayerState
from soundon.ui.controllers.nudge import NudgeController
from soundon.ui.controllers.review_history import ReviewHistory
from soundon.ui.views.batch_tree_view import BatchTreeView
from soundon.ui.views.import_panel import ImportPanel
from soundon.ui.views.inspector import Inspector
from soundon.ui.views.listening_switch import ListeningSwitch
from soundon.ui.views.loudness_meters import LoudnessMeters
from soundon.ui.views.phone_volume import PhoneVolume
from soundon.ui.views.post_lane import PostLane
from soundon.ui.views.take_browser import TakeBrowser

QUIT_WAIT_S = 10.0   # quit waits this long in all for the background jobs to stop

if TYPE_CHECKING:
    from soundon.core.take import Take


def app_settings() -> QSettings:
    return QSettings(APP_NAME, APP_NAME)


class MainWindow(QMainWindow):
    def __init__(self, library: Library, settings: QSettings | None = None, playback_problem: str | None = None):
        super().__init__()
        self.library = library
        self.settings = settings or app_settings()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.bridge = LibraryBridge(library, self)
        self.model = TakeListModel(library, self.bridge, self)
        self.tree_model = BatchTreeModel(library, self.model, self)
        self.peaks = PeaksCache(self.model)
        self.undo_stack = QUndoStack(self)
        self.history = ReviewHistory(library, self.undo_stack)
        self.listening = ListeningState(self.settings, self)
        self.importer = ImportController(library, self.bridge, self)
        self.analysis = AnalysisRunner(library, self.bridge, self)
        self.export_runner = None
        self.actions = build_actions(self)
        self.playback_problem = playback_problem

        self._build_player(playback_problem)
        self._build_browser()
        self._build_docks()
        self._build_controllers()
        self._build_menus_and_toolbar()
        self.import_progress = ImportProgress(self.importer, self.statusBar())
        self.statusBar().addPermanentWidget(LoudnessMeters(live_audio.meter, self))
        self._connect()
        restore_layout(self, self.settings, [b["name"] for b in library.batches()])
        self.scope.announce_title()
        self._listening_changed()
        # Takes imported earlier (or by `soundon import`) without a report get one in the background.
        QTimer.singleShot(0, self.analysis.analyse_due)

    # -- building -----------------------------------------------------------------------------------

    def _build_player(self, problem: str | None) -> None:
        self.transport = Transport(self)
        self.deck = self.live_listening = self.compare = None
        if problem is None:
            from soundon.ui.controllers.live_listening import LiveListening  # noqa: PLC0415 — needs libVLC
            from soundon.ui.player.deck import PlayerDeck  # noqa: PLC0415
            self.deck = picture = PlayerDeck(self)
            self.live_listening = LiveListening(self.listening, self)
            self.compare = CompareView(self)
            for name in ("frame_back", "play_pause", "frame_forward", "add_note"):
                self.compare.transport.add_action_button(self.actions[name])
        else:
            picture = VideoSurface(self)
            picture.set_message(problem)
        self.player_panel = QWidget(self)
        layout = QVBoxLayout(self.player_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(picture, 1)
        self.post_lane = PostLane(self)    # the take's post track under the picture, when it has one
        layout.addWidget(self.post_lane)
        layout.addWidget(self.transport)
        for name in ("frame_back", "play_pause", "frame_forward", "loop", "mark_in", "mark_out", "add_note"):
            self.transport.add_action_button(self.actions[name])
        self.listening_switch = ListeningSwitch(self.listening, self)
        self.transport.extra.addWidget(self.listening_switch)
        self.phone_volume = PhoneVolume(self.listening, self)
        self.transport.extra.addWidget(self.phone_volume)

    def _build_browser(self) -> None:
        self.browser = TakeBrowser(self.model, self)
        self.browser.view_toggle.setDefaultAction(self.actions["toggle_grid"])
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("playerBrowserSplitter")
        self.splitter.addWidget(self.player_panel)
        self.splitter.addWidget(self.browser)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.splitter)
        if self.compare is not None:
            self.pages.addWidget(self.compare)
        self.setCentralWidget(self.pages)

    def _build_docks(self) -> None:
        self.tree = BatchTreeView(self)
        self.tree.setModel(self.tree_model)
        self.batches_dock = self._dock("Batches", "batchesDock", self.tree, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector = Inspector(self)
        self.inspector_dock = self._dock("Inspector", "inspectorDock", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.import_panel = ImportPanel(self)
        self.import_dock = self._dock("Import", "importDock", self.import_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.import_dock.hide()

    def _dock(self, title: str, name: str, widget: QWidget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _build_controllers(self) -> None:
        self.cursor = TakeCursor(self.browser, self.model, self)
        self.scope = BatchScope(self.tree, self.tree_model, self.model, self.library, self.cursor, self)
        self.single = SingleView(self.cursor, self.transport, self.peaks, self.deck, self.live_listening, self)
        self.compare_mode = None
        if self.compare is not None:
            self.compare_mode = CompareMode(self.compare, self.pages, self.cursor, self.model,
                                            self.actions, self.peaks, self)
        self.session = ReviewSession(self.library, self.history, self.model, self.inspector, self.inspector_dock,
                                     lambda: self.browser.view, self)
        self.view = self.session.view = self.single   # the view in front of the editor

    def _build_menus_and_toolbar(self) -> None:
        self.open_manifest_action = QAction("Open &Manifest…", self)
        self.open_manifest_action.setToolTip("Open a batch from its takes.json or takes.csv")
        self.open_manifest_action.triggered.connect(lambda: self.open_manifest_dialog())
        self.batch_actions = BatchActions(self)
        self.take_metadata = TakeMetadataActions(self)
        self.post_track = PostTrackActions(self, self.actions)
        self.post_track.watch_player(self.player_panel)
        self.post_track.watch_cards(self.browser.grid)
        self.post_track.watch_cards(self.browser.table)
        self.lane_editor = PostLaneEditor(self, self.post_lane, self.actions)
        self.nudge = NudgeController(self.library, self.undo_stack, self.inspector.sync, self)
        self.inspector.set_report_source(self.library.analysis)
        self.inspector.set_profile(self.listening.setup.profile)
        self.listening.changed.connect(lambda: self.inspector.set_profile(self.listening.setup.profile))
        build_menus(self, self.actions, open_manifest=self.open_manifest_action,
                    batch_actions=(self.batch_actions.rename_action, self.batch_actions.remove_action),
                    take_actions=(self.take_metadata.set_model_action, self.take_metadata.set_prompt_action),
                    docks=(self.batches_dock, self.inspector_dock, self.import_dock),
                    keyboard_help=self.show_keyboard_help, about=self.show_about)
        self.prompt_craft = PromptCraft(self)   # adds its actions to the View and Review menus
        self.team_sync = TeamSync(self)         # Review › Sync with Kitsu…
        self.toolbar = build_toolbar(self, self.actions)
        for name in ("audible_1", "audible_2", "audible_3", "audible_4", "leave_compare"):
            self.actions[name].setEnabled(False)   # Compare only

    # -- wiring -------------------------------------------------------------------------------------

    def _connect(self) -> None:
        a, session, listening = self.actions, self.session, self.listening
        handlers = {
            "open_batch": self.open_batch_dialog, "export_picks": self.export_picks, "quit": self.close,
            "undo": self.undo_stack.undo, "redo": self.undo_stack.redo,
            "play_pause": lambda: self._drive("toggle"), "shuttle_back": lambda: self._drive("shuttle.backward"),
            "shuttle_stop": lambda: self._drive("shuttle.stop"),
            "shuttle_forward": lambda: self._drive("shuttle.forward"),
            "frame_back": lambda: self.step(frames=-1), "frame_forward": lambda: self.step(frames=1),
            "second_back": lambda: self.step(seconds=-1.0), "second_forward": lambda: self.step(seconds=1.0),
            "first_frame": lambda: self.seek(0.0), "last_frame": self.go_to_last_frame,
            "mark_in": session.mark_in, "mark_out": session.mark_out, "clear_marks": session.clear_marks,
            "add_note": session.begin_note,
            "previous_take": lambda: self.view.move(-1), "next_take": lambda: self.view.move(1),
            "pick": lambda: session.review("flag", "pick"), "reject": lambda: session.review("flag", "reject"),
            "unflag": lambda: session.review("flag", "none"), "audio_verdict": session.toggle_audio_verdict,
            "cycle_profile": listening.cycle_profile, "cycle_noise": listening.cycle_noise,
            "volume_down": lambda: listening.step_volume(-1), "volume_up": lambda: listening.step_volume(+1),
            "match_loudness": listening.toggle_match_loudness, "hear_post": listening.cycle_source,
            "leave_compare": self.leave_compare,
        }
        for name, handler in handlers.items():
            a[name].triggered.connect(lambda _=False, h=handler: h())
        for n in range(6):
            a[f"rate_{n}"].triggered.connect(lambda _=False, n=n: session.review("rating", n))
        for n in COMPARE_DIGITS:
            a[f"audible_{n}"].triggered.connect(lambda _=False, n=n: self.compare_mode and self.compare_mode.set_audible(n))
        a["loop"].toggled.connect(self.single.set_loop)
        a["compare"].triggered.connect(lambda checked: self.open_compare() if checked else self.leave_compare())
        a["toggle_grid"].toggled.connect(lambda grid: self.browser.set_view_mode("grid" if grid else "list"))
        a["find_takes"].triggered.connect(self.browser.focus_search)
        self._connect_undo()

        self.cursor.changed.connect(self.single.show)   # first: a new take's scrub bar, then its notes on it
        self.cursor.changed.connect(lambda take, _autoplay: self.session.new_take(take))
        self.scope.title_changed.connect(self.setWindowTitle)
        self.session.marks_changed.connect(self.single.show_marks)
        self.session.marks_changed.connect(lambda m: self.post_lane.timeline.set_marks(m.start, m.end))
        self.cursor.changed.connect(lambda take, _autoplay: self.lane_editor.show_take(take))
        self.session.take_refreshed.connect(self.lane_editor.show_take)
        self.dialogue_volume = DialogueVolume(listening, self.inspector.translation, self.analysis, self)
        self.cursor.changed.connect(lambda take, _autoplay: self.dialogue_volume.show_take(take))
        self.session.take_refreshed.connect(self.dialogue_volume.show_take)
        self.session.message.connect(self.statusBar().showMessage)
        self.browser.grid.doubleClicked.connect(lambda *_: self._drive("toggle"))
        self.browser.table.doubleClicked.connect(lambda *_: self._drive("toggle"))
        self.bridge.changed.connect(self.session.library_changed)

        listening.changed.connect(self._listening_changed)
        self.analysis.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.analysis.finished.connect(self._analysis_finished)
        self.inspector.translation.target_chosen.connect(self.set_delivery_target)
        self.inspector.seek_requested.connect(self.seek)
        self.transport.scrub_bar.seek_requested.connect(self.seek)

        if self.deck is not None:
            self.deck.position_changed.connect(self.transport.show_position)
            self.deck.position_changed.connect(self.post_lane.timeline.set_position)
            self.deck.length_changed.connect(self.transport.set_duration)
            self.deck.length_changed.connect(self.transport.scrub_bar.set_duration)
            self.deck.state_changed.connect(self._player_state_changed)
            self.deck.error.connect(lambda message: self.statusBar().showMessage(message, 8000))
            self.deck.group.shuttle.speed_changed.connect(self.transport.show_speed)
            self.live_listening.problem.connect(lambda message: self.statusBar().showMessage(message, 8000))
            # The reviewed take is the one heard: a new post track or swap spec of it is heard at once.
            self.session.take_refreshed.connect(self.live_listening.show_take)
        if self.compare_mode is not None:
            self.compare.audible_changed.connect(self._compare_audible_changed)
            self.compare.state_changed.connect(self._player_state_changed)
            self.session.take_refreshed.connect(self.compare.refresh_take)
            self.compare_mode.message.connect(self.statusBar().showMessage)
            self.compare_mode.entered.connect(self._compare_entered)
            self.compare_mode.left.connect(self._compare_left)

        self.importer.started.connect(self.import_panel.begin)
        self.importer.finished.connect(self._import_finished)
        self.importer.failed.connect(self._import_failed)

    def _connect_undo(self) -> None:
        a, stack = self.actions, self.undo_stack
        stack.canUndoChanged.connect(a["undo"].setEnabled)
        stack.canRedoChanged.connect(a["redo"].setEnabled)
        stack.undoTextChanged.connect(lambda text: a["undo"].setText(f"&Undo {text}" if text else "&Undo"))
        stack.redoTextChanged.connect(lambda text: a["redo"].setText(f"&Redo {text}" if text else "&Redo"))
        a["undo"].setEnabled(False)
        a["redo"].setEnabled(False)

    # -- what the editor is on ----------------------------------------------------------------------

    def current_take(self) -> Take | None:
        return self.cursor.take()

    def current_take_id(self) -> int | None:
        return self.cursor.take_id()

    def select_take(self, take_id: int, autoplay: bool = False) -> bool:
        return self.cursor.select_take(take_id, autoplay)

    def current_batch(self) -> str | None:
        return self.scope.current_batch()

    # -- playback: whichever view is in front -------------------------------------------------------

    def playback(self):
        """The playback group the transport keys drive (None without libVLC)."""
        return self.view.group

    def _drive(self, command: str) -> None:
        """Play/pause and J/K/L on the view in front ("toggle", "shuttle.forward", …)."""
        target = self.playback()
        for name in command.split("."):
            if target is None:
                return
            target = getattr(target, name)
        target()

    def step(self, seconds: float = 0.0, frames: int = 0) -> None:
        if (group := self.playback()) is not None:
            group.step(seconds=seconds, frames=frames)

    def seek(self, seconds: float) -> None:
        if (group := self.playback()) is not None:
            group.seek(seconds)

    def go_to_last_frame(self) -> None:
        group = self.playback()
        if group is not None and group.last_frame() is not None:
            group.seek(group.last_frame())

    def position(self) -> float:
        group = self.playback()
        return group.position() if group is not None else 0.0

    def _player_state_changed(self, state: str) -> None:
        from soundon.ui.theme import icon  # noqa: PLC0415
        self.actions["play_pause"].setIcon(icon("pause" if state == PlayerState.PLAYING.value else "play"))

    # -- listening ----------------------------------------------------------------------------------

    def _listening_changed(self) -> None:
        a = self.actions
        if a["match_loudness"].isChecked() != self.listening.match_loudness:
            a["match_loudness"].setChecked(self.listening.match_loudness)
        a["hear_post"].setEnabled(self.listening.post_available)
        if self.statusBar() is not None and self.isVisible():
            self.statusBar().showMessage(f"Listening: {self.listening.label()}", 3000)

    # -- compare ------------------------------------------------------------------------------------

    def in_compare(self) -> bool:
        return self.view is self.compare_mode

    def open_compare(self, takes: list[Take] | None = None) -> bool:
        if self.compare_mode is None:
            self.actions["compare"].setChecked(False)
            self.statusBar().showMessage(self.playback_problem or "Playback is not available.", 10000)
            return False
        return self.compare_mode.open(takes)

    def leave_compare(self) -> None:
        if self.compare_mode is not None:
            self.compare_mode.leave()
        else:
            self.actions["compare"].setChecked(False)

    def _compare_entered(self) -> None:
        self.single.step_aside()
        self.view = self.session.view = self.compare_mode

    def _compare_left(self) -> None:
        self.view = self.session.view = self.single
        self.browser.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.single.hear()
        self.activateWindow()   # the players' windows are gone: keep the keys coming to this window
        take = self.current_take()
        self.session.show(take)
        if take is not None:
            self.live_listening.show_take(take)

    def _compare_audible_changed(self, take_id: int) -> None:
        take = self.model.take(take_id)
        self.session.show(take)
        if take is not None:
            self.live_listening.show_take(take)   # its post track, its match gains

    # -- import -------------------------------------------------------------------------------------

    def open_batch_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open Batch Folder", str(Path.home()))
        if folder:
            self.import_paths([folder])

    def open_manifest_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open Batch Manifest", str(Path.home()),
                                              "Batch manifests (*.json *.csv)")
        if path:
            self.import_paths([path])

    def import_paths(self, paths: list[str | Path], name: str | None = None) -> bool:
        if self.importer.is_running():
            self.statusBar().showMessage("An import is running; wait for it or stop it first.", 6000)
            return False
        return self.importer.start(paths, name)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.post_track.enter(event)   # batches import, a post track goes to the take on screen

    def dropEvent(self, event) -> None:  # noqa: N802
        self.post_track.drop(event)

    # -- translation analysis -------------------------------------------------------------------------

    def _analysis_finished(self, analysed: int, failed: int) -> None:
        if failed:
            self.statusBar().showMessage(f"{failed} take(s) could not be analysed; the others were.", 8000)

    def set_delivery_target(self, batch: str, target: str) -> None:
        """The batch's delivery target changed: its takes are analysed again against it."""
        try:
            self.history.set_batch_target(batch, target, applied=self._batch_target_applied)
        except LibraryError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))

    def _batch_target_applied(self, _batch: str) -> None:
        take = self.current_take()
        if take is not None:
            fresh = self.library.take(take.id)
            if fresh is not None:
                self.inspector.show_take(fresh)
        self.analysis.analyse_due()

    def _import_finished(self, result) -> None:
        self.import_panel.show_result(result)
        if result.added:
            self.analysis.analyse_due()   # the new takes get their translation report in the background
        if result.refused or result.skipped:
            self.import_dock.show()
        self.statusBar().showMessage(self.import_panel.summary.text(), 8000)
        if result.batches:
            self.tree_model.rebuild()
            self.scope.select((result.batches[-1], None))
            if result.added:
                self.cursor.select_row(0)   # the new batch from the top, in the browser's order

    def _import_failed(self, message: str) -> None:
        self.import_panel.show_failure(message)
        self.import_dock.show()

    # -- export, help, closing ----------------------------------------------------------------------

    def export_picks(self) -> None:
        runner = export_picks(self, self.library, self.current_batch())
        if runner is not None:
            self.export_runner = runner
            runner.progress.connect(show_export_progress_in(self.statusBar()))
            runner.finished.connect(lambda result: self.statusBar().showMessage(export_summary(result), 15000))
            runner.failed.connect(lambda message: QMessageBox.warning(self, APP_NAME, message))
            runner.start()

    def show_keyboard_help(self) -> None:
        from soundon.ui.keymap import KEYMAP, tooltip  # noqa: PLC0415
        lines = [tooltip(b) for b in KEYMAP if not b.name.startswith("audible_")]
        lines.append("In Compare: 1–4 hear that take, Ctrl+0–5 rate it")
        QMessageBox.information(self, "Keyboard Shortcuts", "\n".join(lines))

    def show_about(self) -> None:
        from soundon import __version__  # noqa: PLC0415
        QMessageBox.about(self, APP_NAME, f"{APP_NAME} {__version__}\nScreen takes with sound on, pick, and swap "
                                          "in the post track.\nListening profiles are approximations.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.analysis.cancel()   # and starts no other run
        cancel_all_jobs(QUIT_WAIT_S)
        save_layout(self, self.settings)
        if self.compare is not None:
            self.compare.close_takes()
        if self.deck is not None:
            self.deck.release()
        self.bridge.close()
        self.tree_model.stop_updates()
        super().closeEvent(event)
