"""Generated data: the illustrative demo dataset in the study's design (design: the study's parameters and
answer draws, shared; demo; its 2009 follow-up demo_followup; demo_stories),
the national-scale synthetic dataset (national), and the check of the demo against the published findings
(calibration). Imports the layers below; only the command line and tests import it.
"""
