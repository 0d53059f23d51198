"""The main window: batches on the left, the player over the take browser in the middle, the
inspector on the right, the import panel below; Compare replaces the middle while it is open.

The window wires the parts together and turns the keyboard map into review decisions. Every
decision is written to the library at once (through the undo history), and the views follow the
library's change signal — the window never refreshes them by hand.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QModelIndex, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QUndoStack
from PySide6.QtWidgets import (QDockWidget, QFileDialog, QMainWindow, QMessageBox, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from soundon import APP_NAME
from soundon.core.comparison import takes_to_compare
from soundon.core.marks import InOut
from soundon.core.review import Note, ReviewError
from soundon.core.timecode import format_timecode
from soundon.media.overview import load_peaks
from soundon.store.library import Library, LibraryError
from soundon.ui.actions import build_actions
from soundon.ui.analysis_runner import AnalysisRunner
from soundon.ui.compare import CompareView
from soundon.ui.controllers.batch_actions import BatchActions
from soundon.ui.controllers.take_metadata import TakeMetadataActions
from soundon.ui.controllers.window_layout import layout_fits
from soundon.ui.export_action import export_picks
from soundon.ui.export_action import summary as export_summary
from soundon.ui.importing import ImportController, ImportProgress, batch_paths
from soundon.ui.keymap import BINDING, COMPARE_DIGITS
from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.menus import build_menus, build_toolbar
from soundon.ui.listening import ListeningState
from soundon.ui.models.batch_tree import ALL_TAKES, BatchTreeModel
from soundon.ui.models.roles import TakeRole, TreeRole
from soundon.ui.models.take_filter import TakeFilterProxy
from soundon.ui.models.take_model import TakeListModel, take_name
from soundon.ui.player.scrub_bar import NoteSpan
from soundon.ui.player.transport import Transport
from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.vlc_player import PlayerState
from soundon.ui.undo import ReviewHistory
from soundon.ui.views.batch_tree_view import BatchTreeView
from soundon.ui.views.import_panel import ImportPanel
from soundon.ui.views.inspector import Inspector
from soundon.ui.views.listening_switch import ListeningSwitch
from soundon.ui.views.phone_volume import PhoneVolume
from soundon.ui.views.take_browser import TakeBrowser

FIRST_RUN_SIZE = (1440, 900)
SCOPE_KEY = "window/scope"


def app_settings() -> QSettings:
    return QSettings(APP_NAME, APP_NAME)


class MainWindow(QMainWindow):
    current_take_changed = Signal(object)   # take id or None

    def __init__(self, library: Library, settings: QSettings | None = None, playback_problem: str | None = None):
        super().__init__()
        self.library = library
        self.settings = settings or app_settings()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.bridge = LibraryBridge(library, self)
        self.model = TakeListModel(library, self.bridge, self)
        self.proxy = TakeFilterProxy(self.model, self)
        self.tree_model = BatchTreeModel(library, self.model, self)
        self.undo_stack = QUndoStack(self)
        self.history = ReviewHistory(library, self.undo_stack)
        self.listening = ListeningState(self.settings, self)
        self.importer = ImportController(library, self.bridge, self)
        self.analysis = AnalysisRunner(library, self.bridge, self)
        self.export_runner = None
        self.actions = build_actions(self)
        self._scope = ALL_TAKES
        self._marks = InOut()
        self._autoplay_next = False
        self._direction = 1
        self._current_row = -1
        self._current_take_id: int | None = None
        self._peaks_cache: dict[str, object] = {}

        self._build_player(playback_problem)
        self._build_browser()
        self._build_docks()
        self._build_menus_and_toolbar()
        self._build_status_bar()
        self._connect()
        self._restore_settings()

    # -- building -----------------------------------------------------------------------------------

    def _build_player(self, problem: str | None) -> None:
        self.transport = Transport(self)
        self.playback_problem = problem
        if problem is None:
            from soundon.ui.player.deck import PlayerDeck  # noqa: PLC0415 — needs libVLC
            from soundon.ui.player.shuttle import Shuttle  # noqa: PLC0415
            self.deck = PlayerDeck(self)
            self.shuttle = Shuttle(self.deck, self)
            picture = self.deck
        else:
            self.deck = None
            self.shuttle = None
            picture = VideoSurface(self)
            picture.set_message(problem)
        self.player_panel = QWidget(self)
        layout = QVBoxLayout(self.player_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(picture, 1)
        layout.addWidget(self.transport)
        for name in ("frame_back", "play_pause", "frame_forward", "loop", "mark_in", "mark_out", "add_note"):
            self.transport.add_action_button(self.actions[name])
        self.listening_switch = ListeningSwitch(self.listening, self)
        self.transport.extra.addWidget(self.listening_switch)
        self.phone_volume = PhoneVolume(self.listening, self)
        self.transport.extra.addWidget(self.phone_volume)
        self.renders = None        # pre-rendered listening files (only without the live audio engine)
        self.live_listening = None
        if self.deck is not None and self.deck.player.live:
            from soundon.ui.controllers.live_listening import LiveListening  # noqa: PLC0415 — with the player
            self.live_listening = LiveListening(self.listening, self)
        elif self.deck is not None:
            from soundon.ui.listening_renders import ListeningRenders  # noqa: PLC0415 — with the player
            self.renders = ListeningRenders(self.library.cache_dir, self.deck, self.listening, self)
        self.compare = CompareView(self) if problem is None else None
        if self.compare is not None:
            for name in ("frame_back", "play_pause", "frame_forward", "add_note"):
                self.compare.transport.add_action_button(self.actions[name])

    def _build_browser(self) -> None:
        self.browser = TakeBrowser(self.proxy, self)
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

    def _build_menus_and_toolbar(self) -> None:
        self.open_manifest_action = QAction("Open &Manifest…", self)
        self.open_manifest_action.setToolTip("Open a batch from its takes.json or takes.csv")
        self.open_manifest_action.triggered.connect(lambda: self.open_manifest_dialog())
        self.batch_actions = BatchActions(self)
        self.take_metadata = TakeMetadataActions(self)
        build_menus(self, self.actions, open_manifest=self.open_manifest_action,
                    batch_actions=(self.batch_actions.rename_action, self.batch_actions.remove_action),
                    take_actions=(self.take_metadata.set_model_action, self.take_metadata.set_prompt_action),
                    docks=(self.batches_dock, self.inspector_dock, self.import_dock),
                    keyboard_help=self.show_keyboard_help, about=self.show_about)
        self.toolbar = build_toolbar(self, self.actions)
        for name in ("audible_1", "audible_2", "audible_3", "audible_4", "leave_compare"):
            self.actions[name].setEnabled(False)   # Compare only

    def _build_status_bar(self) -> None:
        self.import_progress = ImportProgress(self.importer, self.statusBar())

    # -- wiring -------------------------------------------------------------------------------------

    def _connect(self) -> None:
        a = self.actions
        handlers = {
            "open_batch": self.open_batch_dialog, "export_picks": self.export_picks, "quit": self.close,
            "undo": self.undo_stack.undo, "redo": self.undo_stack.redo,
            "play_pause": self.play_pause, "shuttle_back": self.shuttle_back, "shuttle_stop": self.shuttle_stop,
            "shuttle_forward": self.shuttle_forward,
            "frame_back": lambda: self.step(frames=-1), "frame_forward": lambda: self.step(frames=1),
            "second_back": lambda: self.step(seconds=-1.0), "second_forward": lambda: self.step(seconds=1.0),
            "first_frame": lambda: self.seek(0.0), "last_frame": self.go_to_last_frame,
            "mark_in": self.mark_in, "mark_out": self.mark_out, "clear_marks": self.clear_marks,
            "add_note": self.begin_note,
            "previous_take": lambda: self.move_take(-1), "next_take": lambda: self.move_take(1),
            "pick": lambda: self.review("flag", "pick"), "reject": lambda: self.review("flag", "reject"),
            "unflag": lambda: self.review("flag", "none"), "audio_verdict": self.toggle_audio_verdict,
            "cycle_profile": self.listening.cycle_profile, "cycle_noise": self.listening.cycle_noise,
            "volume_down": lambda: self.listening.step_volume(-1), "volume_up": lambda: self.listening.step_volume(+1),
            "match_loudness": self.listening.toggle_match_loudness, "hear_post": self.listening.toggle_post,
            "leave_compare": self.leave_compare,
        }
        for name, handler in handlers.items():
            a[name].triggered.connect(lambda _=False, h=handler: h())
        for n in range(6):
            a[f"rate_{n}"].triggered.connect(lambda _=False, n=n: self.review("rating", n))
        for n in COMPARE_DIGITS:
            a[f"audible_{n}"].triggered.connect(lambda _=False, n=n: self.compare and self.compare.set_audible(n - 1))
        a["loop"].toggled.connect(self.set_loop)
        a["compare"].triggered.connect(lambda checked: self.open_compare() if checked else self.leave_compare())
        a["toggle_grid"].toggled.connect(lambda grid: self.browser.set_view_mode("grid" if grid else "list"))
        self.undo_stack.canUndoChanged.connect(a["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(a["redo"].setEnabled)
        self.undo_stack.undoTextChanged.connect(
            lambda text: a["undo"].setText(f"&Undo {text}" if text else "&Undo"))
        self.undo_stack.redoTextChanged.connect(
            lambda text: a["redo"].setText(f"&Redo {text}" if text else "&Redo"))
        a["undo"].setEnabled(False)
        a["redo"].setEnabled(False)

        self.tree.selectionModel().currentChanged.connect(self._scope_selected)
        self.tree_model.rebuilt.connect(self._restore_tree_selection)
        self.browser.selection_model.currentChanged.connect(self._current_changed)
        self.proxy.rowsRemoved.connect(self._keep_a_current_take)
        self.proxy.layoutChanged.connect(self._keep_a_current_take)
        self.proxy.modelReset.connect(self._keep_a_current_take)
        self.proxy.rowsInserted.connect(self._first_take_arrived)
        self.browser.grid.doubleClicked.connect(lambda *_: self.play_pause())
        self.browser.table.doubleClicked.connect(lambda *_: self.play_pause())
        self.bridge.changed.connect(self._library_changed)

        self.listening.changed.connect(self._listening_changed)
        self.analysis.failed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.analysis.finished.connect(self._analysis_finished)
        self.inspector.translation.target_chosen.connect(self.set_delivery_target)
        for source in (self.renders, self.live_listening):
            if source is not None:
                source.problem.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.inspector.note_submitted.connect(self.save_note)
        self.inspector.note_cancelled.connect(self.end_note)
        self.inspector.note_delete_requested.connect(self.delete_note)
        self.inspector.seek_requested.connect(self.seek)
        self.transport.scrub_bar.seek_requested.connect(self.seek)

        if self.deck is not None:
            self.deck.position_changed.connect(self.transport.show_position)
            self.deck.length_changed.connect(self.transport.set_duration)
            self.deck.length_changed.connect(self.transport.scrub_bar.set_duration)
            self.deck.state_changed.connect(self._player_state_changed)
            self.deck.audio_track_changed.connect(self.listening.set_hearing)
            self.deck.error.connect(lambda message: self.statusBar().showMessage(message, 8000))
            self.shuttle.speed_changed.connect(self.transport.show_speed)
        if self.compare is not None:
            self.compare.audible_changed.connect(self._compare_audible_changed)
            self.compare.state_changed.connect(self._player_state_changed)

        self.importer.started.connect(self.import_panel.begin)
        self.importer.finished.connect(self._import_finished)
        self.importer.failed.connect(self._import_failed)

    # -- settings -----------------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            pass
        else:
            self._first_run_size()
        state = self.settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty() and self.restoreState(state):
            self.import_dock.hide()  # it opens when an import has something to say
        else:
            self._default_dock_sizes()
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([560, 300])
        mode = str(self.settings.value("window/view", "grid"))
        self.actions["toggle_grid"].setChecked(mode == "grid")
        self.browser.set_view_mode("grid" if mode == "grid" else "list")
        scope = self.settings.value(SCOPE_KEY)
        batches = [b["name"] for b in self.library.batches()]
        if isinstance(scope, str) and scope in batches:
            self.select_scope((scope, None))
        elif len(batches) == 1:
            self.select_scope((batches[0], None))
        else:
            self.select_scope(ALL_TAKES)
        self._update_title()
        self._listening_changed()
        # Takes imported earlier (or by `soundon import`) without a report get one in the background.
        QTimer.singleShot(0, self.analysis.analyse_due)

    def _first_run_size(self) -> None:
        screen = QGuiApplication.primaryScreen()
        width, height = FIRST_RUN_SIZE
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * 0.92))
            height = min(height, int(area.height() * 0.92))
            self.resize(width, height)
            frame = self.frameGeometry()
            frame.moveCenter(area.center())
            self.move(frame.topLeft())
        else:
            self.resize(width, height)

    def _default_dock_sizes(self) -> None:
        # Dock sizes only take once the window is laid out (after show), so set them from the event loop.
        QTimer.singleShot(0, lambda: self.resizeDocks([self.batches_dock, self.inspector_dock], [230, 360],
                                                      Qt.Orientation.Horizontal))

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if layout_fits((self.batches_dock, self.inspector_dock)):
            self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/view", self.browser.view_mode())
        if self._scope[0]:
            self.settings.setValue(SCOPE_KEY, self._scope[0])
        self.settings.sync()

    # -- scope (the tree) ---------------------------------------------------------------------------

    def select_scope(self, scope) -> None:
        index = self.tree_model.index_of(scope)
        self.tree.setCurrentIndex(index)
        self.tree.expand(index.parent() if index.parent().isValid() else index)

    def _scope_selected(self, current: QModelIndex, _previous=None) -> None:
        if self.tree_model.rebuilding:
            return
        scope = tuple(current.data(TreeRole.SCOPE)) if current.isValid() else ALL_TAKES
        if scope == self._scope and self.proxy.take_filter.batch == scope[0]:
            return
        self._scope = scope
        self.proxy.update_filter(batch=scope[0], prompt_group=scope[1])
        self._update_title()
        if self.proxy.rowCount() and not self.browser.selection_model.currentIndex().isValid():
            self.select_row(0)

    def _restore_tree_selection(self) -> None:
        index = self.tree_model.index_of(self._scope)
        self.tree.setCurrentIndex(index)   # the same scope: _scope_selected leaves the filter alone
        self.tree.expandAll()
        self._update_title()

    def _update_title(self) -> None:
        batch = self._scope[0]
        if batch is None:
            batches = self.library.batches()
            batch = batches[0]["name"] if len(batches) == 1 else "All batches"
        self.setWindowTitle(f"{APP_NAME} — {batch}")

    def scope(self) -> tuple[str | None, str | None]:
        """What the tree shows: (batch, prompt group), None for all."""
        return self._scope

    def current_batch(self) -> str | None:
        take = self.current_take()
        return self._scope[0] or (take["batch"] if take else None)

    # -- the current take ---------------------------------------------------------------------------

    def current_take(self) -> dict | None:
        if self._current_take_id is None:
            return None
        return self.model.take(self._current_take_id)

    def current_take_id(self) -> int | None:
        return self._current_take_id

    def select_row(self, row: int, autoplay: bool = False) -> None:
        if not 0 <= row < self.proxy.rowCount():
            return
        self._autoplay_next = autoplay
        index = self.proxy.index(row, 0)
        self.browser.selection_model.setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.browser.view.scrollTo(index)

    def select_take(self, take_id: int, autoplay: bool = False) -> bool:
        row = self.proxy.row_of(take_id)
        if row is None:
            return False
        self.select_row(row, autoplay)
        return True

    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        autoplay, self._autoplay_next = self._autoplay_next, False
        if not current.isValid():
            return
        self._current_row = current.row()
        take = current.data(TakeRole.TAKE)
        if take["id"] == self._current_take_id:
            return
        self._current_take_id = take["id"]
        self._marks = InOut()
        self.transport.show_marks(None, None)
        self.inspector.show_take(take)
        self.transport.set_take(take["duration"], take["fps"] or 25.0)
        self.transport.scrub_bar.set_take(take["duration"], take["fps"] or 25.0, self.peaks(take))
        self._show_notes(take["id"])
        if self.deck is not None:
            self.deck.show_take(take, autoplay=autoplay)
            for source in (self.renders, self.live_listening):
                if source is not None:
                    source.show_take(take)
            self.deck.set_loop(self.actions["loop"].isChecked())
            neighbour = self.proxy.index(current.row() + self._direction, 0)
            if neighbour.isValid():
                QTimer.singleShot(0, lambda t=neighbour.data(TakeRole.TAKE): self.deck.preload(t))
        self.current_take_changed.emit(take["id"])

    def _keep_a_current_take(self, *_args) -> None:
        """A decision can filter the current take out of view: the next one takes its place."""
        if self.browser.selection_model.currentIndex().isValid() or not self.proxy.rowCount():
            return
        self.select_row(min(max(self._current_row, 0), self.proxy.rowCount() - 1))

    def _first_take_arrived(self, *_args) -> None:
        if not self.browser.selection_model.currentIndex().isValid():
            self.select_row(0)

    def move_take(self, step: int) -> None:
        if self.in_compare():
            self.compare.move_audible(step)
            return
        current = self.browser.selection_model.currentIndex()
        row = current.row() + step if current.isValid() else 0
        self._direction = 1 if step >= 0 else -1
        self.select_row(max(0, min(row, self.proxy.rowCount() - 1)), autoplay=True)

    def peaks(self, take: dict):
        path = self.model.waveform_path(take)
        if not path:
            return None
        if path not in self._peaks_cache:
            try:
                self._peaks_cache[path] = load_peaks(path)
            except (OSError, ValueError):
                self._peaks_cache[path] = None
            if len(self._peaks_cache) > 64:
                self._peaks_cache.pop(next(iter(self._peaks_cache)))
        return self._peaks_cache[path]

    # -- review decisions ---------------------------------------------------------------------------

    def target_take_ids(self) -> list[int]:
        """What a review key acts on: the audible take in Compare; else the selected takes."""
        if self.in_compare():
            take = self.compare.audible_take()
            return [take["id"]] if take else []
        rows = self.browser.selection_model.selectedRows()
        ids = [index.data(TakeRole.TAKE_ID) for index in rows]
        if self._current_take_id is not None and self._current_take_id not in ids:
            ids = [self._current_take_id] if not ids else ids
        return ids

    def review(self, field: str, value) -> None:
        ids = self.target_take_ids()
        if not ids:
            self.statusBar().showMessage("Select a take first.", 4000)
            return
        names = {i: take_name(self.model.take(i)) for i in ids if self.model.take(i)}
        try:
            self.history.set(ids, field, value, names)
        except (LibraryError, ReviewError) as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))

    def toggle_audio_verdict(self) -> None:
        ids = self.target_take_ids()
        if not ids:
            return
        lead = self.model.take(ids[0]) or {}
        self.review("audio_verdict", "replace" if lead.get("audio_verdict") == "keep" else "keep")

    # -- playback -----------------------------------------------------------------------------------

    def in_compare(self) -> bool:
        return self.compare is not None and self.pages.currentWidget() is self.compare

    def play_pause(self) -> None:
        if self.in_compare():
            self.compare.toggle()
        elif self.deck is not None:
            self.deck.player.toggle()
            self.shuttle.normal_play_toggled()

    def shuttle_forward(self) -> None:
        if self.in_compare():
            self.compare.play()
        elif self.shuttle is not None:
            self.shuttle.forward()

    def shuttle_back(self) -> None:
        if self.in_compare():
            self.compare.step(seconds=-1.0)
        elif self.shuttle is not None:
            self.shuttle.backward()

    def shuttle_stop(self) -> None:
        if self.in_compare():
            self.compare.pause()
        elif self.shuttle is not None:
            self.shuttle.stop()

    def step(self, seconds: float = 0.0, frames: int = 0) -> None:
        if self.in_compare():
            self.compare.step(seconds=seconds, frames=frames)
        elif self.deck is not None:
            player = self.deck.player
            if frames:
                player.step_frames(frames)
            else:
                player.seek(player.position() + seconds)

    def seek(self, seconds: float) -> None:
        if self.in_compare():
            self.compare.seek(seconds)
        elif self.deck is not None:
            self.deck.player.seek(seconds)

    def go_to_last_frame(self) -> None:
        player = self.compare.leader() if self.in_compare() else self.deck.player if self.deck else None
        if player is not None and player.length:
            self.seek(player.last_frame())

    def position(self) -> float:
        if self.in_compare():
            return self.compare.leader().position()
        return self.deck.player.position() if self.deck is not None else 0.0

    def set_loop(self, loop: bool) -> None:
        if self.deck is not None:
            self.deck.set_loop(loop, self._marks.loop_range())

    def _player_state_changed(self, state: str) -> None:
        playing = state == PlayerState.PLAYING.value
        self.actions["play_pause"].setIcon(self._icon("pause" if playing else "play"))

    @staticmethod
    def _icon(name: str):
        from soundon.ui.theme import icon  # noqa: PLC0415
        return icon(name)

    # -- marks and notes ----------------------------------------------------------------------------

    def mark_in(self) -> None:
        self._set_marks(self._marks.mark_in(self.position()))

    def mark_out(self) -> None:
        self._set_marks(self._marks.mark_out(self.position()))

    def clear_marks(self) -> None:
        self._set_marks(InOut())

    def _set_marks(self, marks: InOut) -> None:
        self._marks = marks
        self.transport.show_marks(marks.start, marks.end)
        if self.actions["loop"].isChecked():
            self.set_loop(True)

    def marks(self) -> tuple[float | None, float | None]:
        return self._marks.start, self._marks.end

    def note_range(self) -> tuple[float, float | None]:
        return self._marks.note_range(self.position())

    def begin_note(self) -> None:
        take = self._review_take()
        if take is None:
            self.statusBar().showMessage("Select a take first.", 4000)
            return
        start, end = self.note_range()
        fps = take["fps"] or 25.0
        text = f"Note at {format_timecode(start, fps)}"
        if end is not None:
            text = f"Note for {format_timecode(start, fps)}–{format_timecode(end, fps)}"
        self.inspector_dock.show()
        self.inspector.begin_note(text)

    def save_note(self, text: str) -> None:
        take = self._review_take()
        if take is None:
            return
        start, end = self.note_range()
        try:
            self.history.add_note(take["id"], Note(text, start, end), take_name(take))
        except (LibraryError, ReviewError) as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self.end_note()
        self.clear_marks()

    def end_note(self) -> None:
        self.inspector.end_note()
        self.browser.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def delete_note(self, note_id: int) -> None:
        take = self._review_take()
        if take is not None:
            self.history.delete_note(take["id"], note_id, take_name(take))

    def _review_take(self) -> dict | None:
        if self.in_compare():
            return self.compare.audible_take()
        return self.current_take()

    def _show_notes(self, take_id: int) -> None:
        notes = self.library.notes(take_id)
        self.inspector.show_notes(notes)
        shown = self._review_take()
        if shown is not None and shown["id"] == take_id:
            spans = [NoteSpan(n["start"] if n["start"] is not None else 0.0, n["end"], n["text"]) for n in notes]
            bar = self.compare.transport.scrub_bar if self.in_compare() else self.transport.scrub_bar
            bar.set_notes(spans)

    # -- library changes ----------------------------------------------------------------------------

    def _library_changed(self, kind: str, ids: list[int]) -> None:
        shown = self._review_take()
        if shown is None or shown["id"] not in ids:
            return
        if kind == "notes":
            self._show_notes(shown["id"])
        elif kind in ("review", "analysis", "swap", "takes", "metadata"):
            fresh = self.model.take(shown["id"])
            if fresh is not None:
                if kind == "swap" and self.live_listening is not None:
                    self.live_listening.show_take(fresh)   # first: a new post track or spec is heard at once
                self.inspector.show_take(fresh)
                if self.in_compare():
                    self.compare.refresh_take(fresh)

    # -- listening ----------------------------------------------------------------------------------

    def _listening_changed(self) -> None:
        if self.renders is not None:
            self.renders.refresh()   # make (and attach) what this setting and its neighbours need
        a = self.actions
        for name, on in (("match_loudness", self.listening.match_loudness), ("hear_post", self.listening.post)):
            if a[name].isChecked() != on:
                a[name].setChecked(on)
        a["hear_post"].setEnabled(self.listening.post_available)
        key = self.listening.render_key
        if self.renders is not None and getattr(self, "_selected_audio", None) != key:
            self._selected_audio = key
            self.deck.select_audio(key)
        if self.statusBar() is not None and self.isVisible():
            self.statusBar().showMessage(f"Listening: {self.listening.label()}", 3000)

    # -- compare ------------------------------------------------------------------------------------

    def compare_candidates(self) -> list[dict]:
        """The selected 2–4 takes, or else the current take's prompt group (in view order)."""
        rows = sorted(self.browser.selection_model.selectedRows(), key=lambda i: i.row())
        return takes_to_compare([index.data(TakeRole.TAKE) for index in rows], self.current_take(),
                                self.model.rows(), self.proxy.take_ids())

    def open_compare(self, takes: list[dict] | None = None) -> bool:
        if self.compare is None:
            self.actions["compare"].setChecked(False)
            self.statusBar().showMessage(self.playback_problem or "Playback is not available.", 10000)
            return False
        takes = takes if takes is not None else self.compare_candidates()
        if len(takes) < 2:
            self.actions["compare"].setChecked(False)
            self.statusBar().showMessage("Compare needs 2–4 selected takes, or a take whose prompt group has others.", 6000)
            return False
        if self.deck is not None:
            self.deck.player.pause()
        self.pages.setCurrentWidget(self.compare)
        self.compare.open(takes, peaks_for=self.peaks)
        self.compare.setFocus(Qt.FocusReason.OtherFocusReason)   # never inside a player's native window
        self.actions["compare"].setChecked(True)
        self._set_compare_keys(True)
        count = len(takes)
        self.statusBar().showMessage(f"Comparing {count} takes: 1–{count} or click to hear one; Esc or C to leave.", 8000)
        return True

    def leave_compare(self) -> None:
        if not self.in_compare():
            self.actions["compare"].setChecked(False)
            return
        self.pages.setCurrentWidget(self.splitter)
        self.browser.view.setFocus(Qt.FocusReason.OtherFocusReason)
        self.compare.close_takes()
        if self.deck is not None:
            self.deck.hear()
        self.activateWindow()   # the players' windows are gone: keep the keys coming to this window
        self.actions["compare"].setChecked(False)
        self._set_compare_keys(False)
        take = self.current_take()
        if take is not None:
            self.inspector.show_take(take)
            self._show_notes(take["id"])

    def _set_compare_keys(self, comparing: bool) -> None:
        """In Compare, 1–4 pick the audible take; ratings keep Ctrl+0–5 (and plain 0 and 5)."""
        from PySide6.QtGui import QKeySequence  # noqa: PLC0415
        for n in COMPARE_DIGITS:
            keys = BINDING[f"rate_{n}"].keys
            self.actions[f"rate_{n}"].setShortcuts([QKeySequence(k) for k in (keys[1:] if comparing else keys)])
            self.actions[f"audible_{n}"].setEnabled(comparing and n <= len(self.compare.cells))
        self.actions["leave_compare"].setEnabled(comparing)

    def _compare_audible_changed(self, take_id: int) -> None:
        take = self.model.take(take_id)
        if take is not None:
            self.inspector.show_take(take)
            self._show_notes(take_id)

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
        if event.mimeData().hasUrls() and batch_paths(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = batch_paths(event.mimeData().urls())
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

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
            fresh = self.library.take(take["id"])
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
            self.select_scope((result.batches[-1], None))
            if result.added:
                self.select_row(0)   # the new batch from the top, in the browser's order

    def _import_failed(self, message: str) -> None:
        self.import_panel.show_failure(message)
        self.import_dock.show()

    # -- export, help, closing ----------------------------------------------------------------------

    def export_picks(self) -> None:
        runner = export_picks(self, self.library, self.current_batch())
        if runner is not None:
            self.export_runner = runner
            runner.progress.connect(lambda fraction, what: self.statusBar().showMessage(
                f"Exporting {fraction:.0%} — {what}"))
            runner.finished.connect(lambda result: self.statusBar().showMessage(export_summary(result), 15000))
            runner.failed.connect(lambda message: QMessageBox.warning(self, APP_NAME, message))

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
        if self.importer.is_running():
            self.importer.cancel()
            self.importer.wait(10)
        self.analysis.cancel()
        self.analysis.wait(10)
        if self.renders is not None:
            self.renders.shutdown()
        if self.live_listening is not None:
            self.live_listening.shutdown()
        self.save_settings()
        if self.compare is not None:
            self.compare.close_takes()
        if self.deck is not None:
            self.deck.release()
        self.bridge.close()
        self.tree_model.stop_updates()
        super().closeEvent(event)
