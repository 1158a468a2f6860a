"""SLA arithmetic, pure: business calendars and clocks. The services that keep SLA clocks,
ladders and the deadline sweep build on it (`escalations.services.sla`, `timers`, `sweeper`)."""
