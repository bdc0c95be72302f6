"""The booking core: pure domain logic. Imports nothing but the standard library."""
