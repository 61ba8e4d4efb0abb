"""Influence by domain: % positive with intervals, and the full answer distribution."""


from pages._ui import current_view, intro, page_header, panels, show_panel

view = current_view()
page_header("Influence by domain", view, "domains")
intro("domains", view)
if view is not None:
    for panel in panels("domains", view):
        show_panel(panel, view)
