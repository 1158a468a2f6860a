"""Rules. The engine is pure (engine, conditions, cel_conditions, codegen, actions, scripts,
fields, text): it validates and compiles conditions and actions and evaluates a rule set
against the facts of one event, with no database. `selectors.py` reads the facts and the live
rule set; `services/` applies what the engine decides, runs drills and delivers webhooks."""
