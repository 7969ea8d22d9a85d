"""Mutation testing of the lines a change touches, so a review learns whether its tests notice."""
