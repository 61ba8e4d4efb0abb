"""Statistics: percentages with their bases and 95% intervals, comparisons (metrics), and disclosure
control (disclosure), the one function every output passes through. Imports only analysis.model.
"""
