"""Qt widgets, item models and dialogs. The only package that imports QtWidgets."""
