"""SLA: business calendars, policies and their clocks, escalation ladders, timers and the
sweeper that fires them. `calendar.py` and `clocks.py` are pure arithmetic; `services/` keeps
the clocks and timers, `selectors.py` chooses the policy."""
