"""The keyboard map (DESIGN.md "Keyboard", NLE and photo-culling conventions), as data.

The window turns each entry into a QAction with a window-wide shortcut, so the keys work wherever
focus is in the main window — the take grid, the player, the inspector — and the same action sits
in a menu (which shows its key) and behind a button (whose tooltip names it). `ShortcutGuard` hands
plain keys to a text field while the editor types in it.

Choices where the design is silent:
- Loop is Ctrl+L and Clear In/Out is Ctrl+Shift+X (Premiere's keys); Undo is Ctrl+Z, Redo Ctrl+Shift+Z.
- In Compare, 1–4 make that take the audible one (as the issue asks), so ratings there are Ctrl+0–5
  (also valid in the browser); 0 and 5 keep working as ratings.
- Esc leaves Compare; Enter opens the note field for the In–Out range (or the current frame).
- Phone volume is [ and ] (a step of 6 dB each), Shift+M plays every profile at the same loudness,
  Shift+A cycles what of the take is heard: native, the post track, the post track over the native
  bed (A decides keep ↔ replace).
- Slipping the post track is Alt+Left / Alt+Right for a frame and Alt+Shift+Left / Alt+Shift+Right for
  10 ms: the arrows that step the playhead, with Alt moving the track instead. Align to Native has no
  key (it asks before it changes anything).
- Attach Post Track is Ctrl+Shift+A (beside A and Shift+A, which are about the same audio); Detach has
  no key, as it is rarer and undone by Ctrl+Z.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QLineEdit, QPlainTextEdit, QTextEdit


@dataclass(frozen=True)
class KeyBinding:
    name: str                 # the action's id (MainWindow.actions[name])
    keys: tuple[str, ...]     # QKeySequence strings, the first is shown in menus
    text: str                 # menu text
    menu: str                 # which menu holds it
    icon: str = ""            # resources/icons/<icon>.svg
    checkable: bool = False


KEYMAP: tuple[KeyBinding, ...] = (
    # File
    KeyBinding("open_batch", ("Ctrl+O",), "&Open Batch…", "File", "open"),
    KeyBinding("export_picks", ("Ctrl+E",), "&Export Picks…", "File", "export"),
    KeyBinding("quit", ("Ctrl+Q",), "&Quit", "File"),
    # Edit
    KeyBinding("undo", ("Ctrl+Z",), "&Undo", "Edit", "undo"),
    KeyBinding("redo", ("Ctrl+Shift+Z",), "&Redo", "Edit"),
    # Playback
    KeyBinding("play_pause", ("Space",), "Play / Pause", "Playback", "play"),
    KeyBinding("shuttle_back", ("J",), "Shuttle Backwards", "Playback", "shuttle-back"),
    KeyBinding("shuttle_stop", ("K",), "Stop Shuttle", "Playback", "stop"),
    KeyBinding("shuttle_forward", ("L",), "Shuttle Forwards", "Playback", "shuttle-forward"),
    KeyBinding("frame_back", ("Left",), "Previous Frame", "Playback", "frame-back"),
    KeyBinding("frame_forward", ("Right",), "Next Frame", "Playback", "frame-forward"),
    KeyBinding("second_back", ("Shift+Left",), "Back One Second", "Playback", "second-back"),
    KeyBinding("second_forward", ("Shift+Right",), "Forward One Second", "Playback", "second-forward"),
    KeyBinding("first_frame", ("Home",), "First Frame", "Playback"),
    KeyBinding("last_frame", ("End",), "Last Frame", "Playback"),
    KeyBinding("loop", ("Ctrl+L",), "Loop", "Playback", "loop", checkable=True),
    KeyBinding("mark_in", ("I",), "Mark In", "Playback", "mark-in"),
    KeyBinding("mark_out", ("O",), "Mark Out", "Playback", "mark-out"),
    KeyBinding("clear_marks", ("Ctrl+Shift+X",), "Clear In and Out", "Playback"),
    KeyBinding("add_note", ("Return", "Enter"), "Add Note at In–Out…", "Playback", "note"),
    # Review
    KeyBinding("previous_take", ("Up",), "Previous Take", "Review"),
    KeyBinding("next_take", ("Down",), "Next Take", "Review"),
    KeyBinding("pick", ("P",), "&Pick", "Review", "pick"),
    KeyBinding("reject", ("X",), "&Reject", "Review", "reject"),
    KeyBinding("unflag", ("U",), "&Unflag", "Review", "unflag"),
    *(KeyBinding(f"rate_{n}", (str(n), f"Ctrl+{n}"), f"Rate {'★' * n if n else '(none)'}", "Review")
      for n in range(6)),
    KeyBinding("audio_verdict", ("A",), "Audio: Keep ↔ Replace", "Review", "audio"),
    KeyBinding("attach_post_track", ("Ctrl+Shift+A",), "A&ttach Post Track…", "Review"),
    KeyBinding("detach_post_track", (), "&Detach Post Track", "Review"),
    KeyBinding("slip_earlier_frame", ("Alt+Left",), "Slip Post Track Earlier (1 Frame)", "Review"),
    KeyBinding("slip_later_frame", ("Alt+Right",), "Slip Post Track Later (1 Frame)", "Review"),
    KeyBinding("slip_earlier_10ms", ("Alt+Shift+Left",), "Slip Post Track Earlier (10 ms)", "Review"),
    KeyBinding("slip_later_10ms", ("Alt+Shift+Right",), "Slip Post Track Later (10 ms)", "Review"),
    KeyBinding("align_to_native", (), "Align Post Track to Native…", "Review"),
    # Listening
    KeyBinding("cycle_profile", ("M",), "Next Listening Profile", "Listening", "headphones"),
    KeyBinding("cycle_noise", ("N",), "Next Noise Environment", "Listening"),
    KeyBinding("volume_down", ("[",), "Phone Volume Down", "Listening"),
    KeyBinding("volume_up", ("]",), "Phone Volume Up", "Listening"),
    KeyBinding("match_loudness", ("Shift+M",), "Match Loudness", "Listening", checkable=True),
    KeyBinding("hear_post", ("Shift+A",), "Hear Native / Post / Mix", "Listening"),
    # View
    KeyBinding("compare", ("C",), "&Compare Selected Takes", "View", "compare", checkable=True),
    *(KeyBinding(f"audible_{n}", (str(n),), f"Hear Compared Take {n}", "View") for n in range(1, 5)),
    KeyBinding("leave_compare", ("Esc",), "Leave Compare", "View"),
    KeyBinding("toggle_grid", ("Ctrl+G",), "Grid / List", "View", "grid", checkable=True),
    KeyBinding("find_takes", ("Ctrl+F",), "&Find Takes…", "View"),
)

BINDING = {binding.name: binding for binding in KEYMAP}

# Keys whose plain digit moves to the audible-take actions while Compare is open.
COMPARE_DIGITS = range(1, 5)


def tooltip(binding: KeyBinding) -> str:
    text = binding.text.replace("&", "").rstrip("…")
    return f"{text} ({binding.keys[0]})" if binding.keys else text


_TEXT_FIELDS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)
_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)


def is_typing(widget) -> bool:
    """True when the widget is a text field the editor can type into."""
    if not isinstance(widget, _TEXT_FIELDS):
        return False
    read_only = getattr(widget, "isReadOnly", None)
    return not (read_only and read_only())


class ShortcutGuard(QObject):
    """Application event filter: while a text field has focus, plain keys (letters, digits, Space,
    arrows, Enter, Esc) are typing, not commands. Keys with Ctrl/Alt stay commands (Ctrl+Q quits),
    except those the field itself claims (Ctrl+Z undoes typing)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            focus = QApplication.focusWidget()
            if is_typing(focus) and not (event.modifiers() & _COMMAND_MODIFIERS):
                event.accept()   # the key goes to the field as a key press
                return True
        return False
