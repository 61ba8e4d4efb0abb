"""What a page shows, as plain data: the one registry of pages and their panels (registry), the panels of each
page (panels, acting_panels, voice_panels, measures), charts in the house style (charts), the one palette
every chart draws with and its colour-blindness and contrast checks (colour), plain-English summaries
(summaries, overview), page words (page_text), links and drill-down (links, drilldown), dataset labels
(datasets) and the guided import's steps (import_steps). No Streamlit here: pages/ draws these. Imports every
layer below outputs.
"""
