"""Privacy-preserving machine learning on Veil's data (install with ``veil[ml]``)."""
