"""Screens of the TUI: main, metrics, help, search, timeline, compare, week picker."""
