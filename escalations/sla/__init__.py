"""SLA clocks: business-time arithmetic (pure) and, later, the deadline sweep."""
