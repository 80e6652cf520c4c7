"""PDF country profiles and data exports."""
