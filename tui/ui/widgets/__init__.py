"""Widgets of the main screen: week list, section tree, report view, KPI panel."""
