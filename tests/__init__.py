"""camdigits test suite (a package, so no installed top-level ``tests`` can shadow it)."""
