"""The business file: one YAML (or TOML) file describing services, providers, hours and rules."""

from bookingbot.business.loader import load_business_file, parse_business
from bookingbot.business.problems import BusinessFileError, Problem, format_path

__all__ = ["BusinessFileError", "Problem", "format_path", "load_business_file", "parse_business"]
