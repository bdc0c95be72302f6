"""Load and validate the business file; the implementation lives in ``bookingbot.business``."""

from bookingbot.business import BusinessFileError, Problem, load_business_file, parse_business

__all__ = ["BusinessFileError", "Problem", "load_business_file", "parse_business"]
