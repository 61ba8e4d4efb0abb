"""Seldom-heard groups: group by domain, each group against everyone else, and who speaks for whom."""


from pages._ui import current_view, intro, page_header, panels, show_panel

view = current_view()
page_header("Seldom-heard groups", view, "groups")
intro("groups", view)
if view is not None:
    for panel in panels("groups", view):
        show_panel(panel, view)
