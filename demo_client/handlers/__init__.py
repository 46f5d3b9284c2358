"""Answers to what a server asks: elicitation answers, samplers, and example values from schemas."""
