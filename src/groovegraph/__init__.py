"""groovegraph: a music-discovery and groove-analysis agent."""

__version__ = "0.1.0"
