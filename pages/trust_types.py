"""Trust types: organisation types and sectors side by side, each against all others."""


from pages._ui import current_view, intro, page_header, panels, show_panel

view = current_view()
page_header("Trust types", view, "trust_types")
intro("trust_types", view)
if view is not None:
    for panel in panels("trust_types", view):
        show_panel(panel, view)
