"""Escalation reporting: the figures of the dashboard, the API and the exports (metrics.py),
the dashboard put together from them (dashboard.py), where tickets wait longest
(bottlenecks.py), how each AI confidence threshold performs and what it should be
(thresholds.py), and before/after comparisons."""
