"""The arsearch command line: parses arguments, calls the library once, formats what comes back."""
