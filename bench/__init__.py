"""Rendered test scenes with exact ground truth, and the accuracy and speed benchmarks that use them."""
