"""The rules engine, pure: validate and compile conditions and actions, evaluate a rule set
against the facts of one event. No ORM writes here; services apply what it decides."""
