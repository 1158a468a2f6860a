"""The only code that writes. Each service runs in one transaction and leaves an audit event."""
