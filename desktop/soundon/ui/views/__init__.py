"""Widgets of the main window: the take grid and list, the inspector, the import panel, the
listening switch."""
